"""Field groups: the units in which case data is shown, shared and audited.

Consent, shares and referrals (later) name these groups; a viewer outside a group's scope gets
none of its fields: not decrypted, not rendered, not serialized.
"""

from django.utils.translation import gettext_lazy as _

IDENTITY = "identity"
CONTACT = "contact"
CASE_DETAILS = "case_details"
NARRATIVE = "narrative"
DOCUMENTS = "documents"
NOTES = "notes"

LABELS = {
    IDENTITY: _("Identity"),
    CONTACT: _("Contact"),
    CASE_DETAILS: _("Case details"),
    NARRATIVE: _("Narrative"),
    DOCUMENTS: _("Documents"),
    NOTES: _("Notes"),
}
ALL = frozenset(LABELS)

# Which fields of a case (and which related records) each group holds. Task titles are read and
# audited as case details; they are the owner organization's own work and never shared.
CASE_FIELDS = {
    IDENTITY: ["names", "date_of_birth", "estimated_age", "identity_documents"],
    CONTACT: ["phones", "email", "current_address", "contact_instructions", "safety_plan"],
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
GROUP_OF_FIELD = {field: group for group, fields in CASE_FIELDS.items() for field in fields}
