"""Administrators' actions on a case: suspend, resume, cancel, retry after an error."""

from __future__ import annotations

import copy
from collections.abc import Callable

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from engine.cases.unit import Loaded, UnreadableState, json_copy, status_text
from engine.domain import clock
from engine.domain.actors import SYSTEM, Actor
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState
from engine.read import queries
from engine.store import audit, report_state
from engine.store.audit import Event
from engine.store.tables import cases, open_tasks
from engine.workflow import projection
from engine.workflow.projection import Snapshot

VERBS = {"suspend": "暂停", "resume": "恢复", "cancel": "取消", "retry": "重试",
         "correct a flag of": "更正逾期标记"}  # the verbs in Chinese


class Administration:
    """Administrators' verbs, each recorded in the case file (mixed into ``Runtime``)."""

    def _admin_action(self, case_id: int, actor: Actor, allowed: tuple[str, ...], verb: str,
                      act: Callable[[Loaded], tuple[list[Event], Snapshot, str | None]]) -> None:
        if not actor.is_admin:
            raise Forbidden(Text("只有管理员可以{verb}事项", "only an administrator may {verb_en} a case",
                                 verb=VERBS[verb], verb_en=verb))
        now = clock.now()
        with self.db.begin() as conn:
            try:
                loaded = self.load(conn, case_id)
            except UnreadableState:
                if verb != "cancel":
                    raise
                loaded = None
            if loaded is None:  # a case whose state cannot be loaded can still be cancelled (its row and file)
                self._cancel_unreadable(conn, case_id, allowed, act, now)
                return
            if loaded.row.status not in allowed:
                raise InvalidState(Text("事项 {ref} {status}，不能{verb}",
                                        "cannot {verb_en} case {ref}: it is {status}", ref=loaded.row.reference,
                                        status=status_text(loaded.row.status), verb=VERBS[verb], verb_en=verb))
            events, snap, status = act(loaded)
            self.save(conn, loaded, loaded.workflow, snap, events, now, status=status,
                        progress=verb == "retry")

    def _cancel_unreadable(self, conn, case_id: int, allowed: tuple[str, ...], act, now) -> None:
        row = conn.execute(sa.select(cases.c.lock_version, cases.c.status, cases.c.reference)
                           .where(cases.c.id == case_id)).one()
        if row.status not in allowed:
            raise InvalidState(Text("事项 {ref} {status}，不能取消", "cannot cancel case {ref}: it is {status}",
                                    ref=row.reference, status=status_text(row.status)))
        events, _snap, status = act(Loaded(row, None, None, {}))
        if conn.execute(sa.update(cases).where(cases.c.id == case_id, cases.c.lock_version == row.lock_version)
                        .values(status=status, next_timer_at=None, lock_version=row.lock_version + 1,
                                updated_at=now)).rowcount != 1:
            raise Conflict(Text("事项 {ref} 刚被其他人修改过，请刷新后再试",
                                "case {ref} was changed by someone else meanwhile; reload and try again",
                                ref=row.reference))
        closed = conn.execute(sa.select(open_tasks).where(open_tasks.c.case_id == case_id)).all()
        conn.execute(sa.delete(open_tasks).where(open_tasks.c.case_id == case_id))
        events += [Event(EventKind.TASK_CLOSED, SYSTEM, {"role": t.role}, t.element_id, t.task_id) for t in closed]
        audit.append(conn, case_id, now, events)
        report_state.case_ended(conn, case_id)

    def suspend(self, case_id: int, actor: Actor, reason: str) -> None:
        reason = _required_reason(reason)

        def act(loaded):
            snap = projection.snapshot(loaded.workflow)
            return [Event(EventKind.CASE_SUSPENDED, actor.user_id, {"reason": reason,
                                                            "previous_status": loaded.row.status})], snap, \
                CaseStatus.SUSPENDED
        self._admin_action(case_id, actor, ACTIVE_STATUSES, "suspend", act)

    def resume(self, case_id: int, actor: Actor, reason: str | None = None) -> None:
        def act(loaded):
            snap = projection.snapshot(loaded.workflow)
            return [Event(EventKind.CASE_RESUMED, actor.user_id, {"reason": reason or ""})], snap, None
        self._admin_action(case_id, actor, (CaseStatus.SUSPENDED,), "resume", act)

    def cancel(self, case_id: int, actor: Actor, reason: str) -> None:
        reason = _required_reason(reason)

        def act(loaded):
            snap = projection.snapshot(loaded.workflow) if loaded.workflow is not None else None
            if snap is not None:
                snap.next_timer_at = None
            return [Event(EventKind.CASE_CANCELLED, actor.user_id, {"reason": reason,
                                                            "previous_status": loaded.row.status})], snap, \
                CaseStatus.CANCELLED
        self._admin_action(case_id, actor, (*ACTIVE_STATUSES, CaseStatus.SUSPENDED, CaseStatus.ERROR),
                           "cancel", act)

    def retry(self, case_id: int, actor: Actor, data: dict | None = None) -> None:
        """Re-run the failed element, optionally after patching its data (the administrator's fix)."""
        patch = json_copy(data, "retry data")

        def act(loaded):
            workflow = loaded.workflow

            def rerun():
                failed = projection.errored_task(workflow)
                if failed is not None:
                    workflow.reset_from_task_id(failed.id)
                    failed = workflow.get_task_from_id(failed.id)
                    failed.data.update(copy.deepcopy(patch))
                else:
                    for task in projection.ready_user_tasks(workflow):
                        if projection.element_id(task) == loaded.row.error_element:
                            task.data.update(copy.deepcopy(patch))

            events, snap = self.advance(workflow, rerun)
            return [Event(EventKind.CASE_RETRIED, actor.user_id, {"data": patch,
                                                          "failed_element": loaded.row.error_element}),
                    *events], snap, None
        self._admin_action(case_id, actor, (CaseStatus.ERROR,), "retry", act)


    def correct_flag(self, case_id: int, actor: Actor, flag: str, value: bool, reason: str) -> None:
        """An administrator's correction of a lateness flag the engine recorded (``late_*`` / ``*_late``), with
        the reason, as an event of the case file; later steps of the case read the corrected value."""
        if not actor.is_admin:
            raise Forbidden(Text("只有管理员可以更正逾期标记", "only an administrator may correct a lateness flag"))
        reason = _required_reason(reason)
        if not is_lateness_flag(flag):
            raise InvalidInput(Text("只能更正逾期标记（名称以 late_ 开头或以 _late 结尾），不能更正“{flag}”",
                                    "only a lateness flag (named late_… or …_late) can be corrected, not '{flag}'",
                                    flag=flag), [FieldError("flag", Text("不是逾期标记", "not a lateness flag"))])
        if not isinstance(value, bool):
            raise InvalidInput(Text("标记的值须为 true 或 false", "a flag is true or false"),
                               [FieldError("value", Text("须为 true 或 false", "must be true or false"))])

        def act(loaded):
            with self.db.connect() as conn:
                recorded = queries.key_figures(conn, loaded.row.id)
            if not isinstance(recorded.get(flag), bool):  # the case's state, not the request, is at odds
                raise InvalidState(Text("事项 {ref} 的档案中没有记录过标记“{flag}”",
                                        "the case file of {ref} holds no flag '{flag}'",
                                        ref=loaded.row.reference, flag=flag))
            if recorded[flag] == value:
                raise InvalidState(Text("事项 {ref} 的标记“{flag}”已经是 {value}",
                                        "the flag '{flag}' of case {ref} is already {value}",
                                        ref=loaded.row.reference, flag=flag, value=str(value).lower()))
            for task in projection.all_tasks(loaded.workflow):  # the steps still to come read the correction
                if task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED) and flag in task.data:
                    task.data[flag] = value
            snap = projection.snapshot(loaded.workflow)
            return [Event(EventKind.FLAG_CORRECTED, actor.user_id, {"flag": flag, "value": value,
                                                                     "previous": recorded[flag],
                                                                     "reason": reason})], snap, loaded.row.status
        self._admin_action(case_id, actor, (*ACTIVE_STATUSES, CaseStatus.SUSPENDED, CaseStatus.COMPLETED),
                           "correct a flag of", act)


def is_lateness_flag(name: str) -> bool:
    """A lateness flag is a boolean a process computes when a deadline passes, named ``late_*`` or ``*_late``."""
    return isinstance(name, str) and name.isidentifier() and (name.startswith("late_") or name.endswith("_late"))


def _required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(Text("请填写理由（会记入事项档案）", "a reason is required"), [])
    return reason
