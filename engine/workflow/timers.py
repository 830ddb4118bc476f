"""SpiffWorkflow's timers read Yishi's clock (``engine.domain.clock``), so tests and the dev clock move them."""

from __future__ import annotations

import datetime as _dt

from engine.domain import clock


class _ClockedDatetime(_dt.datetime):
    """``datetime`` whose ``now()`` reads Yishi's clock; everything else is the stdlib class."""

    @classmethod
    def now(cls, tz: _dt.tzinfo | None = None) -> _dt.datetime:  # type: ignore[override]
        current = clock.now()
        return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)


def install() -> None:
    """Route SpiffWorkflow's timer module through this clock (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    timer.datetime = _ClockedDatetime

