"""Demo data for `make run`: a street with a community and a building under it, and one demo user per role of every
deployed process.

Every demo user's password is ``yishi-demo``; the user id is the role code (``proposer``,
``grid_steward``, ``union_fed``, …), plus ``admin`` and ``designer``. Community roles are members
of 金江路社区, the bargaining roles of 五华科创大厦, ``street_office`` of 拓东街道 (it covers the units below).
``community_admin`` administers 金江路社区 only (people and units of that subtree). The review panel has three
members (``review_panel``, ``review_panel_2``, ``review_panel_3``) so its 会签 / 票签 step can be tried.
"""

from __future__ import annotations

import sqlalchemy as sa

from engine.definitions import bpmn
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain.actors import ADMIN_ROLE
from engine.people import accounts, units
from engine.store.tables import definition_versions

STREET = "拓东街道"
COMMUNITY = "金江路社区"
BUILDING = "五华科创大厦"
PASSWORD = "yishi-demo"
PANELS = {"review_panel": ("review_panel_2", "review_panel_3")}  # roles with more than one demo member
BUILDING_ROLES = {"union_fed", "employer_side", "recorder", "congress", "upper_union", "labour_admin", "arbitration"}


_lanes_by_content: dict[str, frozenset[str]] = {}  # versions are immutable: their lanes are read once


def deployed_roles(conn: sa.Connection) -> set[str]:
    """Every lane role of every deployed definition version (each version's BPMN parsed once per process)."""
    dv = definition_versions
    roles: set[str] = set()
    hashes = {row.content_hash for row in conn.execute(sa.select(dv.c.content_hash))}
    missing = hashes - _lanes_by_content.keys()
    if missing:
        for row in conn.execute(sa.select(dv.c.content_hash, dv.c.bpmn).where(dv.c.content_hash.in_(sorted(missing)))):
            lanes = set()
            for xml in row.bpmn.values():
                tree = parse_bpmn(xml.encode("utf-8"))
                lanes |= {bpmn.lane_role(lane) for lane in bpmn.xpath(tree.getroot(), "//bpmn:lane")} - {None}
            _lanes_by_content[row.content_hash] = frozenset(lanes)
    for content_hash in hashes:
        roles |= _lanes_by_content.get(content_hash, frozenset())
    return roles


def seed(db: sa.Engine) -> list[str]:
    """Create what is missing (idempotent); returns the demo user ids."""
    with db.begin() as conn:
        units.ensure(conn, STREET, "street", "盘龙区拓东街道")
        units.ensure(conn, COMMUNITY, "community", "盘龙区金江路社区", parent=STREET)
        units.ensure(conn, BUILDING, "building", "五华科创大厦", parent=STREET)
        accounts.ensure_user(conn, "admin", PASSWORD, display_name="管理员 Administrator", admin=True)
        accounts.ensure_user(conn, "designer", PASSWORD, display_name="流程设计 Designer", designer=True)
        accounts.ensure_user(conn, "community_admin", PASSWORD, display_name="社区管理员 Community administrator",
                             roles=[(COMMUNITY, ADMIN_ROLE)])
        users = ["admin", "designer", "community_admin"]
        for role in sorted(deployed_roles(conn)):
            unit = BUILDING if role in BUILDING_ROLES else STREET if role == "street_office" else COMMUNITY
            accounts.ensure_user(conn, role, PASSWORD, display_name=role, roles=[(unit, role)])
            users.append(role)
            for extra in PANELS.get(role, ()):  # a panel of several, so its multi-person steps have members
                accounts.ensure_user(conn, extra, PASSWORD, display_name=extra, roles=[(unit, role)])
                users.append(extra)
        return users
