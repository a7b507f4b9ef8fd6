"""Countries (ISO 3166-1 alpha-2) and languages (ISO 639) by name, in the reader's language.

Codes are what is stored; names are what people choose from and read. Names come from the
Unicode CLDR through Babel, in the active language (English when Babel does not know it).
"""

import re
from functools import cache

from babel import Locale, UnknownLocaleError
from django.utils import translation

# Territory codes of CLDR that are not countries.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def _current() -> Locale:
    return _locale(translation.get_language() or "en")


def country_name(code: str) -> str:
    return _current().territories.get((code or "").upper(), code) if code else ""


def language_name(code: str) -> str:
    return _current().languages.get((code or "").lower(), code) if code else ""


@cache
def _countries(language: str) -> list[tuple[str, str]]:
    names = _locale(language).territories
    found = [(code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()]
    return sorted((item for item in found if item[0] not in NOT_COUNTRIES), key=lambda item: item[1].casefold())


@cache
def _languages(language: str) -> list[tuple[str, str]]:
    names = _locale(language).languages
    found = [(code, name) for code, name in names.items() if LANGUAGE_CODE.match(code)]
    return sorted(found, key=lambda item: item[1].casefold())


def country_choices() -> list[tuple[str, str]]:
    return _countries(translation.get_language() or "en")


def language_choices() -> list[tuple[str, str]]:
    return _languages(translation.get_language() or "en")


def is_country(code: str) -> bool:
    return any(code == known for known, _name in _countries("en"))


def is_language(code: str) -> bool:
    return any(code == known for known, _name in _languages("en"))
