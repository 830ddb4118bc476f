"""``Yishi``: the engine's front door. The CLI and the API call these methods and nothing deeper."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine import deployments, queries
from engine.actors import Actor
from engine.definitions import Bundle
from engine.runtime import Runtime, TickResult
from engine.store.db import make_engine, upgrade


class Yishi:
    def __init__(self, url: str | None = None, db: sa.Engine | None = None):
        self.db = db or make_engine(url)
        self.runtime = Runtime(self.db)

    @classmethod
    def migrated(cls, url: str | None = None) -> Yishi:
        """Open the database, creating or upgrading the schema first."""
        service = cls(url)
        upgrade(str(service.db.url.render_as_string(hide_password=False)))
        return service

    # designers
    def deploy(self, bundle: Bundle, actor: Actor) -> list[deployments.Deployed]:
        return deployments.deploy(self.db, bundle, actor)

    def definitions(self) -> list[dict]:
        return deployments.list_definitions(self.db)

    def versions(self, key: str) -> list[dict]:
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

    def case(self, case_ref: str | int, actor: Actor | None = None) -> dict:
        with self.db.connect() as conn:
            return queries.case_detail(conn, queries.find_case_id(conn, case_ref), actor)

    def cases(self, **filters) -> list[dict]:
        with self.db.connect() as conn:
            return queries.list_cases(conn, **filters)

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
