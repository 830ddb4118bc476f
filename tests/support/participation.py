"""Residents for the participation tests: real user rows (a roll names users), a five-step case brought to the
assembly vote's meeting notice, and the notice posted with a meeting a few days on."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.people import units
from engine.store.tables import memberships, users
from tests.support import bargaining
from tests.support.five_step import UNIT, start, to_party_approval
from tests.support.scenario import Scenario, iso, member, now


def residents(yishi, count: int, *, prefix: str = "r", role: str | None = "residents",
              unit: str = UNIT) -> list[str]:
    """``count`` active users ``r001``…, members of ``unit`` holding ``role`` (none: no membership)."""
    ids = [f"{prefix}{n:03d}" for n in range(1, count + 1)]
    with yishi.db.begin() as conn:
        units.ensure(conn, unit, "community", unit)
        conn.execute(sa.insert(users), [{"id": u, "display_name": f"居民{u}", "password_hash": "x", "is_admin": False,
                                         "is_designer": False, "active": True, "created_at": clock.now()}
                                        for u in ids])
        if role:
            conn.execute(sa.insert(memberships), [{"user_id": u, "unit": unit, "role": role} for u in ids])
    return ids


def resident(user_id: str, unit: str = UNIT) -> Actor:
    return Actor(user_id, frozenset({(unit, "residents")}))


def to_meeting_notice(yishi, **config) -> tuple[Scenario, dt.datetime]:
    """A five-step case through 审议 with the meeting notice posted; returns it and the meeting time."""
    s = start(yishi, **config)
    to_party_approval(s)
    meeting_at = (now() + dt.timedelta(days=4)).replace(hour=19, minute=0, second=0, microsecond=0)
    s.do("AV_UT_PublishNotice", {
        "notice_published_at": iso(), "meeting_at": meeting_at.isoformat(), "venue": "社区会议室",
        "channels": ["notice_board", "wechat_group"], "content": "会议议程与方案 Agenda and plan",
        "posting_evidence": s.attach("photos/notice.jpg", by="grid_steward"),
    }, by="grid_steward")
    return s, meeting_at


RECORD = {"voting_method": "signed_vote", "resolution_text": "同意实施中水灌溉改造",
          "attendance_sheet": ["sheets/attendance.pdf"], "tally_sheet": ["sheets/tally.pdf"]}
STEWARD = member(UNIT, "grid_steward")
RECORDER = member(UNIT, "assembly")


def to_congress(yishi) -> tuple[Scenario, dt.datetime]:
    """A building's collective contract negotiated and drafted, the draft circulated with the congress a week on."""
    s = bargaining.start(yishi)
    bargaining.to_negotiation(s)
    bargaining.negotiate(s, chair="employee", outcome="agreement", agreed_clauses="工资增长5%")
    bargaining.draft(s)
    congress_at = (now() + dt.timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)
    s.do("CV_UT_CirculateDraft", {"circulated_at": iso(), "congress_at": congress_at.isoformat(),
                                  "congress_venue": "大厦多功能厅", "channels": ["to_each_delegate", "wechat"],
                                  "draft_documents": ["drafts/contract.pdf"]}, by="union_fed")
    return s, congress_at
