"""Timers: find cases whose next timer is due and fire them, each case in its own transaction so one
failing case never stops the others."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from engine.cases.unit import MAX_ERROR_MESSAGE, UnreadableState
from engine.domain import clock
from engine.domain.actors import SYSTEM
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.errors import Conflict, NotFound
from engine.store import audit, report_state
from engine.store.audit import Event
from engine.store.tables import cases

log = logging.getLogger(__name__)

# the case file's mark on a case_error whose stored state cannot be loaded (the stuck report reads it)
UNREADABLE_MARK = "unreadable_state"


@dataclass
class TickResult:
    cases: int = 0
    timers_fired: int = 0
    errors: int = 0
    conflicts: int = 0




class Timers:
    """Firing due timers, one case per transaction (mixed into ``Runtime``)."""

    def tick(self, now: dt.datetime | None = None, limit: int = 500) -> TickResult:
        """Fire every timer due at ``now`` (default: the clock), one case per transaction.

        Whatever one case raises (a timer expression that gives no date, a value that cannot be stored, a state
        that cannot be loaded, a database refusal) puts that case in error, recorded in its case file, and the
        tick goes on with the others."""
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
            except Exception as exc:  # noqa: BLE001 — the one place that must survive anything a case does
                log.warning("timer tick: case %s failed", case_id, exc_info=True)
                fired, failed = 0, self._put_in_error(case_id, now, exc)
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

    def _put_in_error(self, case_id: int, now: dt.datetime, exc: Exception) -> int:
        """Record a case whose tick failed outside the workflow's own error handling (its state cannot be loaded,
        the database refused what it was given) as in error, in a transaction of its own; 1 if it was."""
        unreadable = isinstance(exc, UnreadableState)
        message = (exc.message if unreadable else f"timer tick failed: {type(exc).__name__}: {exc}")
        message = message[:MAX_ERROR_MESSAGE]
        try:
            with self.db.begin() as conn:
                changed = conn.execute(
                    sa.update(cases).where(cases.c.id == case_id, cases.c.status.in_(ACTIVE_STATUSES))
                    .values(status=CaseStatus.ERROR, error_element=None, error_message=message,
                            error_cause=UNREADABLE_MARK if unreadable else None,
                            lock_version=cases.c.lock_version + 1, updated_at=now)).rowcount
                if changed != 1:
                    return 0  # someone else moved it meanwhile
                data = {"message": message, **({"cause": UNREADABLE_MARK} if unreadable else {})}
                audit.append(conn, case_id, now, [Event(EventKind.CASE_ERROR, SYSTEM, data)])
                report_state.set_tasks_active(conn, case_id, False)  # it was active (the update's condition)
            return 1
        except Exception:  # noqa: BLE001 — e.g. the database is gone: the next tick tries again
            log.exception("timer tick: could not record the failure of case %s", case_id)
            return 1
