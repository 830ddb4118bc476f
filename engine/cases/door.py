"""The part of ``Yishi`` that serves the task actions (issue 13): the four views with their counts, 催办, 抄送,
转办 / 委派 / 加签 / stand-ins / 换届, 撤回 / 撤销 / 退回, and what a person may do on a task or case page.
Each act is an operation of ``engine.cases`` (attention, handover, takeback) recorded in the case file."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import sqlalchemy as sa

from engine.cases import summary
from engine.cases.attention import holders_of, took_part
from engine.cases.handover import STATUTORY_KINDS, check_holder, statutory_kind
from engine.cases.takeback import QUIET_KINDS
from engine.domain import clock, names
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.domain.texts import DEFAULT_LANGUAGE, Text
from engine.errors import NotFound, YishiError
from engine.notify import recipients
from engine.read import queries, views
from engine.store.tables import case_copies, case_events, cases, open_tasks
from engine.workflow import returns


def with_summary(rows: list[dict], language: str) -> list[dict]:
    """Each row's stored summary lines in ``language`` (the method's two or three fields)."""
    for row in rows:
        row["summary"] = summary.render(row.get("summary"), language)
    return rows


class TaskActionsDoor:
    """Mixed into ``engine.service.Yishi`` (which provides ``db``, ``runtime``, ``task``, ``visible_case``…)."""

    # ----- the four views --------------------------------------------------------------------------------------

    def view_counts(self, actor: Actor, *, method: str | None = None, unit: str | None = None,
                    q: str | None = None) -> dict:
        """How many items 待办 (with the requests to me), 已办, 我发起的 and 抄送我的 hold under the same filters."""
        with self.db.connect() as conn:
            return views.counts(conn, actor, units=self._visible_units(actor), method=method, unit=unit, q=q)

    def copied_to_me(self, actor: Actor, language: str = DEFAULT_LANGUAGE, *, method: str | None = None,
                     unit: str | None = None, q: str | None = None, unread: bool = False, limit: int = 50,
                     offset: int = 0) -> tuple[list[dict], int]:
        """抄送我的: cases copied to the actor, newest first, with read status."""
        with self.db.connect() as conn:
            rows, total = views.copies(conn, actor.user_id, method=method, unit=unit, q=q, unread=unread,
                                       limit=limit, offset=offset)
        for row in rows:
            row.pop("definition_version_id", None)
            for step in row["open_steps"]:
                step["name"] = names.render(step["name"], language)
        return with_summary(rows, language), total

    def requests_to_me(self, actor: Actor, language: str = DEFAULT_LANGUAGE, **filters) -> list[dict]:
        """What holders of open steps asked of the actor (委派, 加签) and is not answered yet."""
        with self.db.connect() as conn:
            rows = views.requests_to(conn, actor.user_id, **filters)
        for row in rows:
            row.pop("definition_version_id", None)
            row["name"] = names.render(row["name"], language)
        return with_summary(rows, language)

    # ----- attention: 催办 and 抄送 ------------------------------------------------------------------------------

    def urge(self, task_id: str, actor: Actor, note: str | None = None) -> dict:
        case_id = self._case_of_visible_task(task_id, actor)
        return self.runtime.urge(case_id, task_id, actor, note)

    def copy_case(self, case_ref, actor: Actor, to_users: list[str] | None = None, to_roles: list[str] | None = None,
                  note: str | None = None) -> dict:
        case_id = self.visible_case(case_ref, actor)["id"]
        return self.runtime.copy_case(case_id, actor, to_users, to_roles, note)

    # ----- hand-over ---------------------------------------------------------------------------------------------

    def transfer(self, task_id: str, actor: Actor, to_user: str, reason: str) -> dict:
        case_id = self._case_of_visible_task(task_id, actor)
        return self.runtime.transfer(case_id, task_id, actor, to_user, reason)

    def ask(self, task_id: str, actor: Actor, kind: str, to_user: str, note: str) -> dict:
        case_id = self._case_of_visible_task(task_id, actor)
        return self.runtime.ask(case_id, task_id, actor, kind, to_user, note)

    def answer_request(self, request_id: int, actor: Actor, answer: str | None, *, withdraw: bool = False) -> dict:
        return self.runtime.answer(request_id, actor, answer, withdraw=withdraw)

    def set_stand_in(self, actor: Actor, user_id: str, stand_in: str, valid_from: dt.date, valid_to: dt.date,
                     reason: str, language: str = DEFAULT_LANGUAGE) -> dict:
        return _rendered(self.runtime.set_stand_in(actor, user_id, stand_in, valid_from, valid_to, reason), language)

    def stand_ins(self, actor: Actor, unit: str | None = None) -> list[dict]:
        return self.runtime.stand_ins_of(actor, unit)

    def stand_in_candidates(self, actor: Actor, user_id: str | None = None) -> list[dict]:
        return self.runtime.stand_in_candidates(actor, user_id)

    def end_stand_in(self, actor: Actor, stand_in_id: int, reason: str | None = None,
                     language: str = DEFAULT_LANGUAGE) -> dict:
        return _rendered(self.runtime.end_stand_in(actor, stand_in_id, reason), language)

    def handover(self, actor: Actor, user_id: str, to_user: str, reason: str | None,
                 language: str = DEFAULT_LANGUAGE, *, dry_run: bool = False) -> dict:
        return _rendered(self.runtime.handover(actor, user_id, to_user, reason, dry_run=dry_run), language)

    # ----- taking back -------------------------------------------------------------------------------------------

    def withdraw_step(self, task_id: str, actor: Actor, reason: str | None = None) -> dict:
        case_id = self._case_of_visible_task(task_id, actor)
        self.runtime.withdraw_step(case_id, task_id, actor, reason)
        return self.case(case_id)

    def withdraw_case(self, case_ref, actor: Actor, reason: str) -> dict:
        case_id = self.visible_case(case_ref, actor)["id"]
        self.runtime.withdraw_case(case_id, actor, reason)
        return self.case(case_id)

    def return_task(self, task_id: str, actor: Actor, to_element: str, reason: str) -> dict:
        case_id = self._case_of_visible_task(task_id, actor)
        self.runtime.return_to(case_id, task_id, actor, to_element, reason)
        return self.case(case_id)

    # ----- what a person may do where ----------------------------------------------------------------------------

    def task_actions(self, task_id: str, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """On an open task the actor may work: hand-over options (statutory or not), the steps it may be sent back
        to, the requests made on it and the last return that reopened it."""
        row = self.task(task_id, actor)
        with self.db.connect() as conn:
            loaded = self.runtime.load(conn, row["case_id"])
            live = loaded.workflow.get_task_from_id(UUID(task_id))
            statutory = statutory_kind(live)
            element_names = self._element_names(conn, {loaded.row.definition_version_id}).get(
                loaded.row.definition_version_id, {})
            returned = conn.execute(sa.select(case_events.c.actor, case_events.c.data, case_events.c.at).where(
                case_events.c.case_id == row["case_id"], case_events.c.kind == EventKind.TASK_RETURNED)
                .order_by(case_events.c.seq.desc()).limit(5)).all()
            requests = [r for r in views.requests_of_case(conn, row["case_id"]) if r["task_id"] == task_id]
            task_row = conn.execute(sa.select(open_tasks).where(open_tasks.c.task_id == task_id)).first()
            try:
                check_holder(actor, row["unit"], task_row)
                holder = True
            except YishiError:
                holder = False
            colleagues = [u for u in recipients.holders(conn, row["unit"], row["role"]) if u != actor.user_id] \
                if row["role"] else []
        last_return = next((r for r in returned if (r.data or {}).get("to_task") == task_id), None)
        return {
            "task_id": task_id, "holder": holder, "statutory": statutory,
            "statutory_name": STATUTORY_KINDS[statutory].render(language) if statutory in STATUTORY_KINDS else None,
            "may_delegate": holder and not statutory,
            "transfer_to": colleagues if holder else [],
            "return_to": [{"element_id": e, "name": names.render(element_names.get(e, e), language)}
                          for e in returns.targets(live)],
            "requests": requests,
            "returned": {"by": last_return.actor, "reason": last_return.data.get("reason"), "at": last_return.at}
            if last_return is not None else None,
        }

    def case_actions(self, case_ref, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """On a case page: the open steps the actor may urge (with urges and whether the holder opened the step
        since), whether they may copy the case or withdraw it, the step of theirs they may still take back, who it
        was copied to and the requests made on its steps."""
        detail = self.visible_case(case_ref, actor)
        case_id = detail["id"]
        with self.db.connect() as conn:
            case = conn.execute(sa.select(*queries.CASE_COLUMNS).where(cases.c.id == case_id)).one()
            participant = took_part(conn, case, actor)
            steps = []
            for task in conn.execute(sa.select(open_tasks).where(open_tasks.c.case_id == case_id)
                                     .order_by(open_tasks.c.created_at, open_tasks.c.task_id)).all():
                holders = holders_of(conn, case.unit, task)
                steps.append({"task_id": task.task_id, "name": names.render(task.name, language),
                              "holders": holders, "urged_at": task.urged_at, "urge_count": task.urge_count,
                              "opened_at": task.opened_at,
                              "opened_since_urge": bool(task.urged_at and task.opened_at
                                                        and task.opened_at >= task.urged_at),
                              "may_urge": participant and case.status in ACTIVE_STATUSES
                              and holders != [actor.user_id]})
            events = conn.execute(sa.select(case_events.c.seq, case_events.c.kind, case_events.c.actor,
                                            case_events.c.task_id, case_events.c.element_id)
                                  .where(case_events.c.case_id == case_id).order_by(case_events.c.seq)).all()
            withdrawable = None
            completions = [e for e in events if e.kind == EventKind.TASK_COMPLETED]
            if completions and case.status in ACTIVE_STATUSES and completions[-1].actor == actor.user_id \
                    and all(e.kind in QUIET_KINDS for e in events if e.seq > completions[-1].seq):
                last = completions[-1]
                withdrawable = {"task_id": last.task_id, "element_id": last.element_id,
                                "name": names.render(queries.task_names(conn, [last.task_id]).get(last.task_id)
                                                     or last.element_id, language)}
            until, _notice = self.runtime._withdraw_rule(conn, case.definition_version_id, case.definition_key)
            reached = until is not None and any(e.element_id in until for e in events)
            copies = views.copies_of_case(conn, case_id)
            requests = views.requests_of_case(conn, case_id)
        return {"case_id": case_id, "participant": participant, "steps": steps, "may_copy": participant,
                "may_withdraw_case": case.started_by == actor.user_id and case.status in ACTIVE_STATUSES
                and until is not None and not reached,
                "withdrawable_step": withdrawable, "copies": copies, "requests": requests}

    # ----- helpers -----------------------------------------------------------------------------------------------

    def _case_of_visible_task(self, task_id: str, actor: Actor) -> int:
        """The case of a task the actor may see (a member of its unit, its assignee, or someone it was copied to or
        asked about); ``NotFound`` otherwise."""
        with self.db.connect() as conn:
            case_id = queries.case_of_task(conn, task_id)
            if case_id is not None and self._may_see(conn, case_id, actor):
                return case_id
        raise NotFound(Text("没有任务 {id}", "no task {id}", id=task_id))

    def _may_see(self, conn: sa.Connection, case_id: int, actor: Actor) -> bool:
        unit = queries.case_row(conn, case_id)["unit"]
        if actor.member_of(unit):
            return True
        if views.has_request(conn, case_id, actor.user_id):
            return True
        return conn.execute(sa.select(case_copies.c.id).where(case_copies.c.case_id == case_id,
                                                              case_copies.c.user_id == actor.user_id)).first() \
            is not None or conn.execute(sa.select(open_tasks.c.task_id).where(
                open_tasks.c.case_id == case_id, open_tasks.c.assignee == actor.user_id)).first() is not None

    def note_copy_read(self, case_id: int, actor: Actor) -> None:
        with self.db.begin() as conn:
            views.mark_copy_read(conn, case_id, actor.user_id, clock.now())


def _rendered(result: dict, language: str) -> dict:
    for item in [*result.get("moved", []), *result.get("kept", [])]:
        for key in ("why", "step"):
            if isinstance(item.get(key), Text):
                item[key] = item[key].render(language)
    return result
