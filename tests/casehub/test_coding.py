"""Our coded vocabularies use HTCDS 2.0's value names exactly."""

import csv
from pathlib import Path

import pytest

from casehub.coding import HTCDS_FIELDS

REFERENCE = Path(__file__).resolve().parents[2] / "casehub" / "htcds" / "htcds-2.0-field-standards.csv"


def htcds_value_names() -> dict[str, list[str]]:
    with REFERENCE.open(encoding="utf-8") as handle:
        return {
            row["Field Name including Prefix"]: [
                n.strip() for n in row["Value Names (if picklist)"].split("\n") if n.strip()
            ]
            for row in csv.DictReader(handle)
            if row["Field Name including Prefix"]
        }


@pytest.mark.parametrize("vocabulary", HTCDS_FIELDS, ids=lambda v: v.__name__)
def test_the_vocabulary_has_exactly_the_htcds_value_names(vocabulary):
    assert list(vocabulary.values) == htcds_value_names()[HTCDS_FIELDS[vocabulary]]


def test_recruitment_includes_online_social_networks_and_advertisements():
    from casehub.coding import RecruitmentMethod

    assert {"ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement"} <= set(RecruitmentMethod.values)
