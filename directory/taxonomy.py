"""CaseHub's open anti-trafficking service taxonomy: codes, parents and translatable names.

The rows are loaded by a data migration (0002); this module gives the translated label of a
code. A code's dots are its path, so the subtree of `legal_aid` is `legal_aid` and every
`legal_aid.*`.
"""

from django.utils.translation import gettext_lazy as _

TAXONOMY_ID = "6b0f7c4e-2f0e-4f3a-9d7e-6a1c0d0a1b01"
TAXONOMY_NAME = "CaseHub anti-trafficking services"
TAXONOMY_URI = "https://casehub.example.org/taxonomy/services/1"

LABELS = {
    "shelter": _("Shelter and safe house"),
    "medical": _("Medical care"),
    "sexual_reproductive_health": _("Sexual and reproductive health"),
    "mental_health": _("Mental health and trauma counselling"),
    "legal_aid": _("Legal aid"),
    "legal_aid.immigration": _("Legal aid: immigration relief"),
    "legal_aid.criminal": _("Legal aid: criminal proceedings"),
    "legal_aid.labour": _("Legal aid: labour claims"),
    "interpretation": _("Interpretation"),
    "repatriation": _("Repatriation and return"),
    "reintegration": _("Reintegration"),
    "employment": _("Employment and job training"),
    "education": _("Education"),
    "document_recovery": _("Document recovery"),
    "financial_aid": _("Financial aid and compensation"),
    "child_protection": _("Child protection"),
    "hotline": _("Hotline"),
    "other": _("Other"),
}


def label(code: str) -> str:
    return str(LABELS.get(code, code))
