"""The one source of "now" for Yishi and for SpiffWorkflow's timers.

SpiffWorkflow has no clock API: its timer module calls ``datetime.now(timezone.utc)``;
``engine.workflow.timers`` routes it through this clock.
``install()`` swaps that module's ``datetime`` for a subclass whose ``now()`` asks this
module, so a test, the timer worker or an administrator's time travel moves every timer.
In production nothing is set and the clock is the system clock.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import threading
from collections.abc import Iterator

UTC = _dt.UTC


class Clock:
    """Real time plus an optional offset; or a frozen instant when ``set()`` was called."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen: _dt.datetime | None = None
        self._offset = _dt.timedelta(0)

    def now(self) -> _dt.datetime:
        with self._lock:
            base = self._frozen if self._frozen is not None else _dt.datetime.now(UTC)
            return base + self._offset

    def set(self, instant: _dt.datetime) -> None:
        """Freeze the clock at ``instant`` (aware; naive is read as UTC)."""
        with self._lock:
            self._frozen = _aware(instant)
            self._offset = _dt.timedelta(0)

    def advance(self, delta: _dt.timedelta) -> _dt.datetime:
        """Move the clock forward (frozen or not) and return the new now."""
        with self._lock:
            self._offset += delta
        return self.now()

    def reset(self) -> None:
        """Back to the system clock."""
        with self._lock:
            self._frozen = None
            self._offset = _dt.timedelta(0)


clock = Clock()
_override: contextvars.ContextVar[_dt.datetime | None] = contextvars.ContextVar("yishi_now", default=None)


def now() -> _dt.datetime:
    """Aware UTC now: the instant pinned by ``at()`` in this context, else the global clock."""
    pinned = _override.get()
    return pinned if pinned is not None else clock.now()


@contextlib.contextmanager
def at(instant: _dt.datetime) -> Iterator[_dt.datetime]:
    """Pin "now" for the current thread/task only (used by ``tick(now)``)."""
    token = _override.set(_aware(instant))
    try:
        yield _aware(instant)
    finally:
        _override.reset(token)


def _aware(instant: _dt.datetime) -> _dt.datetime:
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
