"""Move second factors to orgs' own devices: authenticator keys sealed under the master key,
recovery codes kept as keyed hashes. The django_otp rows (keys and codes in the clear) are deleted.

Reversing restores the authenticators in the clear; recovery codes cannot be restored from their
hashes, so they are dropped (users make new ones). Sessions verified with an old device must
verify their second factor again.
"""

import binascii

from django.db import migrations
from django.utils.crypto import salted_hmac

from orgs import sealing


def _context(user_id) -> bytes:
    return f"orgs.Authenticator:{user_id}".encode()


def forward(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    Authenticator = apps.get_model("orgs", "Authenticator")
    RecoveryCodes = apps.get_model("orgs", "RecoveryCodes")
    RecoveryCode = apps.get_model("orgs", "RecoveryCode")
    for old in TOTPDevice.objects.all():
        key_id, sealed = sealing.seal(binascii.unhexlify(old.key), context=_context(old.user_id))
        Authenticator.objects.create(
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            key_sealed=sealed,
            key_master_id=key_id,
            last_t=old.last_t,
        )
    TOTPDevice.objects.all().delete()
    for old in StaticDevice.objects.all():
        device = RecoveryCodes.objects.create(user_id=old.user_id, name=old.name, confirmed=old.confirmed)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(
                device=device,
                code_hash=salted_hmac("orgs.RecoveryCode", token.token.strip().lower(), algorithm="sha256").hexdigest(),
            )
            for token in old.token_set.all()
        )
    StaticDevice.objects.all().delete()


def backward(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    Authenticator = apps.get_model("orgs", "Authenticator")
    for device in Authenticator.objects.all():
        key = sealing.unseal(device.key_sealed, key_id=device.key_master_id, context=_context(device.user_id))
        TOTPDevice.objects.create(
            user_id=device.user_id,
            name=device.name,
            confirmed=device.confirmed,
            key=binascii.hexlify(key).decode(),
            last_t=device.last_t,
        )
    Authenticator.objects.all().delete()
    apps.get_model("orgs", "RecoveryCodes").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0008_authenticator_recovery_codes"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forward, backward)]
