from django.conf import settings
from django.core.checks import Warning, register


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
            id="directory.W001",
        )
    ]
