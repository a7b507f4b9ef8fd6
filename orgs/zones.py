"""Time zones: each person sees times in theirs (their own choice, else their organization's,
else the site's TIME_ZONE), activated for every request by config.middleware.TimeZoneMiddleware."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@cache
def names() -> tuple[str, ...]:
    """Every IANA time zone name, sorted (without the legacy aliases that hold no "/")."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def choices(blank_label=None) -> list[tuple[str, str]]:
    return [("", blank_label or _("Not set"))] + [(name, name.replace("_", " ")) for name in names()]


def is_valid(name: str) -> bool:
    return name == "" or name in names()


def zone_name_of(user) -> str:
    """The time zone a signed-in user sees times in."""
    if getattr(user, "time_zone", ""):
        return user.time_zone
    membership = getattr(user, "membership", None)
    if membership is not None and membership.organization.time_zone:
        return membership.organization.time_zone
    return settings.TIME_ZONE


def zone_of(user) -> ZoneInfo:
    return ZoneInfo(zone_name_of(user))
