"""Referral deadline clocks (issue 7): business hours, pauses and due dates, as pure functions.

A deadline is a `Clock`: a duration, counted either on the wall clock (24/7) or in the business
hours of the receiving service. Business hours are the service's weekly HSDS schedule in the
directory's timezone (CASEHUB_DIRECTORY_TIMEZONE), Monday to Friday 09:00-17:00 when it has none.
A clock stands still during pauses (information requested, on hold).

Durations are written "<number><unit>": m, h, d on the wall clock; bh, bd in business hours,
where a business day is 8 business hours (so "2bd" from Monday 15:00 is Wednesday 15:00 in
the default hours). Per step and urgency they come from settings.REFERRAL_DEADLINES:

    step            emergency   urgent   routine
    acknowledge     1h          4bh      2bd      (the network's agreed answer times)
    decide          4h          1bd      5bd      accept or decline, counted from acknowledgement
    first_contact   24h         2bd      10bd     first contact with the survivor, from acceptance

Emergencies run on the wall clock: nobody should wait for Monday in an emergency.

All datetimes are aware; results are in UTC. Nothing here reads the clock or writes anything.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

STEPS = ("acknowledge", "decide", "first_contact")
URGENCIES = ("emergency", "urgent", "routine")
BUSINESS_DAY = timedelta(hours=8)
WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_SPEC = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|h|d|bh|bd)\s*$")
_UNITS = {
    "m": (timedelta(minutes=1), False),
    "h": (timedelta(hours=1), False),
    "d": (timedelta(days=1), False),
    "bh": (timedelta(hours=1), True),
    "bd": (BUSINESS_DAY, True),
}
# Counting is done a week of open intervals at a time; a clock that does not finish within
# this horizon has a schedule that (almost) never opens, which is a bug, not a deadline.
_WINDOW = timedelta(days=7)
_HORIZON = timedelta(days=3660)
_FOREVER = datetime.max.replace(tzinfo=UTC)

Pause = tuple[datetime, datetime | None]  # end None: still paused


def directory_timezone() -> ZoneInfo:
    return ZoneInfo(settings.CASEHUB_DIRECTORY_TIMEZONE)


@dataclass(frozen=True)
class BusinessHours:
    """Weekly opening hours in one timezone, or `always` (the wall clock, 24/7).

    Each opening is (weekday, opens, closes) with Monday 0; closing at or before opening
    means closing the next day (a night shift; 00:00-00:00 is the whole day).
    """

    timezone: ZoneInfo
    openings: tuple[tuple[int, time, time], ...] = ()
    always: bool = False

    def __post_init__(self):
        if not self.always and not self.openings:
            raise ValueError("business hours need at least one opening")

    @classmethod
    def around_the_clock(cls) -> "BusinessHours":
        return cls(ZoneInfo("UTC"), always=True)

    @classmethod
    def default(cls, tz: ZoneInfo | None = None) -> "BusinessHours":
        """Monday to Friday, 09:00 to 17:00."""
        return cls(tz or directory_timezone(), tuple((day, time(9), time(17)) for day in range(5)))

    @classmethod
    def from_schedules(cls, schedules: Iterable, tz: ZoneInfo | None = None) -> "BusinessHours | None":
        """From HSDS schedule rows (freq WEEKLY, byday "MO,TU", opens_at, closes_at); None if none is usable."""
        openings = set()
        for row in schedules:
            if row.freq != "WEEKLY" or row.opens_at is None or row.closes_at is None:
                continue
            for code in (part.strip().upper() for part in (row.byday or "").split(",")):
                if code in WEEKDAYS:
                    openings.add((WEEKDAYS[code], row.opens_at, row.closes_at))
        if not openings:
            return None
        return cls(tz or directory_timezone(), tuple(sorted(openings)))

    @classmethod
    def for_service(cls, service) -> "BusinessHours":
        """The service's own schedule, else its locations', else the default hours."""
        from directory.models import Schedule

        own = cls.from_schedules(Schedule.objects.filter(service=service))
        if own is not None:
            return own
        at_locations = cls.from_schedules(
            Schedule.objects.filter(service__isnull=True, location__service_at_locations__service=service)
        )
        return at_locations or cls.default()

    def open_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Sorted, disjoint open intervals inside [start, end), in UTC."""
        if self.always:
            return [(start, end)] if start < end else []
        found = []
        day = start.astimezone(self.timezone).date() - timedelta(days=1)  # a night shift from the day before
        last = end.astimezone(self.timezone).date()
        while day <= last:
            for weekday, opens, closes in self.openings:
                if weekday == day.weekday():
                    opened = _utc(datetime.combine(day, opens, tzinfo=self.timezone))
                    closing_day = day if closes > opens else day + timedelta(days=1)
                    closed = _utc(datetime.combine(closing_day, closes, tzinfo=self.timezone))
                    opened, closed = max(opened, start), min(closed, end)
                    if opened < closed:
                        found.append((opened, closed))
            day += timedelta(days=1)
        return _merge(found)


