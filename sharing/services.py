"""Every write to consent, shares, emergency overrides and transfers, each with its audit event.

Each runs in one transaction. A share and a consent withdrawal both lock the consent row first
(SELECT ... FOR UPDATE), so a share racing a withdrawal either sees the withdrawal and is
refused, or commits first and is then ended by it: no grant is ever left behind.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from casehub import search
from casehub.access import CaseAction, case_actions
from casehub.crypto.blind_index import blind_index_fields
from casehub.crypto.fields import encrypted_models, records_of_case
from casehub.grants import (
    SHARE_CODENAMES,
    VIEW_CASE,
    CaseGroupObjectPermission,
    CaseShare,
    CaseTransfer,
    CaseUserObjectPermission,
    Consent,
    ConsentDecision,
    ConsentMethod,
    ConsentProvision,
    EmergencyOverride,
    OverrideStatus,
    Purpose,
    ShareEnd,
    TransferStatus,
    group_codename,
)
from casehub.models import Case, CaseEvent, SearchTerm
from casehub.services import case_number_next
from directory.models import Service, ServiceStatus
from orgs import fieldgroups
from orgs.models import Organization, OrganizationStatus, OrgRoleGroup, Role
from sharing import notices

RECIPIENT_ROLES = (Role.CASEWORKER, Role.COORDINATOR)


class ShareRefused(ValidationError):
    """A share (or transfer) the survivor's consent does not cover; the message says which part."""


def _require(user, case: Case, action: CaseAction) -> None:
    if action not in case_actions(user, case):
        raise PermissionDenied


def _organization(user) -> Organization:
    return user.membership.organization


# Consent ----------------------------------------------------------------------------------------


def _clean_provisions(provisions: list[dict]) -> list[dict]:
    if not provisions:
        raise ValidationError({"provisions": [_("Say who may receive what, and why.")]})
    cleaned = []
    for provision in provisions:
        organization = provision.get("recipient_organization")
        kind = (provision.get("recipient_service_kind") or "").strip()
        groups = sorted(set(provision.get("field_groups") or []))
        purposes = sorted(set(provision.get("purposes") or []))
        if bool(organization) == bool(kind):
            raise ValidationError({"provisions": [_("Name one organization or one kind of service.")]})
        if organization is not None and organization.status != OrganizationStatus.VETTED:
            raise ValidationError({"provisions": [_("Only vetted organizations can receive a case.")]})
        if not groups or not set(groups) <= fieldgroups.ALL:
            raise ValidationError({"provisions": [_("Choose the parts of the case that may be shared.")]})
        if not purposes or not set(purposes) <= set(Purpose.values):
            raise ValidationError({"provisions": [_("Choose at least one purpose.")]})
        cleaned.append(
            {
                "recipient_organization": organization,
                "recipient_service_kind": kind,
                "field_groups": groups,
                "purposes": purposes,
            }
        )
    return cleaned


