"""The audit trail as people read it: an action's subject and deed, an outcome and the details
as "name: value" pairs, never a Python repr. Actions are codes ("case.task_added"); subjects
are named in the reader's language, deeds are read from the code."""

from django.utils.translation import gettext_lazy as _

SUBJECTS = {
    "api_token": _("API token"),
    "case": _("Case"),
    "consent": _("Consent"),
    "crypto": _("Encryption keys"),
    "directory": _("Directory"),
    "export": _("Export"),
    "invitation": _("Invitation"),
    "membership": _("Membership"),
    "need": _("Need"),
    "organization": _("Organization"),
    "override": _("Emergency access"),
    "platform_admin": _("Platform admin"),
    "referral": _("Referral"),
    "request": _("Request"),
    "service": _("Service"),
    "share": _("Share"),
    "transfer": _("Transfer"),
    "user": _("Person"),
}
OUTCOMES = {"success": _("Done"), "denied": _("Refused"), "failure": _("Failed")}


def action_label(action: str) -> str:
    """ "case.task_added" → "Case: task added"."""
    subject, _dot, deed = action.partition(".")
    name = SUBJECTS.get(subject, subject.replace("_", " ").capitalize())
    return f"{name}: {deed.replace('_', ' ')}" if deed else str(name)


def outcome_label(outcome: str) -> str:
    return str(OUTCOMES.get(outcome, outcome))


def detail_pairs(details) -> list[tuple[str, str]]:
    """The details as (name, value) pairs: lists joined, nested values flattened one level."""
    if not isinstance(details, dict):
        return [("", str(details))] if details else []
    pairs = []
    for name, value in details.items():
        if isinstance(value, dict):
            value = ", ".join(f"{key}: {inner}" for key, inner in value.items())
        elif isinstance(value, list | tuple):
            value = ", ".join(str(each) for each in value)
        pairs.append((name.replace("_", " "), "—" if value in (None, "") else str(value)))
    return pairs
