"""Referral deadline clocks: business hours, weekends, night shifts, DST and pauses."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from referrals.deadlines import (
    BusinessHours,
    Clock,
    deadline_clock,
    due_at,
    elapsed,
    elapsed_fraction,
    parse_clock,
)

MEXICO = ZoneInfo("America/Mexico_City")  # no daylight saving time since 2022
NEW_YORK = ZoneInfo("America/New_York")  # summer time began on Sunday 8 March 2026 at 02:00
OFFICE = BusinessHours.default(MEXICO)  # Monday to Friday, 09:00 to 17:00
WALL = BusinessHours.around_the_clock()
HOUR = timedelta(hours=1)


def mx(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A moment in November 2026 in Mexico City: the 16th is a Monday, the 20th a Friday."""
    return datetime(2026, month, day, hour, minute, tzinfo=MEXICO)


def schedule(byday: str, opens: time | None, closes: time | None, freq: str = "WEEKLY"):
    return SimpleNamespace(freq=freq, byday=byday, opens_at=opens, closes_at=closes)


# Durations


@pytest.mark.parametrize(
    ("spec", "clock"),
    [
        ("1h", Clock(HOUR, business=False)),
        ("90m", Clock(timedelta(minutes=90), business=False)),
        ("4bh", Clock(4 * HOUR, business=True)),
        ("2bd", Clock(16 * HOUR, business=True)),
        ("0.5bd", Clock(4 * HOUR, business=True)),
    ],
)
def test_it_reads_wall_clock_and_business_durations(spec, clock):
    assert parse_clock(spec) == clock


@pytest.mark.parametrize("spec", ["", "4", "four hours", "0bh", "-1h", "2 weeks"])
def test_it_refuses_a_duration_it_cannot_read(spec):
    with pytest.raises(ValueError):
        parse_clock(spec)


def test_the_default_deadlines_are_the_networks_agreed_answer_times():
    assert deadline_clock("acknowledge", "emergency") == Clock(HOUR, business=False)
    assert deadline_clock("acknowledge", "urgent") == Clock(4 * HOUR, business=True)
    assert deadline_clock("acknowledge", "routine") == Clock(16 * HOUR, business=True)


def test_a_network_configures_its_own_deadlines(settings):
    settings.REFERRAL_DEADLINES = {
        **settings.REFERRAL_DEADLINES,
        "decide": {"emergency": "2h", "urgent": "6bh", "routine": "3bd"},
    }
    assert deadline_clock("decide", "urgent") == Clock(6 * HOUR, business=True)


def test_an_emergency_clock_runs_on_the_wall_clock_whatever_the_service_hours():
    assert deadline_clock("acknowledge", "emergency").hours(OFFICE) == WALL
    assert deadline_clock("acknowledge", "urgent").hours(OFFICE) == OFFICE


# Due dates


def test_an_emergency_is_due_an_hour_later_on_a_sunday_night():
    assert due_at(mx(22, 23, 30), HOUR, WALL) == mx(23, 0, 30)


def test_business_hours_skip_the_weekend():
    # sent Friday 15:00: two hours on Friday, two on Monday
    assert due_at(mx(20, 15), 4 * HOUR, OFFICE) == mx(23, 11)


def test_a_referral_sent_on_saturday_starts_counting_on_monday_morning():
    assert due_at(mx(21, 10), 4 * HOUR, OFFICE) == mx(23, 13)


def test_a_referral_sent_overnight_starts_counting_at_opening():
    assert due_at(mx(17, 22), 4 * HOUR, OFFICE) == mx(18, 13)


def test_two_business_days_from_friday_afternoon_end_on_tuesday_afternoon():
    assert due_at(mx(20, 16), parse_clock("2bd").duration, OFFICE) == mx(24, 16)


def test_a_deadline_ending_at_closing_time_is_due_at_closing_not_next_morning():
    assert due_at(mx(16, 9), 8 * HOUR, OFFICE) == mx(16, 17)


def test_a_night_shift_counts_across_midnight():
    # given a hotline answering 20:00 to 08:00 every night
    hotline = BusinessHours.from_schedules([schedule("MO,TU,WE,TH,FR,SA,SU", time(20), time(8))], MEXICO)
    # when a referral arrives at 07:00: one hour this morning, three from 20:00
    assert due_at(mx(17, 7), 4 * HOUR, hotline) == mx(17, 23)


def test_the_spring_forward_night_has_one_hour_less():
    # given a service open all day on Sundays in New York
    sundays = BusinessHours.from_schedules([schedule("SU", time(0), time(0))], NEW_YORK)
    # when four hours start at midnight on the night clocks go forward: 02:00 never happens
    assert due_at(datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK), 4 * HOUR, sundays) == datetime(
        2026, 3, 8, 5, 0, tzinfo=NEW_YORK
    )


def test_office_hours_follow_the_clock_change():
    # Friday 15:00 EST: two hours on Friday, then Monday from 09:00 EDT
    hours = BusinessHours.default(NEW_YORK)
    assert due_at(datetime(2026, 3, 6, 15, tzinfo=NEW_YORK), 4 * HOUR, hours) == datetime(
        2026, 3, 9, 11, tzinfo=NEW_YORK
    )