@transaction.atomic
def consent_record(
    *,
    case: Case,
    by,
    decision: str,
    method: str,
    provisions: list[dict] = (),
    valid_from=None,
    valid_until=None,
    interpreter_language: str = "",
    witness: str = "",
    notes: str = "",
    signed_form=None,
) -> Consent:
    """Record what the survivor agreed to, or that they refused (a refusal has no provisions)."""
    _require(by, case, CaseAction.CONSENT)
    if decision not in ConsentDecision.values or method not in ConsentMethod.values:
        raise ValidationError(_("Choose the decision and how consent was obtained."))
    if method == ConsentMethod.INTERPRETER and not interpreter_language:
        raise ValidationError({"interpreter_language": [_("Say in which language the interpreter spoke.")]})
    if method == ConsentMethod.VERBAL_WITNESSED and not witness.strip():
        raise ValidationError({"witness": [_("Name the witness.")]})
    valid_from = valid_from or timezone.now()
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError({"valid_until": [_("The end must come after the start.")]})
    if signed_form is not None and signed_form.case_id != case.pk:
        raise ValidationError({"signed_form": [_("The signed form must be a document of this case.")]})
    cleaned = _clean_provisions(list(provisions)) if decision == ConsentDecision.GRANTED else []
    consent = Consent(
        case=case,
        decision=decision,
        method=method,
        interpreter_language=interpreter_language if method == ConsentMethod.INTERPRETER else "",
        witness=witness.strip() or None,
        notes=notes.strip() or None,
        signed_form=signed_form,
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_by=by,
    )
    consent.save()
    ConsentProvision.objects.bulk_create(ConsentProvision(consent=consent, **provision) for provision in cleaned)
    audit_record(
        "consent.recorded",
        actor=by,
        organization=_organization(by),
        target=case,
        details={"consent": str(consent.uuid), "decision": decision, "method": method, "provisions": len(cleaned)},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by) -> list[CaseShare]:
    """The survivor withdraws consent: every share resting on it ends now and recipients are told.

    Pages and the API call rights.services.consent_withdraw, which also ends the referrals sent
    under the consent in the same transaction."""
    _require(by, consent.case, CaseAction.CONSENT)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None or consent.decision != ConsentDecision.GRANTED:
        raise ValidationError(_("This consent is not in force."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    ended = [
        _end(share, by=by, reason=ShareEnd.CONSENT_WITHDRAWN)
        for share in CaseShare.objects.select_for_update().filter(consent=consent, ended_at__isnull=True)
    ]
    audit_record(
        "consent.withdrawn",
        actor=by,
        organization=_organization(by),
        target=consent.case,
        details={"consent": str(consent.uuid), "shares_ended": len(ended)},
    )
    return ended


def _offers_kind(organization: Organization, kind: str) -> bool:
    return Service.objects.filter(
        Q(kind__code=kind) | Q(kind__code__startswith=kind + "."),
        organization=organization,
        status=ServiceStatus.ACTIVE,
    ).exists()


def _covers_recipient(provision: ConsentProvision, organization: Organization) -> bool:
    if provision.recipient_organization_id is not None:
        return provision.recipient_organization_id == organization.pk
    return _offers_kind(organization, provision.recipient_service_kind)


def covering_provision(
    case: Case, *, organization: Organization, purpose: str, field_groups, lock: bool = False
) -> ConsentProvision:
    """The active consent provision that covers sharing ``field_groups`` of the case with
    ``organization`` for ``purpose``; otherwise ShareRefused saying which part is missing."""
    now = timezone.now()
    consents = Consent.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        case=case,
        decision=ConsentDecision.GRANTED,
        withdrawn_at__isnull=True,
        valid_from__lte=now,
    )
    if lock:
        consents = consents.select_for_update()
    consent_ids = list(consents.values_list("pk", flat=True))
    provisions = ConsentProvision.objects.filter(consent_id__in=consent_ids).order_by("pk")
    for_recipient = [provision for provision in provisions if _covers_recipient(provision, organization)]
    if not for_recipient:
        raise ShareRefused(_("No consent in force covers sharing with this organization."), code="recipient")
    for_purpose = [provision for provision in for_recipient if purpose in provision.purposes]
    if not for_purpose:
        raise ShareRefused(_("The survivor's consent does not cover this purpose."), code="purpose")
    wanted = set(field_groups)
    best = min(for_purpose, key=lambda provision: len(wanted - set(provision.field_groups)))
    missing = wanted - set(best.field_groups)
    if missing:
        labels = ", ".join(str(fieldgroups.LABELS[group]) for group in sorted(missing))
        raise ShareRefused(
            _("The survivor's consent does not cover these parts of the case: %(groups)s.") % {"groups": labels},
            code="field_groups",
        )
    return best


# Shares -----------------------------------------------------------------------------------------


def _recipient_group_ids(organization: Organization, roles=RECIPIENT_ROLES) -> list[int]:
    return list(
        OrgRoleGroup.objects.filter(organization=organization, role__in=roles).values_list("group_id", flat=True)
    )


def _grant(share: CaseShare) -> None:
    """The share's guardian rows: view_case plus one view_case_<group> per field group, for the
    recipient's caseworker and coordinator groups (a share naming one person: the coordinators'
    group and that person), each ending with the share or, if earlier, with its consent."""
    from django.contrib.auth.models import Permission

    codenames = {VIEW_CASE, *map(group_codename, share.field_groups)}
    assert codenames <= SHARE_CODENAMES
    permissions = list(Permission.objects.filter(content_type__app_label="casehub", codename__in=codenames))
    ends_at = share.ends_at
    roles = RECIPIENT_ROLES if share.to_user_id is None else (Role.COORDINATOR,)
    CaseGroupObjectPermission.objects.bulk_create(
        CaseGroupObjectPermission(
            content_object_id=share.case_id, group_id=group_id, permission=permission, share=share, expires_at=ends_at
        )
        for group_id in _recipient_group_ids(share.to_organization, roles)
        for permission in permissions
    )
    if share.to_user_id is not None:
        CaseUserObjectPermission.objects.bulk_create(
            CaseUserObjectPermission(
                content_object_id=share.case_id,
                user_id=share.to_user_id,
                permission=permission,
                share=share,
                expires_at=ends_at,
            )
            for permission in permissions
        )


def _open(share: CaseShare, *, by, organization, tell: bool = True, **details) -> CaseShare:
    """Save a new share, write its grants and (``tell``) tell the people it lets in; audited as
    ``share.created`` by ``organization`` (None: the caller audits the decision that opened it)."""
    share.save()
    _grant(share)
    if organization is not None:
        audit_record(
            "share.created",
            actor=by,
            organization=organization,
            target=share.case,
            details={
                "share": str(share.uuid),
                "to": str(share.to_organization.uuid),
                "groups": share.field_groups,
                "purpose": share.purpose,
                **details,
                "expires_at": share.expires_at.isoformat(),
            },
        )
    if tell:
        notices.share_opened(share, by=by)
    return share


def _end(share: CaseShare, *, by, reason: str, tell: bool = True) -> CaseShare:
    share.ended_at = timezone.now()
    share.ended_by = by
    share.end_reason = reason
    share.save(update_fields=["ended_at", "ended_by", "end_reason"])
    share.grants.all().delete()
    share.user_grants.all().delete()
    audit_record(
        "share.ended",
        actor=by,
        organization=share.from_organization,
        target=share.case,
        details={"share": str(share.uuid), "to": str(share.to_organization.uuid), "reason": reason},
    )
    if tell:
        notices.share_ended(share, by=by)
    return share


def _lapsed(now) -> Q:
    """Open shares whose time is up: their own expiry, or their consent's end, has passed."""
    return Q(ended_at__isnull=True) & (Q(expires_at__lte=now) | Q(consent__valid_until__lte=now))


def _end_lapsed(share: CaseShare) -> CaseShare:
    consent_end = share.consent.valid_until if share.consent_id else None
    if share.override_id:
        reason = ShareEnd.OVERRIDE_ENDED
    elif consent_end is not None and consent_end <= share.expires_at:
        reason = ShareEnd.CONSENT_EXPIRED
    else:
        reason = ShareEnd.EXPIRED
    return _end(share, by=None, reason=reason)


def _retire_expired(case: Case, organization: Organization) -> None:
    now = timezone.now()
    lapsed = CaseShare.objects.select_for_update(of=("self",)).select_related("consent")
    for share in lapsed.filter(_lapsed(now), case=case, to_organization=organization):
        _end_lapsed(share)


def share_expiry(*, days: int | None = None):
    days = settings.CASEHUB_SHARE_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.CASEHUB_SHARE_MAX_DAYS:
        raise ValidationError(
            {"days": [_("A share lasts from 1 to %(max)d days.") % {"max": settings.CASEHUB_SHARE_MAX_DAYS}]}
        )
    return timezone.now() + timedelta(days=days)


def _check_recipient(case: Case, organization: Organization) -> None:
    if organization.pk == case.organization_id:
        raise ValidationError(_("The case already belongs to this organization."))
    if organization.status != OrganizationStatus.VETTED:
        raise ValidationError(_("Only vetted organizations can receive a case."))


@transaction.atomic
def share_create(
    *,
    case: Case,
    by,
    to_organization: Organization,
    field_groups,
    purpose: str,
    days: int | None = None,
    message: str = "",
) -> CaseShare:
    """A coordinator shares a case within the survivor's consent; refused, writing nothing, otherwise."""
    _require(by, case, CaseAction.SHARE)
    field_groups = sorted(set(field_groups))
    if not field_groups or not set(field_groups) <= fieldgroups.ALL:
        raise ValidationError({"field_groups": [_("Choose the parts of the case to share.")]})
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": [_("Choose a purpose.")]})
    expires_at = share_expiry(days=days)
    _check_recipient(case, to_organization)
    provision = covering_provision(
        case, organization=to_organization, purpose=purpose, field_groups=field_groups, lock=True
    )
    _retire_expired(case, to_organization)
    if CaseShare.objects.filter(case=case, to_organization=to_organization, ended_at__isnull=True).exists():
        raise ValidationError(_("The case is already shared with this organization: end that share first."))
    share = CaseShare(
        case=case,
        from_organization=case.organization,
        to_organization=to_organization,
        consent=provision.consent,
        provision=provision,
        field_groups=field_groups,
        purpose=purpose,
        message=message.strip() or None,
        created_by=by,
        expires_at=expires_at,
    )
    return _open(share, by=by, organization=case.organization)


@transaction.atomic
def share_revoke(*, share: CaseShare, by) -> CaseShare:
    _require(by, share.case, CaseAction.SHARE)
    # of=self: lock the share only, not the joined case and organization rows (the clean-up task
    # skips locked rows, and would otherwise skip every other share to the same recipient).
    share = CaseShare.objects.select_for_update(of=("self",)).select_related("case", "to_organization").get(pk=share.pk)
    if share.ended_at is not None:
        raise ValidationError(_("This share has already ended."))
    return _end(share, by=by, reason=ShareEnd.REVOKED)


def sharing_end_for_erased_case(*, case: Case, by) -> None:
    """The case's data key is gone: its shares end, and offers and requests waiting on it are cancelled."""
    for share in CaseShare.objects.select_for_update().filter(case=case, ended_at__isnull=True):
        _end(share, by=by, reason=ShareEnd.CASE_ERASED)
    now = timezone.now()
    CaseTransfer.objects.filter(case=case, status=TransferStatus.OFFERED).update(
        status=TransferStatus.CANCELLED, decided_by=by, decided_at=now
    )
    EmergencyOverride.objects.filter(case=case, status=OverrideStatus.REQUESTED).update(
        status=OverrideStatus.CANCELLED, decided_by=by, decided_at=now
    )


@transaction.atomic
def share_for_referral(*, referral, by) -> CaseShare | None:
    """A referral was accepted: widen the receiver's access from the offer tier to the field groups
    the survivor's consent allows for referrals, as a share the case's organization makes.

    The receiving coordinator is the actor. Refused (ShareRefused) when no consent in force
    covers the receiver for referrals; None when the receiver already holds an open share.
    """
    membership = by.membership
    if (
        membership is None
        or membership.organization_id != referral.to_organization_id
        or membership.role != Role.COORDINATOR
        or membership.organization.status != OrganizationStatus.VETTED
    ):
        raise PermissionDenied
    case = Case.objects.select_related("organization").get(pk=referral.case_id)
    to_organization = membership.organization
    _check_recipient(case, to_organization)
    provision = covering_provision(
        case, organization=to_organization, purpose=Purpose.REFERRAL, field_groups=(), lock=True
    )
    _retire_expired(case, to_organization)
    if CaseShare.objects.filter(case=case, to_organization=to_organization, ended_at__isnull=True).exists():
        return None
    share = CaseShare(
        case=case,
        from_organization=case.organization,
        to_organization=to_organization,
        # Minimum necessary: the receiving coordinators and the person doing the work, no one else.
        to_user=referral.assigned_to,
        consent=provision.consent,
        provision=provision,
        field_groups=sorted(provision.field_groups),
        purpose=Purpose.REFERRAL,
        created_by=by,
        expires_at=timezone.now() + timedelta(days=settings.REFERRAL_SHARE_DAYS),
    )
    # The referral workflow tells the people concerned of the acceptance: one set of notices.
    return _open(share, by=by, organization=to_organization, tell=False, referral=str(referral.uuid))


def share_hand_to(*, share: CaseShare, user, by) -> None:
    """The share naming one person now names another (a referral's work handed on): the first
    loses access, the second gains it, in the caller's transaction."""
    share = (
        CaseShare.objects.select_for_update(of=("self",))
        .select_related("consent", "case", "to_organization")
        .get(pk=share.pk)
    )
    if share.ended_at is not None or share.to_user_id is None or share.to_user_id == user.pk:
        return
    share.to_user = user
    share.save(update_fields=["to_user"])
    share.user_grants.all().delete()
    share.grants.all().delete()
    _grant(share)
    audit_record(
        "share.handed_to",
        actor=by,
        organization=by.membership.organization,
        target=share.case,
        details={"share": str(share.uuid), "to_user": str(user.uuid)},
    )


def share_end_for_referral(*, share: CaseShare, by, tell: bool = False) -> CaseShare | None:
    """End a referral's share (declined, withdrawn, expired, failed, or its follow-up is over).

    The workflow tells of the referral's change; ``tell`` when nothing else announces the end."""
    share = CaseShare.objects.select_for_update().select_related("case", "to_organization").get(pk=share.pk)
    if share.ended_at is not None:
        return None
    return _end(share, by=by, reason=ShareEnd.REVOKED, tell=tell)


def shares_retire_expired(*, batch_size: int = 500) -> int:
    """End the shares whose time is up, or whose consent ended, and delete their grants (reads
    never depended on this: the grants carry the same end). Each ending is audited."""
    retired = 0
    while True:
        now = timezone.now()
        with transaction.atomic():
            batch = list(
                CaseShare.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "to_organization", "from_organization", "consent")
                .filter(_lapsed(now))
                .order_by("pk")[:batch_size]
            )
            for share in batch:
                _end_lapsed(share)
        retired += len(batch)
        if len(batch) < batch_size:
            return retired


