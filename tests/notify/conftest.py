"""The notification tests' people: the demo petition deployed, with accounts for its actors."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.people import accounts, units
from engine.store.tables import notifications
from tests.support.demo_case import PROPOSAL, PROPOSER, UNIT, open_task

ASSEMBLY_MEMBER = "chen"


@pytest.fixture
def people(demo):
    """The demo petition deployed, with accounts for its actors: two grid stewards, one assembly member."""
    with demo.db.begin() as conn:
        units.ensure(conn, UNIT, "community", "金江路社区")
        accounts.ensure_user(conn, "pan", "pw", roles=[(UNIT, "proposer")])
        accounts.ensure_user(conn, "wang", "pw", roles=[(UNIT, "grid_steward")])
        accounts.ensure_user(conn, "li", "pw", roles=[(UNIT, "grid_steward")])
        accounts.ensure_user(conn, ASSEMBLY_MEMBER, "pw", roles=[(UNIT, "assembly")])
        accounts.ensure_user(conn, "gone", "pw", roles=[(UNIT, "grid_steward")])
        conn.execute(sa.text("UPDATE users SET active = :no WHERE id = 'gone'"), {"no": False})
    return demo


def told(service, **where) -> list[tuple[str, str]]:
    """(user, kind) of every notification written, oldest first, filtered by column values."""
    with service.db.connect() as conn:
        query = sa.select(notifications.c.user_id, notifications.c.kind).order_by(notifications.c.id)
        for column, value in where.items():
            query = query.where(notifications.c[column] == value)
        return [tuple(r) for r in conn.execute(query)]


def proposed(service) -> dict:
    case = service.start("demo_petition", UNIT, PROPOSER, {"title": "3号院充电桩"})
    service.complete(case["id"], open_task(service, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    return case


