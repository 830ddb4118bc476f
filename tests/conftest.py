"""Shared fixtures: a real database per backend (SQLite always, PostgreSQL when configured), a real engine.

PostgreSQL runs when ``YISHI_TEST_POSTGRES_URL`` points at a server (``.ci/run`` sets it when one
answers on 127.0.0.1:5432); the suite then creates a throwaway database and drops it at the end.
"""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("YISHI_PASSWORD_COST", "test")  # argon2 at its cheapest: the suite logs in hundreds of times
os.environ.setdefault("YISHI_SQLITE_SYNCHRONOUS", "NORMAL")  # no fsync per commit: the suite commits thousands of times
import tempfile
import uuid

os.environ.setdefault("YISHI_DATA_DIR", tempfile.mkdtemp(prefix="yishi-test-data-"))  # attachments land here

import pytest
import sqlalchemy as sa

from engine.cases import holidays
from engine.definitions.compiler import load_bundle
from engine.domain import clock as clock_module
from engine.domain import periods
from engine.service import Yishi
from engine.store.db import make_engine, normalise_url, upgrade
from engine.store.tables import metadata
from tests.support.demo_case import DEMO, DESIGNER

PG_URL = os.environ.get("YISHI_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'yishi-test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url():
    admin = sa.create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"yishi_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(normalise_url(PG_URL)).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request) -> str:
    """An empty, migrated database of each backend in turn."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
    return url


@pytest.fixture
def yishi(db_url):
    service = Yishi(db_url)
    yield service
    service.db.dispose()


@pytest.fixture(autouse=True)
def package_calendar():
    """Every test starts with the chinesecalendar package alone: a year loaded by an earlier test (kept in the
    process by ``engine.cases.holidays.refresh``) is forgotten."""
    periods.use_calendars({})
    holidays._seen.clear()
    yield
    periods.use_calendars({})
    holidays._seen.clear()


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every test starts at a fixed instant (Monday 2026-03-02 09:00 Asia/Shanghai) and leaves real time behind."""
    clock_module.clock.set(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))
    yield clock_module.clock
    clock_module.clock.reset()




@pytest.fixture
def demo(yishi):
    """The demo petition process deployed."""
    yishi.deploy(load_bundle([DEMO]), DESIGNER)
    return yishi


