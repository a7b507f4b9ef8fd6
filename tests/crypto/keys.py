"""Master-key configurations for rotation tests (the test keys of pyproject.toml plus a new one)."""

import base64

from casehub.crypto.keys import parse_master_keys

TEST1 = "test1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
NEW = f"new:{base64.b64encode(b'N' * 32).decode()}"


def rotated():
    """The new key active, the old one still listed (the state during a rotation)."""
    return parse_master_keys(f"{NEW},{TEST1}")


def retired():
    """Only the new key: the old one was removed after the rotation."""
    return parse_master_keys(NEW)
