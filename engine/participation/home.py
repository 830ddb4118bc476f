"""The residents' home on the phone: my proposals with their path, votes open to me, evaluations waiting for me
(and call-backs after a fix), my community's public board, the discussions I take part in. Read from projections
and the case file only (no workflow is restored)."""

from __future__ import annotations

import functools
import re

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.participation import ratings, tally
from engine.store.tables import case_events, cases, definition_versions, open_tasks, units, vote_rolls, votes

_TASK = re.compile(r"<bpmn:userTask\b[^>]*\bid=\"([^\"]+)\"(.*?)</bpmn:userTask>", re.S)


@functools.lru_cache(maxsize=256)
def _rating_elements(content_hash: str, bpmn_json: str) -> frozenset[str]:
    del content_hash  # the cache key: versions are immutable
    return frozenset(m[1] for m in _TASK.finditer(bpmn_json) if f'name="{ratings.PROPERTY}"' in m[2])


def rating_elements(conn: sa.Connection) -> frozenset[str]:
    """Every user task of a deployed version that takes residents' ratings (the ``eRating`` property)."""
    found: set[str] = set()
    dv = definition_versions
    for row in conn.execute(sa.select(dv.c.content_hash, dv.c.bpmn)):
        found |= _rating_elements(row.content_hash, "\n".join(row.bpmn.values()))
    return frozenset(found)


def home(conn: sa.Connection, actor: Actor, names_of) -> dict:
    """``names_of(conn, version_ids)``: element id → display name per definition version (the service's)."""
    now = clock.now()
    my_units = sorted({u for u, _ in actor.memberships})
    # my proposals, newest first, each with the steps done so far and the open ones
    mine = conn.execute(sa.select(cases.c.id, cases.c.reference, cases.c.title, cases.c.status, cases.c.unit,
                                  cases.c.definition_version_id, cases.c.created_at, cases.c.end_event)
                        .where(cases.c.started_by == actor.user_id).order_by(cases.c.id.desc()).limit(20)).all()
    ids = [r.id for r in mine]
    names = names_of(conn, {r.definition_version_id for r in mine})
    done: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for case_id, element in conn.execute(
                sa.select(case_events.c.case_id, case_events.c.element_id)
                .where(case_events.c.case_id.in_(ids), case_events.c.kind == EventKind.TASK_COMPLETED)
                .order_by(case_events.c.case_id, case_events.c.seq)):
            done[case_id].append(element)
    current: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for case_id, element in conn.execute(sa.select(open_tasks.c.case_id, open_tasks.c.element_id)
                                             .where(open_tasks.c.case_id.in_(ids))):
            current[case_id].append(element)
    proposals = [{"case_id": r.id, "reference": r.reference, "title": r.title, "status": r.status,
                  "created_at": r.created_at,
                  "path": [names.get(r.definition_version_id, {}).get(e, e) for e in done[r.id]],
                  "now": [names.get(r.definition_version_id, {}).get(e, e) for e in current[r.id]]} for r in mine]
    # votes open to me
    open_votes = conn.execute(
        sa.select(votes.c.case_id, votes.c.vote_key, votes.c.closes_at, votes.c.secret, cases.c.reference,
                  cases.c.title)
        .join(vote_rolls, sa.and_(vote_rolls.c.case_id == votes.c.case_id, vote_rolls.c.vote_key == votes.c.vote_key))
        .join(cases, cases.c.id == votes.c.case_id)
        .where(vote_rolls.c.user_id == actor.user_id, votes.c.tallied_at.is_(None), votes.c.opens_at <= now,
               votes.c.closes_at > now).order_by(votes.c.closes_at)).all()
    voted = _voted(conn, actor.user_id, [(v.case_id, v.vote_key) for v in open_votes])
    vote_items = [{"case_id": v.case_id, "reference": v.reference, "title": v.title, "vote": v.vote_key,
                   "closes_at": v.closes_at, "secret": v.secret, "voted": (v.case_id, v.vote_key) in voted}
                  for v in open_votes]
    # evaluations waiting in my units, and call-backs of my ratings
    evaluations = []
    elements = rating_elements(conn)
    if elements and my_units:
        rows = conn.execute(sa.select(open_tasks.c.case_id, open_tasks.c.due_at, cases.c.reference, cases.c.title)
                            .join(cases, cases.c.id == open_tasks.c.case_id)
                            .where(open_tasks.c.unit.in_(my_units), open_tasks.c.element_id.in_(sorted(elements)),
                                   cases.c.status.in_(list(ACTIVE_STATUSES)))).all()
        rated = _rated(conn, actor.user_id, [r.case_id for r in rows])
        evaluations = [{"case_id": r.case_id, "reference": r.reference, "title": r.title, "closes_at": r.due_at,
                        "call_back": False} for r in rows if r.case_id not in rated]
    for case_id, reference, title in _call_backs(conn, actor.user_id):
        evaluations.append({"case_id": case_id, "reference": reference, "title": title, "closes_at": None,
                            "call_back": True})
    boards = [{"unit": r.code, "name": r.name} for r in conn.execute(
        sa.select(units.c.code, units.c.name).where(units.c.code.in_(my_units)).order_by(units.c.code))]
    return {"proposals": proposals, "votes": vote_items, "evaluations": evaluations, "boards": boards}


def _voted(conn: sa.Connection, user_id: str, keys: list[tuple[int, str]]) -> set[tuple[int, str]]:
    if not keys:
        return set()
    rows = conn.execute(sa.select(case_events.c.case_id, case_events.c.data).where(
        case_events.c.actor == user_id, case_events.c.kind.in_((tally.VOTE_CAST, tally.VOTER_VOTED)),
        case_events.c.case_id.in_({k[0] for k in keys})))
    return {(case_id, data.get("vote")) for case_id, data in rows}


def _rated(conn: sa.Connection, user_id: str, case_ids: list[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(conn.execute(sa.select(case_events.c.case_id).where(
        case_events.c.actor == user_id, case_events.c.kind == EventKind.RATING_GIVEN,
        case_events.c.case_id.in_(case_ids))).scalars())


def _call_backs(conn: sa.Connection, user_id: str) -> list[tuple[int, str, str]]:
    """Cases where the fix of my rating is done and I have not rated again."""
    ce = case_events
    fixed = conn.execute(sa.select(ce.c.case_id, ce.c.kind, ce.c.data).where(
        ce.c.kind.in_((EventKind.FIX_DONE, EventKind.FIX_CLOSED)), ce.c.case_id.in_(
            sa.select(ce.c.case_id).where(ce.c.actor == user_id, ce.c.kind == EventKind.FIX_OPENED)))
        .order_by(ce.c.case_id, ce.c.seq)).all()
    state: dict[int, str] = {}
    for case_id, kind, data in fixed:
        if data.get("rater") == user_id:
            state[case_id] = kind
    waiting = [c for c, k in state.items() if k == EventKind.FIX_DONE]
    if not waiting:
        return []
    return [tuple(r) for r in conn.execute(sa.select(cases.c.id, cases.c.reference, cases.c.title)
                                           .where(cases.c.id.in_(waiting)))]
