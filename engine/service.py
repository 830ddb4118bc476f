"""``Yishi``: the engine's front door. The CLI and the API call these methods and nothing deeper."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import tempfile
from pathlib import Path

import sqlalchemy as sa

from engine import scenarios
from engine.cases import attachments, holidays, summary
from engine.cases.door import TaskActionsDoor, with_summary
from engine.cases.objections import Objection
from engine.cases.runtime import Runtime
from engine.cases.timers import TickResult
from engine.definitions import bpmn, deployments, forms, instructions, layout, lint, studio
from engine.definitions.compiler import SCENARIO_SUFFIX, Bundle
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain import clock, names, periods, personal, roles
from engine.domain.actors import ADMIN_ROLE, DESIGNER_ROLE, Actor
from engine.domain.statuses import EventKind
from engine.domain.texts import DEFAULT_LANGUAGE, Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidDefinition, InvalidInput, NotFound
from engine.notify.door import NotificationsDoor
from engine.participation.door import ParticipationDoor
from engine.people import accounts, demo, passwords, phrases
from engine.people import units as unit_tree
from engine.people.admin import PeopleAdmin
from engine.read import export, export_check, monitor, public, queries, stats
from engine.sandbox import budget, policy
from engine.sandbox.environment import DEFAULT_GLOBALS
from engine.sandbox.functions import FUNCTIONS
from engine.sandbox.guards import SANDBOX_BUILTINS
from engine.settings import settings
from engine.store import audit, case_links
from engine.store.db import make_engine
from engine.store.files import FileStore, LocalFileStore
from engine.store.tables import definition_versions, holiday_calendars, metadata

try:
    TOOL_VERSION = importlib.metadata.version("yishi")
except importlib.metadata.PackageNotFoundError:  # run from a checkout without installing
    TOOL_VERSION = "unknown"

def _forms_of(bundle: Bundle) -> dict[str, dict]:
    """A bundle's forms as objects (a file that is no JSON object counts as absent; lint names it)."""
    found = {}
    for name, data in bundle.forms.items():
        try:
            value = json.loads(data)
        except ValueError:
            continue
        if isinstance(value, dict):
            found[name] = value
    return found


STATS_YEARS = (2000, 2099)  # the dates a statistics period may span
SHIPPED_PROCESSES = Path(__file__).resolve().parent.parent / "processes"  # beside the engine in a checkout
WITHDRAWN_NAME = "提议人已撤销 Withdrawn by the proposer"  # the public board's outcome of a withdrawn proposal


