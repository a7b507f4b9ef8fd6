"""Test-only models that carry encrypted fields, created at runtime (never migrated).

They stand in for the case records that the case records work will add, so the crypto
package is tested on its own.
"""

import uuid

from django.db import models

from casehub.crypto.blind_index import BlindIndexField
from casehub.crypto.fields import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedLongTextField,
    EncryptedTextField,
)


class SealedRecord(models.Model):
    """A record of a case: plain codes next to encrypted personal fields."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("casehub.Case", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=20, blank=True)
    name = EncryptedTextField(max_length=200, null=True, blank=True)
    phone = EncryptedTextField(max_length=40, null=True, blank=True)
    narrative = EncryptedLongTextField(null=True, blank=True)
    born_on = EncryptedDateField(null=True, blank=True)
    details = EncryptedJSONField(null=True, blank=True)
    preferences = EncryptedJSONField(default=dict)
    name_index = BlindIndexField(source="name")
    phone_index = BlindIndexField(source="phone", normalizer="phone")
    attachment = models.CharField(max_length=200, blank=True)

    crypto_data_key = "case__data_key"
    crypto_organization = "case__organization"
    crypto_attachments = ("attachment",)

    class Meta:
        app_label = "casehub"
        db_table = "test_crypto_sealed_record"


TEST_MODELS = [SealedRecord]
