"""Periods the Civil Code way, and PRC working days [S22 Arts 200–204; DOMAIN.md §2.2–2.3].

- The start day is not counted: "n 日" runs from the next day, so the last day is start + n.
- If the last day is a rest day (法定休假日: statutory holidays and weekends, except make-up
  working days), the period ends on the first working day after it.
- The last day ends at 24:00, represented here as 23:59:59 Asia/Shanghai; "n 日内" is timely
  up to and including that instant.

Working days come from the year's loaded calendar (``YearCalendar``: the State Council's arrangement an
administrator loaded, see ``engine.cases.holidays``), else from the ``chinese_calendar`` package (holidays and
调休 make-up days). For years neither covers, Monday to Friday are working days and results are flagged
approximate (the ``*_info`` functions say so).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar

TZ = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 3660  # ten years: a period longer than that is a typing error, not a deadline


def to_local_date(value) -> dt.date:
    """The Asia/Shanghai calendar date of a date, datetime or ISO-8601 string (naive = Shanghai time)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(TZ).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return to_local_date(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO-8601 date or date-time") from None
    raise TypeError(f"expected a date, datetime or ISO-8601 string, not {type(value).__name__}")


def end_of_day(value) -> dt.datetime:
    """23:59:59 Asia/Shanghai on the value's local date (the 24:00 end of a period's last day)."""
    day = to_local_date(value)
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=TZ)


@dataclass(frozen=True)
class YearCalendar:
    """One year's arrangement: its statutory holidays (放假) and its make-up working days (调休上班)."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    def is_working(self, day: dt.date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


_loaded: dict[int, YearCalendar] = {}


def use_calendars(years: dict[int, YearCalendar]) -> None:
    """The loaded arrangements, by year; they override the package for their years (the process's one table,
    replaced whole, so a reader never sees half of it)."""
    global _loaded
    _loaded = dict(years)


def loaded_years() -> frozenset[int]:
    return frozenset(_loaded)


def calendar_covers(value) -> bool:
    """Whether the holiday data (a loaded arrangement or the package) knows the value's year."""
    day = to_local_date(value)
    if day.year in _loaded:
        return True
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def _working(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, answer is exact)."""
    loaded = _loaded.get(day.year)
    if loaded is not None:
        return loaded.is_working(day), True
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def is_working_day(value) -> bool:
    """A PRC working day: statutory holidays are not, make-up Saturdays/Sundays are."""
    return _working(to_local_date(value))[0]


def is_rest_day(value) -> bool:
    """法定休假日 in the Civil Code's sense: a statutory holiday or a weekend that is not 调休."""
    return not is_working_day(value)


def _days(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number of days, not {type(value).__name__}")
    if not minimum <= value <= MAX_DAYS:
        raise ValueError(f"{name} must be between {minimum} and {MAX_DAYS} (got {value})")
    return value


def period_end_info(start, days: int) -> tuple[dt.datetime, bool]:
    """(deadline, approximate) of an "n 日" period from ``start`` [S22 Arts 201, 203]."""
    day = to_local_date(start) + dt.timedelta(days=_days("days", days, 0))
    exact = True
    while True:
        working, known = _working(day)
        exact = exact and known
        if working:
            return end_of_day(day), not exact
        day += dt.timedelta(days=1)


def period_end(start, days: int) -> dt.datetime:
    """End (23:59:59 Shanghai) of an "n 日" period: start day not counted, rolled past rest days."""
    end, approximate = period_end_info(start, days)
    if approximate:
        _note("period_end", start, days, end)
    return end


def working_period_end_info(start, n: int) -> tuple[dt.datetime, bool]:
    """(deadline, approximate) of "n 个工作日": the end of the n-th working day after the start date."""
    remaining = _days("n", n, 1)
    day, exact = to_local_date(start), True
    while remaining:
        day += dt.timedelta(days=1)
        working, known = _working(day)
        exact = exact and known
        remaining -= working
    return end_of_day(day), not exact


def working_period_end(start, n: int) -> dt.datetime:
    """End (23:59:59 Shanghai) of the n-th working day after the start date (start day not counted)."""
    end, approximate = working_period_end_info(start, n)
    if approximate:
        _note("working_period_end", start, n, end)
    return end


# ----- deadlines computed without the year's holiday data -------------------------------------------------------

_noted: ContextVar[list[dict] | None] = ContextVar("approximate_deadlines", default=None)
RECOMPUTE = {"period_end": period_end_info, "working_period_end": working_period_end_info}


def _note(function: str, start, n: int, end: dt.datetime) -> None:
    noted = _noted.get()
    if noted is not None:
        start_text = start.isoformat() if isinstance(start, dt.date) else str(start)
        noted.append({"function": function, "start": start_text, "n": n, "value": end.isoformat(),
                      "years": [year for year in range(to_local_date(start).year, end.year + 1)
                                if not calendar_covers(dt.date(year, 6, 1))]})


@contextlib.contextmanager
def noting_approximations() -> Iterator[list[dict]]:
    """Collect, while the block runs, every ``period_end``/``working_period_end`` whose result depended on a year
    without holiday data: ``{function, start, n, value, years}``, so it can be recomputed when the year arrives."""
    noted: list[dict] = []
    token = _noted.set(noted)
    try:
        yield noted
    finally:
        _noted.reset(token)


def current_notes() -> list[dict] | None:
    """The notes being collected now (None outside ``noting_approximations``)."""
    return _noted.get()


def recompute(note: dict) -> tuple[dt.datetime, bool]:
    """(deadline, still approximate) of a noted computation with the calendars known now."""
    return RECOMPUTE[note["function"]](note["start"], note["n"])


def add_months(value, months: int) -> dt.date:
    """Calendar months (negative allowed), clamped to the month's last day (e.g. expiry − P3M)."""
    if isinstance(months, bool) or not isinstance(months, int):
        raise TypeError("months must be a whole number")
    day = to_local_date(value)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError("date out of range")
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def to_instant(value) -> dt.datetime:
    """An aware instant; a bare date stands for its whole day, so it becomes the day's end."""
    if isinstance(value, dt.datetime):
        instant = value
    elif isinstance(value, dt.date):
        return end_of_day(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return end_of_day(text)
        try:
            instant = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO-8601 date-time") from None
    else:
        raise TypeError(f"expected a datetime or ISO-8601 string, not {type(value).__name__}")
    return instant if instant.tzinfo else instant.replace(tzinfo=TZ)


def shift_days(value, days: int) -> dt.datetime:
    """The instant ``days`` calendar days after ``value`` (before it when negative), same time of day in
    Asia/Shanghai: a reminder three days before a deadline, a further escalation a week after it."""
    _days("days", abs(days) if isinstance(days, int) and not isinstance(days, bool) else days, 0)
    return to_instant(value).astimezone(TZ) + dt.timedelta(days=days)


def is_timely(at, deadline) -> bool:
    """Done at ``at`` within a period ending at ``deadline`` (届满 includes the last instant).

    Compared to the whole second: a deadline of 23:59:59 stands for 24:00, so an act at
    23:59:59.5 on the last day is still in time.
    """
    return to_instant(at).replace(microsecond=0) <= to_instant(deadline).replace(microsecond=0)


def days_between(start, end) -> int:
    """Whole calendar days from ``start``'s local date to ``end``'s (negative when ``end`` is earlier).

    "A meeting at least 3 days after its notice" is ``days_between(notice, meeting) >= 3``.
    """
    return (to_local_date(end) - to_local_date(start)).days
