"""The floor under Yishi's completions: the least a service on this stack must do for one, served the way
bench/http_load.py serves Yishi (``uvicorn --factory floor_app:make --app-dir bench``, the same routes and
answers, so http_load.py's load generator drives it unchanged).

``FLOOR_MODE`` chooses what a completion does (bench/floors.py runs them side by side):

- ``http``: nothing — FastAPI parses the JSON body into a model and answers the next task. The cost of
  uvicorn + FastAPI + a pydantic body and answer, with no engine and no database.
- ``write``: one durable write: ``SELECT`` a small row, ``UPDATE`` it, commit (no engine).
- ``step``: the raw SpiffWorkflow step with spec-less JSON (bench/run.py's "raw + JSON") stored in a row:
  ``SELECT`` the state, restore it, give the user task its data, run it and the engine steps, serialise,
  ``UPDATE``, commit. What any engine persisting each step must at least do.

``FLOOR_DATABASE`` is ``sqlite:///FILE`` (stdlib ``sqlite3``, WAL, ``PRAGMA synchronous`` from
``BENCH_SQLITE_SYNCHRONOUS``, a write taken with ``BEGIN IMMEDIATE`` under SQLite's busy handler) or a
``postgresql://`` URL (psycopg, one connection per thread, autocommit off). No authentication, no validation,
no case file, no projection, no notifications: everything Yishi adds is missing on purpose.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel

MODE = os.environ.get("FLOOR_MODE", "http")
DATABASE = os.environ.get("FLOOR_DATABASE", "")


class Login(BaseModel):
    user: str
    password: str


class Start(BaseModel):
    definition: str
    unit: str


class Complete(BaseModel):
    data: dict


def _task(case_id: int, ref: str) -> dict:
    return {"id": case_id, "open_tasks": [{"task_id": f"{case_id}.{ref}"}]}


class _Store:
    """One ``floor_cases(id, state)`` table; a connection per thread (uvicorn runs sync routes in a thread pool)."""

    def __init__(self, url: str):
        self.url, self.local = url, threading.local()
        self.postgres = url.startswith("postgresql")
        self.mark = "%s" if self.postgres else "?"

    def conn(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            if self.postgres:
                import psycopg
                conn = psycopg.connect(self.url)
            else:
                conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA synchronous={os.environ.get('BENCH_SQLITE_SYNCHRONOUS', 'FULL')}")
            self.local.conn = conn
        return conn

    def insert(self, state: str) -> int:
        conn = self.conn()
        if not self.postgres:
            conn.execute("BEGIN IMMEDIATE")
        insert = f"INSERT INTO floor_cases (state) VALUES ({self.mark}) RETURNING id"
        case_id = conn.execute(insert, (state,)).fetchone()[0]
        conn.commit() if self.postgres else conn.execute("COMMIT")
        return case_id

    def update(self, case_id: int, change) -> str:
        """Read the state, ``change`` it, write it back, commit; the new state. As in Yishi, the work happens
        before the first write, so on SQLite only the write and the commit hold the database's one write lock (one
        client drives a case at a time here, so no version check is needed)."""
        conn = self.conn()
        state = conn.execute(f"SELECT state FROM floor_cases WHERE id = {self.mark}", (case_id,)).fetchone()[0]
        state = change(state)
        if not self.postgres:
            conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"UPDATE floor_cases SET state = {self.mark} WHERE id = {self.mark}", (state, case_id))
        conn.commit() if self.postgres else conn.execute("COMMIT")
        return state


def _schema(url: str) -> None:
    """The table, made by bench/floors.py before the server starts (emptied for PostgreSQL)."""
    if url.startswith("postgresql"):
        import psycopg
        with psycopg.connect(url) as conn:
            conn.execute("DROP TABLE IF EXISTS floor_cases")
            conn.execute("CREATE TABLE floor_cases (id serial PRIMARY KEY, state text NOT NULL)")
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS floor_cases (id integer PRIMARY KEY, state text NOT NULL)")


def _engine():
    """The ten-step process of bench/run.py, parsed, and the sandboxed script engine (as bench/run.py's raw way)."""
    from run import write_process
    from SpiffWorkflow.spiff.parser import SpiffBpmnParser

    from engine.definitions.xmlsafe import parse_bpmn
    from engine.sandbox.environment import make_script_engine

    with tempfile.TemporaryDirectory() as tmp:
        path = write_process(Path(tmp))
        parser = SpiffBpmnParser()
        parser.add_bpmn_xml(parse_bpmn(path.read_bytes()), filename=path.name)
        return parser.get_spec("linear10"), make_script_engine()


def make() -> FastAPI:
    app = FastAPI()
    store = _Store(DATABASE) if MODE != "http" else None

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/auth/login")
    def login(body: Login) -> dict:
        return {"access_token": "floor", "token_type": "bearer"}

    if MODE == "step":
        from run import ready_user_task
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

        from engine.workflow import serializer

        spec, script_engine = _engine()

        @app.post("/cases", status_code=201)
        def start(body: Start) -> dict:
            workflow = BpmnWorkflow(spec, {}, script_engine=script_engine)
            workflow.do_engine_steps()
            return _task(store.insert(serializer.dumps(workflow)), str(ready_user_task(workflow).id))

        @app.post("/tasks/{task_id}/complete")
        def complete(task_id: str, body: Complete) -> dict:
            case_id = int(task_id.split(".")[0])
            following = []

            def step(state: str) -> str:
                workflow = serializer.loads(state, spec, {}, script_engine)
                task = ready_user_task(workflow)
                task.data.update(body.data)
                task.run()
                workflow.do_engine_steps()
                if not workflow.is_completed():
                    following.append(str(ready_user_task(workflow).id))
                return serializer.dumps(workflow)

            store.update(case_id, step)
            return _task(case_id, following[0] if following else "done")
    else:
        @app.post("/cases", status_code=201)
        def start(body: Start) -> dict:
            return _task(store.insert(json.dumps({"step": 1})) if store else 1, "1")

        @app.post("/tasks/{task_id}/complete")
        def complete(task_id: str, body: Complete) -> dict:
            case_id, step = (int(part) for part in task_id.split("."))
            if store:
                store.update(case_id, lambda state: json.dumps({"step": step + 1, "data": body.data}))
            return _task(case_id, str(step + 1))

    return app
