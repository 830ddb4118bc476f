"""Civil Code period counting and PRC working days (DOMAIN.md §2.2–2.3), on real calendar data.

Every date below was checked against ``chinese_calendar`` 1.11 (data for 2004–2026). The 2026
arrangement used here: New Year 01-01..03 (make-up Sun 01-04); Spring Festival 02-15..23
(make-up Sat 02-14, Sat 02-28); Labour Day 05-01..05 (make-up Sat 05-09); Mid-autumn
09-25..27 (make-up Sun 09-20); National Day 10-01..07 (make-up Sat 10-10). 2025: Spring
Festival 01-28..02-04 (make-up Sun 01-26, Sat 02-08); Labour Day 05-01..05 (make-up Sun 04-27);
National Day + Mid-autumn 10-01..08 (make-up Sun 09-28, Sat 10-11).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from engine.domain import periods
from engine.domain.periods import TZ

UTC = dt.UTC
D = dt.date


def deadline(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, tzinfo=TZ)


# ---------------------------------------------------------------------------------------------
# Local dates and the end of a day


@pytest.mark.parametrize("value,expected", [
    (D(2026, 5, 1), D(2026, 5, 1)),
    ("2026-05-01", D(2026, 5, 1)),
    (" 2026-05-01 ", D(2026, 5, 1)),
    ("2026-05-01T10:00:00+08:00", D(2026, 5, 1)),
    ("2026-05-01T02:00:00Z", D(2026, 5, 1)),  # 10:00 in Shanghai
    ("2026-05-01T15:59:59Z", D(2026, 5, 1)),  # 23:59:59 in Shanghai: still the same day
    ("2026-05-01T16:00:00Z", D(2026, 5, 2)),  # midnight in Shanghai: already the next day
    ("2026-05-01T16:00:00+00:00", D(2026, 5, 2)),
    ("2026-05-01T23:30:00", D(2026, 5, 1)),  # naive: Shanghai wall time, not UTC
    (dt.datetime(2026, 5, 1, 23, 30), D(2026, 5, 1)),
    (dt.datetime(2026, 5, 1, 16, 0, tzinfo=UTC), D(2026, 5, 2)),
    (dt.datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("America/New_York")), D(2026, 5, 2)),  # 00:00 +08
    (dt.datetime(2026, 5, 1, 0, 30, tzinfo=TZ), D(2026, 5, 1)),
])
def test_to_local_date(value, expected):
    result = periods.to_local_date(value)
    assert result == expected and type(result) is dt.date


@pytest.mark.parametrize("value,error", [
    (20260501, TypeError), (None, TypeError), (True, TypeError), (1.5, TypeError), (b"2026-05-01", TypeError),
    ("2026-13-01", ValueError), ("2026-02-30", ValueError), ("tomorrow", ValueError), ("", ValueError),
    ("2026/05/01", ValueError), ("2026-05-01T25:00:00", ValueError),
])
def test_to_local_date_rejects(value, error):
    with pytest.raises(error):
        periods.to_local_date(value)


@pytest.mark.parametrize("value", [
    D(2026, 5, 1), "2026-05-01", "2026-05-01T00:00:00+08:00", "2026-04-30T16:00:00Z",
    dt.datetime(2026, 5, 1, 23, 59, 59, 999999, tzinfo=TZ), dt.datetime(2026, 5, 1, 12, 0),
])
def test_end_of_day(value):
    end = periods.end_of_day(value)
    assert end == deadline(2026, 5, 1)
    assert end.microsecond == 0 and end.utcoffset() == dt.timedelta(hours=8)
    assert end.tzinfo is TZ and str(TZ) == "Asia/Shanghai"
    assert end.isoformat() == "2026-05-01T23:59:59+08:00"


# ---------------------------------------------------------------------------------------------
# The calendar


@pytest.mark.parametrize("value,expected", [
    (D(2003, 12, 31), False),  # before the data starts
    (D(2004, 1, 1), True),
    (D(2025, 6, 1), True),
    (D(2026, 12, 31), True),
    (D(2027, 1, 1), False),  # after the data ends
    ("2026-12-31T15:59:59Z", True),  # 23:59:59 on 12-31 in Shanghai
    ("2026-12-31T16:00:00Z", False),  # already 2027-01-01 in Shanghai
])
def test_calendar_covers(value, expected):
    assert periods.calendar_covers(value) is expected


@pytest.mark.parametrize("day,working", [
    (D(2026, 3, 3), True),  # ordinary Tuesday
    (D(2026, 3, 7), False),  # ordinary Saturday
    (D(2026, 3, 8), False),  # ordinary Sunday
    (D(2026, 10, 1), False),  # National Day (Thursday)
    (D(2026, 10, 7), False),  # last day of the National Day holiday (Wednesday)
    (D(2026, 10, 8), True),  # first working day after it
    (D(2026, 10, 10), True),  # make-up working Saturday
    (D(2026, 10, 11), False),  # the Sunday after it rests as usual
    (D(2026, 2, 14), True),  # make-up Saturday before Spring Festival
    (D(2026, 2, 16), False),  # Spring Festival (Monday)
    (D(2026, 2, 28), True),  # make-up Saturday after Spring Festival
    (D(2026, 9, 20), True),  # make-up Sunday before Mid-autumn
    (D(2026, 9, 25), False),  # Mid-autumn (Friday)
    (D(2026, 1, 2), False),  # New Year holiday (Friday)
    (D(2026, 1, 4), True),  # make-up Sunday after New Year
    (D(2025, 1, 26), True),  # make-up Sunday before Spring Festival 2025
    (D(2025, 10, 8), False),  # National Day 2025 runs to the 8th (Wednesday)
    (D(2025, 10, 11), True),  # make-up Saturday after it
    (D(2004, 1, 1), False),  # New Year's Day 2004: the first year covered
    (D(2003, 12, 31), True),  # uncovered: a Wednesday counts as a working day
    (D(2027, 1, 1), True),  # uncovered: New Year's Day 2027 is a Friday, so Mon–Fri says working
    (D(2027, 1, 2), False),  # uncovered Saturday
    ("2026-10-09T16:30:00Z", True),  # 00:30 on Saturday 10-10 in Shanghai: the make-up day
    ("2026-10-10T16:30:00Z", False),  # 00:30 on Sunday 10-11 in Shanghai
])
def test_working_and_rest_days(day, working):
    assert periods.is_working_day(day) is working
    assert periods.is_rest_day(day) is (not working)


def test_working_days_follow_the_calendar_for_every_covered_day_of_2025_and_2026():
    day = D(2025, 1, 1)
    while day.year < 2027:
        assert periods.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# "n 日" periods: start day not counted, last day rolled forward past rest days, ends 24:00


@pytest.mark.parametrize("start,days,expected,approximate", [
    # Tue 2026-03-03 + 20 = Mon 03-23, a weekday: no roll.
    ("2026-03-03", 20, deadline(2026, 3, 23), False),
    # Sun 2026-03-01 + 20 = Sat 03-21: rolled over the weekend to Mon 03-23.
    ("2026-03-01", 20, deadline(2026, 3, 23), False),
    # 2026-09-11 + 20 = Thu 10-01, National Day: rolled past the whole holiday (to 10-07) to Thu 10-08.
    ("2026-09-11", 20, deadline(2026, 10, 8), False),
    # 2026-09-20 + 20 = Sat 10-10, a make-up working Saturday: NOT rolled.
    ("2026-09-20", 20, deadline(2026, 10, 10), False),
    # 2026-01-25 + 20 = Sat 02-14, the make-up Saturday before Spring Festival: NOT rolled.
    ("2026-01-25", 20, deadline(2026, 2, 14), False),
    # 2026-01-26 + 20 = Sun 02-15, first day of Spring Festival (02-15..23): rolled to Tue 02-24.
    ("2026-01-26", 20, deadline(2026, 2, 24), False),
    # 2025-04-11 + 20 = Thu 05-01, Labour Day (05-01..05): rolled to Tue 05-06.
    ("2025-04-11", 20, deadline(2025, 5, 6), False),
    # 2025-09-08 + 20 = Sun 09-28, a make-up working Sunday: NOT rolled.
    ("2025-09-08", 20, deadline(2025, 9, 28), False),
    # 2025-09-13 + 20 = Fri 10-03 inside National Day + Mid-autumn (10-01..08): rolled to Thu 10-09.
    ("2025-09-13", 20, deadline(2025, 10, 9), False),
    # 2025-01-11 + 20 = Fri 01-31 inside Spring Festival 2025 (01-28..02-04): rolled to Wed 02-05.
    ("2025-01-11", 20, deadline(2025, 2, 5), False),
    # 2026-12-11 + 20 = Thu 12-31, the last covered day: exact.
    ("2026-12-11", 20, deadline(2026, 12, 31), False),
    # Across the year end into uncovered 2027: 2026-12-20 + 20 = Sat 2027-01-09, rolled Mon–Fri to 01-11.
    ("2026-12-20", 20, deadline(2027, 1, 11), True),
    # 2026-12-12 + 20 = Fri 2027-01-01. Really New Year's Day, but 2027 is not covered, so the
    # Mon–Fri fallback keeps it: exactly why the result is flagged approximate.
    ("2026-12-12", 20, deadline(2027, 1, 1), True),
    # Before the data: 2003-12-01 + 20 = Sun 12-21, rolled Mon–Fri to Mon 12-22, approximate.
    ("2003-12-01", 20, deadline(2003, 12, 22), True),
    # An uncovered start does not matter (the start day is not counted): 2003-12-20 + 20 = Fri 2004-01-09.
    ("2003-12-20", 20, deadline(2004, 1, 9), False),
    # 22:00 UTC on Tue 03-03 is 06:00 on Wed 03-04 in Shanghai: + 20 = Tue 03-24
    # (reading the UTC date would give Mon 03-23).
    (dt.datetime(2026, 3, 3, 22, 0, tzinfo=UTC), 20, deadline(2026, 3, 24), False),
    ("2026-03-03T16:30:00Z", 20, deadline(2026, 3, 24), False),
    # The same instant written in Shanghai time.
    ("2026-03-04T00:30:00+08:00", 20, deadline(2026, 3, 24), False),
    # A naive datetime is Shanghai wall time: 23:30 on 03-03 stays 03-03.
    (dt.datetime(2026, 3, 3, 23, 30), 20, deadline(2026, 3, 23), False),
    # 0 days: the end of the start day itself, rolled if that is a rest day.
    ("2026-03-03", 0, deadline(2026, 3, 3), False),
    ("2026-10-03", 0, deadline(2026, 10, 8), False),  # Saturday inside National Day
    ("2026-10-10", 0, deadline(2026, 10, 10), False),  # make-up Saturday
    # 1 day from Friday 2026-03-06: Saturday is the last day, rolled to Monday.
    ("2026-03-06", 1, deadline(2026, 3, 9), False),
    # 7 days (the demo's reply_days) from Thu 2026-09-24 = 10-01: rolled to 10-08.
    ("2026-09-24", 7, deadline(2026, 10, 8), False),
    # 15 days from Fri 2026-09-18 = Sat 10-03 (holiday): rolled to 10-08.
    (D(2026, 9, 18), 15, deadline(2026, 10, 8), False),
])
def test_period_end(start, days, expected, approximate):
    assert periods.period_end_info(start, days) == (expected, approximate)
    result = periods.period_end(start, days)
    assert result == expected and result.tzinfo is TZ


def test_period_end_against_the_calendar_for_every_start_in_2025_and_2026():
    """The deadline is the first working day on or after start + n, for n in 0..40."""
    start = D(2025, 1, 1)
    while start.year < 2027:
        for days in range(0, 41):
            last = start + dt.timedelta(days=days)
            end, approximate = periods.period_end_info(start, days)
            roll = last
            while roll.year < 2027 and not chinese_calendar.is_workday(roll):
                roll += dt.timedelta(days=1)
            if roll.year < 2027:
                assert (end, approximate) == (periods.end_of_day(roll), False), (start, days)
            else:
                assert approximate, (start, days)
        start += dt.timedelta(days=1)


@pytest.mark.parametrize("days,error", [
    (-1, ValueError), (1.0, TypeError), (True, TypeError), ("20", TypeError), (None, TypeError),
])
def test_period_end_rejects_bad_days(days, error):
    with pytest.raises(error, match="days"):
        periods.period_end("2026-03-03", days)
    with pytest.raises(error, match="days"):
        periods.period_end_info("2026-03-03", days)


# ---------------------------------------------------------------------------------------------
# "n 个工作日": the end of the n-th working day after the start date


@pytest.mark.parametrize("start,n,expected,approximate", [
    # Tue 2026-03-03 + 5 working days: Wed..Fri, Mon, Tue -> Tue 03-10.
    ("2026-03-03", 5, deadline(2026, 3, 10), False),
    # Fri 2026-03-06 + 1: the weekend is skipped -> Mon 03-09.
    ("2026-03-06", 1, deadline(2026, 3, 9), False),
    # Wed 2026-09-30 + 5: 10-01..07 holiday; Thu 10-08 (1), Fri 10-09 (2), make-up Sat 10-10 (3),
    # Sun 10-11 rests, Mon 10-12 (4), Tue 10-13 (5).
    ("2026-09-30", 5, deadline(2026, 10, 13), False),
    # Fri 2026-10-09 + 1: the next working day is the make-up Saturday 10-10.
    ("2026-10-09", 1, deadline(2026, 10, 10), False),
    # Fri 2026-02-13 + 10: make-up Sat 02-14 (1), Spring Festival 02-15..23, Tue 02-24..Fri 02-27 (2-5),
    # make-up Sat 02-28 (6), Mon 03-02..Thu 03-05 (7-10).
    ("2026-02-13", 10, deadline(2026, 3, 5), False),
    # Fri 2025-01-24 + 10: Sat 01-25 rests, make-up Sun 01-26 (1), Mon 01-27 (2), Spring Festival
    # 01-28..02-04, Wed 02-05..Fri 02-07 (3-5), make-up Sat 02-08 (6), Mon 02-10..Thu 02-13 (7-10).
    ("2025-01-24", 10, deadline(2025, 2, 13), False),
    # Sun 2026-09-20 (a make-up day, but the start is not counted) + 5: Mon 09-21..Thu 09-24 (1-4),
    # Mid-autumn 09-25..27, Mon 09-28 (5).
    ("2026-09-20", 5, deadline(2026, 9, 28), False),
    # Thu 2026-04-30 + 3: Labour Day 05-01..05, Wed 05-06 (1), Thu 05-07 (2), Fri 05-08 (3).
    ("2026-04-30", 3, deadline(2026, 5, 8), False),
    # Tue 2026-12-29 + 2: Wed 12-30, Thu 12-31, all covered.
    ("2026-12-29", 2, deadline(2026, 12, 31), False),
    # Wed 2026-12-30 + 5: Thu 12-31 (1), then uncovered 2027 Mon–Fri: Fri 01-01 (2), Mon 01-04 (3),
    # Tue 01-05 (4), Wed 01-06 (5) -> approximate.
    ("2026-12-30", 5, deadline(2027, 1, 6), True),
    # Fri 2027-01-01 + 1: uncovered, Mon–Fri -> Mon 01-04, approximate.
    ("2027-01-01", 1, deadline(2027, 1, 4), True),
    # 22:00 UTC on Thu 2026-09-30 is Thu 10-01 06:00 in Shanghai (start not counted) + 1 -> Thu 10-08.
    (dt.datetime(2026, 9, 30, 22, 0, tzinfo=UTC), 1, deadline(2026, 10, 8), False),
])
def test_working_period_end(start, n, expected, approximate):
    assert periods.working_period_end_info(start, n) == (expected, approximate)
    assert periods.working_period_end(start, n) == expected


def test_working_period_end_counts_exactly_n_working_days_in_2025_and_2026():
    start = D(2025, 1, 1)
    while start < D(2026, 11, 1):
        for n in (1, 2, 5, 10, 20):
            end, approximate = periods.working_period_end_info(start, n)
            assert not approximate
            assert chinese_calendar.is_workday(end.date()), (start, n)
            days = [start + dt.timedelta(days=i) for i in range(1, (end.date() - start).days + 1)]
            assert sum(chinese_calendar.is_workday(day) for day in days) == n, (start, n)
        start += dt.timedelta(days=1)


@pytest.mark.parametrize("n,error", [(0, ValueError), (-5, ValueError), (2.0, TypeError), (True, TypeError)])
def test_working_period_end_rejects_bad_n(n, error):
    with pytest.raises(error, match=r"^n must"):
        periods.working_period_end("2026-03-03", n)


# ---------------------------------------------------------------------------------------------
# Calendar months (e.g. the renewal timer at expiry − P3M)


@pytest.mark.parametrize("value,months,expected", [
    ("2026-01-15", 1, D(2026, 2, 15)),
    ("2026-01-31", 1, D(2026, 2, 28)),  # clamped: 2026 is not a leap year
    ("2024-01-31", 1, D(2024, 2, 29)),  # leap year
    ("2024-02-29", 12, D(2025, 2, 28)),  # leap day + 1 year
    ("2024-02-29", 48, D(2028, 2, 29)),  # leap day + 4 years
    ("2026-03-31", 1, D(2026, 4, 30)),
    ("2026-08-31", 3, D(2026, 11, 30)),
    ("2026-12-15", 1, D(2027, 1, 15)),  # across the year end
    ("2026-03-31", -1, D(2026, 2, 28)),  # negative, clamped
    ("2028-03-31", -1, D(2028, 2, 29)),  # negative into a leap February
    ("2027-05-31", -3, D(2027, 2, 28)),  # expiry − P3M
    ("2026-12-20", -3, D(2026, 9, 20)),
    ("2026-01-15", -13, D(2024, 12, 15)),
    ("2026-01-15", -1, D(2025, 12, 15)),
    ("2026-05-10", 0, D(2026, 5, 10)),
    ("2026-01-31T16:30:00Z", 1, D(2026, 3, 1)),  # already Feb 1 in Shanghai, + 1 month
    (dt.datetime(2026, 1, 31, 9, 0, tzinfo=TZ), 1, D(2026, 2, 28)),
])
def test_add_months(value, months, expected):
    assert periods.add_months(value, months) == expected


@pytest.mark.parametrize("months,error", [(1.0, TypeError), (True, TypeError), ("3", TypeError),
                                          (12 * 10000, ValueError)])
def test_add_months_rejects(months, error):
    with pytest.raises(error):
        periods.add_months("2026-01-31", months)


# ---------------------------------------------------------------------------------------------
# Timeliness: "n 日内" includes the whole last day


DUE = deadline(2026, 10, 8)  # 20 days from 2026-09-11, rolled past National Day


@pytest.mark.parametrize("at,due,expected", [
    (DUE, DUE, True),  # the last instant itself
    (DUE - dt.timedelta(days=3), DUE, True),
    (DUE + dt.timedelta(seconds=1), DUE, False),  # 00:00:00 on the next day
    (DUE.replace(microsecond=500000), DUE, True),  # 23:59:59.5 is still before 24:00
    ("2026-10-08T15:59:59Z", DUE, True),  # same instant in UTC
    ("2026-10-08T16:00:00Z", DUE, False),
    ("2026-10-08T12:00:00", DUE, True),  # naive: Shanghai wall time
    ("2026-10-08T23:59:59+08:00", DUE.isoformat(), True),  # both as strings
    ("2026-10-09T00:00:00+08:00", DUE.isoformat(), False),
    ("2026-10-08", DUE, True),  # a bare date is timely on the last day
    ("2026-10-09", DUE, False),
    (D(2026, 10, 8), "2026-10-08", True),  # a bare deadline date means the end of that day
    ("2026-10-08T23:00:00+08:00", "2026-10-08", True),
    ("2026-10-08T16:30:00Z", "2026-10-08", False),  # 00:30 on 10-09 in Shanghai
])
def test_is_timely(at, due, expected):
    assert periods.is_timely(at, due) is expected


@pytest.mark.parametrize("at,due,error", [
    (None, DUE, TypeError), (DUE, 20261008, TypeError), ("soon", DUE, ValueError), (DUE, "later", ValueError),
])
def test_is_timely_rejects(at, due, error):
    with pytest.raises(error):
        periods.is_timely(at, due)


def test_timely_up_to_the_period_end():
    """A reply 20 days after delivery is timely exactly until the rolled deadline ends."""
    delivered = "2026-09-11T09:30:00+08:00"
    due = periods.period_end(delivered, 20)
    assert periods.is_timely("2026-10-01T10:00:00+08:00", due)  # within the holiday: still running
    assert periods.is_timely("2026-10-08T23:59:59+08:00", due)
    assert not periods.is_timely("2026-10-09T00:00:00+08:00", due)
