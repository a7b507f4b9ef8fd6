"""Case services. The case records work extends this module with the survivor's records."""

from django.db import transaction

from casehub.audit import audit_record
from casehub.crypto.keyring import data_key_assign
from casehub.models import Case


def case_create(*, organization, case_number: str, by=None) -> Case:
    """Open a case with its own fresh data key."""
    with transaction.atomic():
        case = Case(organization=organization, case_number=case_number)
        data_key_assign(case)
        case.save(force_insert=True)
        audit_record("case.created", actor=by, organization=organization, target=case)
    return case
