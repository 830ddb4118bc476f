"""How much time a task has left, counted in Beijing calendar days (the unit's time zone).

``days_left`` is the local due date minus the local date of ``now`` (0: due today, negative: past);
``overdue`` is true once the due instant has passed. Pure functions: the caller passes ``now``.
"""

from __future__ import annotations

import datetime as dt

from engine.domain.periods import TZ


def _aware(instant: dt.datetime) -> dt.datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


def days_left(due_at: dt.datetime | None, now: dt.datetime) -> int | None:
    if due_at is None:
        return None
    return (_aware(due_at).astimezone(TZ).date() - _aware(now).astimezone(TZ).date()).days


def overdue(due_at: dt.datetime | None, now: dt.datetime) -> bool:
    return due_at is not None and _aware(due_at) < _aware(now)
