"""A case's discussion (民事民议 outside the forms): posts and replies by the members of the case's unit, with
@mentions (the person is notified), photos and attachments of the case; the grid steward and the supervision
committee hide a post with a reason. Every post and every hiding is a case-file event, so the thread is part of
the case file and of its export; the thread shown is read back from those events."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.statuses import EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState, NotFound
from engine.participation.ratings import check_rate, photo_refs
from engine.participation.votes import append, case_row, file_events, retrying
from engine.store.audit import Event
from engine.store.tables import case_events, cases, memberships, users

MODERATORS = ("grid_steward", "supervision_committee")
MAX_TEXT = 2000
MAX_REASON = 500
MENTION = re.compile(r"@([A-Za-z0-9_.\-]{1,100}|[\u4e00-\u9fff\w.\-]{1,100})")
KINDS = (EventKind.POST_ADDED, EventKind.POST_HIDDEN)


def may_moderate(actor: Actor, unit: str) -> bool:
    return actor.administers(unit) or any(actor.holds(unit, role) for role in MODERATORS)


def _mentioned(conn: sa.Connection, unit: str, text: str) -> list[str]:
    """The ids written ``@id`` in ``text`` that are active members of the unit (others are plain text)."""
    wanted = list(dict.fromkeys(MENTION.findall(text)))[:20]
    if not wanted:
        return []
    found = set(conn.execute(sa.select(memberships.c.user_id).join(users, users.c.id == memberships.c.user_id)
                             .where(memberships.c.unit == unit, memberships.c.user_id.in_(wanted),
                                    users.c.active.is_(True))).scalars())
    return [u for u in wanted if u in found]


class Discussion:
    def __init__(self, db: sa.Engine):
        self.db = db

    def post(self, case_id: int, actor: Actor, text: str, reply_to: str | None = None,
             attachments: list | None = None) -> dict:
        text = (text or "").strip()
        if not text or len(text) > MAX_TEXT:
            raise InvalidInput(Text("发言须为 1 至 {n} 字", "a post has 1 to {n} characters", n=MAX_TEXT),
                               [FieldError("text", Text("长度不对", "wrong length"))])
        now = clock.now()

        def work(conn: sa.Connection) -> dict:
            case = case_row(conn, case_id)
            if not actor.member_of(case.unit):
                raise Forbidden(Text("只有 {unit} 的成员可以参与讨论", "only members of {unit} take part in its "
                                     "discussion", unit=case.unit))
            if case.status in ("cancelled",):
                raise InvalidState(Text("事项 {ref} 已取消，讨论已关闭", "case {ref} is cancelled; its discussion is "
                                        "closed", ref=case.reference))
            if reply_to is not None:
                posts = {e["data"]["post"] for e in file_events(conn, case_id, (EventKind.POST_ADDED,))}
                if reply_to not in posts:
                    raise NotFound(Text("没有要回复的发言 {post}", "no post {post} to reply to", post=reply_to))
            check_rate(conn, actor, now)
            refs = photo_refs(conn, case_id, attachments, "attachments")
            data = {"post": uuid.uuid4().hex[:12], "text": text, "reply_to": reply_to,
                    "mentions": _mentioned(conn, case.unit, text), "attachments": refs}
            append(conn, case, now, [Event(EventKind.POST_ADDED, actor.user_id, data)])
            return {**data, "author": actor.user_id, "at": now, "hidden": False, "hidden_reason": None,
                    "hidden_by": None}

        return retrying(self.db, work)

    def hide(self, case_id: int, actor: Actor, post: str, reason: str) -> dict:
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON:
            raise InvalidInput(Text("请写明隐藏的理由", "give the reason for hiding it"),
                               [FieldError("reason", Text("须为 1 至 {n} 字", "1 to {n} characters", n=MAX_REASON))])
        now = clock.now()

        def work(conn: sa.Connection) -> dict:
            case = case_row(conn, case_id)
            if not may_moderate(actor, case.unit):
                raise Forbidden(Text("只有网格管家和监督委员会可以隐藏发言",
                                     "only the grid steward and the supervision committee may hide posts"))
            events = file_events(conn, case_id, KINDS)
            if not any(e["kind"] == EventKind.POST_ADDED and e["data"]["post"] == post for e in events):
                raise NotFound(Text("没有发言 {post}", "no post {post}", post=post))
            if any(e["kind"] == EventKind.POST_HIDDEN and e["data"]["post"] == post for e in events):
                raise Conflict(Text("这条发言已被隐藏", "this post is hidden already"))
            append(conn, case, now, [Event(EventKind.POST_HIDDEN, actor.user_id, {"post": post,
                                                                                    "reason": reason})])
            return {"post": post, "hidden": True, "reason": reason}

        return retrying(self.db, work)

    def thread(self, case_id: int, actor: Actor) -> dict:
        """The posts in order; a hidden post keeps its place, its text shown only to moderators."""
        with self.db.connect() as conn:
            case = case_row(conn, case_id)
            if not actor.member_of(case.unit):
                raise Forbidden(Text("只有 {unit} 的成员可以查看讨论", "only members of {unit} see its discussion",
                                     unit=case.unit))
            events = file_events(conn, case_id, KINDS)
            names = dict(conn.execute(sa.select(users.c.id, users.c.display_name).where(
                users.c.id.in_({e["actor"] for e in events} or {""}))).all())
        moderator = may_moderate(actor, case.unit)
        hidden = {e["data"]["post"]: e for e in events if e["kind"] == EventKind.POST_HIDDEN}
        posts = []
        for event in events:
            if event["kind"] != EventKind.POST_ADDED:
                continue
            d = event["data"]
            gone = hidden.get(d["post"])
            show = gone is None or moderator
            posts.append({"post": d["post"], "author": event["actor"],
                          "author_name": names.get(event["actor"], event["actor"]), "at": event["at"],
                          "text": d["text"] if show else "", "reply_to": d.get("reply_to"),
                          "mentions": d.get("mentions", []), "attachments": d.get("attachments", []) if show else [],
                          "hidden": gone is not None, "hidden_reason": gone["data"]["reason"] if gone else None,
                          "hidden_by": gone["actor"] if gone else None})
        return {"case_id": case_id, "reference": case.reference, "title": case.title, "may_moderate": moderator,
                "posts": posts}

    def my_threads(self, actor: Actor, limit: int = 20) -> list[dict]:
        """Cases whose discussion I posted in, latest post first."""
        ce = case_events
        latest = (sa.select(ce.c.case_id, sa.func.max(ce.c.at).label("last_at"), sa.func.count().label("posts"))
                  .where(ce.c.actor == actor.user_id, ce.c.kind == EventKind.POST_ADDED)
                  .group_by(ce.c.case_id).subquery())
        with self.db.connect() as conn:
            rows = conn.execute(sa.select(cases.c.id, cases.c.reference, cases.c.title, latest.c.last_at,
                                          latest.c.posts).join(latest, latest.c.case_id == cases.c.id)
                                .order_by(latest.c.last_at.desc()).limit(limit)).all()
        return [{"case_id": r.id, "reference": r.reference, "title": r.title, "last_at": r.last_at,
                 "my_posts": r.posts} for r in rows]