def test_a_wall_clock_hour_across_the_clock_change_is_one_real_hour():
    start = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)
    assert due_at(start, HOUR, WALL) == datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)


def test_a_pause_pushes_the_due_date_by_the_open_hours_it_covered():
    # given information requested on Monday 10:00 and received Tuesday 10:00
    pauses = [(mx(16, 10), mx(17, 10))]
    # then one hour ran before the pause and three after it
    assert due_at(mx(16, 9), 4 * HOUR, OFFICE, pauses) == mx(17, 13)


def test_a_pause_outside_business_hours_changes_nothing():
    pauses = [(mx(21, 9), mx(22, 18))]  # the weekend
    assert due_at(mx(20, 15), 4 * HOUR, OFFICE, pauses) == mx(23, 11)


def test_a_clock_on_hold_has_no_due_date():
    assert due_at(mx(16, 9), 4 * HOUR, OFFICE, [(mx(16, 10), None)]) is None


# Elapsed time and reminders


def test_elapsed_time_stops_at_closing_and_over_the_weekend():
    assert elapsed(mx(20, 15), mx(22, 12), OFFICE) == 2 * HOUR


def test_elapsed_time_stops_while_on_hold():
    assert elapsed(mx(16, 9), mx(18, 12), OFFICE, [(mx(16, 10), None)]) == HOUR


@time_machine.travel(mx(23, 11), tick=False)
def test_a_four_hour_clock_from_friday_afternoon_is_due_monday_mid_morning():
    assert elapsed_fraction(mx(20, 15), timezone.now(), 4 * HOUR, OFFICE) == 1.0


@time_machine.travel(mx(21, 12), tick=False)
def test_over_the_weekend_the_reminder_fraction_stands_still():
    assert elapsed_fraction(mx(20, 15), timezone.now(), 4 * HOUR, OFFICE) == 0.5


@time_machine.travel(mx(23, 15), tick=False)
def test_a_clock_past_twice_its_deadline_is_at_two_hundred_percent():
    assert elapsed_fraction(mx(20, 15), timezone.now(), 4 * HOUR, OFFICE) == 2.0


@time_machine.travel(mx(17, 16), tick=False)
def test_a_paused_clock_shows_only_the_time_it_ran():
    pauses = [(mx(16, 11), mx(17, 15))]
    assert elapsed_fraction(mx(16, 9), timezone.now(), 4 * HOUR, OFFICE, pauses) == 0.75


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        due_at(datetime(2026, 11, 16, 9), HOUR, OFFICE)


# Business hours of a service


def test_weekly_schedules_make_the_business_hours():
    hours = BusinessHours.from_schedules(
        [schedule("MO,WE", time(8), time(12)), schedule("SA", time(10), time(14)), schedule("FR", None, None)],
        MEXICO,
    )
    assert hours.openings == ((0, time(8), time(12)), (2, time(8), time(12)), (5, time(10), time(14)))


def test_schedules_without_weekly_opening_hours_make_none():
    assert BusinessHours.from_schedules([schedule("MO", time(9), time(17), freq="MONTHLY")], MEXICO) is None


def test_the_default_business_hours_are_the_directory_timezones(settings):
    settings.CASEHUB_DIRECTORY_TIMEZONE = "America/Bogota"
    assert BusinessHours.default().timezone == ZoneInfo("America/Bogota")


@pytest.mark.django_db
class TestForService:
    def test_it_uses_the_services_own_schedule(self, cast):
        from directory.models import Schedule
        from tests.directory.factories import directory_service

        service = directory_service(cast.owner.organization)
        Schedule.objects.create(service=service, freq="WEEKLY", byday="SA,SU", opens_at=time(10), closes_at=time(16))
        assert BusinessHours.for_service(service).openings == ((5, time(10), time(16)), (6, time(10), time(16)))

    def test_it_falls_back_to_the_schedule_of_the_services_location(self, cast):
        from directory.models import Schedule
        from tests.directory.factories import directory_service

        service = directory_service(cast.owner.organization)
        location = service.service_at_locations.get().location
        Schedule.objects.create(location=location, freq="WEEKLY", byday="MO", opens_at=time(7), closes_at=time(19))
        assert BusinessHours.for_service(service).openings == ((0, time(7), time(19)),)

    def test_it_falls_back_to_office_hours_without_a_schedule(self, cast):
        from tests.directory.factories import directory_service

        service = directory_service(cast.owner.organization)
        assert BusinessHours.for_service(service) == BusinessHours.default()


def test_business_hours_that_never_open_are_refused():
    with pytest.raises(ValueError):
        BusinessHours(MEXICO, ())


def test_a_moment_in_utc_and_in_local_time_give_the_same_due_date():
    local = mx(20, 15)
    assert due_at(local.astimezone(UTC), 4 * HOUR, OFFICE) == due_at(local, 4 * HOUR, OFFICE)
