"""常用语 (issue 13 item 7): each unit's stock phrases for opinions — the defaults, a unit's own list inherited by the
units below it, changed only by the unit's administrators and recorded as a unit event."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.domain.actors import ADMIN_ROLE, Actor
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.people import phrases, units
from engine.store.tables import unit_events

STREET, COMMUNITY = "拓东街道", "金江路社区"
STREET_ADMIN = Actor("street_admin", frozenset({(STREET, ADMIN_ROLE), (COMMUNITY, ADMIN_ROLE)}))
MEMBER = Actor("li", frozenset({(COMMUNITY, "grid_steward")}))


@pytest.fixture
def tree(yishi):
    with yishi.db.begin() as conn:
        units.ensure(conn, STREET, "street", STREET)
        units.ensure(conn, COMMUNITY, "community", COMMUNITY, parent=STREET)
    return yishi


def test_defaults_then_the_street_list_inherited_then_the_communitys_own(tree):
    assert tree.phrases(COMMUNITY, MEMBER)["phrases"] == list(phrases.DEFAULTS)
    tree.set_phrases(STREET, ["同意。", " 已核实，同意。 ", "同意。"], STREET_ADMIN)
    offered = tree.phrases(COMMUNITY, MEMBER)
    assert offered["phrases"] == ["同意。", "已核实，同意。"] and offered["source"] == STREET
    assert offered["editable"] is False
    tree.set_phrases(COMMUNITY, ["情况属实。"], STREET_ADMIN)
    own = tree.phrases(COMMUNITY, STREET_ADMIN)
    assert own["phrases"] == ["情况属实。"] and own["editable"] is True
    # the street's list still shows, read-only, as what the community would offer without its own
    assert (own["inherited"], own["inherited_from"]) == (["同意。", "已核实，同意。"], STREET)
    assert tree.phrases(STREET, STREET_ADMIN)["inherited"] == list(phrases.DEFAULTS)
    assert tree.phrases(STREET, STREET_ADMIN)["inherited_from"] is None
    tree.set_phrases(COMMUNITY, [], STREET_ADMIN)  # an empty list goes back to the street's
    assert tree.phrases(COMMUNITY, MEMBER)["source"] == STREET
    with tree.db.connect() as conn:
        kinds = conn.execute(sa.select(unit_events.c.kind, unit_events.c.actor)
                             .where(unit_events.c.kind == "phrases_changed")).all()
    assert len(kinds) == 3 and {actor for _, actor in kinds} == {"street_admin"}


def test_only_administrators_change_and_only_members_read(tree):
    with pytest.raises(Forbidden):
        tree.set_phrases(COMMUNITY, ["同意。"], MEMBER)
    with pytest.raises(NotFound):
        tree.phrases(STREET, MEMBER)
    with pytest.raises(InvalidInput) as bad:
        tree.set_phrases(COMMUNITY, ["", "x" * 101], STREET_ADMIN)
    assert [e.path for e in bad.value.errors] == ["phrases/0", "phrases/1"]
