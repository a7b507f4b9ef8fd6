"""Who is told about referrals: the sides of a referral, and a kind and a link for each change,
never details. The workflow and the sweep call these in the transaction of the change."""

from django.urls import reverse

from notifications.models import NotificationKind
from notifications.services import about, notify, notify_each
from orgs.models import Membership, Role, User
from referrals.access import referral_roles
from referrals.models import DEADLINE_LABELS, Referral, ReferralEvent, ReferralState
from referrals.transitions import SENDER, SYSTEM


def coordinators_of(organization_ids) -> dict[int, list[User]]:
    """Each organization's active coordinators, for one or many organizations in one query."""
    found: dict[int, list[User]] = {}
    for organization_id, user_id in Membership.objects.filter(
        organization_id__in=organization_ids, is_active=True, role=Role.COORDINATOR, user__is_active=True
    ).values_list("organization_id", "user_id"):
        found.setdefault(organization_id, []).append(User(pk=user_id))
    return found


def sender_side(referral: Referral, coordinators: dict[int, list[User]] | None = None) -> list[User]:
    """The sending coordinators, sender and author; ``coordinators`` from coordinators_of saves the query."""
    organization_id = referral.from_organization_id
    if coordinators is None:
        coordinators = coordinators_of([organization_id])
    people = list(coordinators.get(organization_id, []))
    return people + [User(pk=user_id) for user_id in {referral.sent_by_id, referral.created_by_id} - {None}]


def receiver_side(referral: Referral, coordinators: dict[int, list[User]] | None = None) -> list[User]:
    """The receiving coordinators and assignee; ``coordinators`` from coordinators_of saves the query."""
    organization_id = referral.to_organization_id
    if coordinators is None:
        coordinators = coordinators_of([organization_id])
    people = list(coordinators.get(organization_id, []))
    return people + ([User(pk=referral.assigned_to_id)] if referral.assigned_to_id else [])


def referral_changed(referral: Referral, *, by, action: str, event: ReferralEvent) -> None:
    """The other side of an act on a referral (both sides for the system's), not the actor."""
    if action in ("create", "await_consent", "enter_in_error", "case_erased") and referral.sent_at is None:
        return  # the receiver never saw it
    if action == "case_erased":
        # The referral is gone from every page with its case: the provider is pointed to its inbox.
        notify(
            receiver_side(referral),
            NotificationKind.REFERRAL_UPDATED,
            reverse("notifications:inbox"),
            dedupe_key=f"referral:{referral.uuid}:event:{event.uuid}",
        )
        return
    roles = referral_roles(by, referral)
    if SYSTEM in roles:
        people = sender_side(referral) + receiver_side(referral)
    elif SENDER in roles:
        people = receiver_side(referral)
    else:
        people = sender_side(referral)
    people = [person for person in people if by is None or person.pk != by.pk]
    kind = {
        "send": NotificationKind.REFERRAL_RECEIVED,
        "expire": NotificationKind.REFERRAL_EXPIRED,
    }.get(action, NotificationKind.REFERRAL_UPDATED)
    acting = (
        None if SYSTEM in roles else (referral.from_organization_id if SENDER in roles else referral.to_organization_id)
    )
    notify(
        people,
        kind,
        referral.get_absolute_url(),
        dedupe_key=f"referral:{referral.uuid}:event:{event.uuid}",
        about=about(subject=referral.reference, change=_state(referral), by_organization_id=acting),
    )


def _state(referral: Referral):
    return ReferralState(referral.state).label if referral.state in ReferralState.values else None


def assigned(referral: Referral, *, by, key: str) -> None:
    """The person the work on a referral goes to, unless they took it themselves."""
    if referral.assigned_to_id and (by is None or referral.assigned_to_id != by.pk):
        notify(
            [referral.assigned_to],
            NotificationKind.REFERRAL_ASSIGNED,
            referral.get_absolute_url(),
            dedupe_key=key,
            about=about(subject=referral.reference),
        )


def message_added(referral: Referral, *, by, roles, key: str) -> None:
    people = receiver_side(referral) if SENDER in roles else sender_side(referral)
    notify(
        [person for person in people if person.pk != by.pk],
        NotificationKind.REFERRAL_MESSAGE,
        referral.get_absolute_url(),
        dedupe_key=key,
        about=about(
            subject=referral.reference,
            by_organization_id=referral.from_organization_id if SENDER in roles else referral.to_organization_id,
        ),
    )


def deadline_reminders(half: list[dict], full: list[dict]) -> None:
    """Receivers at 50% of a running deadline; receivers and the sender at 100% (rows of
    Referral.values() with uuid, to_organization_id, assigned_to_id, sent_by_id, deadline_step)."""
    coordinators = coordinators_of({row["to_organization_id"] for row in half + full})

    def receivers(row) -> list[User]:
        people = list(coordinators.get(row["to_organization_id"], []))
        return people + ([User(pk=row["assigned_to_id"])] if row["assigned_to_id"] else [])

    notify_each(
        (receivers(row), NotificationKind.REFERRAL_REMINDER, _link(row), _key(row, 50), _about(row)) for row in half
    )
    notify_each(
        (
            receivers(row) + ([User(pk=row["sent_by_id"])] if row["sent_by_id"] else []),
            NotificationKind.REFERRAL_OVERDUE,
            _link(row),
            _key(row, 100),
            _about(row),
        )
        for row in full
    )


def expired(referrals: list[Referral], events: list[ReferralEvent]) -> None:
    coordinators = coordinators_of(
        {referral.from_organization_id for referral in referrals}
        | {referral.to_organization_id for referral in referrals}
    )
    notify_each(
        (
            sender_side(referral, coordinators) + receiver_side(referral, coordinators),
            NotificationKind.REFERRAL_EXPIRED,
            referral.get_absolute_url(),
            f"referral:{referral.uuid}:event:{event.uuid}",
            about(subject=referral.reference, change=_state(referral)),
        )
        for referral, event in zip(referrals, events, strict=True)
    )


def _about(row) -> dict:
    return about(subject=row["reference"], change=DEADLINE_LABELS.get(row["deadline_step"]))


def _link(row) -> str:
    return reverse("referrals:referral_detail", kwargs={"referral_id": row["uuid"]})


def _key(row, percent: int) -> str:
    return f"referral:{row['uuid']}:{row['deadline_step']}:{percent}"
