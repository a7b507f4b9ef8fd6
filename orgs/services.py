"""Every write to organizations, memberships, invitations and tokens, each with its audit event."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from orgs import capabilities, fieldgroups, sealing, zones
from orgs.models import (
    ApiToken,
    ApplicationDocument,
    Authenticator,
    Invitation,
    Membership,
    Organization,
    OrganizationGroupObjectPermission,
    OrganizationReference,
    OrganizationStatus,
    OrganizationStatusChange,
    OrgRoleGroup,
    RecoveryCode,
    RecoveryCodes,
    ReferenceStatus,
    Role,
    User,
    recovery_code_hashes,
)
from orgs.tasks import send_email

S = OrganizationStatus


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _email_on_commit(to: list[str], template: str, context: dict | None = None) -> None:
    transaction.on_commit(lambda: send_email.delay(to, template, context or {}))


# Organizations and vetting -------------------------------------------------------------------


def organization_role_groups_create(*, organization: Organization) -> None:
    """The organization's role groups, each with its role's default case capabilities."""
    for role in Role.values:
        group, _created = Group.objects.get_or_create(name=f"org:{organization.uuid}:{role}")
        _role_group, created = OrgRoleGroup.objects.get_or_create(
            organization=organization, role=role, defaults={"group": group}
        )
        if created:
            capabilities_set(organization=organization, role=role, codenames=capabilities.DEFAULTS[role])


def capabilities_of(organization: Organization, role: str) -> frozenset[str]:
    return frozenset(
        OrganizationGroupObjectPermission.objects.filter(
            content_object=organization, group__org_role__organization=organization, group__org_role__role=role
        ).values_list("permission__codename", flat=True)
    )


def capabilities_set(*, organization: Organization, role: str, codenames) -> None:
    """Make the role's capabilities on its organization exactly ``codenames``."""
    codenames = frozenset(codenames)
    if not codenames <= capabilities.ALL_CODENAMES:
        raise ValueError("Unknown capability.")
    group = OrgRoleGroup.objects.get(organization=organization, role=role).group
    content_type = ContentType.objects.get_for_model(Organization)
    current = OrganizationGroupObjectPermission.objects.filter(content_object=organization, group=group)
    current.exclude(permission__codename__in=codenames).delete()
    present = set(current.values_list("permission__codename", flat=True))
    permissions = Permission.objects.filter(content_type=content_type, codename__in=codenames - present)
    OrganizationGroupObjectPermission.objects.bulk_create(
        OrganizationGroupObjectPermission(content_object=organization, group=group, permission=permission)
        for permission in permissions
    )


def _free_username_suffix(wanted: str) -> str:
    """ "" when ``wanted`` is free, else a random suffix that makes it free."""
    suffix = ""
    while User.objects.filter(username__iexact=wanted[: 150 - len(suffix)] + suffix).exists():
        suffix = f"-{secrets.token_hex(3)}"
    return suffix


@transaction.atomic
def organization_apply(
    *,
    organization_fields: dict,
    username: str,
    email: str,
    password: str,
    documents: list,
    referees: list[Organization],
) -> Organization:
    """A new organization applies: the organization, its first admin, documents and references.

    A taken username is not refused (that would tell anyone which usernames exist): the admin
    gets it with a random suffix, which the e-mail to the applicant's address gives (the e-mail
    names no one: it gives the suffix only)."""
    if len(set(referees)) != 2 or any(not referee.is_vetted for referee in referees):
        raise ValidationError(_("Choose two different vetted organizations as referees."))
    organization = Organization.objects.create(status=S.APPLIED, **organization_fields)
    OrganizationStatusChange.objects.create(organization=organization, to_status=S.APPLIED)
    organization_role_groups_create(organization=organization)
    suffix = _free_username_suffix(username)
    user = User.objects.create_user(username=username[: 150 - len(suffix)] + suffix, email=email, password=password)
    membership_add(organization=organization, user=user, role=Role.ORG_ADMIN, by=None)
    for upload in documents:
        ApplicationDocument.objects.create(
            organization=organization,
            file=upload,
            content_type=upload.content_type,
            size=upload.size,
        )
    for referee in referees:
        OrganizationReference.objects.create(applicant=organization, referee=referee)
    audit_record("organization.applied", actor=user, organization=organization, target=organization)
    _email_on_commit([email], "application_received", {"username_suffix": suffix})
    for referee in referees:
        admins = referee.memberships.filter(role=Role.ORG_ADMIN, is_active=True).values_list("user__email", flat=True)
        _email_on_commit(list(admins), "reference_requested")
    return organization


