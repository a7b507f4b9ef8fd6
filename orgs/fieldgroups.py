"""Field groups: the units in which case data is shown, shared and audited.

Roles, consent, shares and referrals name these groups; a viewer outside a group's scope gets
none of its fields: not decrypted, not rendered, not serialized.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

IDENTITY = "identity"
CONTACT = "contact"
SAFETY = "safety"
CASE_DETAILS = "case_details"
NARRATIVE = "narrative"
DOCUMENTS = "documents"
NOTES = "notes"

LABELS = {
    IDENTITY: _("Identity"),
    CONTACT: _("Contact"),
    SAFETY: _("Safety"),
    CASE_DETAILS: _("Case details"),
    NARRATIVE: _("Narrative"),
    DOCUMENTS: _("Documents"),
    NOTES: _("Notes"),
}
# What each group holds, in the words read to the survivor and shown on every consent and share form.
DESCRIPTIONS = {
    IDENTITY: _("names, date of birth, identity documents"),
    CONTACT: _("phone numbers, e-mail, address"),
    SAFETY: _("safety plan and contact instructions (where the danger is, code words, safe times and channels)"),
    CASE_DETAILS: _("coded details such as needs, languages and the kind of exploitation"),
    NARRATIVE: _("what happened, in the survivor's words"),
    DOCUMENTS: _("scanned documents and photos"),
    NOTES: _("caseworkers' notes"),
}
ALL = frozenset(LABELS)
ORDER = list(LABELS)  # how groups are listed everywhere: forms, summaries, exports


def ordered(groups) -> list[str]:
    return [group for group in ORDER if group in groups]


def choices() -> list[tuple[str, object]]:
    """Each group named with what it holds, for every form that asks for parts of a case."""
    return [(group, format_lazy("{label}: {holds}", label=LABELS[group], holds=DESCRIPTIONS[group])) for group in ORDER]


# Which fields of a case (and which related records) each group holds. Task titles are read and
# audited as case details; they are the owner organization's own work and never shared.
CASE_FIELDS = {
    IDENTITY: ["names", "date_of_birth", "estimated_age", "identity_documents"],
    CONTACT: ["phones", "email", "current_address"],
    # Where the danger is, code words, how (not) to reach the survivor: never implied by contact.
    SAFETY: ["safety_plan", "contact_instructions"],
    CASE_DETAILS: [
        "gender",
        "age_band",
        "citizenship",
        "primary_language",
        "other_languages",
        "exploitation_types",
        "sexual_exploitation_types",
        "forced_labour_industry",
        "recruitment_methods",
        "recruitment_websites",
        "control_methods",
        "vulnerabilities",
        "trafficking_status",
        "identified_country",
        "identified_region",
        "needs",
    ],
    NARRATIVE: ["narrative"],
    DOCUMENTS: ["attachments"],
    NOTES: ["notes"],
}
