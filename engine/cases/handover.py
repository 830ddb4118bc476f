"""Hand-over by the holder of an open step (issue 13, item 4):

- 转办 (transfer): the step moves to another member holding its role, with a reason;
- 委派 (delegate): someone (a lawyer, the property company) is asked to work on it; their answer comes back to the
  holder, who decides — the step cannot be completed while the delegation is open;
- 加签 (consult before / after): a recorded opinion of another person, asked before the decision (the step waits
  for it) or after it (asked when the step is completed; it does not hold the case up);
- a stand-in during an absence (dates, recorded): on its first day the absent person's open steps move to the
  stand-in, and back on the day after its last (``apply_stand_ins``, run by the timer tick);
- 换届: one recorded act moving every open step of a member whose membership ends to their successor.

A statutory decision (a user task with ``statutory`` = vote | legality | filing) stays with its role: it moves
only to someone who holds that role in the case's unit, and it cannot be delegated out of it (a consultation
is still allowed — the decision stays with the holder).

Moving a step is a write of the case through the unit of work (``load`` → ``save`` with the ``lock_version``
check): of a transfer and a completion at once exactly one wins.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

import sqlalchemy as sa

from engine.cases.attention import lock_case, note_text, open_task_row
from engine.definitions import bpmn
from engine.domain import clock, names, periods, roles
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState, NotFound
from engine.people import accounts
from engine.people import units as unit_tree
from engine.store import audit
from engine.store.audit import Event
from engine.store.tables import (
    account_events,
    case_events,
    cases,
    definition_versions,
    memberships,
    open_tasks,
    stand_ins,
    task_requests,
    units,
    users,
)
from engine.workflow import projection

STATUTORY_KINDS = {"vote": Text("表决", "a vote"), "legality": Text("合法性审查", "a legality ruling"),
                   "filing": Text("备案报送", "a filing")}
REQUEST_KINDS = ("delegate", "consult_before", "consult_after")
_TASK_REQUESTS = sa.select(task_requests).where(task_requests.c.task_id == sa.bindparam("b_task"),
                                                task_requests.c.status.in_(("open", "waiting")))


def statutory_kind(task) -> str | None:
    """The statutory kind of a live user task (its ``statutory`` property), if any."""
    props = projection.spec_properties(task.task_spec)
    value = (props.get(bpmn.STATUTORY_PROPERTY) or "").strip()
    return value or None


def target_actor(conn: sa.Connection, user_id: str | None, field: str = "to_user") -> Actor:
    user_id = (user_id or "").strip()
    if not user_id:
        raise InvalidInput(Text("请选择交给谁", "say who takes it"), [FieldError(field, Text("必填", "required"))])
    return accounts.actor_of(conn, user_id)  # NotFound (404) names an unknown or inactive user


def holder_of(row: sa.Row) -> str | None:
    """The one person an open step is with now, if it is with one person (claimed, or addressed to them)."""
    return row.claimed_by or row.assignee


def check_holder(actor: Actor, unit: str, row: sa.Row) -> None:
    """Only the holder acts on a step: the person it is claimed by or addressed to, else a holder of its role."""
    holder = holder_of(row)
    if holder is not None:
        if holder != actor.user_id:
            raise Forbidden(Text("“{step}”现由 {user} 办理，只有本人可以转交或请人协助",
                                 "'{step}' is with {user}; only they may hand it over or ask for help",
                                 step=names.split(row.name), user=holder))
    elif not actor.holds(unit, row.role):
        raise Forbidden(Text("“{step}”需要{unit}的{role}办理，您没有这个角色",
                             "'{step}' is for the {role} of {unit}; you do not hold that role",
                             step=names.split(row.name), role=roles.name_of(row.role), unit=unit))


def may_take(target: Actor, unit: str, row: sa.Row, statutory: str | None) -> Text | None:
    """Why ``target`` may not take over the step (None: they may)."""
    if row.assignee is None or statutory:
        if not target.holds(unit, row.role):
            why = Text("“{step}”是{kind}，只能交给{unit}的{role}", "'{step}' is {kind}: it stays with the {role} of "
                       "{unit}", step=names.split(row.name), kind=STATUTORY_KINDS.get(statutory, Text("法定决定",
                                                                                     "a statutory decision")),
                       role=roles.name_of(row.role), unit=unit) if statutory else \
                Text("{user} 不是{unit}的{role}，不能接办“{step}”", "{user} is not a {role} of {unit} and cannot take "
                     "'{step}'", user=target.user_id, role=roles.name_of(row.role), unit=unit,
                     step=names.split(row.name))
            return why
    elif not target.member_of(unit):
        return Text("{user} 不是{unit}的成员", "{user} is not a member of {unit}", user=target.user_id, unit=unit)
    return None


class Handover:
    """Transfer, delegation, consultation, stand-ins and 换届 (mixed into ``Runtime``)."""

    def transfer(self, case_id: int, task_id: str, actor: Actor, to_user: str, reason: str) -> dict:
        """转办: the holder hands the step to another member holding its role, with a reason."""
        reason = note_text(reason, "reason", required=True)
        with self.db.connect() as conn:
            target = target_actor(conn, to_user)
        return self._move(case_id, task_id, actor, target, reason, how="transfer", check=True)

    def _move(self, case_id: int, task_id: str, actor: Actor, target: Actor, reason: str, *, how: str,
              check: bool, extra: dict | None = None, only_from: str | None = None,
              conn: sa.Connection | None = None) -> dict:
        """Move one open step, in a transaction of its own or, with ``conn``, as part of that one."""
        if conn is None:
            with self.db.begin() as conn:
                return self._move(case_id, task_id, actor, target, reason, how=how, check=check, extra=extra,
                                  only_from=only_from, conn=conn)
        now = clock.now()
        loaded = self.load(conn, case_id)
        task = self._open_task(loaded, task_id)
        row = loaded.open_before[str(task.id)]
        unit = loaded.row.unit
        if only_from is not None and holder_of(row) != only_from:
            raise Conflict(Text("“{step}”已不在 {user} 名下", "'{step}' is no longer with {user}",
                                step=names.split(row.name), user=only_from))
        if check:
            check_holder(actor, unit, row)
        previous = holder_of(row)
        if target.user_id == (previous or actor.user_id):
            raise InvalidInput(Text("“{step}”已经由 {user} 办理", "'{step}' is already with {user}",
                                    step=names.split(row.name), user=target.user_id),
                               [FieldError("to_user", Text("请选择其他人", "choose someone else"))])
        statutory = statutory_kind(task)
        refused = may_take(target, unit, row, statutory)
        if refused is not None:
            raise Forbidden(refused)
        if row.assignee is not None:
            task.internal_data[projection.ASSIGNEE_KEY] = target.user_id
            assignee, claimed_by = target.user_id, None
        else:
            assignee, claimed_by = None, target.user_id
        event = Event(EventKind.TASK_TRANSFERRED, actor.user_id, {
            "to": target.user_id, "previous": previous, "reason": reason, "how": how,
            "claimed_by": claimed_by, "assignee": assignee, **(extra or {})},
            projection.element_id(task), str(task.id))
        self.save(conn, loaded, loaded.workflow, projection.snapshot(loaded.workflow), [event], now,
                  progress=False)
        conn.execute(sa.update(open_tasks).where(open_tasks.c.task_id == str(task.id))
                     .values(claimed_by=claimed_by, claimed_at=now if claimed_by else None, assignee=assignee))
        return {"task_id": str(task.id), "case_id": case_id, "to": target.user_id, "previous": previous}

    # ----- asking others: 委派 and 加签 -------------------------------------------------------------------------

    def ask(self, case_id: int, task_id: str, actor: Actor, kind: str, to_user: str, note: str) -> dict:
        """委派 (``delegate``) or 加签 (``consult_before`` / ``consult_after``): the holder asks ``to_user``."""
        if kind not in REQUEST_KINDS:
            raise InvalidInput(Text("未知的请求类型 {kind}", "unknown request kind '{kind}'", kind=kind),
                               [FieldError("kind", Text("须为 delegate、consult_before 或 consult_after",
                                                        "one of delegate, consult_before, consult_after"))])
        note = note_text(note, required=True)
        now = clock.now()
        with self.db.begin() as conn:
            target = target_actor(conn, to_user)
            case = lock_case(conn, case_id)
            row = open_task_row(conn, case, task_id)
            check_holder(actor, case.unit, row)
            if target.user_id == actor.user_id:
                raise InvalidInput(Text("不能请自己协助", "you cannot ask yourself"),
                                   [FieldError("to_user", Text("请选择其他人", "choose someone else"))])
            if kind == "delegate":
                statutory = self._statutory_of_row(conn, case.definition_version_id, row)
                if statutory:
                    raise Forbidden(Text("“{step}”是{kind}，须由{role}本人决定，不能委派（可以加签征求意见）",
                                         "'{step}' is {kind}: the {role} decides it and cannot delegate it (ask "
                                         "for an opinion instead)", step=names.split(row.name),
                                         kind=STATUTORY_KINDS.get(statutory, Text("法定决定", "a statutory decision")),
                                         role=roles.name_of(row.role)))
                if conn.execute(sa.select(task_requests.c.id).where(
                        task_requests.c.task_id == row.task_id, task_requests.c.kind == "delegate",
                        task_requests.c.status == "open")).first() is not None:
                    raise Conflict(Text("“{step}”已委派他人，待其答复后才能再委派",
                                        "'{step}' is already delegated; wait for the answer",
                                        step=names.split(row.name)))
            status = "waiting" if kind == "consult_after" else "open"
            request_id = conn.execute(sa.insert(task_requests).values(
                case_id=case.id, task_id=row.task_id, element_id=row.element_id, kind=kind, from_user=actor.user_id,
                to_user=target.user_id, note=note, status=status, created_at=now)).inserted_primary_key[0]
            event_kind = EventKind.TASK_DELEGATED if kind == "delegate" else EventKind.TASK_CONSULTED
            audit.append(conn, case.id, now, [Event(event_kind, actor.user_id, {
                "to": target.user_id, "note": note, "kind": kind, "request": request_id, "status": status},
                row.element_id, row.task_id)])
        return {"id": request_id, "task_id": row.task_id, "kind": kind, "to_user": target.user_id, "status": status}

    def answer(self, request_id: int, actor: Actor, answer: str | None, *, withdraw: bool = False) -> dict:
        """The person asked answers (the delegate's work, the opinion); or the holder withdraws an open request."""
        text = note_text(answer, "answer", required=not withdraw)
        now = clock.now()
        with self.db.begin() as conn:
            request = conn.execute(sa.select(task_requests).where(task_requests.c.id == request_id)).first()
            if request is None or (actor.user_id not in (request.to_user, request.from_user)):
                raise NotFound(Text("没有请求 {id}", "no request {id}", id=request_id))
            if withdraw and actor.user_id != request.from_user:
                raise Forbidden(Text("只有提出请求的人可以撤回它", "only who asked may withdraw the request"))
            if not withdraw and actor.user_id != request.to_user:
                raise Forbidden(Text("这项请求是给 {user} 的", "this request is for {user}", user=request.to_user))
            case = lock_case(conn, request.case_id)
            if case.status not in ACTIVE_STATUSES and not withdraw and request.kind == "consult_after":
                pass  # an opinion asked after the decision may still be given once the case has ended
            elif case.status not in ACTIVE_STATUSES:
                raise InvalidState(Text("事项已结束", "the case has ended"))
            done = conn.execute(sa.update(task_requests).where(task_requests.c.id == request_id,
                                                               task_requests.c.status == "open")
                                .values(status="withdrawn" if withdraw else "answered", answered_at=now,
                                        answer=text or None))
            if done.rowcount != 1:
                raise Conflict(Text("这项请求已答复或已撤回", "this request was already answered or withdrawn"))
            audit.append(conn, case.id, now, [Event(EventKind.REQUEST_ANSWERED, actor.user_id, {
                "request": request_id, "kind": request.kind, "answer": text, "withdrawn": withdraw,
                "to": request.to_user if withdraw else request.from_user}, request.element_id, request.task_id)])
        return {"id": request_id, "status": "withdrawn" if withdraw else "answered", "answered_at": now}

    @staticmethod
    def requests_of(conn: sa.Connection, task_id: str) -> list[sa.Row]:
        """A step's requests still open or waiting for its decision (one query for both uses below)."""
        return conn.execute(_TASK_REQUESTS, {"b_task": str(task_id)}).all()

    @staticmethod
    def requests_block(requests: list[sa.Row]) -> None:
        """A step waits for its open delegation and its consultations asked before the decision."""
        pending = next((r for r in requests if r.status == "open" and r.kind in ("delegate", "consult_before")),
                       None)
        if pending is not None:
            raise InvalidState(Text("正在等待 {user} 的答复（{kind}），答复后或撤回请求后才能办理",
                                    "waiting for {user}'s answer ({kind_en}); it can be completed once they answer or "
                                    "the request is withdrawn", user=pending.to_user,
                                    kind="委派" if pending.kind == "delegate" else "加签",
                                    kind_en="delegation" if pending.kind == "delegate" else "consultation"))

    @staticmethod
    def requests_on_completion(conn: sa.Connection, requests: list[sa.Row]) -> list[Event]:
        """The consultations asked for after the decision open now (their people are told)."""
        waiting = [r for r in requests if r.status == "waiting"]
        if not waiting:
            return []
        conn.execute(sa.update(task_requests).where(task_requests.c.id.in_([r.id for r in waiting]))
                     .values(status="open"))
        return [Event(EventKind.TASK_CONSULTED, r.from_user, {"to": r.to_user, "note": r.note, "kind": r.kind,
                                                              "request": r.id, "status": "open"},
                      r.element_id, r.task_id) for r in waiting]

    def _statutory_of_row(self, conn: sa.Connection, version_id: int, row: sa.Row,
                          head: tuple[str, str] | None = None) -> str | None:
        """The statutory kind of an open task row, read from its case's definition version (``head``: the
        version's key and content hash, when already read)."""
        parsed = self.definition(conn, version_id, head)
        specs = [parsed.spec, *parsed.subprocess_specs.values()]
        for spec in specs:
            if spec.name == row.process_key:
                for task_spec in spec.task_specs.values():
                    if getattr(task_spec, "bpmn_id", None) == row.element_id:
                        props = projection.spec_properties(task_spec)
                        return (props.get(bpmn.STATUTORY_PROPERTY) or "").strip() or None
        return None

    # ----- absences and 换届 ------------------------------------------------------------------------------------

    def set_stand_in(self, actor: Actor, user_id: str, stand_in: str, valid_from: dt.date, valid_to: dt.date,
                     reason: str) -> dict:
        """Record an absence of ``user_id`` with ``stand_in`` standing in between two Beijing dates (both included):
        the person themselves or an administrator."""
        reason = note_text(reason, "reason", required=True)
        if actor.user_id != user_id and not actor.is_admin:
            raise Forbidden(Text("只有本人或管理员可以登记代理人", "only the person or an administrator may name a "
                                 "stand-in"))
        if valid_to < valid_from:
            raise InvalidInput(Text("结束日期早于开始日期", "the absence ends before it starts"),
                               [FieldError("valid_to", Text("不能早于开始日期", "must not be before the start"))])
        if stand_in == user_id:
            raise InvalidInput(Text("代理人不能是本人", "a stand-in is someone else"),
                               [FieldError("stand_in", Text("请选择其他人", "choose someone else"))])
        now = clock.now()
        with self.db.begin() as conn:
            target_actor(conn, stand_in, "stand_in")
            target_actor(conn, user_id, "user")
            new_id = conn.execute(sa.insert(stand_ins).values(
                user_id=user_id, stand_in=stand_in, valid_from=valid_from, valid_to=valid_to, reason=reason,
                created_by=actor.user_id, created_at=now, state="planned")).inserted_primary_key[0]
            conn.execute(sa.insert(account_events).values(
                at=now, user_id=user_id, kind="stand_in_set", actor=actor.user_id,
                data={"stand_in": stand_in, "from": valid_from.isoformat(), "to": valid_to.isoformat(),
                      "reason": reason, "id": new_id}))
        applied = self.apply_stand_ins(now)
        return {"id": new_id, "user_id": user_id, "stand_in": stand_in, "valid_from": valid_from,
                "valid_to": valid_to, "reason": reason, **applied.get(new_id, {"moved": [], "kept": []})}

    def apply_stand_ins(self, now: dt.datetime | None = None) -> dict[int, dict]:
        """Start the absences whose first day has come (the absent person's open steps move to the stand-in) and end
        those past their last day (what is still with the stand-in moves back). Each stand-in is taken by one
        caller (its state moves from the state read)."""
        now = now or clock.now()
        today = periods.to_local_date(now)
        done: dict[int, dict] = {}
        with self.db.connect() as conn:
            due = conn.execute(sa.select(stand_ins).where(sa.or_(
                sa.and_(stand_ins.c.state == "planned", stand_ins.c.valid_from <= today),
                sa.and_(stand_ins.c.state == "running", stand_ins.c.valid_to < today)))).all()
        for absence in due:
            ending = absence.state == "running" or absence.valid_to < today
            with self.db.begin() as conn:  # the new state and the moves it means: all written, or none
                new_state = "ended" if ending else "running"
                if conn.execute(sa.update(stand_ins).where(stand_ins.c.id == absence.id,
                                                           stand_ins.c.state == absence.state)
                                .values(state=new_state)).rowcount != 1:
                    continue  # another worker took it
                if ending and absence.state == "planned":
                    continue  # over before it began: nothing moves
                if ending:
                    done[absence.id] = self._back_from_stand_in(conn, SYSTEM_STAND_IN, absence,
                                                                f"代理结束 stand-in ended ({absence.reason})")
                else:
                    done[absence.id] = self._move_all(SYSTEM_STAND_IN, absence.user_id, absence.stand_in,
                                                      absence.reason, how="stand_in",
                                                      extra={"stand_in_id": absence.id}, conn=conn)
        return done

    def _back_from_stand_in(self, conn: sa.Connection, actor: Actor, absence: sa.Row, reason: str) -> dict:
        """What the stand-in still holds through this absence moves back to the absent person (the end of an
        absence, on the day after its last or earlier by hand), in the transaction that ends the absence."""
        return self._move_all(actor, absence.stand_in, absence.user_id, reason, how="stand_in_end",
                              extra={"stand_in_id": absence.id}, only_marked=absence.id, conn=conn)

    def end_stand_in(self, actor: Actor, stand_in_id: int, reason: str | None = None) -> dict:
        """End an absence early (running: what is still with the stand-in moves back now, through the same path as
        its last day) or cancel one not begun yet; the absent person or an administrator, recorded in their account
        events. The end, its account event and the moves back are one transaction: a failure on the way leaves the
        absence running with every step where it was. Of two at once (or with the timer tick) one takes it: the
        state moves from the state read."""
        reason = note_text(reason, "reason")
        with self.db.connect() as conn:
            absence = conn.execute(sa.select(stand_ins).where(stand_ins.c.id == stand_in_id)).first()
        if absence is None or actor.user_id not in (absence.user_id, absence.stand_in) and not actor.is_admin:
            raise NotFound(Text("没有代理登记 {id}", "no stand-in {id}", id=stand_in_id))
        if actor.user_id != absence.user_id and not actor.is_admin:
            raise Forbidden(Text("只有本人或管理员可以提前结束代理", "only the absent person or an administrator may "
                                 "end the stand-in early"))
        if absence.state not in ("planned", "running"):
            raise InvalidState(Text("这项代理已经结束", "this stand-in has already ended"))
        running = absence.state == "running"
        new_state = "ended" if running else "cancelled"
        now = clock.now()
        with self.db.begin() as conn:
            if conn.execute(sa.update(stand_ins).where(stand_ins.c.id == absence.id,
                                                       stand_ins.c.state == absence.state)
                            .values(state=new_state)).rowcount != 1:
                raise Conflict(Text("这项代理刚刚被别人结束或已开始，请刷新", "this stand-in was just ended or began; "
                                    "reload and try again"))
            conn.execute(sa.insert(account_events).values(
                at=now, user_id=absence.user_id, kind="stand_in_ended" if running else "stand_in_cancelled",
                actor=actor.user_id, data={"id": absence.id, "stand_in": absence.stand_in, "reason": reason,
                                           "from": absence.valid_from.isoformat(),
                                           "to": absence.valid_to.isoformat()}))
            why = f"提前结束代理 stand-in ended early ({reason or absence.reason})"
            moved = self._back_from_stand_in(conn, actor, absence, why) if running else {"moved": [], "kept": []}
        return {"id": absence.id, "state": new_state, **moved}

    def stand_ins_of(self, actor: Actor, unit: str | None = None) -> list[dict]:
        """The absences not over yet (planned or running): mine and those I stand in for; with ``unit``, those of
        the unit's members (its administrators)."""
        with self.db.connect() as conn:
            query = sa.select(stand_ins).where(stand_ins.c.state.in_(("planned", "running")))
            if unit is None:
                query = query.where(sa.or_(stand_ins.c.user_id == actor.user_id,
                                           stand_ins.c.stand_in == actor.user_id))
            else:
                if not unit_tree.exists(conn, unit):
                    raise NotFound(Text("没有单位 {unit}", "no unit {unit}", unit=unit))
                if not actor.administers(unit):
                    raise Forbidden(Text("只有 {unit} 的管理员可以查看其成员的代理", "only an administrator of {unit} "
                                         "may see its members' stand-ins", unit=unit))
                within = sorted(unit_tree.subtree(conn, {unit}))
                query = query.where(stand_ins.c.user_id.in_(sa.select(memberships.c.user_id)
                                                            .where(memberships.c.unit.in_(within))))
            rows = conn.execute(query.order_by(stand_ins.c.valid_from, stand_ins.c.id)).all()
            people = {u.id: u.display_name for u in conn.execute(
                sa.select(users.c.id, users.c.display_name).where(
                    users.c.id.in_({r.user_id for r in rows} | {r.stand_in for r in rows})))}
        return [{"id": r.id, "user_id": r.user_id, "user_name": people.get(r.user_id, r.user_id),
                 "stand_in": r.stand_in, "stand_in_name": people.get(r.stand_in, r.stand_in),
                 "valid_from": r.valid_from, "valid_to": r.valid_to, "reason": r.reason, "state": r.state,
                 "created_by": r.created_by, "created_at": r.created_at,
                 "may_end": r.user_id == actor.user_id or actor.is_admin} for r in rows]

    def stand_in_candidates(self, actor: Actor, user_id: str | None = None) -> list[dict]:
        """Who may stand in for ``user_id`` (default: me), or succeed them (换届): the active members holding, today,
        a role the person holds in the same unit, each with the roles they share (a step moves only to a holder of
        its role). For someone else: an administrator, who sees the units they administer."""
        user_id = (user_id or actor.user_id).strip()
        if user_id != actor.user_id and not (actor.is_admin or actor.is_unit_admin):
            raise Forbidden(Text("只有本人或管理员可以查看谁能接替", "only the person or an administrator may see who "
                                 "can take over"))
        today = periods.to_local_date(clock.now())
        m = memberships
        valid = sa.and_(sa.or_(m.c.valid_from.is_(None), m.c.valid_from <= today),
                        sa.or_(m.c.valid_to.is_(None), m.c.valid_to >= today))
        with self.db.connect() as conn:
            accounts.actor_of(conn, user_id)  # 404 for an unknown or inactive user
            held = sa.select(m.c.unit, m.c.role).where(m.c.user_id == user_id, valid).subquery()
            rows = conn.execute(
                sa.select(m.c.user_id, users.c.display_name, m.c.unit, units.c.name.label("unit_name"), m.c.role)
                .join(held, sa.and_(held.c.unit == m.c.unit, held.c.role == m.c.role))
                .join(users, users.c.id == m.c.user_id).join(units, units.c.code == m.c.unit)
                .where(m.c.user_id != user_id, users.c.active.is_(True), valid)
                .order_by(m.c.user_id, m.c.unit, m.c.role)).all()
        found: dict[str, dict] = {}
        for r in rows:
            if user_id != actor.user_id and not actor.administers(r.unit):
                continue  # a unit administrator (换届) sees the successors in their own units
            found.setdefault(r.user_id, {"user": r.user_id, "display_name": r.display_name, "shared": []})[
                "shared"].append({"unit": r.unit, "unit_name": r.unit_name, "role": r.role})
        return list(found.values())

    def handover(self, actor: Actor, user_id: str, to_user: str, reason: str, *, dry_run: bool = False) -> dict:
        """换届: every open step with ``user_id`` (claimed by or addressed to them) in the units ``actor`` administers
        moves to ``to_user``, as one recorded act (an ``act`` id shared by every case's event); steps the successor
        may not take (a statutory decision without its role) stay and are listed. ``dry_run``: what would move and
        what would stay, written nowhere (the reason may still be empty)."""
        reason = note_text(reason, "reason", required=not dry_run)
        if not (actor.is_admin or actor.is_unit_admin):
            raise Forbidden(Text("只有管理员可以办理换届移交", "only an administrator may hand over a member's steps"))
        with self.db.connect() as conn:
            target = target_actor(conn, to_user)
            if target.user_id == user_id.strip():
                raise InvalidInput(Text("接手人不能是离任者本人", "the successor is someone else"),
                                   [FieldError("to_user", Text("请选择其他人", "choose someone else"))])
            if dry_run:
                return {"act": None, **self._preview_moves(conn, actor, user_id, target)}
        act = uuid.uuid4().hex[:12]
        data = {"to": to_user, "reason": reason, "act": act}
        with self.db.begin() as conn:  # one act: every move and its record, or nothing (a step that stays is listed)
            # the record first: on SQLite the transaction begins at the first write, and the moves' savepoints must
            # nest inside it (a SAVEPOINT opened outside a transaction commits at its release)
            record = conn.execute(sa.insert(account_events).values(
                at=clock.now(), user_id=user_id, kind="handover", actor=actor.user_id, data=data),
            ).inserted_primary_key[0]
            result = self._move_all(actor, user_id, to_user, reason, how="handover", extra={"act": act},
                                    units_of=actor, conn=conn)
            conn.execute(sa.update(account_events).where(account_events.c.id == record).values(
                data={**data, "moved": len(result["moved"]), "kept": len(result["kept"])}))
        return {"act": act, **result}

    def _preview_moves(self, conn: sa.Connection, actor: Actor, from_user: str, target: Actor) -> dict:
        """What ``handover`` would move to ``target`` and what would stay (and why), read from the open tasks and
        the definitions (no case is restored): one query for every step with the version of its case."""
        dv = definition_versions
        held = (self._held_by(from_user).join(dv, dv.c.id == cases.c.definition_version_id)
                .add_columns(dv.c.id.label("version_id"), dv.c.key.label("version_key"),
                             dv.c.content_hash.label("version_hash")))
        moved, kept = [], []
        for row in conn.execute(held).all():
            if not actor.administers(row.unit):
                continue
            item = {"task_id": row.task_id, "case_id": row.case_id, "reference": row.reference, "title": row.title,
                    "step": names.split(row.name)}
            statutory = self._statutory_of_row(conn, row.version_id, row, (row.version_key, row.version_hash))
            refused = may_take(target, row.unit, row, statutory)
            if refused is None:
                moved.append(item)
            else:
                kept.append({**item, "why": refused})
        return {"moved": moved, "kept": kept}

    @staticmethod
    def _held_by(user_id: str) -> sa.Select:
        """The open steps of running cases that are with ``user_id`` (claimed by or addressed to them)."""
        return (sa.select(open_tasks, cases.c.reference, cases.c.title)
                .join(cases, cases.c.id == open_tasks.c.case_id)
                .where(sa.or_(open_tasks.c.claimed_by == user_id, open_tasks.c.assignee == user_id),
                       cases.c.status.in_(ACTIVE_STATUSES)).order_by(open_tasks.c.case_id, open_tasks.c.task_id))

    def _move_all(self, actor: Actor, from_user: str, to_user: str, reason: str, *, how: str, extra: dict,
                  units_of: Actor | None = None, only_marked: int | None = None,
                  conn: sa.Connection | None = None) -> dict:
        """Move every open step with ``from_user`` to ``to_user``; a step that may not move stays, with why. Each
        case in a transaction of its own, or with ``conn`` all in that one (a savepoint each, so a step that stays
        leaves nothing of itself, while any other failure undoes the whole transaction)."""
        with contextlib.nullcontext(conn) if conn is not None else self.db.connect() as reading:
            target = accounts.actor_of(reading, to_user)
            rows = reading.execute(self._held_by(from_user)).all()
            if only_marked is not None and rows:  # the end of an absence: only what the stand-in got through it
                marked = {e.task_id for e in reading.execute(
                    sa.select(case_events.c.task_id, case_events.c.data).where(
                        case_events.c.kind == EventKind.TASK_TRANSFERRED,
                        case_events.c.task_id.in_([r.task_id for r in rows])))
                    if isinstance(e.data, dict) and e.data.get("stand_in_id") == only_marked}
                rows = [r for r in rows if r.task_id in marked]
        moved, kept = [], []
        for row in rows:
            if units_of is not None and not units_of.administers(row.unit):
                continue
            item = {"task_id": row.task_id, "case_id": row.case_id, "reference": row.reference, "title": row.title,
                    "step": names.split(row.name)}
            try:
                with contextlib.nullcontext() if conn is None else conn.begin_nested():
                    self._move(row.case_id, row.task_id, actor, target, reason, how=how, check=False, extra=extra,
                               only_from=from_user, conn=conn)
                moved.append(item)
            except (Forbidden, Conflict, InvalidState, InvalidInput, NotFound) as exc:
                kept.append({**item, "why": exc.text})
        return {"moved": moved, "kept": kept}


SYSTEM_STAND_IN = Actor("system", is_admin=True)
