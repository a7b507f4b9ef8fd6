"""Second factors at rest: recovery codes kept as keyed hashes, authenticator keys sealed under
the master key, both converted from django_otp's clear rows, and rotation keeping TOTP working."""

import binascii
import importlib
import io
import os

import pytest
from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgs import services
from orgs.models import Authenticator, RecoveryCode, RecoveryCodes
from tests.crypto.keys import retired, rotated
from tests.factories import authenticator, current_totp

MIGRATION = importlib.import_module("orgs.migrations.0009_seal_authenticators_hash_recovery_codes")


def recovery_device(user):
    return RecoveryCodes.objects.get(user=user)


def test_recovery_codes_are_not_stored(cast):
    codes = services.recovery_codes_generate(user=cast.owner.caseworker)
    stored = str(list(RecoveryCode.objects.values()))
    assert not any(code in stored for code in codes)


def test_a_recovery_code_checks_against_its_hash(cast):
    codes = services.recovery_codes_generate(user=cast.owner.caseworker)
    assert recovery_device(cast.owner.caseworker).verify_token(codes[3])


def test_a_stored_hash_is_not_a_recovery_code(cast):
    services.recovery_codes_generate(user=cast.owner.caseworker)
    stored = RecoveryCode.objects.filter(device__user=cast.owner.caseworker).first().code_hash
    assert not recovery_device(cast.owner.caseworker).verify_token(stored)


def test_a_recovery_code_works_once(cast):
    code = services.recovery_codes_generate(user=cast.owner.caseworker)[0]
    device = recovery_device(cast.owner.caseworker)
    device.verify_token(code)
    assert not device.verify_token(code)


def test_recovery_codes_keep_working_when_the_secret_key_rotates_with_a_fallback(cast, settings):
    code = services.recovery_codes_generate(user=cast.owner.caseworker)[0]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a brand new secret key for this test, long enough to be real"
    assert recovery_device(cast.owner.caseworker).verify_token(code)


def test_an_authenticator_key_is_not_stored_in_the_clear(cast):
    key = os.urandom(20)
    device = services.authenticator_add(user=cast.owner.caseworker, bin_key=key)
    stored = Authenticator.objects.filter(pk=device.pk).values().get()
    assert key not in bytes(stored["key_sealed"])
    assert binascii.hexlify(key).decode() not in str(stored)


def test_an_authenticator_key_opens_to_what_was_sealed(cast):
    key = os.urandom(20)
    services.authenticator_add(user=cast.owner.caseworker, bin_key=key)
    assert Authenticator.objects.get(user=cast.owner.caseworker).bin_key == key


def test_a_sealed_key_copied_to_another_user_does_not_open(cast):
    stolen = authenticator(cast.owner.caseworker)
    mine = authenticator(cast.owner.coordinator)
    Authenticator.objects.filter(pk=mine.pk).update(key_sealed=stolen.key_sealed, key_master_id=stolen.key_master_id)
    with pytest.raises(InvalidTag):
        _ = Authenticator.objects.get(pk=mine.pk).bin_key


def test_an_authenticator_code_is_accepted_once(cast):
    device = authenticator(cast.owner.caseworker)
    code = current_totp(device)
    assert device.verify_token(code)
    assert not Authenticator.objects.get(pk=device.pk).verify_token(code)


def test_rotation_reseals_authenticator_keys_under_the_new_key(cast, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    call_command("rotate_master_key", stdout=io.StringIO())
    assert set(Authenticator.objects.values_list("key_master_id", flat=True)) == {"new"}


def test_an_authenticator_works_after_rotation_and_retirement_of_the_old_key(cast, settings):
    settings.CASEHUB_MASTER_KEYS = rotated()
    call_command("rotate_master_key", stdout=io.StringIO())
    settings.CASEHUB_MASTER_KEYS = retired()
    device = Authenticator.objects.get(user=cast.owner.caseworker)
    assert device.verify_token(current_totp(device))


def test_the_old_master_key_is_not_retirable_while_an_authenticator_needs_it(cast, settings):
    from casehub.crypto.rotation import master_key_retirable

    authenticator(cast.owner.caseworker)
    settings.CASEHUB_MASTER_KEYS = rotated()
    assert not master_key_retirable(key_id="test1")


def clear_rows(user, key_hex="3132333435363738393031323334353637383930", codes=("abc123-def456",)):
    TOTPDevice.objects.create(user=user, name="authenticator", key=key_hex, confirmed=True, last_t=7)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)


def test_the_migration_seals_existing_authenticator_keys(cast):
    user = cast.owner.caseworker
    Authenticator.objects.filter(user=user).delete()
    clear_rows(user)
    MIGRATION.forward(apps, None)
    device = Authenticator.objects.get(user=user)
    assert (device.bin_key, device.last_t) == (b"12345678901234567890", 7)
    assert not TOTPDevice.objects.exists()


def test_the_migration_hashes_existing_recovery_codes(cast):
    clear_rows(cast.owner.caseworker)
    MIGRATION.forward(apps, None)
    assert not StaticToken.objects.exists()
    assert recovery_device(cast.owner.caseworker).verify_token("abc123-def456")


def test_the_migration_reversed_restores_authenticator_keys_in_the_clear(cast):
    user = cast.owner.caseworker
    Authenticator.objects.filter(user=user).delete()
    clear_rows(user)
    MIGRATION.forward(apps, None)
    MIGRATION.backward(apps, None)
    assert TOTPDevice.objects.get(user=user).bin_key == b"12345678901234567890"
