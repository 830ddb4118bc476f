"""Evident tampering (issue 10, item 5): someone with write access to the database edits or removes what the
case file says, and ``verify`` notices and names the check that failed.

Each reproducer from the issue is here: delete the last event, the last ten, all of them; edit an event and
recompute the chain; edit the ``cases`` and ``open_tasks`` rows. The seal tests show what the server key adds
(rewriting history needs it) and what an exported seal adds (whole cases deleted, files rolled back).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from engine.errors import Conflict
from engine.settings import Settings
from engine.store import audit
from engine.store.audit import Event, Keyring
from engine.store.tables import case_events, cases, notifications, open_tasks, outbox, seals
from tests.support.demo_case import ASSEMBLY, DEMO, PROPOSER, UNIT, drive_to_vote, open_task

SERVER_KEY = Keyring.from_settings(Settings(seal_key=SecretStr("a-server-key-32-characters-long"),
                                            seal_key_id="k1"))


def verification(service, case_id):
    return service.history(case_id)[1]


def execute(service, *statements):
    with service.db.begin() as conn:
        for statement in statements:
            conn.execute(statement)


def events_of(service, case_id) -> list[dict]:
    with service.db.connect() as conn:
        return audit.history(conn, case_id)


def head_of(service, case_id) -> dict:
    with service.db.connect() as conn:
        return dict(conn.execute(sa.select(cases.c.event_count, cases.c.head_hash, cases.c.head_seal,
                                           cases.c.seal_key_id).where(cases.c.id == case_id)).mappings().one())


def long_case(service) -> int:
    """A case at the vote with more than ten events (claims and releases add one each)."""
    case = drive_to_vote(service)
    vote = open_task(service, case["id"], "vote")["task_id"]
    for _ in range(4):
        service.claim(vote, ASSEMBLY)
        service.unclaim(vote, ASSEMBLY)
    assert len(events_of(service, case["id"])) > 11
    return case["id"]


def delete_events(case_id, from_seq):
    return sa.delete(case_events).where(case_events.c.case_id == case_id, case_events.c.seq >= from_seq)


def rewrite_chain(service, case_id, seq, **changes) -> str:
    """What an attacker without the key can do: change event ``seq`` and recompute every hash after it (the
    chain then verifies on its own). Returns the new head."""
    rows = events_of(service, case_id)
    prev = audit.GENESIS
    with service.db.begin() as conn:
        for row in rows:
            if row["seq"] == seq:
                row.update(changes)
            digest = audit.event_hash(case_id, row["seq"], row["at"], row, prev)
            conn.execute(sa.update(case_events).where(case_events.c.id == row["id"])
                         .values(prev_hash=prev, hash=digest, **{k: row[k] for k in changes}))
            prev = digest
    return prev


# ----- the untouched case --------------------------------------------------------------------------------------


def test_an_untouched_case_passes_every_check_and_says_the_key_is_the_development_one(demo):
    case_id = long_case(demo)
    result = verification(demo, case_id)
    assert result.ok and result.failed is None and result.checks == dict.fromkeys(audit.CHECKS, True)
    head = head_of(demo, case_id)
    rows = events_of(demo, case_id)
    assert (head["event_count"], head["head_hash"]) == (len(rows), rows[-1]["hash"])
    assert head["seal_key_id"] == audit.DEVELOPMENT_KEY_ID
    assert "development key" in result.warning.render("en") and "开发密钥" in result.warning.render("zh-CN")


def test_two_appends_from_the_same_head_cannot_both_land(demo):
    """An append takes the head from the case row and moves it only if nobody moved it meanwhile (a writer that
    read the head before another one appended gets ``Conflict`` instead of a forked file)."""
    case_id = long_case(demo)
    with demo.db.connect() as conn:
        stale = conn.execute(sa.select(cases.c.event_count, cases.c.head_hash).where(cases.c.id == case_id)).one()
    with demo.db.begin() as conn:
        audit.append(conn, case_id, dt.datetime.now(dt.UTC), [Event("computed", "system", {"first": True})])

    class ReadsTheOldHead:
        def __init__(self, conn):
            self.conn, self.first = conn, True

        def execute(self, statement, *args, **kwargs):
            if self.first:
                self.first = False
                return SimpleNamespace(first=lambda: stale)
            return self.conn.execute(statement, *args, **kwargs)

    with pytest.raises(Conflict), demo.db.begin() as conn:
        audit.append(ReadsTheOldHead(conn), case_id, dt.datetime.now(dt.UTC),
                     [Event("computed", "system", {"second": True})])
    assert verification(demo, case_id).ok and len(events_of(demo, case_id)) == stale.event_count + 1


# ----- the reproducers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("removed", [1, 10, "all"])
def test_a_truncated_case_file_is_detected_by_the_count(demo, removed):
    case_id = long_case(demo)
    total = len(events_of(demo, case_id))
    first_gone = 1 if removed == "all" else total - removed + 1
    execute(demo, delete_events(case_id, first_gone))
    result = verification(demo, case_id)
    assert not result.ok and result.failed == audit.COUNT
    assert result.checks[audit.CHAIN]  # what is left still chains: only the head on the case row tells
    assert result.broken_at == first_gone
    if removed == "all":
        assert result.reason.render("en") == f"all {total} events of the case file are missing (the case row " \
                                             f"records {total})"
    else:
        assert f"the last {removed} event(s) are missing (truncated tail)" in result.reason.render("en")
        assert "档案末尾缺少" in result.reason.render("zh-CN")


def test_a_deleted_event_in_the_middle_is_named_by_the_chain(demo):
    case_id = long_case(demo)
    execute(demo, sa.delete(case_events).where(case_events.c.case_id == case_id, case_events.c.seq == 4))
    result = verification(demo, case_id)
    assert (result.ok, result.failed, result.broken_at) == (False, audit.CHAIN, 5)


def test_an_edited_event_is_named_by_the_chain(demo):
    case_id = long_case(demo)
    execute(demo, sa.update(case_events).where(case_events.c.case_id == case_id, case_events.c.seq == 3)
            .values(actor="mallory"))
    result = verification(demo, case_id)
    assert (result.ok, result.failed, result.broken_at) == (False, audit.CHAIN, 3)
    assert result.reason.render("en") == "event content does not match its hash"


def test_an_edit_with_the_chain_recomputed_is_caught_by_the_head(demo):
    case_id = long_case(demo)
    rewrite_chain(demo, case_id, 3, actor="mallory")
    result = verification(demo, case_id)
    assert result.checks[audit.CHAIN] and result.checks[audit.COUNT]
    assert (result.ok, result.failed) == (False, audit.HEAD)


def test_an_edit_with_the_chain_and_the_head_recomputed_is_caught_by_the_seal(demo, monkeypatch):
    """The attacker also writes the new head on the case row; only the server key could seal it."""
    monkeypatch.setattr(audit, "keyring", lambda: SERVER_KEY)
    case_id = long_case(demo)
    head = rewrite_chain(demo, case_id, 3, actor="mallory")
    execute(demo, sa.update(cases).where(cases.c.id == case_id).values(head_hash=head))
    result = verification(demo, case_id)
    assert [name for name, ok in result.checks.items() if not ok] == [audit.SEAL]
    assert result.failed == audit.SEAL and "recomputed without the key" in result.reason.render("en")
    assert result.warning is None


def test_a_truncation_hidden_by_rewriting_the_head_is_caught_by_the_seal(demo, monkeypatch):
    monkeypatch.setattr(audit, "keyring", lambda: SERVER_KEY)
    case_id = long_case(demo)
    rows = events_of(demo, case_id)
    execute(demo, delete_events(case_id, len(rows) - 9),
            sa.update(cases).where(cases.c.id == case_id).values(event_count=len(rows) - 10,
                                                                head_hash=rows[-11]["hash"]))
    result = verification(demo, case_id)
    assert (result.ok, result.failed) == (False, audit.SEAL)


def test_the_development_key_is_no_protection_and_a_server_key_refuses_its_seals(demo, monkeypatch):
    case_id = long_case(demo)
    head = rewrite_chain(demo, case_id, 3, actor="mallory")
    key_id, seal = Keyring.from_settings(Settings()).seal_head(case_id, len(events_of(demo, case_id)), head)
    execute(demo, sa.update(cases).where(cases.c.id == case_id).values(head_hash=head, head_seal=seal))
    forged = verification(demo, case_id)
    assert forged.ok and forged.warning is not None  # anyone can compute the development key: verify says so
    monkeypatch.setattr(audit, "keyring", lambda: SERVER_KEY)
    result = verification(demo, case_id)
    assert (result.ok, result.failed) == (False, audit.SEAL)
    assert "'dev', which is not configured" in result.reason.render("en")


@pytest.mark.parametrize(("column", "value"),
                         [("status", "completed"), ("title", "另一件事"), ("unit", "五华科创大厦")])
def test_an_edited_case_row_is_named(demo, column, value):
    case_id = long_case(demo)
    execute(demo, sa.update(cases).where(cases.c.id == case_id).values({column: value}))
    result = verification(demo, case_id)
    assert (result.ok, result.failed) == (False, audit.CASE_ROW)
    assert column in result.reason.render("en")


def test_an_edited_event_count_is_named(demo):
    case_id = long_case(demo)
    execute(demo, sa.update(cases).where(cases.c.id == case_id).values(event_count=cases.c.event_count + 1))
    assert verification(demo, case_id).failed == audit.COUNT


@pytest.mark.parametrize("edit", ["role", "claimed_by", "due_at", "deleted", "inserted"])
def test_an_edited_open_task_is_named(demo, edit):
    case_id = long_case(demo)
    vote = open_task(demo, case_id, "vote")
    where = open_tasks.c.task_id == vote["task_id"]
    statement = {
        "role": sa.update(open_tasks).where(where).values(role="proposer"),
        "claimed_by": sa.update(open_tasks).where(where).values(claimed_by="mallory"),
        "due_at": sa.update(open_tasks).where(where).values(due_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        "deleted": sa.delete(open_tasks).where(where),
        "inserted": sa.insert(open_tasks).values(
            task_id="00000000-0000-0000-0000-000000000000", case_id=case_id, element_id="vote", name="投票",
            role="assembly", unit=UNIT, process_key="demo_petition", created_at=dt.datetime.now(dt.UTC)),
    }[edit]
    execute(demo, statement)
    result = verification(demo, case_id)
    assert (result.ok, result.failed) == (False, audit.OPEN_TASKS)
    assert "open task" in result.reason.render("en") or "missing from the open tasks" in result.reason.render("en")
    assert "待办" in result.reason.render("zh-CN")


def test_claims_and_releases_keep_the_open_tasks_in_step_with_the_file(demo):
    case_id = long_case(demo)
    vote = open_task(demo, case_id, "vote")["task_id"]
    demo.claim(vote, ASSEMBLY)
    assert verification(demo, case_id).ok


# ----- keys and seals -------------------------------------------------------------------------------------------


def test_rotation_keeps_old_key_ids_verifiable(demo, monkeypatch):
    monkeypatch.setattr(audit, "keyring", lambda: SERVER_KEY)
    moved_on, untouched = long_case(demo), long_case(demo)
    rotated = Keyring.from_settings(Settings(seal_key=SecretStr("the-next-server-key-also-long"),
                                             seal_key_id="k2",
                                             seal_old_keys=SecretStr("k1:a-server-key-32-characters-long")))
    monkeypatch.setattr(audit, "keyring", lambda: rotated)
    assert verification(demo, moved_on).ok and head_of(demo, moved_on)["seal_key_id"] == "k1"
    demo.claim(open_task(demo, moved_on, "vote")["task_id"], ASSEMBLY)  # the next append uses k2
    assert verification(demo, moved_on).ok and head_of(demo, moved_on)["seal_key_id"] == "k2"
    assert verification(demo, untouched).ok
    k1_retired = Keyring.from_settings(Settings(seal_key=SecretStr("the-next-server-key-also-long"),
                                                seal_key_id="k2"))
    monkeypatch.setattr(audit, "keyring", lambda: k1_retired)
    assert verification(demo, moved_on).ok
    result = verification(demo, untouched)
    assert (result.ok, result.failed) == (False, audit.SEAL) and "'k1', which is not configured" in str(result.reason)


def test_a_key_must_be_long_and_the_development_id_is_reserved():
    with pytest.raises(ValueError, match="at least 16"):
        Keyring.from_settings(Settings(seal_key=SecretStr("short")))
    with pytest.raises(ValueError, match="development"):
        Keyring.from_settings(Settings(seal_key=SecretStr("long enough to be a key"), seal_key_id="dev"))
    with pytest.raises(ValueError, match="id:key"):
        Keyring.from_settings(Settings(seal_key=SecretStr("long enough to be a key"), seal_old_keys=SecretStr("x")))


def test_an_exported_seal_catches_deleted_cases_and_rolled_back_files(demo, monkeypatch):
    """What the per-case checks cannot see: a whole case removed, or a case file put back to an earlier,
    correctly sealed state (an old head and its seal replayed)."""
    monkeypatch.setattr(audit, "keyring", lambda: SERVER_KEY)
    kept, removed, rolled = long_case(demo), long_case(demo), drive_to_vote(demo)["id"]
    old_head = head_of(demo, rolled)
    demo.claim(open_task(demo, rolled, "vote")["task_id"], ASSEMBLY)
    with demo.db.begin() as conn:
        export = json.loads(json.dumps(audit.seal_all(conn, dt.datetime.now(dt.UTC), with_heads=True)))
    assert export["cases"] == 3 and export["unsealed"] == [] and not export["development_key"]
    with demo.db.connect() as conn:
        assert audit.check_export(conn, export) == []
        assert conn.execute(sa.select(sa.func.count()).select_from(seals)).scalar() == 1
    demo.claim(open_task(demo, kept, "vote")["task_id"], ASSEMBLY)  # later events are fine
    execute(demo,
            sa.delete(case_events).where(case_events.c.case_id == removed),
            sa.delete(open_tasks).where(open_tasks.c.case_id == removed),
            sa.delete(outbox).where(outbox.c.case_id == removed),  # and what it told people
            sa.delete(notifications).where(notifications.c.case_id == removed),
            sa.delete(cases).where(cases.c.id == removed),
            delete_events(rolled, old_head["event_count"] + 1),
            sa.update(open_tasks).where(open_tasks.c.case_id == rolled).values(claimed_by=None, claimed_at=None),
            sa.update(cases).where(cases.c.id == rolled).values(**old_head))
    assert verification(demo, rolled).ok  # a replayed old head carries a valid seal: only the export tells
    with demo.db.connect() as conn:
        problems = [p.render("en") for p in audit.check_export(conn, export)]
    assert problems == [f"case {removed}, sealed at {export['created_at']}, is gone from the database",
                        f"case {rolled}'s file was rolled back: {old_head['event_count'] + 1} events when sealed, "
                        f"{old_head['event_count']} now"]
    export["heads"][0][1] += 1
    with demo.db.connect() as conn:
        assert "signature does not match" in audit.check_export(conn, export)[0].render("en")


def test_the_daily_seal_is_due_once_a_day(demo):
    now = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    with demo.db.begin() as conn:
        assert audit.seal_due(conn, now)
        audit.seal_all(conn, now)
        assert not audit.seal_due(conn, now + dt.timedelta(hours=23))
        assert audit.seal_due(conn, now + dt.timedelta(days=1))


# ----- the command line ----------------------------------------------------------------------------------------


def test_verify_and_seal_through_the_cli(tmp_path):
    env = {**os.environ, "YISHI_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "YISHI_SEAL_KEY": "a-server-key-32-characters-long", "YISHI_SEAL_KEY_ID": "k1"}
    yishi = Path(sys.executable).parent / "yishi"

    def run(*args, code=0):
        result = subprocess.run([str(yishi), *args], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == code, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result.stdout

    run("db", "upgrade")
    run("deploy", str(DEMO))
    proposer = ["--as", PROPOSER.user_id, "--member", f"{UNIT}:proposer"]
    ref = json.loads(run("start", "demo_petition", "--unit", UNIT, *proposer, "--data", '{"title": "x"}',
                         "--json"))["reference"]
    assert "intact" in run("verify", ref)
    sealed = run("seal", "--export", str(tmp_path / "seal.json"))
    assert "sealed 1 case(s)" in sealed and "signed with key k1" in sealed and "warning" not in sealed
    assert "every case sealed at" in run("verify", "--all", "--against", str(tmp_path / "seal.json"))
    engine = sa.create_engine(env["YISHI_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(sa.delete(case_events).where(case_events.c.seq > 1))
    engine.dispose()
    broken = run("verify", ref, code=1)
    assert "check 'count' failed" in broken and "truncated tail" in broken
    report = json.loads(run("verify", "--all", "--json", "--against", str(tmp_path / "seal.json"), code=1))
    assert report["cases"][0]["failed"] == "count" and report["cases"][0]["checks"]["chain"]
    assert "re-sealed 0 case head(s) with key k1; refused (checks fail): 1" in run("seal", "--rekey")