# Emergency overrides ----------------------------------------------------------------------------


@transaction.atomic
def override_request(
    *, case: Case, by, to_organization: Organization, legal_basis: str, reason: str, field_groups, hours: int
) -> EmergencyOverride:
    """Ask for access without consent because someone is in imminent danger."""
    _require(by, case, CaseAction.SHARE)
    from casehub.grants import LegalBasis

    if legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": [_("Choose the legal basis.")]})
    if len(reason.strip()) < 20:
        raise ValidationError({"reason": [_("Explain the danger in a few sentences.")]})
    field_groups = sorted(set(field_groups))
    if not field_groups or not set(field_groups) <= fieldgroups.ALL:
        raise ValidationError({"field_groups": [_("Choose the parts of the case to share.")]})
    if not 1 <= hours <= settings.CASEHUB_OVERRIDE_MAX_HOURS:
        raise ValidationError(
            {"hours": [_("Emergency access lasts 1 to %(max)d hours.") % {"max": settings.CASEHUB_OVERRIDE_MAX_HOURS}]}
        )
    _check_recipient(case, to_organization)
    override = EmergencyOverride(
        case=case,
        to_organization=to_organization,
        legal_basis=legal_basis,
        reason=reason.strip(),
        field_groups=field_groups,
        hours=hours,
        requested_by=by,
    )
    override.save()
    audit_record(
        "override.requested",
        actor=by,
        organization=case.organization,
        target=case,
        details={"override": str(override.uuid), "to": str(to_organization.uuid), "legal_basis": legal_basis},
    )
    notices.override_requested(override)
    return override


