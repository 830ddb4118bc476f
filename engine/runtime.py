"""Running cases: start, complete a task, fire timers, suspend/resume/cancel, retry after an error.

Every operation follows one shape: load the case row, restore the workflow against its pinned
definition version, act, take a projection snapshot, then write state, projection and case-file
events in ONE transaction guarded by the row's ``lock_version``. Of two concurrent writers
exactly one wins; the other gets ``Conflict`` and nothing of it is stored.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from engine import audit, clock, definitions, forms, periods, projection, serializer
from engine.actors import SYSTEM, Actor
from engine.audit import Event
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound, YishiError
from engine.expressions import DOMAIN_FUNCTIONS, make_script_engine
from engine.projection import Snapshot
from engine.store.tables import cases, definition_versions, open_tasks

MAX_ERROR_MESSAGE = 2000
_MISSING = object()
CASE_CONTEXT_KEYS = ("case_reference", "case_unit", "case_started_by", "case_started_at")


@dataclass
class Loaded:
    """A case row with its restored workflow and the definition it is pinned to."""

    row: sa.Row
    definition: definitions.ParsedDefinition
    workflow: BpmnWorkflow
    open_before: dict[str, sa.Row] = field(default_factory=dict)


@dataclass
class TickResult:
    cases: int = 0
    timers_fired: int = 0
    errors: int = 0
    conflicts: int = 0


def json_copy(data, what: str = "data") -> dict:
    """A deep, JSON-only copy of submitted data: never aliased, always storable."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{what} must be a JSON object")
    try:
        return json.loads(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{what} is not JSON: {exc}") from None


class Runtime:
    """Case operations over one database; the CLI and the API both call these methods."""

    def __init__(self, db: sa.Engine):
        self.db = db
        self.script_engine = make_script_engine()

    # ----- loading -------------------------------------------------------------------------

    def definition(self, conn: sa.Connection, version_id: int) -> definitions.ParsedDefinition:
        dv = definition_versions
        head = conn.execute(sa.select(dv.c.key, dv.c.content_hash).where(dv.c.id == version_id)).first()
        if head is None:
            raise NotFound(f"definition version {version_id} not found")
        cached = definitions.cached(head.key, head.content_hash)
        if cached is not None:
            return cached  # the common case: no need to fetch and decode the BPMN and forms again
        row = conn.execute(sa.select(dv).where(dv.c.id == version_id)).one()
        return definitions.parse_stored(row.key, row.content_hash, row.bpmn, row.forms,
                                        row.start_roles, row.start_form)

    def _load(self, conn: sa.Connection, case_id: int, lock: bool = False) -> Loaded:
        query = sa.select(cases).where(cases.c.id == case_id)
        if lock:
            query = query.with_for_update(skip_locked=True)
        row = conn.execute(query).first()
        if row is None:
            raise NotFound(f"case {case_id} not found")
        parsed = self.definition(conn, row.definition_version_id)
        workflow = serializer.loads(row.state, parsed.spec, parsed.subprocess_specs, self.script_engine)
        before = {r.task_id: r for r in conn.execute(sa.select(open_tasks).where(open_tasks.c.case_id == case_id))}
        return Loaded(row, parsed, workflow, before)

    # ----- advancing the workflow ------------------------------------------------------------

    def _advance(self, workflow: BpmnWorkflow, action: Callable[[], None]) -> tuple[list[Event], Snapshot]:
        """Run ``action`` and the engine steps; a failing expression yields an error snapshot, not an exception."""
        already_fired = set(projection.fired_timer_tasks(workflow))
        error: tuple[str | None, str] | None = None
        computed: list[Event] = []

        def record_computation(task) -> None:
            """Values scripts computed (quorum_met, deadlines, flags, a call's publication_kind) go into the case file.

            Only tasks completed by the engine pass through here; a user task's postScript runs in ``task.run()``
            and its results show up in the task's completion data instead.
            """
            spec = task.task_spec
            hooks = [getattr(spec, "prescript", None), getattr(spec, "postscript", None)]
            if task.parent is None or not (isinstance(spec, ScriptTask) or any(hooks)):
                return
            assigned = frozenset().union(*(_assigned_names(code) for code in
                                           [spec.script if isinstance(spec, ScriptTask) else None, *hooks] if code))
            if isinstance(spec, ScriptTask):
                delta = {k: v for k, v in task.data.items()
                         if k in assigned or task.parent.data.get(k, _MISSING) != v}
            else:  # pre/post scripts of other tasks: only what they assign, not the form data
                delta = {k: v for k, v in task.data.items() if k in assigned}
            if delta:
                computed.append(Event("computed", SYSTEM, delta, projection.element_id(task), str(task.id)))

        try:
            action()
            workflow.do_engine_steps(did_complete_task=record_computation)
            projection.assign_due_dates(workflow)
        except SpiffWorkflowException as exc:
            error = (_element_of(exc), _message_of(exc))
        except YishiError as exc:
            error = (None, exc.message)
        # a timer counts as fired when its task went on (not CANCELLED with its activity); one created and
        # already due within this very step (e.g. re-entering an overdue task) counts too
        events = [Event("timer_fired", SYSTEM,
                        {"due_at": _iso(projection.timer_instant(task.internal_data.get("event_value")))},
                        projection.element_id(task), str(task.id))
                  for task_id, task in projection.fired_timer_tasks(workflow).items()
                  if task_id not in already_fired] + computed
        snap = projection.snapshot(workflow)
        if error is not None:
            failed = projection.errored_task(workflow)
            snap.status = projection.ERROR
            snap.error_element = snap.error_element or error[0] or (
                projection.element_id(failed) if failed is not None else None)
            snap.error_message = error[1][:MAX_ERROR_MESSAGE]
        return events, snap

    # ----- writing -----------------------------------------------------------------------------

    def _write(self, conn: sa.Connection, loaded: Loaded, workflow: BpmnWorkflow, snap: Snapshot,
               events: list[Event], now: dt.datetime, *, status: str | None = None,
               progress: bool = True) -> None:
        """Store state, projection and events for an existing case with the optimistic version check."""
        row = loaded.row
        values = dict(
            state=serializer.dumps(workflow), status=status or snap.status, lock_version=row.lock_version + 1,
            updated_at=now, next_timer_at=snap.next_timer_at, end_event=snap.end_event,
            error_element=snap.error_element, error_message=snap.error_message,
        )
        if progress:
            values["last_progress_at"] = now
        result = conn.execute(sa.update(cases).where(cases.c.id == row.id, cases.c.lock_version == row.lock_version)
                              .values(**values))
        if result.rowcount != 1:
            raise Conflict(f"case {row.reference} was changed by someone else meanwhile; reload and try again")
        visible = (status or snap.status) not in (projection.CANCELLED,)
        self._sync_tasks(conn, row.id, row.unit, loaded.open_before, snap.open_tasks if visible else [], now, events)
        self._status_events(snap, events, row.status, status)
        audit.append(conn, row.id, now, events)

    def _sync_tasks(self, conn, case_id: int, unit: str, before: dict, tasks: list, now, events: list[Event]):
        current = {t.task_id: t for t in tasks}
        for task_id, old in before.items():
            if task_id not in current and not any(e.task_id == task_id and e.kind == "task_completed" for e in events):
                events.append(Event("task_closed", SYSTEM, {"role": old.role}, old.element_id, task_id))
        gone = [tid for tid in before if tid not in current]
        if gone:
            conn.execute(sa.delete(open_tasks).where(open_tasks.c.task_id.in_(gone)))
        new_rows = []
        for task in tasks:
            if task.task_id in before:
                if before[task.task_id].due_at != task.due_at:
                    conn.execute(sa.update(open_tasks).where(open_tasks.c.task_id == task.task_id)
                                 .values(due_at=task.due_at))
                continue
            new_rows.append(dict(task_id=task.task_id, case_id=case_id, element_id=task.element_id, name=task.name,
                                 role=task.role, unit=unit, process_key=task.process_key, form=task.form,
                                 instance=task.instance, due_at=task.due_at, created_at=now))
            opened = {"role": task.role, "name": task.name, "due_at": _iso(task.due_at), "form": task.form}
            if task.due_at is not None and not periods.calendar_covers(task.due_at):
                opened["due_approximate"] = True  # no PRC holiday data for that year yet: weekends only
            events.append(Event("task_opened", SYSTEM, opened, task.element_id, task.task_id))
        if new_rows:
            conn.execute(sa.insert(open_tasks), new_rows)

    @staticmethod
    def _status_events(snap: Snapshot, events: list[Event], old_status: str | None, forced: str | None) -> None:
        if forced is not None:
            return
        if snap.status == projection.COMPLETED and old_status != projection.COMPLETED:
            events.append(Event("case_completed", SYSTEM, {"end_event": snap.end_event}, snap.end_event))
        elif snap.status == projection.ERROR:
            events.append(Event("case_error", SYSTEM, {"message": snap.error_message}, snap.error_element))

    # ----- operations --------------------------------------------------------------------------

    def start(self, key: str, unit: str, actor: Actor, data: dict | None = None, title: str | None = None) -> int:
        """Start a case of the newest version of ``key`` in ``unit``; returns the case id."""
        unit = (unit or "").strip()
        if not unit:
            raise InvalidInput("unit is required: the community or building the case belongs to")
        data = json_copy(data, "start data")
        for _attempt in range(5):
            try:
                return self._start(key, unit, actor, copy.deepcopy(data), title)
            except sa.exc.IntegrityError:
                continue  # two starts took the same reference number at once; number again
        raise Conflict(f"could not allocate a case reference in {unit}; try again")

    def _start(self, key: str, unit: str, actor: Actor, data: dict, title: str | None) -> int:
        now = clock.now()
        with self.db.begin() as conn:
            version = conn.execute(
                sa.select(definition_versions.c.id, definition_versions.c.version)
                .where(definition_versions.c.key == key).order_by(definition_versions.c.version.desc()).limit(1)
            ).first()
            if version is None:
                raise NotFound(f"no deployed definition '{key}'")
            parsed = self.definition(conn, version.id)
            self._check_may_start(parsed, unit, actor)
            if parsed.start_form:
                schema = parsed.forms[parsed.start_form]
                data = forms.with_defaults(schema, data)
                forms.validate(schema, data, self._rule_evaluator())
            reference = _next_reference(conn, unit, now)
            title = (title or data.get("title") or parsed.spec.description or key)[:500]
            data.update(case_reference=reference, case_unit=unit, case_started_by=actor.user_id,
                        case_started_at=now.isoformat())
            workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=self.script_engine)
            start_task = next(t for t in workflow.get_tasks(state=TaskState.READY))
            start_task.data.update(data)
            events, snap = self._advance(workflow, lambda: None)
            case_id = conn.execute(sa.insert(cases).values(
                reference=reference, definition_version_id=version.id, definition_key=key, unit=unit, title=title,
                status=snap.status, state=serializer.dumps(workflow), lock_version=1, started_by=actor.user_id,
                created_at=now, updated_at=now, last_progress_at=now, next_timer_at=snap.next_timer_at,
                end_event=snap.end_event, error_element=snap.error_element, error_message=snap.error_message,
            )).inserted_primary_key[0]
            started = Event("case_started", actor.user_id, {
                "definition": key, "version": version.version, "unit": unit, "title": title,
                "data": {k: v for k, v in data.items() if k not in CASE_CONTEXT_KEYS}})
            all_events = [started, *events]
            self._sync_tasks(conn, case_id, unit, {}, snap.open_tasks, now, all_events)
            self._status_events(snap, all_events, None, None)
            audit.append(conn, case_id, now, all_events)
        return case_id

    def complete(self, case_id: int, task_id: str, actor: Actor, data: dict | None) -> None:
        """Complete a READY user task as ``actor`` with form ``data`` (validated, copied, then run)."""
        data = json_copy(data, "form data")
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self._load(conn, case_id)
            row, workflow = loaded.row, loaded.workflow
            task = self._open_task(loaded, task_id)
            role = task.task_spec.lane
            if not actor.holds(row.unit, role):
                raise Forbidden(f"completing '{projection.element_name(task)}' needs the role '{role}' "
                                f"in {row.unit}; {actor.user_id} does not hold it")
            self._check_claim(loaded, str(task.id), actor)
            form = projection.form_key(task)
            if form is not None:
                # cross-field rules see the case data too (e.g. the recorder is on neither team)
                forms.validate(loaded.definition.forms[form], data, self._rule_evaluator(task.data))

            def run():
                # Replace, never merge: SpiffWorkflow's add_data_from_form deep-merges, so a list submitted again
                # in a loop would keep stale items. A spiffworkflow:variableName puts the whole form under one key.
                variable = getattr(task.task_spec, "variable", None)
                task.data.update({variable: copy.deepcopy(data)} if variable else copy.deepcopy(data))
                task.run()

            events, snap = self._advance(workflow, run)
            completed = Event("task_completed", actor.user_id, {"role": role, "data": data},
                              projection.element_id(task), str(task.id))
            self._write(conn, loaded, workflow, snap, [completed, *events], now)

    # ----- claims ---------------------------------------------------------------------------------

    def claim(self, case_id: int, task_id: str, actor: Actor, *, for_user: Actor | None = None) -> None:
        """Take an open task so two members do not work it at once (``for_user``: an administrator reassigns)."""
        assignee = for_user or actor
        now = clock.now()
        with self.db.begin() as conn:
            row, task = self._claimable(conn, case_id, task_id)
            if for_user is not None and not actor.is_admin:
                raise Forbidden("only an administrator may reassign a task")
            if not assignee.holds(row.unit, task.role):
                raise Forbidden(f"'{task.name}' needs the role '{task.role}' in {row.unit}; "
                                f"{assignee.user_id} does not hold it")
            query = sa.update(open_tasks).where(open_tasks.c.task_id == task.task_id)
            if for_user is None:
                query = query.where(sa.or_(open_tasks.c.claimed_by.is_(None),
                                           open_tasks.c.claimed_by == assignee.user_id))
            if conn.execute(query.values(claimed_by=assignee.user_id, claimed_at=now)).rowcount != 1:
                raise Conflict(f"'{task.name}' is already claimed by {task.claimed_by}")
            kind = "task_reassigned" if for_user is not None else "task_claimed"
            audit.append(conn, case_id, now, [Event(kind, actor.user_id, {"assignee": assignee.user_id,
                                                                          "previous": task.claimed_by},
                                                    task.element_id, task.task_id)])

    def unclaim(self, case_id: int, task_id: str, actor: Actor) -> None:
        now = clock.now()
        with self.db.begin() as conn:
            _row, task = self._claimable(conn, case_id, task_id)
            if task.claimed_by is None:
                return
            if task.claimed_by != actor.user_id and not actor.is_admin:
                raise Forbidden(f"'{task.name}' is claimed by {task.claimed_by}; only they or an administrator "
                                "may release it")
            conn.execute(sa.update(open_tasks).where(open_tasks.c.task_id == task.task_id)
                         .values(claimed_by=None, claimed_at=None))
            audit.append(conn, case_id, now, [Event("task_unclaimed", actor.user_id, {"previous": task.claimed_by},
                                                    task.element_id, task.task_id)])

    def _claimable(self, conn: sa.Connection, case_id: int, task_id: str):
        # touching the case row serialises claims with completions of the same case (row lock)
        if conn.execute(sa.update(cases).where(cases.c.id == case_id).values(updated_at=cases.c.updated_at)
                        ).rowcount != 1:
            raise NotFound(f"case {case_id} not found")
        row = conn.execute(sa.select(cases.c.id, cases.c.unit, cases.c.status, cases.c.reference)
                           .where(cases.c.id == case_id)).one()
        task = conn.execute(sa.select(open_tasks).where(open_tasks.c.task_id == str(task_id),
                                                        open_tasks.c.case_id == case_id)).first()
        if task is None:
            raise NotFound(f"no open task {task_id} in case {row.reference}")
        if row.status not in projection.ACTIVE_STATUSES:
            raise InvalidState(f"case {row.reference} is {row.status}")
        return row, task

    def diagram(self, case_id: int) -> dict:
        """The pinned version's BPMN plus the elements completed and active now, for a viewer to highlight."""
        with self.db.connect() as conn:
            loaded = self._load(conn, case_id)
            version = conn.execute(sa.select(definition_versions.c.bpmn, definition_versions.c.key,
                                             definition_versions.c.version)
                                   .where(definition_versions.c.id == loaded.row.definition_version_id)).one()
        completed, active = set(), set()
        for task in projection.all_tasks(loaded.workflow):
            spec = task.task_spec
            if getattr(spec, "bpmn_id", None) is None:
                continue
            element = (task.workflow.spec.name, spec.bpmn_id)
            if task.state == TaskState.COMPLETED:
                completed.add(element)
            elif task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED, TaskState.ERROR):
                active.add(element)

        def listed(items):
            return [{"process": p, "element_id": e} for p, e in sorted(items)]
        return {"definition": version.key, "version": version.version, "bpmn": version.bpmn,
                "completed": listed(completed), "active": listed(active)}

    def _open_task(self, loaded: Loaded, task_id: str):
        row = loaded.row
        if row.status == projection.SUSPENDED:
            raise InvalidState(f"case {row.reference} is suspended; an administrator must resume it first")
        if row.status == projection.ERROR:
            raise InvalidState(f"case {row.reference} is in error at {row.error_element}; "
                               "an administrator must retry it first")
        try:
            task = loaded.workflow.get_task_from_id(UUID(str(task_id)))
        except (ValueError, KeyError, TaskNotFoundException):
            task = None
        if task is None:
            raise NotFound(f"task {task_id} not found in case {row.reference}")
        if row.status in (projection.CANCELLED, projection.COMPLETED) or task.state != TaskState.READY \
                or str(task.id) not in loaded.open_before:
            raise Conflict(f"task '{projection.element_name(task)}' is no longer open "
                           f"(task {TaskState.get_name(task.state)}, case {row.status})")
        return task

    @staticmethod
    def _check_claim(loaded: Loaded, task_id: str, actor: Actor) -> None:
        claimed_by = loaded.open_before[str(task_id)].claimed_by
        if claimed_by is not None and claimed_by != actor.user_id:
            raise Conflict(f"this task is claimed by {claimed_by}; they or an administrator must release it")

    def tick(self, now: dt.datetime | None = None, limit: int = 500) -> TickResult:
        """Fire every timer due at ``now`` (default: the clock), one case per transaction."""
        now = now or clock.now()
        result = TickResult()
        with self.db.connect() as conn:
            due = conn.execute(
                # strictly before: SpiffWorkflow fires a timer only once its instant has passed
                sa.select(cases.c.id).where(cases.c.next_timer_at < now,
                                            cases.c.status.in_(projection.ACTIVE_STATUSES))
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
                loaded = self._load(conn, case_id, lock=True)
            except NotFound:
                return 0, 0  # another worker holds it (SKIP LOCKED) or it is gone
            if loaded.row.status not in projection.ACTIVE_STATUSES:
                return 0, 0
            workflow = loaded.workflow
            events, snap = self._advance(workflow, workflow.refresh_timers)
            fired = sum(1 for e in events if e.kind == "timer_fired")
            self._write(conn, loaded, workflow, snap, events, now, progress=bool(fired))
            return fired, int(snap.status == projection.ERROR)

    # ----- administration ----------------------------------------------------------------------

    def _admin_action(self, case_id: int, actor: Actor, allowed: tuple[str, ...], verb: str,
                      act: Callable[[Loaded], tuple[list[Event], Snapshot, str | None]]) -> None:
        if not actor.is_admin:
            raise Forbidden(f"only an administrator may {verb} a case")
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self._load(conn, case_id)
            if loaded.row.status not in allowed:
                raise InvalidState(f"cannot {verb} case {loaded.row.reference}: it is {loaded.row.status}")
            events, snap, status = act(loaded)
            self._write(conn, loaded, loaded.workflow, snap, events, now, status=status,
                        progress=verb == "retry")

    def suspend(self, case_id: int, actor: Actor, reason: str) -> None:
        reason = _required_reason(reason)

        def act(loaded):
            snap = projection.snapshot(loaded.workflow)
            return [Event("case_suspended", actor.user_id, {"reason": reason,
                                                            "previous_status": loaded.row.status})], snap, \
                projection.SUSPENDED
        self._admin_action(case_id, actor, projection.ACTIVE_STATUSES, "suspend", act)

    def resume(self, case_id: int, actor: Actor, reason: str | None = None) -> None:
        def act(loaded):
            snap = projection.snapshot(loaded.workflow)
            return [Event("case_resumed", actor.user_id, {"reason": reason or ""})], snap, None
        self._admin_action(case_id, actor, (projection.SUSPENDED,), "resume", act)

    def cancel(self, case_id: int, actor: Actor, reason: str) -> None:
        reason = _required_reason(reason)

        def act(loaded):
            snap = projection.snapshot(loaded.workflow)
            snap.next_timer_at = None
            return [Event("case_cancelled", actor.user_id, {"reason": reason,
                                                            "previous_status": loaded.row.status})], snap, \
                projection.CANCELLED
        self._admin_action(case_id, actor, (*projection.ACTIVE_STATUSES, projection.SUSPENDED, projection.ERROR),
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

            events, snap = self._advance(workflow, rerun)
            return [Event("case_retried", actor.user_id, {"data": patch,
                                                          "failed_element": loaded.row.error_element}),
                    *events], snap, None
        self._admin_action(case_id, actor, (projection.ERROR,), "retry", act)

    def _rule_evaluator(self, case_data: dict | None = None):
        environment = self.script_engine.environment
        context = {k: v for k, v in (case_data or {}).items() if k not in DOMAIN_FUNCTIONS}

        def evaluate(expression: str, data: dict) -> bool:
            try:
                return bool(environment.evaluate(expression, copy.deepcopy({**context, **data})))
            except Exception:
                return False  # a rule that cannot be evaluated on this data is not met
        return evaluate

    @staticmethod
    def _check_may_start(parsed: definitions.ParsedDefinition, unit: str, actor: Actor) -> None:
        if actor.is_admin:
            return
        if parsed.start_roles:
            if not any(actor.holds(unit, role) for role in parsed.start_roles):
                raise Forbidden(f"starting '{parsed.key}' in {unit} needs one of the roles "
                                f"{', '.join(parsed.start_roles)}")
        elif not actor.member_of(unit):
            raise Forbidden(f"{actor.user_id} is not a member of {unit}")


@functools.lru_cache(maxsize=2048)
def _assigned_names(script: str) -> frozenset[str]:
    """Names a script assigns, so a recomputed value equal to the old one is still recorded."""
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return frozenset()
    names = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return frozenset(names)


def _required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a reason is required", [])
    return reason


def _next_reference(conn: sa.Connection, unit: str, now: dt.datetime) -> str:
    """``{unit}-{YYYY}-{seq:04d}`` (DOMAIN.md §3.3), the year in Asia/Shanghai."""
    prefix = f"{unit}-{now.astimezone(periods.TZ).year}-"
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    count = conn.execute(sa.select(sa.func.count()).select_from(cases)
                         .where(cases.c.unit == unit, cases.c.reference.like(pattern, escape="\\"))).scalar_one()
    return f"{prefix}{count + 1:04d}"


def _element_of(exc: SpiffWorkflowException) -> str | None:
    spec = getattr(exc, "task_spec", None)
    if spec is None and getattr(exc, "task", None) is not None:
        spec = exc.task.task_spec
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


def _message_of(exc: SpiffWorkflowException) -> str:
    notes = getattr(exc, "notes", None) or getattr(exc, "__notes__", None) or []
    return " ".join([str(exc), *[str(n) for n in notes]]).strip()


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
