"""Tell the people concerned about shares, overrides and transfers: a kind and a link, no details."""

from django.dispatch import receiver
from django.urls import reverse

from casehub.signals import case_erased
from notifications.models import NotificationKind
from notifications.services import notify
from orgs.models import Membership, Role
from sharing import services, signals


def _members(organization, roles) -> list:
    return [
        membership.user
        for membership in Membership.objects.select_related("user").filter(
            organization=organization, role__in=roles, is_active=True, user__is_active=True
        )
    ]


def _case_link(case) -> str:
    return reverse("cases:survivor", args=[case.uuid])


@receiver(signals.share_created)
def share_received(sender, share, **kwargs):
    notify(
        _members(share.to_organization, [Role.COORDINATOR, Role.CASEWORKER]),
        NotificationKind.SHARE_RECEIVED,
        _case_link(share.case),
        dedupe_key=f"share:{share.uuid}:received",
    )


@receiver(signals.share_ended)
def share_ended(sender, share, **kwargs):
    # The case is out of the recipients' reach now: the link is to their inbox, not the case.
    notify(
        _members(share.to_organization, [Role.COORDINATOR, Role.CASEWORKER]),
        NotificationKind.SHARE_ENDED,
        reverse("notifications:inbox"),
        dedupe_key=f"share:{share.uuid}:ended",
    )


@receiver(signals.override_requested)
def override_requested(sender, override, **kwargs):
    coordinators = [
        user for user in _members(override.case.organization, [Role.COORDINATOR]) if user.pk != override.requested_by_id
    ]
    notify(
        coordinators,
        NotificationKind.OVERRIDE_REQUESTED,
        reverse("sharing:case", args=[override.case.uuid]),
        dedupe_key=f"override:{override.uuid}:requested",
    )


@receiver(signals.transfer_offered)
def transfer_offered(sender, transfer, **kwargs):
    notify(
        _members(transfer.to_organization, [Role.COORDINATOR]),
        NotificationKind.TRANSFER_OFFERED,
        reverse("sharing:shared"),
        dedupe_key=f"transfer:{transfer.uuid}:offered",
    )


@receiver(signals.transfer_decided)
def transfer_decided(sender, transfer, **kwargs):
    notify(
        _members(transfer.from_organization, [Role.COORDINATOR]),
        NotificationKind.TRANSFER_DECIDED,
        reverse("sharing:shared"),
        dedupe_key=f"transfer:{transfer.uuid}:decided",
    )


@receiver(case_erased)
def end_shares_of_erased_case(sender, case, by, **kwargs):
    services.sharing_end_for_erased_case(case=case, by=by)
