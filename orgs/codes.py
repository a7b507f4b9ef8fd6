"""Countries (ISO 3166-1 alpha-2) and languages (ISO 639) by name, in the reader's language.

Codes are what is stored; names are what people choose from and read. Names come from the
Unicode CLDR through Babel, in the active language (English when Babel does not know it).
"""

import re
from functools import cache

from babel import Locale, UnknownLocaleError
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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


# Form fields: codes stored, names shown, in the reader's language when the form is rendered.
CHOOSE_MANY = _("Hold Ctrl (or Cmd) to choose more than one.")


def country_field(label, *, blank="—", required=False) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, choices=lambda: [("", blank)] + country_choices())


def language_field(label, *, blank="—") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=lambda: [("", blank)] + language_choices())


def countries_field(label) -> forms.MultipleChoiceField:
    return _many(label, country_choices)


def languages_field(label) -> forms.MultipleChoiceField:
    return _many(label, language_choices)


def _many(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=CHOOSE_MANY,
    )