# Which status an organization may move to from which, and the audit action for each move.
TRANSITIONS = {
    "start_review": ({S.APPLIED}, S.UNDER_REVIEW),
    "approve": ({S.APPLIED, S.UNDER_REVIEW}, S.VETTED),
    "reject": ({S.APPLIED, S.UNDER_REVIEW}, S.REJECTED),
    "suspend": ({S.VETTED}, S.SUSPENDED),
    "reinstate": ({S.SUSPENDED}, S.VETTED),
}
REASON_REQUIRED = {"reject", "suspend", "reinstate"}


@transaction.atomic
def organization_decide(*, organization: Organization, admin: User, decision: str, reason: str = "") -> Organization:
    """A platform admin's vetting decision: start review, approve, reject, suspend or reinstate."""
    if not admin.is_platform_admin:
        raise ValidationError(_("Only platform admins decide on organizations."))
    if decision not in TRANSITIONS:
        raise ValidationError(_("Unknown decision."))
    reason = reason.strip()
    if decision in REASON_REQUIRED and not reason:
        raise ValidationError(_("Give a reason for this decision."))
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    allowed_from, to_status = TRANSITIONS[decision]
    if organization.status not in allowed_from:
        raise ValidationError(
            _("An organization that is %(status)s cannot be moved this way.")
            % {"status": organization.get_status_display().lower()}
        )
    if decision == "approve" and not (
        organization.documents_checked and organization.contact_verified and organization.references_vouched
    ):
        raise ValidationError(_("Complete the checklist before approving: documents, references, contact."))
    from_status = organization.status
    organization.status = to_status
    organization.status_changed_at = timezone.now()
    organization.status_changed_by = admin
    organization.save(update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"])
    OrganizationStatusChange.objects.create(
        organization=organization, from_status=from_status, to_status=to_status, decided_by=admin, reason=reason
    )
    if decision in ("approve", "reject"):
        # The application is decided: referees who have not answered are no longer asked.
        organization.references.filter(status=ReferenceStatus.PENDING).update(
            status=ReferenceStatus.CLOSED, decided_at=timezone.now()
        )
    if decision == "suspend":
        # Sessions end now; the access gate refuses tokens while the organization is suspended.
        User.objects.filter(memberships__organization=organization, memberships__is_active=True).update(
            session_generation=F("session_generation") + 1
        )
    audit_record(
        f"organization.{decision}",
        actor=admin,
        organization=organization,
        target=organization,
        details={"from": from_status, "to": to_status},
    )
    context = {"status": to_status}
    if decision == "reject":
        # The applicant learns why; the form asks for a reason about the organization, never a survivor.
        context["reason"] = reason
    _email_on_commit([organization.contact_email], "organization_status", context)
    return organization


@transaction.atomic
def organization_checklist_update(
    *, organization: Organization, admin: User, documents_checked: bool, contact_verified: bool, review_notes: str
) -> Organization:
    if not admin.is_platform_admin:
        raise ValidationError(_("Only platform admins review organizations."))
    organization.documents_checked = documents_checked
    organization.contact_verified = contact_verified
    organization.review_notes = review_notes
    organization.save(update_fields=["documents_checked", "contact_verified", "review_notes", "updated_at"])
    audit_record(
        "organization.checklist",
        actor=admin,
        organization=organization,
        target=organization,
        details={"documents_checked": documents_checked, "contact_verified": contact_verified},
    )
    return organization


@transaction.atomic
def reference_decide(*, reference: OrganizationReference, user: User, vouch: bool, note: str = "") -> None:
    """The referee organization's admin vouches for an applicant or declines."""
    membership = user.membership
    if membership is None or membership.organization_id != reference.referee_id or membership.role != Role.ORG_ADMIN:
        raise ValidationError(_("Only an admin of the referee organization can answer."))
    if reference.status == ReferenceStatus.CLOSED:
        raise ValidationError(_("The application was already decided; no answer is needed."))
    if reference.status != ReferenceStatus.PENDING:
        raise ValidationError(_("This reference was already answered."))
    reference.status = ReferenceStatus.VOUCHED if vouch else ReferenceStatus.DECLINED
    reference.decided_by = user
    reference.decided_at = timezone.now()
    reference.note = note.strip()
    reference.save()
    audit_record(
        "organization.reference_" + reference.status,
        actor=user,
        organization=reference.referee,
        target=reference.applicant,
    )


# Members and roles ---------------------------------------------------------------------------


def _sync_groups(user: User) -> None:
    """Make the user's org role groups match their active membership (the source of truth)."""
    role_groups = Group.objects.filter(org_role__isnull=False)
    user.groups.remove(*user.groups.filter(pk__in=role_groups))
    membership = Membership.objects.filter(user=user, is_active=True).first()
    if membership is not None:
        user.groups.add(OrgRoleGroup.objects.get(organization=membership.organization, role=membership.role).group)
    if hasattr(user, "_membership_cache"):
        del user._membership_cache


def _end_sessions(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)


@transaction.atomic
def membership_add(*, organization: Organization, user: User, role: str, by: User | None) -> Membership:
    if user.is_platform_admin:
        raise ValidationError(_("A platform admin cannot belong to an organization."))
    if Membership.objects.filter(user=user, is_active=True).exists():
        raise ValidationError(_("This person already belongs to an organization."))
    membership = Membership.objects.create(organization=organization, user=user, role=role)
    _sync_groups(user)
    audit_record("membership.added", actor=by, organization=organization, target=user, details={"role": role})
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot change your own role."))
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    _sync_groups(membership.user)
    audit_record(
        "membership.role_changed",
        actor=by,
        organization=membership.organization,
        target=membership.user,
        details={"from": old_role, "to": role},
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> None:
    """Remove a member: access, sessions and API tokens end at once."""
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if not membership.is_active:
        raise ValidationError(_("This member is already deactivated."))
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    _sync_groups(membership.user)
    _end_sessions(membership.user)
    ApiToken.objects.filter(user=membership.user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record("membership.deactivated", actor=by, organization=membership.organization, target=membership.user)


@transaction.atomic
def invitation_create(*, organization: Organization, email: str, role: str, by: User) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and its one-time token (sent, never stored).

    An earlier open invitation of the same address to the same organization is revoked: only the
    latest link works."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    # One invitation at a time per organization: two admins inviting the same address at once
    # must not leave two working links.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if organization.memberships.filter(is_active=True, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of your organization.")})
    earlier = list(
        organization.invitations.select_for_update().filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
    )
    for invitation in earlier:
        invitation_revoke(invitation=invitation, by=by)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=_hash_token(raw),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit_record("invitation.created", actor=by, organization=organization, target=invitation, details={"role": role})
    # The token rides in the fragment, which browsers never send: static/js/invitation.js posts it.
    _email_on_commit([email], "invitation", {"url": f"{settings.SITE_URL}/invitation/#{raw}"})
    return invitation, raw


def invitation_for_token(raw: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("organization").filter(token_hash=_hash_token(raw)).first()
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, raw_token: str, username: str, password: str) -> User:
    invitation = invitation_for_token(raw_token)
    if invitation is None:
        raise ValidationError(_("This invitation is no longer valid."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation is no longer valid."))
    user = User.objects.create_user(username=username, email=invitation.email, password=password)
    membership_add(organization=invitation.organization, user=user, role=invitation.role, by=invitation.invited_by)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record("invitation.accepted", actor=user, organization=invitation.organization, target=invitation)
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record("invitation.revoked", actor=by, organization=invitation.organization, target=invitation)


# Sign-in, second factor, tokens --------------------------------------------------------------


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> None:
    """Every session of the user ends, and every API token they hold is revoked."""
    _end_sessions(user)
    audit_record("auth.signed_out_everywhere", actor=user)
    api_tokens_revoke_all(user=user, reason="signed_out_everywhere")


@transaction.atomic
def user_password_change(*, user: User, password: str) -> None:
    """The user sets a new password: their other sessions end (the session hash covers the
    password) and so do their API tokens."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record("auth.password_changed", actor=user)
    api_tokens_revoke_all(user=user, reason="password_changed")


@transaction.atomic
def user_password_reset(*, user: User) -> None:
    """After a password reset: the API tokens end with the old password (sessions end by themselves,
    since the session hash covers the password)."""
    audit_record("auth.password_reset", actor=user)
    api_tokens_revoke_all(user=user, reason="password_reset")


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Replace the user's recovery codes; each works once. Returns them to show once: only
    their keyed hashes are kept."""
    device, _created = RecoveryCodes.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.codes.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(settings.RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, code_hash=recovery_code_hashes(code)[0]) for code in codes]
    )
    audit_record("auth.recovery_codes_generated", actor=user)
    return codes


@transaction.atomic
def authenticator_add(*, user: User, bin_key: bytes, last_t: int = -1) -> Authenticator:
    """Save an authenticator with its key sealed; it replaces any earlier one."""
    Authenticator.objects.filter(user=user).delete()
    device = Authenticator(user=user, name="authenticator", confirmed=True, last_t=last_t)
    device.set_key(bin_key)
    device.save()
    return device


@transaction.atomic
def totp_enroll(*, user: User, device: TOTPDevice, token: str) -> Authenticator | None:
    """Save a new authenticator once a code from it checks out; it replaces any earlier one.

    ``device`` is the unsaved enrollment (its key waits in the session); what is saved is an
    Authenticator with the key sealed."""
    if device.pk is not None or device.user_id != user.pk:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not (token.isdigit() and totp.verify(int(token), device.tolerance)):
        audit_record("auth.2fa_enrollment", actor=user, outcome="failure")
        return None
    authenticator = authenticator_add(user=user, bin_key=device.bin_key, last_t=totp.t())
    audit_record("auth.2fa_enrolled", actor=user)
    return authenticator


def authenticator_keys_reseal(*, batch_size: int = 500) -> int:
    """Re-seal every authenticator key not sealed under the active master key (key rotation);
    returns how many were re-sealed. Safe to run again."""
    resealed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Authenticator.objects.select_for_update(skip_locked=True)
                .exclude(key_master_id=sealing.active_key_id())
                .order_by("pk")[:batch_size]
            )
            for device in batch:
                device.set_key(device.bin_key)
            Authenticator.objects.bulk_update(batch, ["key_sealed", "key_master_id"])
        resealed += len(batch)
        if len(batch) < batch_size:
            return resealed


def authenticator_keys_under(key_id: str) -> bool:
    """True while some authenticator key is still sealed under ``key_id``."""
    return Authenticator.objects.filter(key_master_id=key_id).exists()


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int, by: User | None = None) -> tuple[ApiToken, str]:
    """Create a personal API token; the raw token is returned once and only its hash is kept."""
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(_("A token lasts between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS})
    name = name.strip()
    if not name:
        raise ValidationError(_("Name the token after what will use it."))
    prefix = secrets.token_hex(6)
    raw = f"chub_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        token_hash=_hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record("api_token.created", actor=by or user, target=token, details={"days": days})
    return token, raw


def api_token_lookup(raw: str) -> ApiToken | None:
    parts = raw.split("_")
    if len(parts) < 3 or parts[0] != "chub":
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not secrets.compare_digest(token.token_hash, _hash_token(raw)) or not token.is_usable:
        return None
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every usable token of the user; one audit event says how many and why."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record("api_token.revoked_all", actor=user, target=user, details={"reason": reason, "tokens": revoked})
    return revoked


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    audit_record("api_token.revoked", actor=by, target=token)


def organization_case_settings(organization: Organization) -> dict:
    """The org admin's view of the caseworkers' capabilities."""
    caseworker = capabilities_of(organization, Role.CASEWORKER)
    return {
        "caseworkers_see_all_cases": capabilities.SEE_UNRESTRICTED in caseworker,
        "caseworker_field_groups": sorted(
            group for group in fieldgroups.ALL if capabilities.group_codename(group) in caseworker
        ),
    }


@transaction.atomic
def organization_settings_update(
    *, organization: Organization, by: User, caseworkers_see_all_cases: bool, caseworker_field_groups=None
) -> bool:
    """An org admin changes which cases, and which parts of them, caseworkers see; returns whether
    anything changed. Coordinators always see every case and every field group."""
    membership = by.membership
    if membership is None or membership.organization_id != organization.pk or membership.role != Role.ORG_ADMIN:
        raise ValidationError(_("Only an admin of the organization can change its settings."))
    before = organization_case_settings(organization)
    groups = before["caseworker_field_groups"] if caseworker_field_groups is None else sorted(caseworker_field_groups)
    if not set(groups) <= fieldgroups.ALL:
        raise ValidationError(_("Unknown field group."))
    after = {"caseworkers_see_all_cases": caseworkers_see_all_cases, "caseworker_field_groups": groups}
    if after == before:
        return False
    current = capabilities_of(organization, Role.CASEWORKER)
    seeing = capabilities.SEE_UNRESTRICTED if caseworkers_see_all_cases else capabilities.SEE_ASSIGNED
    kept = {
        codename
        for codename in current
        if codename not in {capabilities.SEE_UNRESTRICTED, capabilities.SEE_ASSIGNED}
        and not codename.startswith(capabilities.GROUP_PREFIX)
    }
    capabilities_set(
        organization=organization,
        role=Role.CASEWORKER,
        codenames=kept | {seeing} | {capabilities.group_codename(group) for group in groups},
    )
    audit_record(
        "organization.settings_changed", actor=by, organization=organization, target=organization, details=after
    )
    return True


@transaction.atomic
def user_time_zone_set(*, user: User, time_zone: str) -> None:
    """A person chooses the time zone their times are shown in ("": their organization's)."""
    if not zones.is_valid(time_zone):
        raise ValidationError({"time_zone": [_("Choose a time zone from the list.")]})
    if user.time_zone != time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
        audit_record("user.time_zone_changed", actor=user, target=user, details={"time_zone": time_zone})


@transaction.atomic
def organization_time_zone_set(*, organization: Organization, by: User, time_zone: str) -> None:
    """An org admin sets the time zone the organization's members see times in by default."""
    membership = by.membership
    if membership is None or membership.organization_id != organization.pk or membership.role != Role.ORG_ADMIN:
        raise ValidationError(_("Only an admin of the organization can change its settings."))
    if not zones.is_valid(time_zone):
        raise ValidationError({"time_zone": [_("Choose a time zone from the list.")]})
    if organization.time_zone != time_zone:
        organization.time_zone = time_zone
        organization.save(update_fields=["time_zone"])
        audit_record(
            "organization.time_zone_changed",
            actor=by,
            organization=organization,
            target=organization,
            details={"time_zone": time_zone},
        )
