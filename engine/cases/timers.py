"""Timers: find cases whose next timer is due and fire them, each case in its own transaction so one
failing case never stops the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.errors import Conflict, NotFound
from engine.store.tables import cases


@dataclass
class TickResult:
    cases: int = 0
    timers_fired: int = 0
    errors: int = 0
    conflicts: int = 0




class Timers:
    """Firing due timers, one case per transaction (mixed into ``Runtime``)."""

    def tick(self, now: dt.datetime | None = None, limit: int = 500) -> TickResult:
        """Fire every timer due at ``now`` (default: the clock), one case per transaction."""
        now = now or clock.now()
        result = TickResult()
        with self.db.connect() as conn:
            due = conn.execute(
                # strictly before: SpiffWorkflow fires a timer only once its instant has passed
                sa.select(cases.c.id).where(cases.c.next_timer_at < now,
                                            cases.c.status.in_(ACTIVE_STATUSES))
                .order_by(cases.c.next_timer_at).limit(limit)
            ).scalars().all()
        for case_id in due:
            try:
                fired, failed = self._tick_case(case_id, now)
            except Conflict:
                result.conflicts += 1
                continue
            result.cases += 1 if fired or failed else 0
            result.timers_fired += fired
            result.errors += failed
        return result

    def _tick_case(self, case_id: int, now: dt.datetime) -> tuple[int, int]:
        with self.db.begin() as conn, clock.at(now):
            try:
                loaded = self.load(conn, case_id, lock=True)
            except NotFound:
                return 0, 0  # another worker holds it (SKIP LOCKED) or it is gone
            if loaded.row.status not in ACTIVE_STATUSES:
                return 0, 0
            workflow = loaded.workflow
            events, snap = self.advance(workflow, workflow.refresh_timers)
            fired = sum(1 for e in events if e.kind == EventKind.TIMER_FIRED)
            self.save(conn, loaded, workflow, snap, events, now, progress=bool(fired))
            return fired, int(snap.status == CaseStatus.ERROR)
