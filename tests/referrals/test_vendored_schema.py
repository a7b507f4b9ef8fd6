from pathlib import Path

import pytest
from django.conf import settings

OFFICIAL = Path(__file__).resolve().parents[3] / "shared" / "hsds" / "schema" / "compiled"


@pytest.mark.parametrize("name", ["service.json", "tabular.json"])
def test_the_vendored_schema_is_the_official_one(name):
    assert (settings.HSDS_SCHEMA_DIR / "compiled" / name).read_bytes() == (OFFICIAL / name).read_bytes()