@transaction.atomic
def override_decide(*, override: EmergencyOverride, by, approve: bool) -> EmergencyOverride:
    """A second coordinator approves (the time box starts now) or declines; the requester cancels."""
    override = EmergencyOverride.objects.select_for_update().select_related("case").get(pk=override.pk)
    case = override.case
    _require(by, case, CaseAction.SHARE)
    if override.status != OverrideStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    if approve and by.pk == override.requested_by_id:
        raise PermissionDenied(_("A second coordinator must approve emergency access."))
    if not approve and by.pk == override.requested_by_id:
        override.status = OverrideStatus.CANCELLED
    else:
        override.status = OverrideStatus.APPROVED if approve else OverrideStatus.DECLINED
    override.decided_by = by
    override.decided_at = timezone.now()
    override.save(update_fields=["status", "decided_by", "decided_at"])
    if override.status == OverrideStatus.APPROVED:
        _retire_expired(case, override.to_organization)
        if CaseShare.objects.filter(
            case=case, to_organization=override.to_organization, ended_at__isnull=True
        ).exists():
            raise ValidationError(_("The case is already shared with this organization: end that share first."))
        share = CaseShare(
            case=case,
            from_organization=case.organization,
            to_organization=override.to_organization,
            override=override,
            field_groups=override.field_groups,
            purpose=Purpose.COORDINATION,
            created_by=by,
            expires_at=override.decided_at + timedelta(hours=override.hours),
        )
        _open(share, by=by, organization=None)
    audit_record(
        f"override.{override.status}",
        actor=by,
        organization=case.organization,
        target=case,
        details={"override": str(override.uuid), "to": str(override.to_organization.uuid)},
    )
    return override


