"""The ``case_links`` table's reads and writes, shared by the engine's verbs (``engine.cases.links``) and the read
side (case detail, "my cases"): one row per direction of a merge or a split."""

from __future__ import annotations

import sqlalchemy as sa

from engine.store.tables import case_links, cases

MERGED_INTO, MERGED_FROM, SPLIT_INTO, SPLIT_FROM = "merged_into", "merged_from", "split_into", "split_from"
OPPOSITE = {MERGED_INTO: MERGED_FROM, MERGED_FROM: MERGED_INTO, SPLIT_INTO: SPLIT_FROM, SPLIT_FROM: SPLIT_INTO}


def insert(conn: sa.Connection, case_id: int, other_id: int, kind: str, *, reason: str, by: str, at) -> None:
    """Both directions of one link."""
    conn.execute(sa.insert(case_links), [
        {"case_id": case_id, "other_case_id": other_id, "kind": kind, "reason": reason, "created_by": by,
         "created_at": at},
        {"case_id": other_id, "other_case_id": case_id, "kind": OPPOSITE[kind], "reason": reason, "created_by": by,
         "created_at": at}])


_other = cases.alias("other")
_LINKS_OF = (sa.select(case_links.c.kind, _other.c.id.label("case_id"), _other.c.reference, _other.c.title,
                       _other.c.status, _other.c.started_by, case_links.c.reason, case_links.c.created_at)
             .join(_other, _other.c.id == case_links.c.other_case_id)
             .where(case_links.c.case_id == sa.bindparam("b_case")).order_by(case_links.c.id))


def links_of(conn: sa.Connection, case_id: int) -> list[dict]:
    """The case's links, oldest first: the kind, and the other case's id, reference, title, status, proposer.
    (Built once: every case detail, the answer to each completion included, reads it.)"""
    return [dict(r) for r in conn.execute(_LINKS_OF, {"b_case": case_id}).mappings()]


def followed_through_merge(user_id: str) -> sa.Select:
    """Ids of the cases ``user_id`` follows because a case they proposed was merged into them."""
    mine = sa.select(cases.c.id).where(cases.c.started_by == user_id)
    return sa.select(case_links.c.case_id).where(case_links.c.kind == MERGED_FROM,
                                                 case_links.c.other_case_id.in_(mine))


def followers(conn: sa.Connection, case_id: int) -> list[str]:
    """Who follows a case: its proposer, then the proposers of the cases merged into it."""
    starter = conn.execute(sa.select(cases.c.started_by).where(cases.c.id == case_id)).scalar_one()
    merged = [r["started_by"] for r in links_of(conn, case_id) if r["kind"] == MERGED_FROM]
    return list(dict.fromkeys([starter, *merged]))
