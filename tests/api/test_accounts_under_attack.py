"""Accounts under attack (issue 10, item 4): logout whatever the scheme's casing, failed logins throttled per user
and per client address with growing waits and a lockout an administrator lifts (recorded), argon2 bounded, request
bodies limited, tokens revoked when privileges change."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa

from engine.errors import Unauthenticated
from engine.people import accounts, demo
from engine.store.tables import account_events, login_attempts
from tests.support.demo_case import DEMO, UNIT
from tests.support.http_app import demo_client, login

SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def api(db_url):
    with demo_client(db_url, DEMO.parent) as client:
        yield client


def attempt(api, user="proposer", password="wrong", language="zh-CN"):
    return api.post("/api/auth/login", json={"user": user, "password": password},
                    headers={"Accept-Language": language})


def events(api, user: str) -> list[tuple[str, str]]:
    with api.service.db.connect() as conn:
        return [(r.kind, r.actor) for r in conn.execute(
            sa.select(account_events).where(account_events.c.user_id == user).order_by(account_events.c.id))]


# ----- logout ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_logout_revokes_the_token_whatever_the_casing_of_the_scheme(api, scheme):
    token = login(api, "proposer")["Authorization"].split()[1]
    headers = {"Authorization": f"{scheme} {token}"}
    assert api.get("/api/me", headers=headers).status_code == 200
    assert api.post("/api/auth/logout", headers=headers).status_code == 200
    assert api.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


# ----- throttling and lockout -------------------------------------------------------------------------------

def test_failed_logins_wait_longer_and_longer_then_lock_until_an_administrator_unlocks(api, frozen_clock):
    for _ in range(5):  # five free failures
        assert attempt(api).status_code == 401
    waits = []
    for _ in range(5, 10):
        early = attempt(api, password=demo.PASSWORD)  # even the right password waits: nothing is checked
        assert early.status_code == 429 and early.headers["content-type"] == "application/problem+json"
        waits.append(int(early.headers["Retry-After"]))
        frozen_clock.advance(waits[-1] * SECOND)
        assert attempt(api).status_code == 401
    assert waits == [1, 2, 4, 8, 16]
    assert early.json()["detail"] == "登录失败次数过多，请 16 秒后再试"

    frozen_clock.advance(dt.timedelta(days=2))  # the tenth failure locked the account: time does not help
    locked = attempt(api, password=demo.PASSWORD, language="en")
    assert locked.status_code == 429 and "Retry-After" not in locked.headers
    assert locked.json()["type"].endswith("/account_locked")
    assert locked.json()["detail"] == "too many failed logins: the account is locked until an administrator unlocks it"

    admin = login(api, "admin")
    assert api.post("/api/admin/users/proposer/unlock").status_code == 401
    assert api.post("/api/admin/users/proposer/unlock", headers=login(api, "grid_steward")).status_code == 403
    assert api.post("/api/admin/users/nobody/unlock", headers=admin).status_code == 404
    unlocked = api.post("/api/admin/users/proposer/unlock", headers=admin)
    assert unlocked.status_code == 200 and unlocked.json() == {"user": "proposer", "was_locked": True}
    assert attempt(api, password=demo.PASSWORD).status_code == 200
    assert events(api, "proposer") == [("locked", "system"), ("unlocked", "admin")]


def test_a_right_password_clears_the_users_count_and_old_failures_are_forgotten(api, frozen_clock):
    for _ in range(4):
        assert attempt(api).status_code == 401
    assert attempt(api, password=demo.PASSWORD).status_code == 200
    for _ in range(5):
        assert attempt(api).status_code == 401  # the count started again
    assert attempt(api).status_code == 429
    frozen_clock.advance(dt.timedelta(hours=25))
    for _ in range(5):
        assert attempt(api).status_code == 401  # a day later: forgotten (the user was never locked)


def test_an_unknown_user_is_throttled_and_locked_like_a_real_one(api, frozen_clock):
    answers = []
    for _ in range(10):
        answers.append(attempt(api, user="ghost", language="en"))
        frozen_clock.advance(dt.timedelta(minutes=20))
    assert {a.status_code for a in answers} == {401}
    assert attempt(api, user="ghost").json()["type"].endswith("/account_locked")  # same as a real account


def test_one_client_address_is_throttled_across_users(api, frozen_clock):
    for n in range(50):  # one wrong guess for each of fifty user names
        assert attempt(api, user=f"user{n}").status_code == 401
    refused = attempt(api, user="street_office", password=demo.PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    token, _, actor = api.service.login("street_office", demo.PASSWORD, "192.0.2.7")  # another address is not held up
    assert token and actor.user_id == "street_office"
    frozen_clock.advance(SECOND)
    assert attempt(api, user="street_office", password=demo.PASSWORD).status_code == 200


def test_concurrent_guesses_cannot_slip_past_the_count(api):
    def guess(_):
        try:
            api.service.login("proposer", "wrong", "198.51.100.1")
        except Unauthenticated as exc:
            return type(exc).__name__
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(guess, range(24)))
    assert outcomes.count("Unauthenticated") == 5 and outcomes.count("TooManyAttempts") == 19
    with api.service.db.connect() as conn:
        assert conn.execute(sa.select(login_attempts.c.failures).where(
            login_attempts.c.scope == "user", login_attempts.c.subject == "proposer")).scalar_one() == 5


# ----- bounded hashing ---------------------------------------------------------------------------------------

class CountingHasher:
    """Stands in for argon2: each verification takes 50 ms; records how many ran at once."""

    def __init__(self):
        self.lock, self.running, self.most = threading.Lock(), 0, 0

    def verify(self, _hash, _password):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return True


def test_at_most_two_password_hashes_run_at_once(api, monkeypatch):
    hasher = CountingHasher()
    monkeypatch.setattr(accounts, "_hasher", lambda: hasher)
    users = ["proposer", "grid_steward", "street_office", "admin", "designer", "proposer", "street_office", "admin"]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda user: attempt(api, user=user, password=demo.PASSWORD), users))
    assert all(a.status_code == 200 for a in answers)
    assert hasher.most == 2


# ----- request bodies ----------------------------------------------------------------------------------------

def test_request_bodies_over_the_limit_are_refused_with_413_in_the_readers_language(api):
    headers = login(api, "proposer")
    big = {"definition": "demo_petition", "unit": UNIT, "data": {"title": "x", "description": "长" * 400_000}}
    refused = api.post("/api/cases", headers=headers, json=big)
    assert refused.status_code == 413 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["title"] == "内容过大"
    assert refused.json()["detail"] == "请求内容过大：最多 1048576 字节"
    english = api.post("/api/cases", headers={**headers, "Accept-Language": "en"}, json=big)
    assert english.json()["detail"] == "the request body is too large: at most 1048576 bytes"

    def chunks():  # no Content-Length: counted while read
        for _ in range(20):
            yield b"x" * 100_000
    assert api.post("/api/cases", headers=headers, content=chunks()).status_code == 413
    body = f'{{"definition": "demo_petition", "unit": "{UNIT}", "data": {{"title": "t"}}}}'.encode()
    json_headers = {**headers, "Content-Type": "application/json"}
    small = api.post("/api/cases", headers=json_headers, content=iter([body[:20], body[20:]]))
    assert small.status_code == 201, small.text


def test_definition_uploads_have_their_own_larger_limit(api):
    designer = login(api, "designer")
    two_mb = {"bpmn": {"big.bpmn": "<definitions/>" + " " * 2_000_000}}
    assert api.post("/api/definitions", headers=designer, json=two_mb).status_code == 422  # read, then judged
    eleven_mb = {"bpmn": {"big.bpmn": " " * 11_000_000}}
    assert api.post("/api/definitions", headers=designer, json=eleven_mb).status_code == 413


# ----- privilege changes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    lambda conn: accounts.grant(conn, "proposer", UNIT, "grid_steward", by="admin"),
    lambda conn: accounts.revoke(conn, "proposer", UNIT, "proposer", by="admin"),
    lambda conn: accounts.set_flags(conn, "proposer", designer=True, by="admin"),
    lambda conn: accounts.ensure_user(conn, "proposer", demo.PASSWORD, roles=[(UNIT, "decider")]),
], ids=["grant", "revoke", "flags", "ensure_user"])
def test_a_privilege_change_revokes_the_users_tokens(api, change):
    proposer, grid = login(api, "proposer"), login(api, "grid_steward")
    with api.service.db.begin() as conn:
        change(conn)
    assert api.get("/api/me", headers=proposer).status_code == 401
    assert api.get("/api/me", headers=grid).status_code == 200  # nobody else's
    assert [kind for kind, _ in events(api, "proposer")] == ["privileges_changed"]
    assert api.get("/api/me", headers=login(api, "proposer")).status_code == 200  # a new login sees the change


def test_no_change_revokes_nothing(api):
    proposer = login(api, "proposer")
    with api.service.db.begin() as conn:
        assert not accounts.grant(conn, "proposer", UNIT, "proposer")
        assert not accounts.set_flags(conn, "proposer", admin=False)
        accounts.ensure_user(conn, "proposer", demo.PASSWORD, roles=[(UNIT, "proposer")])
    assert api.get("/api/me", headers=proposer).status_code == 200
    assert events(api, "proposer") == []


def test_successful_logins_leave_no_trace_on_their_address(api, frozen_clock):
    assert attempt(api, user="ghost").status_code == 401
    frozen_clock.advance(dt.timedelta(minutes=30))
    for user in ["proposer", "grid_steward", "street_office"]:
        assert attempt(api, user=user, password=demo.PASSWORD).status_code == 200
    with api.service.db.connect() as conn:
        row = conn.execute(sa.select(login_attempts).where(login_attempts.c.scope == "address")).one()
    assert (row.failures, row.last_failure_at) == (1, frozen_clock.now() - dt.timedelta(minutes=30))
    frozen_clock.advance(dt.timedelta(hours=1))
    for n in range(50):  # the failure of an hour and a half ago is forgiven: fifty more are free
        assert attempt(api, user=f"user{n}").status_code == 401