# Transfers --------------------------------------------------------------------------------------


@transaction.atomic
def transfer_offer(*, case: Case, by, to_organization: Organization, message: str = "") -> CaseTransfer:
    """Offer the case to another organization; needs consent covering it for coordination."""
    _require(by, case, CaseAction.TRANSFER)
    _check_recipient(case, to_organization)
    provision = covering_provision(
        case, organization=to_organization, purpose=Purpose.COORDINATION, field_groups=fieldgroups.ALL, lock=True
    )
    if CaseTransfer.objects.filter(case=case, status=TransferStatus.OFFERED).exists():
        raise ValidationError(_("A transfer of this case is already waiting for an answer."))
    transfer = CaseTransfer(
        case=case,
        from_organization=case.organization,
        to_organization=to_organization,
        consent=provision.consent,
        message=message.strip() or None,
        offered_by=by,
    )
    transfer.save()
    audit_record(
        "transfer.offered",
        actor=by,
        organization=case.organization,
        target=case,
        details={"transfer": str(transfer.uuid), "to": str(to_organization.uuid)},
    )
    notices.transfer_offered(transfer)
    return transfer


def _reindex(case: Case) -> None:
    """Recompute the case's blind indexes under its new organization's index key (its search
    terms are made again by search.reindex)."""
    for model in encrypted_models():
        fields = blind_index_fields(model)
        if not fields or model is SearchTerm:
            continue
        for row in records_of_case(model, case):
            row.case = case
            for field in fields:
                getattr(row, field.source)  # decrypt, so pre_save recomputes the index
            row.save(update_fields=[field.attname for field in fields])


