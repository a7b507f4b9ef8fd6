"""The vendored HSDS 3.0 schemas are the official ones, byte for byte (their SHA-256 as published)."""

import hashlib

import pytest
from django.conf import settings

# SHA-256 of the compiled schemas of the official HSDS 3.0 release (openreferral/specification).
OFFICIAL = {
    "service.json": "5cd7c2ecb5776947e437a4d5b9656f9a80db56bef3ad49f5bb142d49dbe66156",
    "tabular.json": "594a235fd45f6901e006a22c386d4551aaa5b39453c0e2b847941e10a7fc0593",
}


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_the_vendored_schema_is_the_official_one(name):
    vendored = (settings.HSDS_SCHEMA_DIR / "compiled" / name).read_bytes()
    assert hashlib.sha256(vendored).hexdigest() == OFFICIAL[name]
