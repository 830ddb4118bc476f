"""SQLite writers queue on a lock file beside the database (engine.store.db): a transaction holds it from its
first write to its commit or rollback, readers never take it, and concurrent writers all land."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
import sqlalchemy as sa

from engine.store.db import make_engine

rows = sa.Table("rows", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("who", sa.String))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    rows.metadata.create_all(engine)
    yield engine
    engine.dispose()


def queue_is_free(engine) -> bool:
    fd = os.open(engine.url.database + "-writers.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_writer_holds_the_queue_from_its_first_write_to_commit_or_rollback(engine):
    with engine.connect() as conn:
        conn.execute(sa.select(rows)).all()
        assert queue_is_free(engine)  # reading takes nothing
        conn.execute(sa.insert(rows).values(who="a"))
        assert not queue_is_free(engine)
        conn.commit()
        assert queue_is_free(engine)
        conn.execute(sa.update(rows).values(who="b"))
        assert not queue_is_free(engine)
        conn.rollback()
        assert queue_is_free(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(rows.c.who)).scalars().all() == ["a"]


def test_concurrent_writers_all_land(engine):
    errors = []

    def write(name: str) -> None:
        try:
            for i in range(25):
                with engine.begin() as conn:
                    conn.execute(sa.insert(rows).values(who=f"{name}{i}"))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(name,)) for name in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(rows)).scalar_one() == 100
    assert queue_is_free(engine)
