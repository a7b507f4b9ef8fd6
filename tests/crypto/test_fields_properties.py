"""Property tests: any value a field accepts comes back unchanged, through the database too."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crypto.factories import a_case, reloaded
from tests.crypto.models import SealedRecord

pytestmark = pytest.mark.django_db
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@pytest.fixture
def case(cast):
    return a_case(cast.owner.organization)


def through_the_database(case, **fields):
    record = SealedRecord(case=case, **fields)
    record.save()
    return reloaded(record)


@PROPERTY
@given(value=st.text(max_size=200))
def test_any_text_up_to_the_maximum_round_trips(case, value):
    assert through_the_database(case, name=value).name == value


@PROPERTY
@given(value=st.text(min_size=200, max_size=200))
def test_text_of_the_maximum_length_round_trips(case, value):
    assert through_the_database(case, name=value).name == value


@PROPERTY
@given(value=st.text(max_size=5000))
def test_any_long_text_round_trips(case, value):
    assert through_the_database(case, narrative=value).narrative == value


@PROPERTY
@given(value=st.dates(min_value=datetime.date.min, max_value=datetime.date.max))
def test_any_date_round_trips(case, value):
    assert through_the_database(case, born_on=value).born_on == value


@PROPERTY
@given(value=json_values)
def test_any_json_value_round_trips(case, value):
    record = through_the_database(case, details=value)
    if value is None:
        assert record.details is None
    else:
        assert record.details == value
