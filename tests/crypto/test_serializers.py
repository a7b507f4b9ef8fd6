import pytest
from rest_framework import serializers

from casehub.crypto.errors import EncryptedFieldMisuse
from tests.crypto.factories import a_case, a_record
from tests.crypto.models import SealedRecord

pytestmark = pytest.mark.django_db


def test_an_explicit_serializer_field_gives_the_plaintext(cast):
    class RecordOut(serializers.Serializer):
        name = serializers.CharField()

    record = a_record(a_case(cast.owner.organization), name="Shown")
    assert RecordOut(record).data == {"name": "Shown"}


def test_a_model_serializer_does_not_guess_how_to_export_an_encrypted_field(cast):
    class RecordModelOut(serializers.ModelSerializer):
        class Meta:
            model = SealedRecord
            fields = ["name"]

    record = a_record(a_case(cast.owner.organization), name="Hidden")
    with pytest.raises(EncryptedFieldMisuse):
        _ = RecordModelOut(record).data
