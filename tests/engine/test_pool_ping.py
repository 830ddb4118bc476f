"""PostgreSQL connections are pinged before they are lent only after sitting idle (engine.store.db): a connection
the server dropped while it was idle is replaced without the caller noticing, and a busy one costs no round
trip."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.store import db
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs YISHI_TEST_POSTGRES_URL")


@pytest.fixture
def engine(postgres_url):
    engine = db.make_engine(postgres_url)
    yield engine
    engine.dispose()


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("select pg_backend_pid()")).scalar_one()


def count_pings(engine, monkeypatch) -> list:
    pings = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda dbapi_connection: pings.append(1) or real(dbapi_connection))
    return pings


def test_a_connection_dropped_while_idle_is_replaced_unnoticed(engine, monkeypatch):
    first = backend_pid(engine)
    with sa.create_engine(engine.url, isolation_level="AUTOCOMMIT").connect() as admin:
        assert admin.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # everything counts as idle
    assert backend_pid(engine) != first  # the ping found it dead; the pool connected anew


def test_a_connection_used_a_moment_ago_is_lent_without_a_ping(engine, monkeypatch):
    pings = count_pings(engine, monkeypatch)
    for _ in range(5):
        backend_pid(engine)
    assert pings == []
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    backend_pid(engine)
    assert pings == [1]
