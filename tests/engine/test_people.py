"""People: the unit tree, memberships with dates, covering roles reaching down the tree, users kept and recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine.domain.actors import ADMIN_ROLE
from engine.errors import Conflict, InvalidInput, NotFound
from engine.people import accounts, users
from engine.people import units as tree
from engine.store.tables import cases

STREET, COMMUNITY, GROUP, OTHER_STREET, OTHER_COMMUNITY = "拓东街道", "金江路社区", "三组", "龙泉街道", "白塔社区"


@pytest.fixture
def db(yishi):
    with yishi.db.begin() as conn:
        tree.create(conn, STREET, "street", "盘龙区拓东街道", by="ada")
        tree.create(conn, COMMUNITY, "community", "金江路社区", STREET, by="ada", reason="建制")
        tree.create(conn, GROUP, "group", "金江路社区第三居民小组", COMMUNITY, by="ada")
        tree.create(conn, OTHER_STREET, "street", "龙泉街道", by="ada")
        tree.create(conn, OTHER_COMMUNITY, "community", "白塔社区", OTHER_STREET, by="ada")
        for user in ("zhao", "wang", "li"):
            users.create(conn, user, user, by="ada")
    return yishi.db


def actor(db, user_id):
    with db.connect() as conn:
        return accounts.actor_of(conn, user_id)


def test_the_tree_is_read_down_from_any_unit(db):
    with db.connect() as conn:
        assert tree.subtree(conn, {STREET}) == {STREET, COMMUNITY, GROUP}
        assert tree.subtree(conn, {COMMUNITY, OTHER_STREET}) == {COMMUNITY, GROUP, OTHER_STREET, OTHER_COMMUNITY}
        assert {u["code"]: u["parent"] for u in tree.listing(conn)}[GROUP] == COMMUNITY
        assert tree.resolve(conn, "金江路社区第三居民小组") == GROUP and tree.resolve(conn, "无此单位") is None
        assert tree.events(conn, COMMUNITY)[0]["data"] == {"kind": "community", "name": "金江路社区",
                                                          "parent": STREET, "reason": "建制"}


def test_units_refuse_unknown_kinds_taken_codes_unknown_parents_and_cycles(db):
    with db.begin() as conn:
        with pytest.raises(InvalidInput, match="unit kind must be one of street, community, group"):
            tree.create(conn, "x", "district", "区", by="ada")
        with pytest.raises(Conflict):
            tree.create(conn, COMMUNITY, "community", "again", by="ada")
        with pytest.raises(NotFound):
            tree.create(conn, "x", "community", "x", "无此街道", by="ada")
        with pytest.raises(Conflict, match="cannot move under itself"):
            tree.update(conn, STREET, parent=GROUP, by="ada")
        with pytest.raises(InvalidInput):
            tree.create(conn, "a/b", "community", "x", by="ada")


def test_a_covering_role_reaches_the_units_below_and_no_other_street(db):
    with db.begin() as conn:
        accounts.grant(conn, "zhao", STREET, "street_office", by="ada", reason="街道干部")
        accounts.grant(conn, "wang", COMMUNITY, "grid_steward", by="ada")
    zhao, wang = actor(db, "zhao"), actor(db, "wang")
    assert {u for u, _ in zhao.memberships} == {STREET, COMMUNITY, GROUP}
    assert zhao.holds(GROUP, "street_office") and not zhao.member_of(OTHER_COMMUNITY)
    assert zhao.direct == {(STREET, "street_office")}
    assert wang.memberships == {(COMMUNITY, "grid_steward")} and not wang.member_of(GROUP)  # not a covering role


def test_a_unit_administrator_administers_its_subtree_only(db):
    with db.begin() as conn:
        accounts.grant(conn, "li", COMMUNITY, ADMIN_ROLE, by="ada")
    li = actor(db, "li")
    assert li.administers(COMMUNITY) and li.administers(GROUP) and li.is_unit_admin
    assert not li.administers(STREET) and not li.administers(OTHER_COMMUNITY) and not li.is_admin


def test_memberships_hold_from_their_first_to_their_last_day_in_beijing(db, frozen_clock):
    # the frozen clock: Monday 2026-03-02 09:00 in Beijing
    with db.begin() as conn:
        accounts.grant(conn, "wang", COMMUNITY, "grid_steward", by="ada", valid_from=dt.date(2026, 3, 2),
                       valid_to=dt.date(2026, 3, 31))
        accounts.grant(conn, "wang", COMMUNITY, "assembly", by="ada", valid_from=dt.date(2026, 3, 3))
        accounts.grant(conn, "wang", COMMUNITY, "proposer", by="ada", valid_to=dt.date(2026, 3, 1))
    assert actor(db, "wang").memberships == {(COMMUNITY, "grid_steward")}
    frozen_clock.set(dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC))  # 23:59 on the 31st in Beijing
    assert actor(db, "wang").memberships == {(COMMUNITY, "grid_steward"), (COMMUNITY, "assembly")}
    frozen_clock.set(dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC))  # 1 April in Beijing
    assert actor(db, "wang").memberships == {(COMMUNITY, "assembly")}
    with db.begin() as conn, pytest.raises(InvalidInput, match="valid_to must not be before valid_from"):
        accounts.grant(conn, "wang", COMMUNITY, "review_panel", by="ada", valid_from=dt.date(2026, 3, 5),
                       valid_to=dt.date(2026, 3, 4))


def test_grant_change_and_revoke_are_recorded_with_who_and_why(db):
    with db.begin() as conn:
        assert accounts.grant(conn, "wang", COMMUNITY, "grid_steward", by="ada", reason="换届")
        assert not accounts.grant(conn, "wang", COMMUNITY, "grid_steward", by="ada")
        assert accounts.grant(conn, "wang", COMMUNITY, "grid_steward", by="ada", valid_to=dt.date(2026, 12, 31),
                              reason="任期")
        assert accounts.revoke(conn, "wang", COMMUNITY, "grid_steward", by="li", reason="调离")
        assert not accounts.revoke(conn, "wang", COMMUNITY, "grid_steward", by="li")
        events = [(e["kind"], e["actor"], e["data"].get("reason")) for e in users.history(conn, "wang")]
    assert events == [("user_created", "ada", None), ("privileges_changed", "ada", "换届"),
                      ("privileges_changed", "ada", "任期"), ("privileges_changed", "li", "调离")]


def test_moving_a_unit_keeps_its_cases_and_says_so(db, demo):
    from tests.support.demo_case import PROPOSER

    demo.start("demo_petition", COMMUNITY, PROPOSER, {"title": "充电桩"})
    with db.begin() as conn:
        tree.update(conn, COMMUNITY, parent=OTHER_STREET, by="ada", reason="区划调整")
        moved = tree.events(conn, COMMUNITY)[-1]
        assert conn.execute(sa.select(cases.c.unit)).scalars().all() == [COMMUNITY]
    assert moved["kind"] == "moved" and moved["actor"] == "ada"
    assert moved["data"] == {"changes": {"parent": [STREET, OTHER_STREET]}, "reason": "区划调整",
                             "units_moved": sorted([COMMUNITY, GROUP]), "cases_kept": 1}
    with db.begin() as conn:
        accounts.grant(conn, "zhao", OTHER_STREET, "street_office", by="ada")
    assert actor(db, "zhao").member_of(GROUP)  # the other street now covers the moved branch


def test_users_are_created_edited_and_deactivated_never_deleted(db):
    with db.begin() as conn:
        made = users.create(conn, "13800000001", "张三", phone="138-0000-0001", email=" zs@example.cn ", by="ada",
                            reason="导入")
        assert (made["phone"], made["email"], made["active"]) == ("13800000001", "zs@example.cn", True)
        with pytest.raises(Conflict):
            users.create(conn, "13800000001", "张三", by="ada")
        with pytest.raises(InvalidInput) as bad:
            users.create(conn, "x1", "x", phone="12ab", by="ada")
        assert bad.value.errors[0].path == "phone"
        with pytest.raises(InvalidInput):
            users.update(conn, "13800000001", email="not-an-address", by="ada")
        users.update(conn, "13800000001", display_name="张三丰", email=None, by="ada", reason="改名")
        users.set_active(conn, "13800000001", False, by="ada", reason="搬走")
        assert users.by_phone(conn, "13800000001") == ["13800000001"]
        kinds = [e["kind"] for e in users.history(conn, "13800000001")]
        found, total = users.search(conn, text="张三")
    assert kinds == ["user_created", "user_changed", "user_deactivated"]
    assert total == 1 and found[0]["display_name"] == "张三丰" and found[0]["email"] is None
    assert found[0]["active"] is False
    with db.connect() as conn, pytest.raises(NotFound):
        accounts.actor_of(conn, "13800000001")


def test_search_within_a_subtree_finds_only_its_members(db):
    with db.begin() as conn:
        accounts.grant(conn, "wang", GROUP, "residents", by="ada")
        accounts.grant(conn, "zhao", OTHER_COMMUNITY, "residents", by="ada")
        found, total = users.search(conn, within=tree.subtree(conn, {COMMUNITY}))
    assert [u["id"] for u in found] == ["wang"] and total == 1


def test_a_one_time_code_signs_in_once_and_only_allows_a_new_password(db, frozen_clock):
    from engine.people import passwords

    with db.begin() as conn:
        code, expires = passwords.issue_code(conn, "wang", by="ada", reason="忘记密码")
    assert expires == frozen_clock.now() + dt.timedelta(hours=72) and len(code) == 14
    token, _, who = accounts.login(db, "wang", code.lower().replace("-", " "))
    assert who.must_change_password
    with db.connect() as conn:
        assert accounts.authenticate(conn, token).must_change_password
    with pytest.raises(Exception, match="wrong user name or password"):
        accounts.login(db, "wang", code)  # used up
    with pytest.raises(InvalidInput, match="at least 8 characters"):
        passwords.change_own(db, "wang", None, "short", forced=True)
    passwords.change_own(db, "wang", None, "新的密码-2026", forced=True)
    _, _, who = accounts.login(db, "wang", "新的密码-2026")
    assert not who.must_change_password
    with db.connect() as conn:
        with pytest.raises(Exception, match="unknown or expired"):
            accounts.authenticate(conn, token)  # the code's session ended with the change
        kinds = [e["kind"] for e in users.history(conn, "wang")]
    assert kinds[-3:] == ["reset_code_issued", "signed_in_with_code", "password_changed"]


def test_a_code_expires_and_changing_a_password_needs_the_old_one(db, frozen_clock):
    from engine.people import passwords

    with db.begin() as conn:
        code, _ = passwords.issue_code(conn, "li", by="ada")
    frozen_clock.advance(dt.timedelta(hours=72, seconds=1))
    with pytest.raises(Exception, match="wrong user name or password"):
        accounts.login(db, "li", code)
    with db.begin() as conn:
        code, _ = passwords.issue_code(conn, "li", by="ada")
    accounts.login(db, "li", code)
    passwords.change_own(db, "li", None, "first-password", forced=True)
    with pytest.raises(InvalidInput, match="old password is wrong") as wrong:
        passwords.change_own(db, "li", "not-it", "second-password", forced=False)
    assert wrong.value.errors[0].path == "old_password"
    passwords.change_own(db, "li", "first-password", "second-password", forced=False)
    accounts.login(db, "li", "second-password")
