"""Running cases: start a case and complete its tasks; claims, timers and administration are mixed in
from their own modules, and every operation goes through the unit of work in ``engine.cases.unit``."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from engine.cases import attachments, holidays, multisign, opinions, summary
from engine.cases.admin import Administration
from engine.cases.attention import Attention
from engine.cases.claims import Claims
from engine.cases.forecast import Forecasts
from engine.cases.handover import Handover
from engine.cases.holidays import HolidayCalendars
from engine.cases.links import Links
from engine.cases.objections import Objections
from engine.cases.takeback import TakeBack
from engine.cases.timers import Timers
from engine.cases.unit import CaseUnit, Loaded, TooLarge, Unstorable, bind_roster, json_copy
from engine.definitions import compiler as definitions
from engine.definitions import forms
from engine.domain import clock, periods
from engine.domain.actors import Actor
from engine.domain.case_variables import CASE_CONTEXT_KEYS
from engine.domain.statuses import CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, Forbidden, InvalidDefinition, InvalidInput, InvalidState, NotFound
from engine.sandbox.functions import DOMAIN_FUNCTIONS
from engine.store import audit, report_state
from engine.store.audit import Event
from engine.store.tables import cases, definition_versions
from engine.workflow import projection

MULTI_SIGN_RETRIES = 5  # a member's instance loses a save to another member's at most this often in a row


# Work that shapes a completion inside its transaction, before the form is validated (engine.participation: a
# vote's figures counted from the case file): ``hook(conn, loaded, task, actor, data) -> (data, events)``; the
# events are recorded before the completion's. Registered by the package that owns them (once each).
COMPLETION_HOOKS: list[Callable] = []


def on_completion(hook: Callable) -> None:
    if hook not in COMPLETION_HOOKS:
        COMPLETION_HOOKS.append(hook)


@dataclass
class TaskView:
    data: dict
    instructions: str | None
    context_fields: str | None
    forms: dict[str, dict]
    signature: str | None = None  # required | optional: the step takes a handwritten signature
    multi_sign: dict | None = None  # a multi-person step: its rule, the tally and the members' signs so far


class Runtime(CaseUnit, Claims, Timers, Administration, Objections, HolidayCalendars, Links, Forecasts, Attention,
              Handover, TakeBack):
    """Case operations over one database; the service calls these methods."""

    def start(self, key: str, unit: str, actor: Actor, data: dict | None = None, title: str | None = None, *,
              on_behalf_of: str | None = None) -> int:
        """Start a case of the newest version of ``key`` in ``unit``; returns the case id. ``on_behalf_of``: the
        case is the proposal of that user (a split, ``engine.cases.links``; the caller checked who may)."""
        unit = (unit or "").strip()
        if not unit:
            raise InvalidInput(Text("请填写事项所属的社区或楼宇（unit）",
                                    "unit is required: the community or building the case belongs to"))
        data = json_copy(data, "start data")
        for _attempt in range(5):
            try:
                return self._start(key, unit, actor, copy.deepcopy(data), title, on_behalf_of)
            except sa.exc.IntegrityError:
                continue  # two starts took the same reference number at once; number again
        raise Conflict(Text("暂时无法为 {unit} 分配事项编号，请重试",
                            "could not allocate a case reference in {unit}; try again", unit=unit))

    def _start(self, key: str, unit: str, actor: Actor, data: dict, title: str | None,
               on_behalf_of: str | None = None) -> int:
        with self.db.begin() as conn:
            return self.start_in(conn, key, unit, actor, data, title, on_behalf_of)

    def start_in(self, conn: sa.Connection, key: str, unit: str, actor: Actor, data: dict, title: str | None,
                 on_behalf_of: str | None = None) -> int:
        """Start a case inside the caller's transaction (a split starts all its parts in one); its id."""
        now = clock.now()
        holidays.refresh(conn)
        version = conn.execute(
            sa.select(definition_versions.c.id, definition_versions.c.version)
            .where(definition_versions.c.key == key).order_by(definition_versions.c.version.desc()).limit(1)
        ).first()
        if version is None:
            raise NotFound(Text("没有已部署的流程定义 {key}", "no deployed definition '{key}'", key=key))
        parsed = self.definition(conn, version.id)
        if on_behalf_of is None:
            self._check_may_start(parsed, unit, actor)
        starter = on_behalf_of or actor.user_id
        if parsed.start_form:
            schema = parsed.forms[parsed.start_form]
            data = forms.with_defaults(schema, data)
            forms.validate(schema, data, self._rule_evaluator(), context=data)
            attachments.check_references(conn, None, schema, data, owner=actor.user_id)  # the starter's uploads
        reference = _next_reference(conn, unit, now)
        title = (title or data.get("title") or parsed.spec.description or key)[:500]
        data.update(case_reference=reference, case_unit=unit, case_started_by=starter,
                    case_started_at=now.isoformat())
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=self.script_engine)
        start_task = next(t for t in workflow.get_tasks(state=TaskState.READY))
        start_task.data.update(data)
        bind_roster(workflow, conn, unit)
        events, snap = self.advance(workflow, lambda: None)
        case_id = conn.execute(sa.insert(cases).values(
            reference=reference, definition_version_id=version.id, definition_key=key, unit=unit, title=title,
            status=snap.status, state=self._first_state(workflow, events), lock_version=1, started_by=starter,
            created_at=now, updated_at=now, last_progress_at=now, next_timer_at=snap.next_timer_at,
            end_event=snap.end_event, error_element=snap.error_element, error_message=snap.error_message,
        )).inserted_primary_key[0]
        started = Event(EventKind.CASE_STARTED, actor.user_id, {
            "definition": key, "version": version.version, "unit": unit, "title": title,
            **({"on_behalf_of": on_behalf_of} if on_behalf_of else {}),
            "data": {k: v for k, v in data.items() if k not in CASE_CONTEXT_KEYS}})
        claimed = attachments.claim(conn, case_id, actor.user_id, parsed.forms[parsed.start_form], data) \
            if parsed.start_form else []
        all_events = [started, *claimed, *events]
        summary.record(conn, case_id, version.id, parsed.forms, data, (parsed.key, parsed.content_hash))
        self._sync_tasks(conn, case_id, unit, {}, snap.open_tasks, now, all_events,
                         report_state.is_active(snap.status))
        self._status_events(snap, all_events, None, None)
        audit.append(conn, case_id, now, all_events)
        report_state.case_written(conn, case_id, now, all_events, None, snap.status)
        return case_id

    def _first_state(self, workflow: BpmnWorkflow, events: list) -> str:
        """The state of a new case; with no earlier state to keep, a first step whose result cannot be stored is
        refused as the definition's fault (nothing is created)."""
        try:
            return self.checked_state(workflow, events)
        except Unstorable as unstorable:
            raise InvalidDefinition(Text("这个议事方法的第一步产生了无法保存的数据（{e}），请联系流程设计人员",
                                         "the method's first step produced a value that cannot be stored ({e}); "
                                         "tell the designer", e=unstorable.reason[:300])) from None
        except TooLarge as too_large:
            raise InvalidInput(Text("事项数据将占 {n} 字节，超过上限 {limit}（YISHI_MAX_CASE_BYTES）",
                                    "the case data would take {n} bytes, over the limit of {limit} "
                                    "(YISHI_MAX_CASE_BYTES)", n=too_large.size, limit=self.max_case_bytes)) from None

    def complete(self, case_id: int, task_id: str, actor: Actor, data: dict | None,
                 opinion: dict | None = None) -> None:
        """Complete a READY user task as ``actor`` with form ``data`` (validated, copied, then run) and the
        opinion it carries (``engine.cases.opinions``: text, photos, a signature where the step takes one).

        A form rule that cannot be evaluated is a definition error: nothing of the submission is stored, but
        the case file records the failure so an administrator sees it. A member's instance of a multi-person step
        that lost the save to another member's instance is tried again on the fresh state (it is still open there).
        """
        data = json_copy(data, "form data")
        opinion = json_copy(opinion, "opinion") if opinion else None
        try:
            for attempt in range(MULTI_SIGN_RETRIES + 1):
                try:
                    self._complete(case_id, task_id, actor, data, opinion)
                    break
                except Conflict as conflict:  # retried only when another member's instance saved first
                    retry = getattr(conflict, "stale_case", False) and getattr(conflict, "multi_sign", False)
                    if attempt == MULTI_SIGN_RETRIES or not retry:
                        raise
        except forms.RuleBroken as exc:
            with self.db.begin() as conn:
                audit.append(conn, case_id, clock.now(), [Event(
                    EventKind.RULE_BROKEN, actor.user_id, {"message": exc.message},
                    getattr(exc, "element_id", None), str(task_id))])
            raise

    def _complete(self, case_id: int, task_id: str, actor: Actor, data: dict, opinion: dict | None = None) -> None:
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self.load(conn, case_id)
            row, workflow = loaded.row, loaded.workflow
            task = self._open_task(loaded, task_id)
            role = task.task_spec.lane
            assignee = task.internal_data.get(projection.ASSIGNEE_KEY)
            if assignee is not None and not actor.may_work(row.unit, role, assignee):
                raise Forbidden(Text("“{task}”由 {assignee} 办理，{user} 不能办理",
                                     "'{task}' is addressed to {assignee}; {user} may not complete it",
                                     task=projection.element_name(task), assignee=assignee, user=actor.user_id))
            if not actor.may_work(row.unit, role, assignee):
                raise Forbidden(Text("办理“{task}”需要在 {unit} 担任角色 {role}，{user} 没有这个角色",
                                     "completing '{task}' needs the role '{role}' in {unit}; {user} does not hold it",
                                     task=projection.element_name(task), role=role, unit=row.unit,
                                     user=actor.user_id))
            self._check_claim(loaded, str(task.id), actor)
            shaped: list[Event] = []
            for hook in COMPLETION_HOOKS:
                data, more = hook(conn, loaded, task, actor, data)
                shaped += more
            requests = self.requests_of(conn, str(task.id))
            self.requests_block(requests)  # an open delegation or consultation asked before deciding
            form = projection.form_key(task)
            if form is not None:
                # cross-field rules see the case data too (e.g. the recorder is on neither team)
                try:
                    forms.validate(loaded.definition.forms[form], data, self._rule_evaluator(task.data),
                                   context=task.data)
                except forms.RuleBroken as exc:
                    exc.element_id = projection.element_id(task)
                    raise
                attachments.check_references(conn, case_id, loaded.definition.forms[form], data)
            recorded = opinions.checked(conn, case_id, opinion, opinions.signature_mode(task.task_spec))
            signing = projection.wrapper_of(task) is not None and multisign.rule_of(task) is not None
            running = multisign.open_wrappers(workflow) if signing else {}
            passes = multisign.pass_marks(task)  # before it runs: is another member's instance done already?
            sign_events: list[Event] = []

            def run():
                # Replace, never merge: SpiffWorkflow's add_data_from_form deep-merges, so a list submitted again
                # in a loop would keep stale items. A spiffworkflow:variableName puts the whole form under one key.
                variable = getattr(task.task_spec, "variable", None)
                task.data.update({variable: copy.deepcopy(data)} if variable else copy.deepcopy(data))
                if signing:  # the output item and the tally with this decision, for the completionCondition
                    sign, counts = multisign.prepare(task, actor.user_id, data, recorded, now)
                    sign_events.extend(multisign.sign_events(task, sign, counts))
                task.run()

            if signing:
                multisign.decision_of(data)  # refused before anything runs
            events, snap = self.advance(workflow, run)
            completed = Event(EventKind.TASK_COMPLETED, actor.user_id,
                              {"role": role, "data": data, **({"opinion": recorded} if recorded else {}),
                               **passes},
                              projection.element_id(task), str(task.id))
            finished = multisign.finished_events(running, actor.user_id)
            effects = [*self.copies_on_completion(conn, case_id, row.unit, task, now),  # the step's copyTo
                       *self.requests_on_completion(conn, requests)]  # consultations asked for after it
            summary.record(conn, case_id, row.definition_version_id, loaded.definition.forms, task.data,
                           (row.version_key, row.version_hash), current=row.summary)
            try:
                self.save(conn, loaded, workflow, snap,
                          [*shaped, completed, *sign_events, *finished, *events, *effects], now)
            except Conflict as conflict:
                conflict.multi_sign = signing
                raise


    def diagram(self, case_id: int) -> dict:
        """The pinned version's BPMN plus the elements completed and active now, for a viewer to highlight."""
        with self.db.connect() as conn:
            loaded = self.load(conn, case_id)
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


    def task_view(self, case_id: int, task_id: str) -> TaskView:
        """What a person needs to work an open task: the case data it sees, its instructions, the forms."""
        with self.db.connect() as conn:
            loaded = self.load(conn, case_id)
        try:
            task = loaded.workflow.get_task_from_id(UUID(str(task_id)))
        except (TaskNotFoundException, ValueError):
            raise NotFound(Text("没有待办任务 {id}", "no open task {id}", id=task_id)) from None
        extensions = getattr(task.task_spec, "extensions", None) or {}
        return TaskView(data=copy.deepcopy(task.data), instructions=extensions.get("instructionsForEndUser"),
                        context_fields=(extensions.get("properties") or {}).get("contextFields"),
                        forms=loaded.definition.forms, signature=opinions.signature_mode(task.task_spec),
                        multi_sign=multisign.progress(task))

    def _open_task(self, loaded: Loaded, task_id: str):
        row = loaded.row
        if row.status == CaseStatus.SUSPENDED:
            raise InvalidState(Text("事项 {ref} 已暂停，须由管理员恢复后才能继续办理",
                                    "case {ref} is suspended; an administrator must resume it first",
                                    ref=row.reference))
        if row.status == CaseStatus.ERROR:
            raise InvalidState(Text("事项 {ref} 在“{element}”处出错，须由管理员处理并重试后才能继续",
                                    "case {ref} is in error at {element}; an administrator must retry it first",
                                    ref=row.reference, element=row.error_element))
        try:
            task = loaded.workflow.get_task_from_id(UUID(str(task_id)))
        except (ValueError, KeyError, TaskNotFoundException):
            task = None
        if task is None:
            raise NotFound(Text("事项 {ref} 中没有任务 {id}", "task {id} not found in case {ref}",
                                id=task_id, ref=row.reference))
        if row.status in (CaseStatus.CANCELLED, CaseStatus.COMPLETED) or task.state != TaskState.READY \
                or str(task.id) not in loaded.open_before:
            raise Conflict(Text("任务“{task}”已不在待办中（可能已由他人办理，或事项状态已变化），请刷新后查看",
                                "task '{task}' is no longer open (task {state}, case {status})",
                                task=projection.element_name(task), state=TaskState.get_name(task.state),
                                status=row.status))
        return task

    @staticmethod
    def _check_claim(loaded: Loaded, task_id: str, actor: Actor) -> None:
        claimed_by = loaded.open_before[str(task_id)].claimed_by
        if claimed_by is not None and claimed_by != actor.user_id:
            raise Conflict(Text("这项任务已由 {user} 认领，须由本人或管理员释放后才能办理",
                                "this task is claimed by {user}; they or an administrator must release it",
                                user=claimed_by))


    def _rule_evaluator(self, case_data: dict | None = None):
        environment = self.script_engine.environment
        context = {k: v for k, v in (case_data or {}).items() if k not in DOMAIN_FUNCTIONS}

        def evaluate(expression: str, data: dict) -> bool:
            try:
                return bool(environment.evaluate(expression, copy.deepcopy({**context, **data})))
            except Exception as exc:  # not "rule not met": the rule itself is wrong for well-formed data
                raise forms.RuleBroken(Text("表单规则“{rule}”无法计算（{e}），请联系流程设计人员",
                                            "the form rule '{rule}' cannot be evaluated ({e}); tell the designer",
                                            rule=expression, e=f"{type(exc).__name__}: {exc}")) from None
        return evaluate

    @staticmethod
    def _check_may_start(parsed: definitions.ParsedDefinition, unit: str, actor: Actor) -> None:
        if actor.may_start(parsed.start_roles, unit):
            return
        if parsed.start_roles:
            raise Forbidden(Text("在 {unit} 发起“{key}”需要以下角色之一：{roles}",
                                 "starting '{key}' in {unit} needs one of the roles {roles}",
                                 key=parsed.key, unit=unit, roles=", ".join(parsed.start_roles)))
        raise Forbidden(Text("{user} 不是 {unit} 的成员", "{user} is not a member of {unit}",
                             user=actor.user_id, unit=unit))




def _next_reference(conn: sa.Connection, unit: str, now: dt.datetime) -> str:
    """``{unit}-{YYYY}-{seq:04d}`` (DOMAIN.md §3.3), the year in Asia/Shanghai."""
    prefix = f"{unit}-{now.astimezone(periods.TZ).year}-"
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    count = conn.execute(sa.select(sa.func.count()).select_from(cases)
                         .where(cases.c.unit == unit, cases.c.reference.like(pattern, escape="\\"))).scalar_one()
    return f"{prefix}{count + 1:04d}"