class Yishi(NotificationsDoor, ParticipationDoor, TaskActionsDoor):
    """The engine's front door (notifications: ``engine.notify.door``; residents taking part:
    ``engine.participation.door``; task actions: ``engine.cases.door``)."""

    def __init__(self, url: str | None = None, db: sa.Engine | None = None, files: FileStore | None = None):
        config = settings()
        budget.configure(budget.Limits(seconds=config.step_seconds, operations=config.step_operations,
                                       memory_mb=config.step_memory_mb))
        self.db = db or make_engine(url)
        # read-only blocks on the hot paths (the token, an open task's case, the answer of an action, the inbox, a
        # case view) on PostgreSQL run in autocommit: no BEGIN and ROLLBACK round trips around their statements, which
        # halved PostgreSQL's CPU per completion (bench/README.md). READ COMMITTED gave each statement its own
        # snapshot already, so they read the same. Never for a block that writes.
        self.reads = self.db.execution_options(isolation_level="AUTOCOMMIT") \
            if self.db.dialect.name == "postgresql" else self.db
        self.runtime = Runtime(self.db)
        self.files = files or LocalFileStore(config.attachments_dir())
        self.attachment_max_bytes, self.attachment_types = config.attachment_max_bytes, config.allowed_types()
        self.people = PeopleAdmin(self.db)  # administrators' people and units, scoped by the tree

    # designers
    def deploy(self, bundle: Bundle, actor: Actor) -> list[deployments.Deployed]:
        """Deploy a bundle; each new version keeps the bundle's scenario file for it, else the one shipped."""
        return deployments.deploy(self.db, bundle, actor, scenarios_for=self._shipped_scenarios)

    def scenario_file(self, key: str, actor: Actor) -> str | None:
        """The scenarios shipped beside a process (``<processes dir>/<key>.scenarios.yaml``), or None."""
        self._designer_only(actor)
        return self._shipped_scenarios(key)

    @staticmethod
    def _shipped_scenarios(key: str) -> str | None:
        for folder in (settings().processes_dir, SHIPPED_PROCESSES):
            if folder is not None and (Path(folder) / f"{key}{SCENARIO_SUFFIX}").is_file():
                return (Path(folder) / f"{key}{SCENARIO_SUFFIX}").read_text(encoding="utf-8")
        return None

    def run_scenarios(self, text: str | None, actor: Actor, bundle: Bundle | None = None, key: str | None = None,
                      names_: list[str] | None = None, version: int | None = None) -> list[dict]:
        """Run a scenario file against ``bundle`` (a draft), else version ``version`` of the process (default the
        newest), in a throwaway database: real cases and the process's clock are never touched
        (``engine/scenarios.py``). Without a text, the scenarios stored with that version run."""
        self._designer_only(actor)
        if text is None:
            if key is None:
                raise InvalidInput(Text("请给出场景文件，或给出要重跑其测试的流程", "give a scenario file, or the "
                                        "process whose stored scenarios to rerun"))
            version = version if version is not None else self._newest_version(key)
            text = self._stored_scenarios(key, version)
        parsed = scenarios.parse(text, key)
        bundle = bundle if bundle is not None else self.version_bundle(parsed.process, version)
        with tempfile.TemporaryDirectory(prefix="yishi-scenarios-") as folder:
            db = make_engine(f"sqlite:///{Path(folder) / 'scenarios.db'}")
            try:
                metadata.create_all(db)
                with self.db.connect() as source, db.begin() as target:  # the same holidays as the real cases
                    rows = [dict(r) for r in source.execute(sa.select(holiday_calendars)).mappings()]
                    if rows:
                        target.execute(sa.insert(holiday_calendars), rows)
                sandbox = Yishi(db=db, files=LocalFileStore(Path(folder) / "files"))
                sandbox.deploy(bundle, Actor(actor.user_id, is_designer=True))
                results = scenarios.run(sandbox, parsed, names_)
            finally:
                db.dispose()
        return [r.as_dict() for r in results]

    def _newest_version(self, key: str) -> int:
        with self.db.connect() as conn:
            newest = conn.execute(sa.select(sa.func.max(definition_versions.c.version))
                                  .where(definition_versions.c.key == key)).scalar()
        if newest is None:
            raise NotFound(Text("未找到流程定义 {key}", "definition {key} not found", key=key))
        return newest

    def _stored_scenarios(self, key: str, version: int) -> str:
        dv = definition_versions
        with self.db.connect() as conn:
            row = conn.execute(sa.select(dv.c.scenarios).where(dv.c.key == key, dv.c.version == version)).first()
        if row is None:
            raise NotFound(Text("流程定义 {key} 没有第 {version} 版", "definition {key} has no version {version}",
                                key=key, version=version))
        if row.scenarios is None:
            raise NotFound(Text("{key} 第 {version} 版部署时没有测试场景", "{key} version {version} was deployed "
                                "without scenarios", key=key, version=version))
        return row.scenarios

    def version_bundle(self, key: str, version: int | None = None) -> Bundle:
        """A deployed version's content as a bundle (default the newest), to lint, test or deploy again."""
        dv = definition_versions
        query = sa.select(dv.c.bpmn, dv.c.forms).where(dv.c.key == key)
        query = query.where(dv.c.version == version) if version is not None else \
            query.order_by(dv.c.version.desc()).limit(1)
        with self.db.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFound(Text("没有已部署的流程定义 {key}", "no deployed definition '{key}'", key=key))
        return Bundle(bpmn={name: xml.encode("utf-8") for name, xml in row.bpmn.items()},
                      forms={name: json.dumps(schema, ensure_ascii=False).encode("utf-8")
                             for name, schema in row.forms.items()})

    def lint_draft(self, bundle: Bundle, actor: Actor) -> dict:
        """Every problem of a draft (BPMN and forms), as deploying would find them, without deploying."""
        self._designer_only(actor)
        report = lint.lint(bundle.bpmn, bundle.forms)
        return {"ok": report.ok, "problems": [{**p.as_dict(), "message": p.text} for p in report.problems]}

    @staticmethod
    def check_expression(source: str, mode: str = "eval") -> list[Text]:
        """What the sandbox says of one condition or script as it is typed (the same check lint runs), and calls
        of functions that do not exist (a domain function misspelt)."""
        found = [Text("未通过沙箱检查：{e}", "rejected by the sandbox: {e}", e=e) for e in policy.check(source, mode)]
        if not found:
            known = set(DEFAULT_GLOBALS) | set(SANDBOX_BUILTINS)
            for name in studio.called_names(source, mode):
                if name not in known:
                    found.append(Text("没有名为 {name} 的函数", "there is no function called {name}", name=name))
        return found

    @staticmethod
    def domain_functions() -> list[dict]:
        """The functions designers may call, with their meaning in Chinese and English (the sandbox's one list)."""
        return [{"name": f.name, "signature": f.signature, "zh": f.zh, "en": f.en, "group": f.group}
                for f in FUNCTIONS]

    def definition_diff(self, key: str, actor: Actor, *, against: int | None = None, version: int | None = None,
                        draft: Bundle | None = None) -> dict:
        """Elements added, removed and changed from version ``against`` (default the newest) to ``version`` or
        to a draft."""
        self._designer_only(actor)
        old = self.version_bundle(key, against)
        new = draft if draft is not None else self.version_bundle(key, version)
        return studio.diff(old.bpmn, _forms_of(old), new.bpmn, _forms_of(new))

    def data_at(self, key: str, element_id: str, actor: Actor, draft: Bundle | None = None) -> list[dict]:
        """The case data a step of a draft (or the newest version) can read, with where each value comes from."""
        self._designer_only(actor)
        bundle = draft if draft is not None else self.version_bundle(key)
        return studio.data_at(bundle.bpmn, _forms_of(bundle), element_id)

    def called_processes(self, key: str, actor: Actor, version: int | None = None) -> list[dict]:
        """The processes a version of ``key`` (default the newest) calls, which other methods use each, and
        whether its copy is the newest deployed version of that process."""
        self._designer_only(actor)
        files = self.version_bundle(key, version).bpmn
        dv = definition_versions
        newest = sa.select(dv.c.key, sa.func.max(dv.c.version).label("version")).group_by(dv.c.key).subquery()
        with self.db.connect() as conn:
            rows = [dict(r) for r in conn.execute(
                sa.select(dv.c.key, dv.c.name, dv.c.version, dv.c.bpmn)
                .join(newest, sa.and_(dv.c.key == newest.c.key, dv.c.version == newest.c.version))
                .order_by(dv.c.key)).mappings()]
        return studio.called_processes(key, files, rows)

    def tidy(self, xml: str, actor: Actor) -> str:
        """The diagram drawn afresh by ``yishi layout`` (lanes by role, steps as groups, no line through a shape)."""
        self._designer_only(actor)
        tree = parse_bpmn(xml.encode("utf-8"))  # refuses what is no safe XML, naming the line
        if not bpmn.processes(tree):
            raise InvalidDefinition(Text("文档中没有 bpmn:process，无从排版",
                                         "the document has no bpmn:process to lay out"))
        return layout.layout_bytes(xml.encode("utf-8")).decode("utf-8")

    @staticmethod
    def _designer_only(actor: Actor) -> None:
        if not (actor.is_designer or actor.is_admin):
            raise Forbidden(Text("仅限流程设计人员和管理员", "process designers and administrators only"))

    def definitions(self) -> list[dict]:
        """The newest version of every definition, without its BPMN or forms (anyone signed in may list them)."""
        return deployments.list_definitions(self.db)

    def versions(self, key: str) -> list[dict]:
        """Every version of one definition, without BPMN or forms."""
        return deployments.versions(self.db, key)

    # participants
    def start(self, key: str, unit: str, actor: Actor, data: dict | None = None, title: str | None = None) -> dict:
        return self.case(self.runtime.start(key, unit, actor, data, title))

    def tasks(self, actor: Actor, **filters) -> list[dict]:
        with self.reads.connect() as conn:
            return queries.tasks_for(conn, actor, **filters)

    def complete(self, case_ref: str | int, task_id: str, actor: Actor, data: dict | None,
                 opinion: dict | None = None) -> dict:
        """Complete a task with its form data and the opinion it carries (审批意见: text, photos, signature)."""
        case_id = self.case_id(case_ref)
        self.runtime.complete(case_id, task_id, actor, data, opinion)
        return self.answer(case_id, actor)

    # cases
    def case_id(self, case_ref: str | int) -> int:
        with self.db.connect() as conn:
            return queries.find_case_id(conn, case_ref)

    def answer(self, case_id: int, actor: Actor) -> dict:
        """The case as an action of ``actor``'s answers it: its detail with the key figures (personal data masked
        for the actor), read on one connection (each completion answers with it)."""
        with self.reads.connect() as conn:
            detail = queries.case_detail(conn, case_id)
            detail["key_figures"] = self._figures(conn, case_id, actor, detail)
        detail["summary"] = summary.render(detail.get("summary"), DEFAULT_LANGUAGE)
        return detail

    def case(self, case_ref: str | int) -> dict:
        """A case by id or reference, unchecked (the CLI's view; the API uses ``visible_case``)."""
        with self.reads.connect() as conn:
            detail = queries.case_detail(conn, queries.find_case_id(conn, case_ref))
        detail["summary"] = summary.render(detail.get("summary"), DEFAULT_LANGUAGE)
        return detail

    def cases(self, actor: Actor | None = None, language: str | None = None, **filters) -> list[dict]:
        """Cases the actor may see, newest first: administrators every unit's, others only their units' (a
        ``unit`` filter outside them gives nothing). ``actor=None`` is the unchecked local view (CLI, tests).
        Each case lists its ``open_steps``; with a ``language`` their names are in it (else "中文 English")."""
        with self.db.connect() as conn:
            rows = queries.list_cases(conn, units=self._visible_units(actor), **filters)
        if language is not None:
            for row in rows:
                for step in row["open_steps"]:
                    step["name"] = names.render(step["name"], language)
        return with_summary(rows, language or DEFAULT_LANGUAGE)

    def count_cases(self, actor: Actor | None = None, **filters) -> int:
        """How many cases ``cases(actor, **filters)`` would list without paging."""
        filters.pop("limit", None)
        filters.pop("offset", None)
        with self.db.connect() as conn:
            return queries.count_cases(conn, units=self._visible_units(actor), **filters)

    @staticmethod
    def _visible_units(actor: Actor | None) -> set[str] | None:
        if actor is None or actor.is_admin:
            return None
        return {u for u, _ in actor.memberships}

    def forecast(self, case_ref: str | int, actor: Actor | None = None, language: str = DEFAULT_LANGUAGE) -> dict:
        """流程预测: the remaining steps of the most likely path (``engine.cases.forecast``); for an actor, only of
        a case they may see (a member of its unit — a resident of their own proposals — or an administrator)."""
        if actor is not None:
            self.visible_case(case_ref, actor)
        ahead = self.runtime.forecast(self.case_id(case_ref))
        for step in ahead["steps"]:
            step["name"] = names.render(step["name"], language)
            step["role_name"] = roles.name_of(step["role"]).render(language) if step["role"] else None
        return ahead

    def phrases(self, unit: str, actor: Actor) -> dict:
        """常用语 offered in ``unit`` (its own, else the nearest up the tree, else the defaults): to its members."""
        if not (actor.member_of(unit) or actor.administers(unit)):
            raise NotFound(Text("没有单位 {unit}", "no unit {unit}", unit=unit))
        with self.db.connect() as conn:
            found, source = phrases.of(conn, unit)
            above, above_source = phrases.inherited(conn, unit)
        return {"unit": unit, "phrases": found, "source": source, "editable": actor.administers(unit),
                "inherited": above, "inherited_from": above_source}

    def set_phrases(self, unit: str, items: list[str], actor: Actor) -> dict:
        """Replace ``unit``'s stock phrases (its administrators; recorded as a unit event)."""
        with self.db.begin() as conn:
            phrases.replace(conn, unit, items, actor)
        return self.phrases(unit, actor)

    def history(self, case_ref: str | int):
        with self.db.connect() as conn:
            return queries.case_history(conn, queries.find_case_id(conn, case_ref))

    # time and administration
    def tick(self, now: dt.datetime | None = None) -> TickResult:
        result = self.runtime.tick(now)
        self.runtime.apply_stand_ins(now)  # absences that begin or end today move their steps
        return result

    def suspend(self, case_ref, actor: Actor, reason: str) -> dict:
        case_id = self.case_id(case_ref)
        self.runtime.suspend(case_id, actor, reason)
        return self.case(case_id)

    def resume(self, case_ref, actor: Actor, reason: str | None = None) -> dict:
        case_id = self.case_id(case_ref)
        self.runtime.resume(case_id, actor, reason)
        return self.case(case_id)

    def cancel(self, case_ref, actor: Actor, reason: str) -> dict:
        case_id = self.case_id(case_ref)
        self.runtime.cancel(case_id, actor, reason)
        return self.case(case_id)

    def correct_flag(self, case_ref, actor: Actor, flag: str, value: bool, reason: str) -> dict:
        """An administrator corrects a lateness flag the engine recorded, with a reason (an event)."""
        case_id = self.case_id(case_ref)
        self.runtime.correct_flag(case_id, actor, flag, value, reason)
        return self.case(case_id)

    def retry(self, case_ref, actor: Actor, data: dict | None = None) -> dict:
        case_id = self.case_id(case_ref)
        self.runtime.retry(case_id, actor, data)
        return self.case(case_id)

    # ----- accounts and the participant's view (used by the API) -------------------------------------

    def login(self, user: str, password: str, address: str | None = None):
        """A token for the user, throttled per user and client ``address`` (``accounts.TooManyAttempts``)."""
        return accounts.login(self.db, user, password, address)

    def unlock_user(self, user: str, actor: Actor) -> bool:
        """Lift a login lockout (administrators; recorded); whether the user was locked."""
        with self.db.begin() as conn:
            return accounts.unlock(conn, user, actor.user_id)

    def change_password(self, actor: Actor, old_password: str | None, new_password: str):
        """Set the actor's own password (the old one is needed unless they signed in with a one-time code); every
        other session ends and a new token is returned, like a login's."""
        passwords.change_own(self.db, actor.user_id, old_password, new_password,
                             forced=actor.must_change_password)
        with self.db.begin() as conn:
            return accounts.issue_token(conn, actor.user_id)

    def logout(self, token: str) -> None:
        with self.db.begin() as conn:
            accounts.logout(conn, token)

    def authenticate(self, token: str) -> Actor:
        """The actor behind a bearer token, or ``Unauthenticated``."""
        with self.reads.connect() as conn:
            return accounts.authenticate(conn, token)

    def user(self, user_id: str) -> Actor:
        with self.db.connect() as conn:
            return accounts.actor_of(conn, user_id)

    def inbox(self, actor: Actor, language: str = DEFAULT_LANGUAGE, **filters) -> list[dict]:
        """My open tasks, soonest due first (forms are fetched with the task, not embedded here), each with its
        case's summary lines in ``language``."""
        rows = self.tasks(actor, **filters)
        for row in rows:
            row.pop("definition_version_id", None)
        return with_summary(rows, language)

    def count_inbox(self, actor: Actor, **filters) -> int:
        """How many tasks ``inbox`` would list without paging."""
        with self.reads.connect() as conn:
            return queries.count_tasks(conn, actor, **filters)

    def task_detail(self, task_id: str, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """One open task with everything a person needs to do it: instructions, read-only context, the form
        and its uiSchema in their language, and initial values prefilled from the case."""
        row = self.task(task_id, actor)
        view = self.runtime.task_view(row["case_id"], task_id)
        with self.db.connect() as conn:  # personal data of other steps masked; this step's own fields in full
            reader = self.reader(conn, row["case_id"], actor, view.forms, also_roles={row["role"]})
        data = reader.apply(view.data)
        self.runtime.note_opened(task_id, actor)  # the stuck report shows whether an urged holder opened it since
        row["summary"] = summary.render(row.pop("summary_raw", None), language)
        schema = view.forms.get(row["form"]) if row["form"] else None
        ui_schema = view.forms.get(forms.ui_key(row["form"])) if row["form"] else None
        row.update(
            instructions=instructions.render(view.instructions, language, data, view.forms),
            context=instructions.context(view.context_fields, data, view.forms, language),
            form_schema=forms.localize(schema, language) if schema is not None else None,
            ui_schema=forms.localize_ui(ui_schema, language) if schema is not None else None,
            initial_data=forms.initial_values(schema, data) if schema is not None else {},
            signature=view.signature, multi_sign=view.multi_sign,
        )
        return row

    def reader(self, conn: sa.Connection, case_id: int, actor: Actor | None, case_forms: dict | None = None, *,
               also_roles: set[str | None] | frozenset = frozenset(), case: dict | None = None
               ) -> personal.Entitlement:
        """Which personal fields of the case ``actor`` reads in full (``engine.domain.personal``): administrators
        of its unit all, the roles the case gave a step whose form asks for a field that field, the person who
        entered a value that value; ``also_roles``: roles the reader acts in here (the task they work); ``case``:
        the case's row when the caller has just read it."""
        case = case or queries.case_row(conn, case_id)
        if case_forms is None:
            head = (case["definition_key"], case["definition_hash"]) if "definition_hash" in case else None
            case_forms = self.runtime.definition(conn, case["definition_version_id"], head).forms
        fields = personal.definition_fields(case_forms)
        if actor is None or actor.administers(case["unit"]) or not fields:
            return personal.Entitlement(actor.user_id if actor else "", fields, everything=True)
        return personal.Entitlement(
            actor.user_id, fields, personal.handlers(queries.opened_steps(conn, case_id), case_forms, fields),
            frozenset(actor.roles_in(case["unit"]) | {r for r in also_roles if r}))

    def task(self, task_id: str, actor: Actor) -> dict:
        with self.db.connect() as conn:
            row = queries.task_row(conn, task_id)
            if row is None:
                case_id = queries.case_of_task(conn, task_id)
                if case_id is not None and actor.member_of(queries.case_row(conn, case_id)["unit"]):
                    raise Conflict(Text("任务 {id} 已不在待办中，请刷新后查看", "task {id} is no longer open",
                                        id=task_id))
                raise NotFound(Text("没有待办任务 {id}", "no open task {id}", id=task_id))
        if not (actor.is_admin or actor.may_work(row["unit"], row["role"], row["assignee"])):
            if row["assignee"] is not None and actor.member_of(row["unit"]):
                raise Forbidden(Text("这项任务由 {user} 本人办理", "this task is addressed to {user}",
                                     user=row["assignee"]))
            if actor.member_of(row["unit"]):
                raise Forbidden(Text("这项任务由{unit}的{role}办理", "this task is for the {role} of {unit}",
                                     role=roles.name_of(row["role"]), unit=row["unit"]))
            raise NotFound(Text("没有待办任务 {id}", "no open task {id}", id=task_id))
        row.pop("definition_version_id", None)
        row["summary_raw"] = row.get("summary")
        row["summary"] = summary.render(row["summary_raw"], DEFAULT_LANGUAGE)
        return row

    def case_id_of_task(self, task_id: str, actor: Actor) -> int:
        with self.reads.connect() as conn:
            open_task = queries.open_task_case(conn, task_id)  # the usual case, in one query
            if open_task is not None and (actor.member_of(open_task.unit) or open_task.assignee == actor.user_id):
                return open_task.case_id
            case_id = queries.case_of_task(conn, task_id)
            if case_id is None or not (actor.member_of(queries.case_row(conn, case_id)["unit"])
                                       or (queries.task_row(conn, task_id) or {}).get("assignee") == actor.user_id):
                raise NotFound(Text("没有任务 {id}", "no task {id}", id=task_id))
            return case_id

    def visible_case(self, case_ref, actor: Actor) -> dict:
        """A case the actor may see (a member of its unit, or an administrator), with its key figures (personal
        data in them masked unless the actor handles it)."""
        with self.reads.connect() as conn:
            case_id = queries.find_case_id(conn, case_ref)
            detail = queries.case_detail(conn, case_id)
            if not actor.member_of(detail["unit"]) and not self._may_see(conn, case_id, actor):
                raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_ref))
            detail["key_figures"] = self._figures(conn, case_id, actor, detail)
        self.note_copy_read(case_id, actor)  # a copy to the reader counts as read once they open the case
        detail["summary"] = summary.render(detail.get("summary"), DEFAULT_LANGUAGE)
        return detail

    def lodge_objection(self, case_ref, actor: Actor, text: str, on_behalf_of: str | None = None,
                        attachments: list | None = None) -> dict:
        """Object to the case's running publication (a member of its unit), optionally with files added to the
        case first; the objection as recorded, with the case after it."""
        case_id = self.visible_case(case_ref, actor)["id"]
        lodged = self.runtime.lodge_objection(case_id, actor, Objection(text, on_behalf_of, attachments or []))
        return {**lodged, "case": self.visible_case(case_id, actor)}

    def claim(self, task_id: str, actor: Actor) -> dict:
        case_id = self.case_id_of_task(task_id, actor)
        self.runtime.claim(case_id, task_id, actor)
        return self.task(task_id, actor)

    def unclaim(self, task_id: str, actor: Actor) -> dict:
        case_id = self.case_id_of_task(task_id, actor)
        self.runtime.unclaim(case_id, task_id, actor)
        return self.task(task_id, actor)

    def reassign(self, task_id: str, admin: Actor, user_id: str, reason: str | None = None) -> dict:
        case_id = self.case_id_of_task(task_id, admin)
        self.runtime.claim(case_id, task_id, admin, for_user=self.user(user_id), reason=reason)
        with self.db.connect() as conn:
            row = queries.task_row(conn, task_id)
        row["summary"] = summary.render(row.get("summary"), DEFAULT_LANGUAGE)
        return row

    def stuck(self, actor: Actor, now: dt.datetime | None = None, reason: str | None = None,
              unit: str | None = None) -> list[dict]:
        with self.db.connect() as conn:
            units = self._visible_units(actor)
            if unit:
                units = {unit} if units is None else units & {unit}
            return monitor.stuck_cases(conn, now or clock.now(), units=units, reason=reason)

    def stuck_page(self, actor: Actor, *, reason: str | None = None, unit: str | None = None,
                   method: str | None = None, limit: int = 100, offset: int = 0) -> dict:
        """One page of the stuck report, oldest first, with how many rows there are per reason."""
        with self.db.connect() as conn:
            units = self._visible_units(actor)
            if unit:
                units = {unit} if units is None else units & {unit}
            rows, counts = monitor.stuck_report(conn, clock.now(), units=units, reason=reason, method=method,
                                                limit=limit, offset=offset)
        return {"items": rows, "counts": counts, "total": sum(counts.values()), "limit": limit, "offset": offset}

    def version_content(self, key: str, version: int, actor: Actor) -> dict:
        """One version's BPMN files and forms: for designers and administrators only."""
        dv = definition_versions
        if not (actor.is_designer or actor.is_admin):
            raise Forbidden(Text("流程定义的 BPMN 和表单仅供流程设计人员和管理员查看",
                                 "a definition's BPMN and forms are for designers and administrators only"))
        with self.db.connect() as conn:
            row = conn.execute(sa.select(dv.c.key, dv.c.version, dv.c.name, dv.c.content_hash, dv.c.bpmn, dv.c.forms,
                                         dv.c.start_roles, dv.c.start_form, dv.c.settings, dv.c.created_by,
                                         dv.c.created_at, dv.c.scenarios)
                               .where(dv.c.key == key, dv.c.version == version)).mappings().first()
        if row is None:
            raise NotFound(Text("流程定义 {key} 没有第 {version} 版", "definition {key} has no version {version}",
                                key=key, version=version))
        return dict(row)

    # ----- attachments (一事一档) ---------------------------------------------------------------------------------

    def attach(self, case_ref, actor: Actor, stream, file_name: str | None, *, task_id: str | None = None) -> dict:
        """Add a file to a case (any member of its unit who may see it) or to an open task of it (whoever may
        do the task); recorded in the case file with its SHA-256, size, media type, name and uploader."""
        if task_id is not None:
            row = self.task(task_id, actor)
            case_id, element_id = row["case_id"], row["element_id"]
        else:
            case_id, element_id = self.visible_case(case_ref, actor)["id"], None
        with self.db.begin() as conn:
            return attachments.add(conn, self.files, case_id, actor, stream, file_name,
                                   max_bytes=self.attachment_max_bytes, allowed=self.attachment_types,
                                   task_id=task_id, element_id=element_id)

    def upload(self, actor: Actor, stream, file_name: str | None) -> dict:
        """A file for a start form, before its case exists: kept for the uploader (at most
        ``attachments.MAX_PENDING`` at a time) until a case they start names it, which claims it into its file."""
        with self.db.begin() as conn:
            if len(attachments.pending(conn, actor.user_id)) >= attachments.MAX_PENDING:
                raise Conflict(Text("您已有 {n} 个尚未用于发起事项的文件：请先发起事项", "you already have {n} files "
                                    "waiting for a case to start; start it first", n=attachments.MAX_PENDING))
            return attachments.add(conn, self.files, None, actor, stream, file_name,
                                   max_bytes=self.attachment_max_bytes, allowed=self.attachment_types)

    def attachments(self, case_ref, actor: Actor) -> list[dict]:
        """The files of a case the actor may see, in upload order."""
        case_id = self.visible_case(case_ref, actor)["id"]
        with self.db.connect() as conn:
            return attachments.listed(conn, case_id)

    def attachment(self, case_ref, sha256: str, actor: Actor):
        """One file of a case the actor may see: (its record, an open binary stream of its content)."""
        case_id = self.visible_case(case_ref, actor)["id"]
        with self.db.connect() as conn:
            record = attachments.one(conn, case_id, sha256)
        try:
            return record, self.files.open(record["sha256"])
        except FileNotFoundError:
            raise NotFound(Text("附件 {name} 的内容不在文件存储中（请联系管理员）",
                                "the content of attachment {name} is missing from the file store (tell an "
                                "administrator)", name=record["file_name"])) from None

    # ----- linked cases ----------------------------------------------------------------------------------------

    def merge(self, case_ref, into_ref, actor: Actor, reason: str) -> dict:
        """Merge a duplicate proposal into another case of its unit (administrators, the unit's committees): the
        duplicate is cancelled and both files record the link; its proposer follows the other case."""
        duplicate = self.visible_case(case_ref, actor)["id"]
        into = self.visible_case(into_ref, actor)["id"]
        self.runtime.merge(duplicate, into, actor, reason)
        return self.case(into)

    def split(self, case_ref, titles: list[str], actor: Actor, reason: str) -> dict:
        """Split a case into new ones, one per title, on behalf of its proposer and linked to it; the original."""
        case_id = self.visible_case(case_ref, actor)["id"]
        self.runtime.split(case_id, titles, actor, reason)
        return self.case(case_id)

    def followers(self, case_ref) -> list[str]:
        """Who follows a case and receives its publications: its proposer and the proposers of merged duplicates."""
        with self.db.connect() as conn:
            return case_links.followers(conn, queries.find_case_id(conn, case_ref))

    # ----- the holiday calendar ------------------------------------------------------------------------------

    def holidays(self) -> dict:
        """Every loaded arrangement (newest first) and which years are covered (loaded or in the package)."""
        with self.db.connect() as conn:
            holidays.refresh(conn)
            rows = holidays.versions(conn)
        package = [y for y in range(2004, 2101) if y not in periods.loaded_years() and periods.calendar_covers(
            dt.date(y, 6, 1))]
        return {"covered_years": sorted(set(package) | periods.loaded_years()), "package_years": package,
                "versions": rows}

    def load_holidays(self, data: dict, actor: Actor) -> dict:
        """Load a year's arrangement (administrators) and recompute the open deadlines counted without it."""
        return self.runtime.load_calendar(holidays.Arrangement.parse(data), actor)

    # ----- the case file leaving the system ---------------------------------------------------------------------

    def export_case(self, case_ref, actor: Actor, out, *, personal_data: bool | None = None) -> dict:
        """Write the case file as a ZIP (``engine.read.export``) to ``out`` for whoever may see the case; returns
        its manifest. Personal data is included only for administrators (their choice, included by default);
        everyone else gets it masked, and the manifest says which."""
        case_id = self.visible_case(case_ref, actor)["id"]
        include = actor.administers(self.case(case_id)["unit"]) and personal_data is not False
        now = clock.now()
        with self.db.begin() as conn:  # who exported, and whether with personal data: an event of the file itself
            audit.append(conn, case_id, now, [audit.Event(EventKind.CASE_EXPORTED, actor.user_id, {
                "personal_data": "included" if include else "masked", "format": export.FORMAT})])
        with self.db.connect() as conn:
            case = queries.case_row(conn, case_id)
            rows = audit.history(conn, case_id)
            files = attachments.listed(conn, case_id)
            version = conn.execute(sa.select(definition_versions.c.bpmn, definition_versions.c.forms).where(
                definition_versions.c.id == case["definition_version_id"])).one()
            step_names = self._element_names(conn, {case["definition_version_id"]}).get(
                case["definition_version_id"], {})
        fields = personal.definition_fields(version.forms)
        reader = personal.Entitlement("", fields, everything=include)  # the export: no one's own view
        if not include:  # every personal value masked; the event keeps its hashes and says what was masked
            for row in rows:
                found: list[str] = []
                row["data"] = personal.masked(row["data"], fields, found=found)
                if found:
                    row["masked"], row["masked_fields"] = True, found
        labelled, _ = self.labelled_history(case_id, DEFAULT_LANGUAGE, reader=reader)
        labelled = labelled[:len(rows)]  # the history read after: never more than the events exported
        return export.build(out, case=case, events=rows, labelled=labelled, attachments=files,
                            open_attachment=self.files.open, definition={"bpmn": version.bpmn, "forms": version.forms},
                            personal_data=include, exported_by=actor.user_id, exported_at=now,
                            tool_version=TOOL_VERSION, step_names={k: names.split(v).zh for k, v in step_names.items()})

    @staticmethod
    def verify_export(path) -> export_check.ExportCheck:
        """Check an exported case file offline: manifest, chain, count, head, attachments, seal (when keyed)."""
        return export_check.verify_file(path)

    # ----- what else the API reads (each applies its visibility rule here) ------------------------------------

    def key_figures(self, case_id: int, actor: Actor | None = None, case: dict | None = None) -> dict:
        """The case's key figures; for an ``actor``, personal data they do not handle masked. ``case``: its row
        (or detail) when the caller has it."""
        with self.db.connect() as conn:
            return self._figures(conn, case_id, actor, case)

    def _figures(self, conn: sa.Connection, case_id: int, actor: Actor | None, case: dict | None) -> dict:
        return self.reader(conn, case_id, actor, case=case).apply(queries.key_figures(conn, case_id))

    def diagram(self, case_ref, actor: Actor) -> dict:
        """The case's pinned BPMN with its completed and active elements, for a member of its unit."""
        return self.runtime.diagram(self.visible_case(case_ref, actor)["id"])

    def units(self) -> list[dict]:
        with self.db.connect() as conn:
            return unit_tree.listing(conn)

    def migration_plan(self, key: str, actor: Actor, to_version: int | None = None) -> dict:
        """Dry run: which running cases of ``key`` could move to ``to_version`` (designers and administrators)."""
        from engine.cases import upgrades

        if not (actor.is_designer or actor.is_admin):
            raise Forbidden(Text("仅限流程设计人员和管理员", "process designers and administrators only"))
        return upgrades.plan(self.runtime, key, to_version)

    def migrate(self, key: str, case_ids: list[int], actor: Actor, to_version: int | None = None) -> list[dict]:
        from engine.cases import upgrades

        return upgrades.migrate(self.runtime, key, case_ids, actor, to_version)

    # ----- the web app's reads: methods to start, tasks done, where cases wait, the public board, names ----------

    def methods(self, actor: Actor, language: str = DEFAULT_LANGUAGE) -> list[dict]:
        """The methods ``actor`` may start (newest version each) and the units where it may start them;
        shared call activities (votes, publication) declare neither start roles nor a start form."""
        with self.db.connect() as conn:
            rows = queries.startable_definitions(conn)
            all_units = [u["code"] for u in unit_tree.listing(conn)] if actor.is_admin else []
        mine = sorted({u for u, _ in actor.memberships})
        found = []
        for row in rows:
            units = all_units if actor.is_admin else [u for u in mine if actor.may_start(row["start_roles"], u)]
            if units:
                found.append({"key": row["key"], "name": names.render(row["name"], language),
                              "version": row["version"], "can_start_in": units})
        return found

    def start_form(self, key: str, unit: str, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """The start form of the newest version of ``key`` in ``language``, with its defaults as initial data;
        ``Forbidden`` when ``actor`` may not start it in ``unit``."""
        with self.db.connect() as conn:
            row = queries.newest_version(conn, key, definition_versions.c.forms)
            known = {u["code"] for u in unit_tree.listing(conn)}
        if unit not in known:
            raise NotFound(Text("未找到单位 {unit}", "unit {unit} not found", unit=unit))
        if not (row["start_roles"] or row["start_form"]):
            raise NotFound(Text("{key} 是被调用的共用流程，不能单独发起",
                                "{key} is a shared process called by the methods; it is not started on its own",
                                key=key))
        if not actor.may_start(row["start_roles"], unit):
            raise Forbidden(Text("在{unit}发起“{name}”需要以下角色之一：{roles}",
                                 "starting '{name}' in {unit} needs one of the roles: {roles}", unit=unit,
                                 name=names.split(row["name"]),
                                 roles=Text("、".join(roles.name_of(r).zh for r in row["start_roles"]),
                                            ", ".join(roles.name_of(r).en for r in row["start_roles"]))))
        schema = row["forms"].get(row["start_form"]) if row["start_form"] else None
        ui_schema = row["forms"].get(forms.ui_key(row["start_form"])) if schema is not None else None
        return {"key": row["key"], "name": names.render(row["name"], language), "version": row["version"],
                "form_schema": forms.localize(schema, language) if schema is not None else None,
                "ui_schema": forms.localize_ui(ui_schema, language) if schema is not None else None,
                "initial_data": forms.with_defaults(schema, {}) if schema is not None else {}}

    def done_tasks(self, actor: Actor, language: str = DEFAULT_LANGUAGE, *, limit: int = 50,
                   offset: int = 0, method: str | None = None, unit: str | None = None,
                   q: str | None = None) -> tuple[list[dict], int]:
        """Tasks ``actor`` completed (已办), newest first, with what they submitted: only cases of units they are
        still a member of (administrators: all); narrowed like the other views."""
        with self.db.connect() as conn:
            rows, total = queries.done_tasks(conn, actor.user_id, units=self._visible_units(actor), limit=limit,
                                             offset=offset, method=method, unit=unit, q=q)
            missing = {r["definition_version_id"] for r in rows if not r["name"]}
            spec_names = self._element_names(conn, missing) if missing else {}
            forms_of = {v: self.runtime.definition(conn, v).forms for v in {r["definition_version_id"] for r in rows}}
        for row in rows:
            version_id = row.pop("definition_version_id")
            name = row["name"] or spec_names.get(version_id, {}).get(row["element_id"]) or row["element_id"]
            row["name"] = names.render(name, language)
            row["fields"] = instructions.labelled(forms_of[version_id], row.get("data") or {}, language)
        return with_summary(rows, language), total

    def labelled_history(self, case_id: int, language: str = DEFAULT_LANGUAGE, actor: Actor | None = None, *,
                         reader: personal.Entitlement | None = None):
        """The case file with each event's submitted or computed values titled and labelled in ``language``
        (``fields``), beside the data as recorded; personal data the reader does not handle is masked (the
        event says so: ``masked``, ``masked_fields``; its hashes are those of the full event). ``actor=None``
        and no ``reader``: everything in full (the CLI's view)."""
        with self.db.connect() as conn:
            rows, verification = queries.case_history(conn, case_id)
            version_id = queries.case_row(conn, case_id)["definition_version_id"]
            forms_of_case = self.runtime.definition(conn, version_id).forms
            if reader is None:
                reader = self.reader(conn, case_id, actor, forms_of_case)
        for row in rows:
            found: list[str] = []
            row["data"] = reader.apply(row.get("data"), row.get("actor"), found)
            row["masked"], row["masked_fields"] = bool(found), found
            data = row.get("data") if isinstance(row.get("data"), dict) else {}
            values = data.get("data") if row["kind"] in (EventKind.CASE_STARTED, EventKind.TASK_COMPLETED) \
                else data if row["kind"] == EventKind.COMPUTED else None
            row["fields"] = instructions.labelled(forms_of_case, values, language) if isinstance(values, dict) else []
        return rows, verification

    def public_board(self, unit: str, language: str = DEFAULT_LANGUAGE) -> dict:
        """The unit's public board (公示栏) for anyone, signed in or not: notices whose period runs now and the
        last completed cases. Only what the notices themselves publish; see ``engine.read.public``."""
        now = clock.now()
        with self.db.connect() as conn:
            unit_row = public.unit_row(conn, unit)
            running = public.running_publications(conn, unit, now)
            outcomes = public.recent_outcomes(conn, unit)
            end_names = self._element_names(conn, {o["definition_version_id"] for o in outcomes})
        publications = []
        for item in running:
            kind = item["kind"]
            kind_name = public.kind_name(kind)
            publications.append({
                "reference": item["reference"], "title": item["title"], "kind": kind,
                "kind_name": kind_name.render(language) if kind_name else None,
                "started_at": item["started_at"], "ends_at": item["ends_at"], "content": item["content"]})
        return {"unit": unit_row["code"], "name": unit_row["name"], "publications": publications,
                "outcomes": [{"reference": o["reference"], "title": o["title"], "end_event": o["end_event"],
                              "end_event_name": names.render(
                                  WITHDRAWN_NAME if o["end_event"] == public.WITHDRAWN else
                                  end_names.get(o["definition_version_id"], {}).get(o["end_event"]) or o["end_event"],
                                  language) if o["end_event"] else None,
                              "completed_at": o["completed_at"]} for o in outcomes]}

    def roles(self) -> list[dict]:
        """``[{code, zh, en}]`` for every lane role of the deployed processes plus administrator and designer."""
        with self.db.connect() as conn:
            codes = demo.deployed_roles(conn)
        return roles.registry(codes | {ADMIN_ROLE, DESIGNER_ROLE})

    def me(self, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """Who ``actor`` is, with each membership's role and unit named in ``language``."""
        unit_names = {u["code"]: u["name"] for u in self.units()}
        return {"user": actor.user_id, "is_admin": actor.is_admin, "is_designer": actor.is_designer,
                "is_unit_admin": actor.is_unit_admin, "must_change_password": actor.must_change_password,
                "memberships": [{"unit": u, "role": r, "role_name": roles.name_of(r).render(language),
                                 "unit_name": unit_names.get(u, u)} for u, r in sorted(actor.direct)]}

    def heat(self, key: str, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """Where the running cases of method ``key`` wait: open tasks counted per element, with the newest
        version's BPMN to draw them on (administrators)."""
        if not actor.is_admin:
            raise Forbidden(Text("仅限管理员", "administrators only"))
        with self.db.connect() as conn:
            version = queries.newest_version(conn, key, definition_versions.c.bpmn)
            elements = queries.waiting_by_element(conn, key, clock.now())
            counts = queries.running_counts(conn, key)
        for element in elements:
            element["name"] = names.render(element["name"], language)
        return {"key": version["key"], "name": names.render(version["name"], language), "version": version["version"],
                "bpmn": version["bpmn"], "elements": elements, "running_cases": sum(counts.values()),
                "waiting_for_timer": counts.get("waiting_for_timer", 0)}

    # ----- statistics for the street ---------------------------------------------------------------------------

    def stats(self, actor: Actor, *, unit: str | None = None, method: str | None = None,
              from_date: dt.date | None = None, to_date: dt.date | None = None,
              language: str = DEFAULT_LANGUAGE) -> dict:
        """Statistics over a period (Beijing dates, both included; default 1 January up to today, or to the end
        of the year of a later ``from_date``, or from 1 January of ``to_date``'s year) for the units
        the actor sees, rolled up the unit tree, narrowed to ``unit`` (and the units below it) and ``method``.
        What each figure counts is said in ``engine.read.stats``."""
        today = periods.to_local_date(clock.now())
        if to_date is None:  # today, or the end of the year asked for when it starts later
            to_date = today if from_date is None or from_date <= today else dt.date(from_date.year, 12, 31)
        from_date = from_date or dt.date(to_date.year, 1, 1)
        for field, day in (("from", from_date), ("to", to_date)):
            if not STATS_YEARS[0] <= day.year <= STATS_YEARS[1]:
                raise InvalidInput(Text("统计日期须在 {first} 年至 {last} 年之间", "dates must be in the years {first} "
                                        "to {last}", first=STATS_YEARS[0], last=STATS_YEARS[1]),
                                   [FieldError(field, Text("超出范围", "out of range"))])
        if to_date < from_date:
            raise InvalidInput(Text("统计期间的截止日期早于起始日期", "the period ends before it starts"),
                               [FieldError("to", Text("不能早于起始日期 {start}", "must not be before {start}",
                                                      start=from_date.isoformat()))])
        start = dt.datetime.combine(from_date, dt.time(), periods.TZ)
        end = dt.datetime.combine(to_date + dt.timedelta(days=1), dt.time(), periods.TZ)
        visible = self._visible_units(actor)
        with self.db.connect() as conn:
            if unit is not None:
                if not unit_tree.exists(conn, unit):
                    raise NotFound(Text("未找到单位 {unit}", "unit {unit} not found", unit=unit))
                if visible is not None and unit not in visible:
                    raise Forbidden(Text("您看不到{unit}的统计", "the statistics of {unit} are not yours to see",
                                         unit=unit))
            report = stats.report(conn, start, end, clock.now(), visible=visible, unit=unit, method=method)
            newest = {row["key"]: row for row in queries.startable_definitions(conn)}
            versions = {m["method"]: newest[m["method"]]["id"] for m in report["methods"] if m["method"] in newest}
            element_names = self._element_names(conn, set(versions.values()))
        method_names = {key: row["name"] for key, row in newest.items()}

        def named(key: str, element: str | None) -> str:
            found = element_names.get(versions.get(key), {}).get(element) if element else None
            return names.render(found or element or "", language)

        def ends(counted: dict) -> list[dict]:
            return [{"method": key, "end_event": element, "name": named(key, element), "count": n}
                    for (key, element), n in sorted(counted.items(), key=lambda item: (-item[1], item[0]))]

        def figures(counted: dict, finished: dict) -> dict:
            rate = counted["tasks_late"] / counted["tasks_with_due"] if counted["tasks_with_due"] else None
            return {**counted, "overdue_rate": round(rate, 4) if rate is not None else None,
                    "by_end_event": ends(finished)}

        return {
            "from_date": from_date, "to_date": to_date, "timezone": "Asia/Shanghai", "unit": unit, "method": method,
            "totals": figures(report["totals"], report["ends"]),
            "units": [{"code": u["code"], "name": u["name"], "kind": u["kind"], "parent": u["parent"],
                       "depth": u["depth"], "figures": figures(u["figures"], u["ends"])} for u in report["units"]],
            "methods": [{"method": m["method"], "name": names.render(method_names.get(m["method"], m["method"]),
                                                                     language),
                         "figures": figures(m["figures"], m["ends"]),
                         "median_days_to_finish": m["median_days_to_finish"],
                         "stages": [{"element_id": s["element_id"],
                                     "name": names.render(s["name"] or s["element_id"], language),
                                     "completed": s["completed"], "median_days": s["median_days"],
                                     "tasks_with_due": s["tasks_with_due"], "tasks_late": s["tasks_late"],
                                     "overdue_rate": round(s["tasks_late"] / s["tasks_with_due"], 4)
                                     if s["tasks_with_due"] else None} for s in m["stages"]]}
                        for m in report["methods"]],
        }

    _names_by_content: dict[str, dict[str, str]] = {}  # element id → name per version content (immutable)

    def _element_names(self, conn: sa.Connection, version_ids: set[int]) -> dict[int, dict[str, str]]:
        """Element id → BPMN name ("中文 English") of every element of these definition versions."""
        dv = definition_versions
        if not version_ids:
            return {}
        hashes = {row.id: row.content_hash for row in conn.execute(
            sa.select(dv.c.id, dv.c.content_hash).where(dv.c.id.in_(sorted(version_ids))))}
        missing = sorted(set(hashes.values()) - self._names_by_content.keys())
        if missing:
            for row in conn.execute(sa.select(dv.c.content_hash, dv.c.bpmn).where(dv.c.content_hash.in_(missing))):
                found: dict[str, str] = {}
                for xml in row.bpmn.values():
                    for node in bpmn.xpath(parse_bpmn(xml.encode("utf-8")).getroot(), "//bpmn:*[@id and @name]"):
                        found.setdefault(node.get("id"), node.get("name"))
                self._names_by_content[row.content_hash] = found
        return {version_id: self._names_by_content.get(h, {}) for version_id, h in hashes.items()}
