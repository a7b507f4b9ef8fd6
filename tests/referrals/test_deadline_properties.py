"""Invariants of the deadline clocks, for any start, duration, schedule and pauses (hypothesis)."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from referrals.deadlines import BusinessHours, due_at, elapsed, elapsed_fraction

NEW_YORK = ZoneInfo("America/New_York")  # with daylight saving time, so clock changes get drawn too

HOURS = [
    BusinessHours.default(NEW_YORK),
    BusinessHours.from_schedules(
        [SimpleNamespace(freq="WEEKLY", byday="MO,TU,WE,TH,FR,SA,SU", opens_at=time(20), closes_at=time(8))],
        NEW_YORK,
    ),
    BusinessHours.from_schedules(
        [
            SimpleNamespace(freq="WEEKLY", byday="MO,WE", opens_at=time(8, 30), closes_at=time(12, 15)),
            SimpleNamespace(freq="WEEKLY", byday="WE", opens_at=time(11), closes_at=time(14)),
            SimpleNamespace(freq="WEEKLY", byday="SU", opens_at=time(0), closes_at=time(0)),
        ],
        NEW_YORK,
    ),
    BusinessHours.around_the_clock(),
]

starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC))
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=6))
hours = st.sampled_from(HOURS)
offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))


@st.composite
def pauses_after(draw, start):
    pauses = []
    for begin, length in draw(st.lists(st.tuples(offsets, offsets), max_size=4)):
        pauses.append((start + begin, start + begin + length))
    return pauses


@given(start=starts, duration=durations)
def test_on_the_wall_clock_a_due_date_is_plain_addition(start, duration):
    assert due_at(start, duration, BusinessHours.around_the_clock()) == start + duration


@given(start=starts, shorter=durations, longer=durations, hours=hours)
def test_a_longer_clock_is_never_due_earlier(start, shorter, longer, hours):
    shorter, longer = sorted([shorter, longer])
    assert due_at(start, shorter, hours) <= due_at(start, longer, hours)


@given(earlier=starts, later=starts, duration=durations, hours=hours)
def test_a_later_start_is_never_due_earlier(earlier, later, duration, hours):
    earlier, later = sorted([earlier, later])
    assert due_at(earlier, duration, hours) <= due_at(later, duration, hours)


@settings(max_examples=60)
@given(data=st.data(), start=starts, duration=durations, hours=hours)
def test_pauses_only_push_a_due_date_later(data, start, duration, hours):
    pauses = data.draw(pauses_after(start))
    assert due_at(start, duration, hours, pauses) >= due_at(start, duration, hours)


@settings(max_examples=60)
@given(data=st.data(), start=starts, duration=durations, hours=hours)
def test_at_the_due_date_exactly_the_duration_has_elapsed(data, start, duration, hours):
    pauses = data.draw(pauses_after(start))
    due = due_at(start, duration, hours, pauses)
    assert elapsed(start, due, hours, pauses) == duration


@given(start=starts, duration=durations.filter(lambda d: d > timedelta(0)), hours=hours, a=offsets, b=offsets)
def test_the_elapsed_fraction_never_goes_back(start, duration, hours, a, b):
    a, b = sorted([a, b])
    assert elapsed_fraction(start, start + a, duration, hours) <= elapsed_fraction(start, start + b, duration, hours)


@given(start=starts, duration=durations, hours=hours)
def test_a_due_date_is_in_utc_and_never_before_its_start(start, duration, hours):
    due = due_at(start.astimezone(NEW_YORK), duration, hours)
    assert due >= start
    assert due.tzinfo is UTC
