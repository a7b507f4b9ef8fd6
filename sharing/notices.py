"""Who is told about shares, overrides and transfers: a kind and a link, never details.

The sharing services call these in the transaction of the change they announce. Whoever acted is
not told of their own act.
"""

from django.db.models import Q
from django.urls import reverse

from casehub.grants import CaseShare, CaseTransfer, EmergencyOverride
from notifications.models import NotificationKind
from notifications.services import about, notify
from orgs.models import Membership, Role


def _members(organization, who: Q) -> list:
    return [
        membership.user
        for membership in Membership.objects.select_related("user").filter(
            who, organization=organization, is_active=True, user__is_active=True
        )
    ]


COORDINATORS = Q(role=Role.COORDINATOR)


def _let_in(share: CaseShare) -> list:
    """The people a share lets in: a share naming one person reaches its coordinators and that
    person, any other share its coordinators and caseworkers."""
    if share.to_user_id is None:
        return _members(share.to_organization, Q(role__in=[Role.COORDINATOR, Role.CASEWORKER]))
    return _members(share.to_organization, COORDINATORS | Q(user_id=share.to_user_id))


def _others(people: list, by) -> list:
    return [person for person in people if by is None or person.pk != by.pk]


def share_opened(share: CaseShare, *, by) -> None:
    notify(
        _others(_let_in(share), by),
        NotificationKind.SHARE_RECEIVED,
        reverse("cases:survivor", args=[share.case.uuid]),
        dedupe_key=f"share:{share.uuid}:received",
        about=about(subject=share.case.case_number, by_organization_id=share.case.organization_id),
    )


def share_ended(share: CaseShare, *, by) -> None:
    # The case is out of the recipients' reach now: the link is to their inbox, not the case.
    notify(
        _others(_let_in(share), by),
        NotificationKind.SHARE_ENDED,
        reverse("notifications:inbox"),
        dedupe_key=f"share:{share.uuid}:ended",
        about=about(subject=share.case.case_number, by_organization_id=share.case.organization_id),
    )


def override_requested(override: EmergencyOverride) -> None:
    notify(
        _others(_members(override.case.organization, COORDINATORS), override.requested_by),
        NotificationKind.OVERRIDE_REQUESTED,
        reverse("sharing:case", args=[override.case.uuid]),
        dedupe_key=f"override:{override.uuid}:requested",
        about=about(subject=override.case.case_number),
    )


def transfer_offered(transfer: CaseTransfer) -> None:
    notify(
        _members(transfer.to_organization, COORDINATORS),
        NotificationKind.TRANSFER_OFFERED,
        reverse("sharing:shared"),
        dedupe_key=f"transfer:{transfer.uuid}:offered",
        about=about(by_organization_id=transfer.from_organization_id),
    )


def transfer_decided(transfer: CaseTransfer) -> None:
    notify(
        _members(transfer.from_organization, COORDINATORS),
        NotificationKind.TRANSFER_DECIDED,
        reverse("sharing:shared"),
        dedupe_key=f"transfer:{transfer.uuid}:decided",
        about=about(
            subject=transfer.old_case_number or transfer.case.case_number,
            change=transfer.get_status_display(),
            by_organization_id=transfer.to_organization_id,
        ),
    )
