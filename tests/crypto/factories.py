"""Cases and sealed records for the crypto tests."""

import itertools

from casehub.services import case_create
from tests.crypto.models import SealedRecord

_numbers = itertools.count(1)


def a_case(organization):
    return case_create(organization=organization, case_number=f"C-{next(_numbers):05d}")


def a_record(case, **fields) -> SealedRecord:
    record = SealedRecord(case=case, **fields)
    record.save()
    return record


def reloaded(record) -> SealedRecord:
    return SealedRecord.objects.get(pk=record.pk)
