"""``Yishi``: the engine's front door. The CLI and the API call these methods and nothing deeper."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.cases.runtime import Runtime
from engine.cases.timers import TickResult
from engine.definitions import deployments, forms, instructions
from engine.definitions.compiler import Bundle
from engine.domain.actors import Actor
from engine.domain.texts import DEFAULT_LANGUAGE, Text
from engine.errors import Conflict, Forbidden, NotFound
from engine.people import accounts
from engine.read import queries
from engine.store.db import make_engine


class Yishi:
    def __init__(self, url: str | None = None, db: sa.Engine | None = None):
        self.db = db or make_engine(url)
        self.runtime = Runtime(self.db)

    # designers
    def deploy(self, bundle: Bundle, actor: Actor) -> list[deployments.Deployed]:
        return deployments.deploy(self.db, bundle, actor)

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
        with self.db.connect() as conn:
            return queries.tasks_for(conn, actor, **filters)

    def complete(self, case_ref: str | int, task_id: str, actor: Actor, data: dict | None) -> dict:
        case_id = self.case_id(case_ref)
        self.runtime.complete(case_id, task_id, actor, data)
        return self.case(case_id)

    # cases
    def case_id(self, case_ref: str | int) -> int:
        with self.db.connect() as conn:
            return queries.find_case_id(conn, case_ref)

    def case(self, case_ref: str | int) -> dict:
        """A case by id or reference, unchecked (the CLI's view; the API uses ``visible_case``)."""
        with self.db.connect() as conn:
            return queries.case_detail(conn, queries.find_case_id(conn, case_ref))

    def cases(self, actor: Actor | None = None, **filters) -> list[dict]:
        """Cases the actor may see, newest first: administrators every unit's, others only their units' (a
        ``unit`` filter outside them gives nothing). ``actor=None`` is the unchecked local view (CLI, tests)."""
        with self.db.connect() as conn:
            return queries.list_cases(conn, units=self._visible_units(actor), **filters)

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

    def history(self, case_ref: str | int):
        with self.db.connect() as conn:
            return queries.case_history(conn, queries.find_case_id(conn, case_ref))

    # time and administration
    def tick(self, now: dt.datetime | None = None) -> TickResult:
        return self.runtime.tick(now)

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

    def retry(self, case_ref, actor: Actor, data: dict | None = None) -> dict:
        case_id = self.case_id(case_ref)
        self.runtime.retry(case_id, actor, data)
        return self.case(case_id)

    # ----- accounts and the participant's view (used by the API) -------------------------------------

    def login(self, user: str, password: str):
        with self.db.begin() as conn:
            token, expires = accounts.login(conn, user, password)
            return token, expires, accounts.actor_of(conn, user)

    def logout(self, token: str) -> None:
        with self.db.begin() as conn:
            accounts.logout(conn, token)

    def authenticate(self, token: str) -> Actor:
        """The actor behind a bearer token, or ``Unauthenticated``."""
        with self.db.connect() as conn:
            return accounts.authenticate(conn, token)

    def user(self, user_id: str) -> Actor:
        with self.db.connect() as conn:
            return accounts.actor_of(conn, user_id)

    def form_schema(self, version_id: int, form: str | None, language: str = DEFAULT_LANGUAGE) -> dict | None:
        """A form of a definition version as a standard JSON Schema in ``language``."""
        if not form:
            return None
        with self.db.connect() as conn:
            schema = self.runtime.definition(conn, version_id).forms.get(form)
        return forms.localize(schema, language) if schema is not None else None

    def inbox(self, actor: Actor, **filters) -> list[dict]:
        """My open tasks, soonest due first (forms are fetched with the task, not embedded here)."""
        rows = self.tasks(actor, **filters)
        for row in rows:
            row.pop("definition_version_id", None)
        return rows

    def task_detail(self, task_id: str, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """One open task with everything a person needs to do it: instructions, read-only context, the form
        and its uiSchema in their language, and initial values prefilled from the case."""
        row = self.task(task_id, actor)
        view = self.runtime.task_view(row["case_id"], task_id)
        schema = view.forms.get(row["form"]) if row["form"] else None
        ui_schema = view.forms.get(forms.ui_key(row["form"])) if row["form"] else None
        titles = instructions.field_titles(view.forms, language)
        row.update(
            instructions=instructions.render(view.instructions, language, view.data),
            context=[{"name": name, "title": titles.get(name, name), "value": view.data[name]}
                     for name in instructions.context_fields(view.context_fields) if name in view.data],
            form_schema=forms.localize(schema, language) if schema is not None else None,
            ui_schema=forms.localize_ui(ui_schema, language) if schema is not None else None,
            initial_data=forms.initial_values(schema, view.data) if schema is not None else {},
        )
        return row

    def task(self, task_id: str, actor: Actor) -> dict:
        with self.db.connect() as conn:
            row = queries.task_row(conn, task_id)
            if row is None:
                case_id = queries.case_of_task(conn, task_id)
                if case_id is not None and actor.member_of(queries.case_row(conn, case_id)["unit"]):
                    raise Conflict(f"task {task_id} is no longer open")
                raise NotFound(f"no open task {task_id}")
        if not (actor.is_admin or actor.holds(row["unit"], row["role"])):
            if actor.member_of(row["unit"]):
                raise Forbidden(f"this task is for the role '{row['role']}' in {row['unit']}")
            raise NotFound(f"no open task {task_id}")
        row.pop("definition_version_id", None)
        return row

    def case_id_of_task(self, task_id: str, actor: Actor) -> int:
        with self.db.connect() as conn:
            case_id = queries.case_of_task(conn, task_id)
            if case_id is None or not actor.member_of(queries.case_row(conn, case_id)["unit"]):
                raise NotFound(f"no task {task_id}")
            return case_id

    def visible_case(self, case_ref, actor: Actor) -> dict:
        """A case the actor may see (a member of its unit, or an administrator), with its key figures."""
        with self.db.connect() as conn:
            case_id = queries.find_case_id(conn, case_ref)
            detail = queries.case_detail(conn, case_id)
            if not actor.member_of(detail["unit"]):
                raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_ref))
            detail["key_figures"] = queries.key_figures(conn, case_id)
            return detail

    def claim(self, task_id: str, actor: Actor) -> dict:
        case_id = self.case_id_of_task(task_id, actor)
        self.runtime.claim(case_id, task_id, actor)
        return self.task(task_id, actor)

    def unclaim(self, task_id: str, actor: Actor) -> dict:
        case_id = self.case_id_of_task(task_id, actor)
        self.runtime.unclaim(case_id, task_id, actor)
        return self.task(task_id, actor)

    def reassign(self, task_id: str, admin: Actor, user_id: str) -> dict:
        case_id = self.case_id_of_task(task_id, admin)
        self.runtime.claim(case_id, task_id, admin, for_user=self.user(user_id))
        with self.db.connect() as conn:
            return queries.task_row(conn, task_id)

    def stuck(self, actor: Actor, now: dt.datetime | None = None, reason: str | None = None,
              unit: str | None = None) -> list[dict]:
        from engine.domain import clock
        from engine.read import monitor
        with self.db.connect() as conn:
            units = None if actor.is_admin else {u for u, _ in actor.memberships}
            if unit:
                units = {unit} if units is None else units & {unit}
            return monitor.stuck_cases(conn, now or clock.now(), units=units, reason=reason)

    def version_content(self, key: str, version: int, actor: Actor) -> dict:
        """One version's BPMN files and forms: for designers and administrators only."""
        from engine.store.tables import definition_versions as dv

        if not (actor.is_designer or actor.is_admin):
            raise Forbidden(Text("流程定义的 BPMN 和表单仅供流程设计人员和管理员查看",
                                 "a definition's BPMN and forms are for designers and administrators only"))
        with self.db.connect() as conn:
            row = conn.execute(sa.select(dv.c.key, dv.c.version, dv.c.name, dv.c.content_hash, dv.c.bpmn, dv.c.forms,
                                         dv.c.start_roles, dv.c.start_form, dv.c.settings, dv.c.created_by,
                                         dv.c.created_at)
                               .where(dv.c.key == key, dv.c.version == version)).mappings().first()
        if row is None:
            raise NotFound(Text("流程定义 {key} 没有第 {version} 版", "definition {key} has no version {version}",
                                key=key, version=version))
        return dict(row)

    # ----- what else the API reads (each applies its visibility rule here) ------------------------------------

    def key_figures(self, case_id: int) -> dict:
        with self.db.connect() as conn:
            return queries.key_figures(conn, case_id)

    def diagram(self, case_ref, actor: Actor) -> dict:
        """The case's pinned BPMN with its completed and active elements, for a member of its unit."""
        return self.runtime.diagram(self.visible_case(case_ref, actor)["id"])

    def units(self) -> list[dict]:
        with self.db.connect() as conn:
            return accounts.list_units(conn)

    def migration_plan(self, key: str, actor: Actor, to_version: int | None = None) -> dict:
        """Dry run: which running cases of ``key`` could move to ``to_version`` (designers and administrators)."""
        from engine.cases import upgrades

        if not (actor.is_designer or actor.is_admin):
            raise Forbidden(Text("仅限流程设计人员和管理员", "process designers and administrators only"))
        return upgrades.plan(self.runtime, key, to_version)

    def migrate(self, key: str, case_ids: list[int], actor: Actor, to_version: int | None = None) -> list[dict]:
        from engine.cases import upgrades

        return upgrades.migrate(self.runtime, key, case_ids, actor, to_version)
