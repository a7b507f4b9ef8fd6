from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.checks import Error, register


@register()
def referral_deadlines_valid(app_configs, **kwargs):
    """Every referral deadline parses, and the directory timezone exists."""
    from referrals.deadlines import STEPS, URGENCIES, parse_clock

    errors = []
    for step in STEPS:
        for urgency in URGENCIES:
            spec = settings.REFERRAL_DEADLINES.get(step, {}).get(urgency)
            try:
                parse_clock(spec or "")
            except ValueError as error:
                errors.append(Error(f"REFERRAL_DEADLINES {step}.{urgency}: {error}", id="referrals.E001"))
    try:
        ZoneInfo(settings.CASEHUB_DIRECTORY_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            Error(
                f"CASEHUB_DIRECTORY_TIMEZONE {settings.CASEHUB_DIRECTORY_TIMEZONE!r} is not a timezone",
                id="referrals.E002",
            )
        )
    return errors
