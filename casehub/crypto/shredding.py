"""Crypto-shredding: erasing a case by destroying its data key.

Two coordinators of the case's organization are needed: one requests the erasure with a reason
code, a different one confirms it. Confirming overwrites the wrapped data key in the same
transaction as the audit event, clears the case's blind indexes (they are pseudonymous data
that would still confirm a guess), and leaves the erasure row as the tombstone: case number,
who asked, who confirmed, when and why. Every encrypted field and attachment of the case then
raises ErasedError. Irreversible: nothing in CaseHub can restore a destroyed data key.

When the erased case also stops being recoverable from backups is explained in
docs/security-model.md ("Erasure and backups").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from casehub.crypto.blind_index import blind_index_fields
from casehub.crypto.fields import encrypted_models, records_of_case
from casehub.crypto.keyring import data_key_destroy
from casehub.models import Case, CaseErasure, ErasureReason, ErasureStatus
from orgs.access import member_role
from orgs.models import Role


class ErasureRefused(Exception):
    """The erasure cannot proceed in its current state (already erased, pending, or the same person)."""


def _require_coordinator(user, case: Case) -> None:
    # member_role is None for suspended or unvetted organizations, so they cannot erase either.
    if member_role(user) != Role.COORDINATOR or user.membership.organization_id != case.organization_id:
        raise PermissionDenied


def case_erase_request(*, case: Case, by, reason: str) -> CaseErasure:
    """A coordinator of the owner organization asks for the case to be erased."""
    _require_coordinator(by, case)
    if reason not in ErasureReason.values:
        raise ValueError("unknown erasure reason")
    with transaction.atomic():
        locked = Case._base_manager.select_for_update().only("pk", "data_key_wrapped").get(pk=case.pk)
        if locked.data_key_wrapped is None:
            raise ErasureRefused("the case is already erased")
        if CaseErasure.objects.filter(case=case, status=ErasureStatus.REQUESTED).exists():
            raise ErasureRefused("an erasure of this case is already waiting for confirmation")
        erasure = CaseErasure.objects.create(
            case=case,
            case_uuid=case.uuid,
            case_number=case.case_number,
            organization_id=case.organization_id,
            reason=reason,
            requested_by=by,
        )
        audit_record(
            "case.erase_requested",
            actor=by,
            organization=case.organization,
            target=case,
            details={"reason": reason, "erasure": str(erasure.uuid)},
        )
    return erasure


def case_erase_confirm(*, erasure: CaseErasure, by) -> CaseErasure:
    """A second, different coordinator confirms: the data key is destroyed. Irreversible.

    Pages and the API call rights.services.case_erase_confirm, which also ends the case's shares
    and referrals in the same transaction."""
    case = erasure.case
    if case is None:
        raise ErasureRefused("the case no longer exists")
    _require_coordinator(by, case)
    with transaction.atomic():
        erasure = CaseErasure.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status != ErasureStatus.REQUESTED:
            raise ErasureRefused("this erasure is not waiting for confirmation")
        if erasure.requested_by_id == by.pk:
            raise ErasureRefused("a second coordinator must confirm the erasure")
        # Locking the case row also waits for a rotation batch holding it, so a rotation can
        # never write the wrapped key back after it was destroyed.
        locked = Case._base_manager.select_for_update().only("pk", "data_key_id").get(pk=case.pk)
        data_key_destroy(locked)
        case.data_key_wrapped = None
        _clear_blind_indexes(case)
        erasure.status, erasure.confirmed_by, erasure.decided_at = ErasureStatus.ERASED, by, timezone.now()
        erasure.save(update_fields=["status", "confirmed_by", "decided_at"])
        audit_record(
            "case.erased",
            actor=by,
            organization=case.organization,
            target=case,
            details={"reason": erasure.reason, "erasure": str(erasure.uuid), "requested_by": erasure.requested_by_id},
        )
    return erasure


def case_erase_cancel(*, erasure: CaseErasure, by) -> CaseErasure:
    """Any coordinator of the organization withdraws a request that was not confirmed yet."""
    if erasure.case is None:
        raise ErasureRefused("the case no longer exists")
    _require_coordinator(by, erasure.case)
    with transaction.atomic():
        erasure = CaseErasure.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status != ErasureStatus.REQUESTED:
            raise ErasureRefused("this erasure is not waiting for confirmation")
        erasure.status, erasure.decided_at = ErasureStatus.CANCELLED, timezone.now()
        erasure.save(update_fields=["status", "decided_at"])
        audit_record(
            "case.erase_cancelled",
            actor=by,
            organization=erasure.organization,
            target=erasure.case,
            details={"erasure": str(erasure.uuid)},
        )
    return erasure


def _clear_blind_indexes(case: Case) -> None:
    for model in encrypted_models():
        names = [field.attname for field in blind_index_fields(model)]
        if names:
            records_of_case(model, case).update(**dict.fromkeys(names))
