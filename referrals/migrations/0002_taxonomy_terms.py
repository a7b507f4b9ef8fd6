"""Load CaseHub's open anti-trafficking service taxonomy (ids are stable: uuid5 of the code)."""

import uuid

from django.db import migrations

NAMESPACE = uuid.UUID("6b0f7c4e-2f0e-4f3a-9d7e-6a1c0d0a1b01")

TERMS = [
    ("shelter", "Shelter and safe house", "Emergency, short- and long-term accommodation, including confidential safe houses."),
    ("medical", "Medical care", "Primary, emergency and specialist medical care."),
    ("sexual_reproductive_health", "Sexual and reproductive health", "Sexual and reproductive health care and counselling."),
    ("mental_health", "Mental health and trauma counselling", "Psychological first aid, trauma-informed counselling and psychiatric care."),
    ("legal_aid", "Legal aid", "Legal advice and representation."),
    ("legal_aid.immigration", "Legal aid: immigration relief", "Residence permits, protection visas, asylum and other immigration relief."),
    ("legal_aid.criminal", "Legal aid: criminal proceedings", "Support and representation of survivors in criminal proceedings."),
    ("legal_aid.labour", "Legal aid: labour claims", "Unpaid wages, labour rights and employment claims."),
    ("interpretation", "Interpretation", "Interpreters and translation."),
    ("repatriation", "Repatriation and return", "Safe, voluntary return to the country of origin."),
    ("reintegration", "Reintegration", "Support to rebuild life in the community."),
    ("employment", "Employment and job training", "Vocational training, job placement and livelihoods."),
    ("education", "Education", "Schooling, literacy and language classes."),
    ("document_recovery", "Document recovery", "Recovering or replacing identity and travel documents."),
    ("financial_aid", "Financial aid and compensation", "Emergency funds and compensation claims."),
    ("child_protection", "Child protection", "Services for children, guardianship and child protection."),
    ("hotline", "Hotline", "Telephone and online help lines."),
    ("other", "Other", "Services not listed elsewhere."),
]


def load(apps, schema_editor):
    create_terms(apps.get_model("referrals", "TaxonomyTerm").objects.using(schema_editor.connection.alias))


def create_terms(objects):
    """Also used by the tests to load the terms again after a flush (into directory.TaxonomyTerm)."""
    by_code = {}
    for code, name, description in TERMS:
        parent = by_code.get(code.rsplit(".", 1)[0]) if "." in code else None
        by_code[code] = objects.create(
            id=uuid.uuid5(NAMESPACE, code), code=code, name=name, description=description, parent=parent
        )


def unload(apps, schema_editor):
    TaxonomyTerm = apps.get_model("referrals", "TaxonomyTerm")
    objects = TaxonomyTerm.objects.using(schema_editor.connection.alias)
    objects.filter(parent__isnull=False).delete()
    objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_directory")]

    operations = [migrations.RunPython(load, unload)]
