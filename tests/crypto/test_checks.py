import uuid

from django.db import models
from django.test.utils import isolate_apps

from casehub.crypto.fields import EncryptedTextField


@isolate_apps("casehub")
def test_a_model_with_encrypted_fields_needs_a_uuid():
    class NoUuid(models.Model):
        name = EncryptedTextField()

        class Meta:
            app_label = "casehub"

    assert [error.id for error in NoUuid.check()] == ["casehub.E001"]


@isolate_apps("casehub")
def test_an_encrypted_field_cannot_be_unique():
    class Unique(models.Model):
        uuid = models.UUIDField(default=uuid.uuid4)
        name = EncryptedTextField(unique=True)

        class Meta:
            app_label = "casehub"

    assert "casehub.E002" in [error.id for error in Unique.check()]


@isolate_apps("casehub")
def test_a_well_formed_model_passes_the_checks():
    class Fine(models.Model):
        uuid = models.UUIDField(default=uuid.uuid4)
        name = EncryptedTextField()

        class Meta:
            app_label = "casehub"

    assert Fine.check() == []
