import base64
import os
import stat
import subprocess
import sys

import pytest
from django.core.management import call_command

from casehub.crypto.errors import CryptoError, KeyConfigurationError, UnknownKeyError
from casehub.crypto.keys import (
    MasterKey,
    StaticKeyProvider,
    master_keys_from_environment,
    new_master_key_entry,
    parse_master_keys,
)

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()


@pytest.fixture
def no_key_env(monkeypatch):
    monkeypatch.delenv("CASEHUB_MASTER_KEYS", raising=False)
    monkeypatch.delenv("CASEHUB_KEY_FILE", raising=False)


def test_the_first_listed_key_is_active():
    keys = parse_master_keys(f"new:{KEY_A}, old:{KEY_B}")
    assert [k.id for k in keys] == ["new", "old"]
    assert StaticKeyProvider(keys).active_key_id == "new"


def test_it_rejects_a_key_of_the_wrong_length():
    with pytest.raises(KeyConfigurationError, match="32 bytes"):
        parse_master_keys(f"k1:{base64.b64encode(b'short').decode()}")


def test_it_rejects_a_key_that_is_not_base64():
    with pytest.raises(KeyConfigurationError, match="base64"):
        parse_master_keys("k1:not*base64")


def test_it_rejects_an_entry_without_an_id():
    with pytest.raises(KeyConfigurationError, match="id:base64key"):
        parse_master_keys(KEY_A)


def test_it_rejects_a_key_id_listed_twice():
    with pytest.raises(KeyConfigurationError, match="twice"):
        parse_master_keys(f"k1:{KEY_A},k1:{KEY_B}")


def test_error_messages_never_contain_key_material():
    with pytest.raises(KeyConfigurationError) as caught:
        parse_master_keys(f"k1:{base64.b64encode(b'x' * 31).decode()}")
    assert base64.b64encode(b"x" * 31).decode() not in str(caught.value)


def test_a_master_key_repr_hides_the_secret():
    assert "aaaa" not in repr(MasterKey("k1", b"a" * 32))


def test_it_reads_keys_from_a_key_file(tmp_path, no_key_env, monkeypatch):
    path = tmp_path / "keys"
    path.write_text(f"# comment, with a comma\nk2:{KEY_A}\nk1:{KEY_B}\n")
    monkeypatch.setenv("CASEHUB_KEY_FILE", str(path))
    keys = master_keys_from_environment(debug=False, var_dir=tmp_path)
    assert [k.id for k in keys] == ["k2", "k1"]


def test_it_refuses_to_start_without_keys_when_debug_is_off(tmp_path, no_key_env):
    with pytest.raises(KeyConfigurationError, match="No master key configured"):
        master_keys_from_environment(debug=False, var_dir=tmp_path)


def test_it_creates_a_private_development_key_file_when_debug_is_on(tmp_path, no_key_env):
    keys = master_keys_from_environment(debug=True, var_dir=tmp_path)
    assert len(keys) == 1
    assert stat.S_IMODE(os.stat(tmp_path / "master_keys").st_mode) == 0o600


def test_the_development_key_survives_a_restart(tmp_path, no_key_env):
    first = master_keys_from_environment(debug=True, var_dir=tmp_path)
    assert master_keys_from_environment(debug=True, var_dir=tmp_path) == first


def test_settings_refuse_start_up_with_a_clear_message_without_keys(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"CASEHUB_MASTER_KEYS", "CASEHUB_KEY_FILE"}}
    env.update(DEBUG="0", CASEHUB_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "No master key configured" in result.stderr


def test_a_wrapped_key_unwraps_under_any_listed_key():
    old = StaticKeyProvider(parse_master_keys(f"old:{KEY_B}"))
    key_id, wrapped = old.wrap(b"k" * 32, aad=b"row-1")
    both = StaticKeyProvider(parse_master_keys(f"new:{KEY_A},old:{KEY_B}"))
    assert both.unwrap(key_id, wrapped, aad=b"row-1") == b"k" * 32


def test_a_wrapped_key_does_not_unwrap_for_another_row():
    provider = StaticKeyProvider(parse_master_keys(f"k1:{KEY_A}"))
    key_id, wrapped = provider.wrap(b"k" * 32, aad=b"row-1")
    with pytest.raises(CryptoError):
        provider.unwrap(key_id, wrapped, aad=b"row-2")


def test_unwrapping_under_a_retired_key_fails_closed():
    provider = StaticKeyProvider(parse_master_keys(f"k1:{KEY_A}"))
    with pytest.raises(UnknownKeyError):
        provider.unwrap("gone", b"\0" * 60, aad=b"row-1")


def test_derived_keys_differ_by_purpose():
    provider = StaticKeyProvider(parse_master_keys(f"k1:{KEY_A}"))
    assert provider.derive("k1", info=b"a") != provider.derive("k1", info=b"b")


def test_generate_master_key_prints_a_usable_entry(capsys):
    call_command("generate_master_key", "--id", "k9")
    entry = capsys.readouterr().out.strip()
    assert parse_master_keys(entry)[0].id == "k9"


def test_new_entries_are_random():
    assert new_master_key_entry("k1") != new_master_key_entry("k1")


def test_generate_master_key_names_the_key_by_date_by_default(capsys):
    call_command("generate_master_key")
    assert parse_master_keys(capsys.readouterr().out.strip())[0].id.startswith("k20")


def test_a_first_key_can_be_made_before_settings_can_load(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"CASEHUB_MASTER_KEYS", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-m", "casehub.crypto.keys", "first"], env=env, capture_output=True, text=True, check=True
    )
    assert parse_master_keys(result.stdout.strip())[0].id == "first"