@dataclass(frozen=True)
class Clock:
    """A deadline's length, and whether it runs on the wall clock or in business hours only."""

    duration: timedelta
    business: bool

    def hours(self, service_hours: BusinessHours) -> BusinessHours:
        """The hours this clock runs in, for a service with these business hours."""
        return service_hours if self.business else BusinessHours.around_the_clock()


def parse_clock(spec: str) -> Clock:
    """ "1h" (wall clock), "4bh" (business hours), "2bd" (business days of 8 business hours)."""
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"a deadline is a number and one of m, h, d, bh, bd (like 4bh); got {spec!r}")
    unit, business = _UNITS[match.group(2)]
    duration = unit * float(match.group(1))
    if duration <= timedelta(0):
        raise ValueError(f"a deadline must be longer than zero; got {spec!r}")
    return Clock(duration, business)


def deadline_clock(step: str, urgency: str) -> Clock:
    """The configured clock for one step of a referral of this urgency (settings.REFERRAL_DEADLINES)."""
    if step not in STEPS or urgency not in URGENCIES:
        raise ValueError(f"no deadline for step {step!r} and urgency {urgency!r}")
    return parse_clock(settings.REFERRAL_DEADLINES[step][urgency])


def due_at(start: datetime, duration: timedelta, hours: BusinessHours, pauses: Sequence[Pause] = ()) -> datetime | None:
    """When `duration` of counted time has run from start; None while an open-ended pause stops the clock."""
    if duration < timedelta(0):
        raise ValueError("a duration cannot be negative")
    start = _utc(start)
    if duration == timedelta(0):
        return start
    remaining = duration
    for opened, closed in _counting(start, hours, pauses):
        if closed - opened >= remaining:
            return opened + remaining
        remaining -= closed - opened
    return None


def elapsed(start: datetime, now: datetime, hours: BusinessHours, pauses: Sequence[Pause] = ()) -> timedelta:
    """Counted time between start and now: open hours, less pauses."""
    start, now = _utc(start), _utc(now)
    total = timedelta(0)
    if now <= start:
        return total
    for opened, closed in _counting(start, hours, pauses, until=now):
        total += closed - opened
    return total


def elapsed_fraction(
    start: datetime, now: datetime, duration: timedelta, hours: BusinessHours, pauses: Sequence[Pause] = ()
) -> float:
    """How much of the deadline has run: 0.5, 1.0 and 2.0 are the 50%, 100% and 200% reminders."""
    if duration <= timedelta(0):
        raise ValueError("a deadline must be longer than zero")
    return elapsed(start, now, hours, pauses) / duration


def _counting(
    start: datetime, hours: BusinessHours, pauses: Sequence[Pause], until: datetime | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals from start on (up to until), with the pauses cut out; ends at an open-ended pause."""
    stopped = _merge([(_utc(a), _utc(b) if b is not None else _FOREVER) for a, b in pauses if b is None or a < b])
    horizon = start + _HORIZON
    window = start
    while window < (until or horizon):
        window_end = min(window + _WINDOW, until or horizon)
        yield from _subtract(hours.open_intervals(window, window_end), stopped)
        if any(end == _FOREVER and begin <= window_end for begin, end in stopped):
            return
        window = window_end
    if until is None:
        raise ValueError("the business hours never open long enough for this deadline")


def _subtract(intervals: list, stopped: list) -> Iterator[tuple[datetime, datetime]]:
    for opened, closed in intervals:
        for begin, end in stopped:
            if end <= opened or begin >= closed:
                continue
            if begin > opened:
                yield opened, begin
            opened = max(opened, end)
            if opened >= closed:
                break
        if opened < closed:
            yield opened, closed


def _merge(intervals: list) -> list:
    merged = []
    for opened, closed in sorted(intervals):
        if merged and opened <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closed))
        else:
            merged.append((opened, closed))
    return merged


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("deadlines need aware datetimes")
    return moment.astimezone(UTC)
