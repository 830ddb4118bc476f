"""Database URL, engine creation and schema migration (Alembic, run programmatically)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from engine.settings import settings

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url() -> str:
    """``YISHI_DATABASE_URL``, else a SQLite file under ``YISHI_DATA_DIR`` (default ./data)."""
    return settings().resolved_database_url()


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver this project installs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


BUSY_SECONDS = 30  # how long a SQLite writer waits for the database's write lock before "database is locked"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class _QueuedWriters(sqlite3.Connection):
    """A SQLite connection whose writers queue on an exclusive ``flock`` of a file beside the database, taken just
    before the first INSERT/UPDATE/DELETE of a transaction (where pysqlite begins it) and let go at its commit or
    rollback.

    SQLite's own wait for its write lock (the busy handler behind ``timeout``) sleeps 1, 2, 5, 10, … 100 ms
    between tries, so with two worker processes a writer often sleeps while the other has long finished and a
    core stands idle (bench/README.md). A waiting writer here tries the lock every half millisecond instead, up to
    ``BUSY_SECONDS``. Every process of the deployment (API workers, the CLI, the worker) uses the same file, so
    they queue alike; SQLite's own lock stays underneath, unchanged, for anything that does not (sqlite3 shell).
    """

    lock_path = ""  # set on the subclass made per database file

    def cursor(self, factory=None):
        return super().cursor(factory or _QueuedCursor)

    def commit(self):
        try:
            super().commit()
        finally:
            self._let_go()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._let_go()

    def close(self):
        try:
            super().close()
        finally:
            fd = getattr(self, "_lock_fd", None)
            if fd is not None:
                self._lock_fd = None
                os.close(fd)  # closing the descriptor lets go of the lock too

    def _before(self, sql: str) -> None:
        if getattr(self, "_holding", False) or not sql.lstrip()[:7].upper().startswith(_WRITES):
            return
        fd = getattr(self, "_lock_fd", None)
        if fd is None:
            fd = self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked (writers' queue)") from None
                time.sleep(0.0005)
        self._holding = True

    def _let_go(self) -> None:
        if getattr(self, "_holding", False):
            self._holding = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)


class _QueuedCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        self.connection._before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        self.connection._before(sql)
        return super().executemany(sql, seq_of_parameters)


def _queued_writers(url: str) -> type[_QueuedWriters] | None:
    """The connection class for a SQLite file URL (``None`` for an in-memory database)."""
    path = sa.make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return type("QueuedWriters", (_QueuedWriters,), {"lock_path": str(Path(path).resolve()) + "-writers.lock"})


def make_engine(url: str | None = None) -> sa.Engine:
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        connect_args = {"timeout": BUSY_SECONDS}
        queued = _queued_writers(url) if settings().sqlite_writer_queue else None
        if queued is not None:
            connect_args["factory"] = queued
        engine = sa.create_engine(url, connect_args=connect_args)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: an acknowledged completion survives an OS crash, not only a killed process (bench/README.md
            # measures the cost); the test suite trades that for speed with YISHI_SQLITE_SYNCHRONOUS=NORMAL
            cursor.execute(f"PRAGMA synchronous={settings().sqlite_synchronous}")
            cursor.close()

        return engine
    engine = sa.create_engine(url)
    _ping_when_idle(engine)
    return engine


IDLE_PING_SECONDS = 5.0  # a pooled PostgreSQL connection idle longer than this is pinged before it is lent out


def _ping_when_idle(engine: sa.Engine) -> None:
    """Test a pooled connection before lending it only when it sat idle over ``IDLE_PING_SECONDS``.

    ``pool_pre_ping`` pings on every checkout: a round trip to the server each time, and a request takes two to
    five connections (authentication, the action, the answer), which cost PostgreSQL requests 0.5–2 ms each
    (bench/README.md). A connection used moments ago has just proved itself alive; one idle for longer (over
    a server restart, a network cut) is pinged with the dialect's own ping and, when dead, replaced: raising
    ``DisconnectionError`` from the checkout event makes the pool discard it and connect anew (SQLAlchemy's
    documented pessimistic pattern). A restart within the last seconds fails the statements of the connections
    lent at that moment; SQLAlchemy then invalidates the pool, so the next requests reconnect.
    """
    @sa.event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _alive(dbapi_connection, record, _proxy):
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return  # new (just connected) or busy a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: this connection is not to be trusted
            raise sa.exc.DisconnectionError(str(exc)) from exc


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    """Bring the schema to the newest migration."""
    command.upgrade(alembic_config(url or database_url()), "head")
