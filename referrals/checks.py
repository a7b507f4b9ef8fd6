from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def hsds_schemas_present(app_configs, **kwargs):
    """HSDS import and export validate against the official schemas; say so early if they are missing."""
    needed = [settings.HSDS_SCHEMA_DIR / "compiled" / name for name in ("service.json", "tabular.json")]
    missing = [str(path) for path in needed if not path.is_file()]
    if not missing:
        return []
    return [
        Warning(
            f"HSDS schemas not found: {', '.join(missing)}",
            hint="Set HSDS_SCHEMA_DIR to the schema/ folder of Open Referral HSDS 3.0; imports and exports need it.",
            id="referrals.W001",
        )
    ]


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
