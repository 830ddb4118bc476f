"""Linked cases (DOMAIN.md §3.3): duplicate proposals merged into one case, a case split into several.

A merge cancels the duplicate and links both ways (``case_links``: ``merged_into`` on the duplicate,
``merged_from`` on the case that goes on), each side recording a ``case_linked`` event in its own file in the
same transaction. The proposer of a merged duplicate follows the case it went into: it shows in their "my cases"
and ``engine.store.case_links.followers`` names them for its publications. A split starts one new case per part
(same method and unit, on behalf of the original proposer, who therefore follows each part) and links each to the
original (``split_into`` / ``split_from``); the original goes on. A split is one transaction: every part, link
and event, or nothing (two people splitting at once: one wins, the other's file moved and it gets a conflict).
Administrators and the unit's committees (两委, 议事会) may do either.
"""

from __future__ import annotations

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import Forbidden, InvalidInput, InvalidState
from engine.store import audit, case_links
from engine.store.audit import Event
from engine.store.case_links import MERGED_FROM, MERGED_INTO, SPLIT_FROM, SPLIT_INTO
from engine.store.tables import cases
from engine.workflow import projection

LINK_ROLES = ("two_committees", "deliberation_committee")
MAX_PARTS = 10


def may_link(actor: Actor, unit: str) -> bool:
    return actor.is_admin or any(actor.holds(unit, role) for role in LINK_ROLES)


def _refuse(unit: str) -> Forbidden:
    return Forbidden(Text("合并或拆分事项须由管理员或{unit}的两委、议事会成员办理",
                          "merging or splitting cases is for administrators and the committees of {unit}", unit=unit))


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(Text("请写明理由", "a reason is required"))
    return reason[:2000]


class Links:
    """Merging and splitting cases (mixed into ``Runtime``)."""

    def merge(self, duplicate_id: int, into_id: int, actor: Actor, reason: str) -> None:
        """Cancel the duplicate and link it both ways to the case it goes into (same unit, both open)."""
        reason = _reason(reason)
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self.load(conn, duplicate_id)
            row = loaded.row
            target = conn.execute(sa.select(cases.c.id, cases.c.reference, cases.c.unit, cases.c.status,
                                            cases.c.started_by).where(cases.c.id == into_id)).one()
            if not may_link(actor, row.unit):
                raise _refuse(row.unit)
            open_statuses = (*ACTIVE_STATUSES, CaseStatus.SUSPENDED)
            if row.status not in open_statuses or target.status not in open_statuses:
                raise InvalidState(Text("两件事项都须在办理中才能合并", "both cases must still be open to merge"))
            if duplicate_id == into_id or target.unit != row.unit:
                raise InvalidInput(Text("只能把同一单位的另一件事项并入", "a case merges only into another case of "
                                        "the same unit"))
            snap = projection.snapshot(loaded.workflow)
            snap.next_timer_at = None
            self.save(conn, loaded, loaded.workflow, snap, [
                Event(EventKind.CASE_LINKED, actor.user_id, {"link": MERGED_INTO, "case": target.reference,
                                                             "reason": reason}),
                Event(EventKind.CASE_CANCELLED, actor.user_id, {"reason": Text(
                    "已并入 {ref}：{reason}", "merged into {ref}: {reason}", ref=target.reference,
                    reason=reason).render(), "previous_status": row.status})], now, status=CaseStatus.CANCELLED)
            audit.append(conn, into_id, now, [Event(EventKind.CASE_LINKED, actor.user_id, {
                "link": MERGED_FROM, "case": row.reference, "started_by": row.started_by, "reason": reason})])
            case_links.insert(conn, duplicate_id, into_id, MERGED_INTO, reason=reason, by=actor.user_id, at=now)

    def split(self, case_id: int, titles: list[str], actor: Actor, reason: str) -> list[int]:
        """Start one case per title (same method, unit and proposer) and link each to the original; their ids."""
        reason = _reason(reason)
        titles = [t.strip() for t in titles if t and t.strip()]
        if not 2 <= len(titles) <= MAX_PARTS:
            raise InvalidInput(Text("拆分须给出 2 至 {n} 个新事项的名称", "a split needs 2 to {n} titles for the new "
                                    "cases", n=MAX_PARTS))
        now = clock.now()
        parts = []
        with self.db.begin() as conn:  # all parts, links and events, or nothing
            row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).one()
            if not may_link(actor, row.unit):
                raise _refuse(row.unit)
            if row.status not in (*ACTIVE_STATUSES, CaseStatus.SUSPENDED):
                raise InvalidState(Text("只有办理中的事项可以拆分", "only an open case can be split"))
            for title in titles:
                part = self.start_in(conn, row.definition_key, row.unit, actor, {"title": title[:500]}, title[:500],
                                     on_behalf_of=row.started_by)
                audit.append(conn, case_id, now, [Event(EventKind.CASE_LINKED, actor.user_id, {
                    "link": SPLIT_INTO, "case": _reference(conn, part), "reason": reason})])
                audit.append(conn, part, now, [Event(EventKind.CASE_LINKED, actor.user_id, {
                    "link": SPLIT_FROM, "case": row.reference, "reason": reason})])
                case_links.insert(conn, case_id, part, SPLIT_INTO, reason=reason, by=actor.user_id, at=now)
                parts.append(part)
        return parts


def _reference(conn: sa.Connection, case_id: int) -> str:
    return conn.execute(sa.select(cases.c.reference).where(cases.c.id == case_id)).scalar_one()