@transaction.atomic
def transfer_decide(*, transfer: CaseTransfer, by, accept: bool) -> CaseTransfer:
    """The receiving coordinator accepts (the case becomes theirs, history and all) or declines."""
    transfer = CaseTransfer.objects.select_for_update().select_related("case", "consent").get(pk=transfer.pk)
    membership = by.membership
    if (
        membership is None
        or membership.organization_id != transfer.to_organization_id
        or membership.role != Role.COORDINATOR
        or membership.organization.status != OrganizationStatus.VETTED
    ):
        raise PermissionDenied
    if transfer.status != TransferStatus.OFFERED:
        raise ValidationError(_("This transfer has already been decided."))
    case = Case.objects.select_for_update().get(pk=transfer.case_id)
    if accept and (case.data_key_wrapped is None or not transfer.consent.is_active()):
        raise ValidationError(_("The survivor's consent for this transfer is no longer in force."))
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    if accept:
        for share in CaseShare.objects.select_for_update().filter(case=case, ended_at__isnull=True):
            _end(share, by=by, reason=ShareEnd.TRANSFERRED)
        transfer.old_case_number = case.case_number
        case.organization = membership.organization
        case.case_number = case_number_next(membership.organization)
        case.updated_at, case.updated_by = timezone.now(), by
        case.save(update_fields=["organization", "case_number", "updated_at", "updated_by"])
        case.assigned_caseworkers.clear()
        _reindex(case)
        search.reindex(case)  # its terms belong to the new organization (and read its phone numbers)
        CaseEvent(
            case=case,
            actor=by,
            action="transferred",
            changes={"case_number": [transfer.old_case_number, case.case_number]},
        ).save()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "old_case_number"])
    audit_record(
        f"transfer.{transfer.status}",
        actor=by,
        organization=membership.organization,
        target=case,
        details={"transfer": str(transfer.uuid), "from": str(transfer.from_organization.uuid)},
    )
    notices.transfer_decided(transfer)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: CaseTransfer, by) -> CaseTransfer:
    transfer = CaseTransfer.objects.select_for_update().select_related("case").get(pk=transfer.pk)
    _require(by, transfer.case, CaseAction.TRANSFER)
    if transfer.status != TransferStatus.OFFERED:
        raise ValidationError(_("This transfer has already been decided."))
    transfer.status = TransferStatus.CANCELLED
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        "transfer.cancelled",
        actor=by,
        organization=transfer.from_organization,
        target=transfer.case,
        details={"transfer": str(transfer.uuid)},
    )
    return transfer
