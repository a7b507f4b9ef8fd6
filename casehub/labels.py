"""What a case's field names and coded values read as, in the reader's language.

History, exports and pages show these labels, never codes (``ForcedLabour``), Python reprs or
field names (``exploitation_types``).
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casehub.forms import CodedForm, SafetyForm, SurvivorForm
from casehub.models import Case
from casehub.multichoice import MultiChoiceField
from orgs import codes

# Record-level names the history uses besides the form fields.
OTHER_LABELS = {
    "aliases": gettext_lazy("Aliases"),
    "phones": gettext_lazy("Phone numbers"),
    "identity_documents": gettext_lazy("Identity documents"),
    "contact_instructions": gettext_lazy("Contact instructions"),
    "notes": gettext_lazy("Notes"),
    "tasks": gettext_lazy("Tasks"),
    "attachments": gettext_lazy("Documents"),
    "assigned_caseworkers": gettext_lazy("Assigned workers"),
    "restricted": gettext_lazy("Restricted"),
    "status": gettext_lazy("Status"),
}
COUNTRY_FIELDS = {"citizenship", "identified_country"}
LANGUAGE_FIELDS = {"primary_language", "other_languages"}


def _form_labels() -> dict:
    labels = {}
    for form in (SurvivorForm, CodedForm, SafetyForm):
        for name, field in form.base_fields.items():
            labels.setdefault(name, field.label)
    return labels


FORM_LABELS = _form_labels()


def field_label(name: str) -> str:
    label = FORM_LABELS.get(name) or OTHER_LABELS.get(name)
    return capfirst(str(label)) if label else name.replace("_", " ")


def value_label(name: str, value) -> str:
    """A stored value of a case field as people read it: labels of codes, names of countries and
    languages, lists joined; "—" for nothing."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(value_label(name, each) for each in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name in COUNTRY_FIELDS:
        return codes.country_name(value)
    if name in LANGUAGE_FIELDS:
        return codes.language_name(value)
    try:
        field = Case._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    choices = dict(field.choices_class.choices) if isinstance(field, MultiChoiceField) and field.choices_class else {}
    choices = choices or dict(field.choices or [])
    return str(choices.get(value, value))
