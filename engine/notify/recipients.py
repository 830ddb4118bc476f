"""Who holds a role in a unit, as notifications address them: active users whose membership is valid today
(Beijing date), at the unit itself or — for a role that covers the units below (``roles.COVERING``, e.g. the
street office) — at one of its ancestors. The same rule ``engine.people.accounts.actor_of`` applies to the inbox,
seen from the unit instead of from the person; kept in this one function so it changes here only.
"""

from __future__ import annotations

import sqlalchemy as sa

from engine.domain import clock, periods, roles
from engine.store.tables import memberships, units, users

MAX_DEPTH = 20  # a tree deeper than this is a mistake (or a cycle); stop walking up


def ancestors(conn: sa.Connection, unit: str) -> list[str]:
    """The units above ``unit``, nearest first."""
    found: list[str] = []
    current = unit
    for _ in range(MAX_DEPTH):
        parent = conn.execute(sa.select(units.c.parent).where(units.c.code == current)).scalar()
        if parent is None or parent in found or parent == unit:
            break
        found.append(parent)
        current = parent
    return found


_m = memberships
_HOLDERS = (sa.select(_m.c.user_id).distinct().join(users, users.c.id == _m.c.user_id)  # at every step: built once
            .where(_m.c.unit.in_(sa.bindparam("b_units", expanding=True)), _m.c.role == sa.bindparam("b_role"),
                   users.c.active.is_(True),
                   sa.or_(_m.c.valid_from.is_(None), _m.c.valid_from <= sa.bindparam("b_today")),
                   sa.or_(_m.c.valid_to.is_(None), _m.c.valid_to >= sa.bindparam("b_today")))
            .order_by(_m.c.user_id))


def holders(conn: sa.Connection, unit: str, role: str) -> list[str]:
    """The active users holding ``role`` in ``unit`` today, by id."""
    where = [unit, *(ancestors(conn, unit) if roles.covers_descendants(role) else [])]
    today = periods.to_local_date(clock.now())
    return list(conn.execute(_HOLDERS, {"b_units": where, "b_role": role, "b_today": today}).scalars())
