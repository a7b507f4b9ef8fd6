"""Sizes as people read them: megabytes with one decimal, in the active language."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024


def megabytes(size_bytes: int | None) -> str:
    """``5242880`` → "5.0 MB" in English, "5,0 MB" in Spanish; a small file is "less than 0.1 MB"."""
    size_bytes = int(size_bytes or 0)
    # Rounded here: number_format cuts a float's decimals off rather than rounding them.
    size = round(size_bytes / MEGABYTE, 1)
    if size_bytes and not size:
        # 0.0 MB would read as an empty file.
        return _("less than %(size)s MB") % {"size": number_format(0.1, decimal_pos=1)}
    return _("%(size)s MB") % {"size": number_format(size, decimal_pos=1)}
