"""The residents' public board (公示栏) of a unit: what is being published now, and the recent outcomes.

Everything here is read for people who are not signed in, so each query names the few columns and case-file
fields that are public by nature and nothing else: the case's reference and title, the notice the grid steward
posted (``PUB_UT_Post``: when and what) and the end of its period (``PUB_ST_Window``), and for completed cases the
end event reached. Names, phone numbers, votes, minutes and every other form field never leave this module.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.domain import periods
from engine.domain.statuses import CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import NotFound
from engine.store.tables import case_events, cases, units

POST_ELEMENT = "PUB_UT_Post"  # the shared publication process (processes/publication.bpmn): the notice posted
WINDOW_ELEMENT = "PUB_ST_Window"  # … and the script that computes the end of its period
STOPPED_ELEMENT = "PUB_ST_Upheld"  # … and the script that stops it early after a substantive objection
PUBLIC_POST_FIELDS = ("start_at", "content")  # of the posted notice: since when, and what it says
OUTCOMES = 20
MAX_PUBLICATIONS = 50  # a board shows at most this many notices (the soonest to end first)

PUBLICATION_KINDS: dict[str, Text] = {  # publication_kind, set by the caller of the publication process
    "agenda": Text("议程公示", "Agenda"),
    "resolution": Text("决议公示", "Resolution"),
    "result": Text("落实结果公开", "Implementation result"),
    "convention": Text("居民公约公示", "Residents' convention"),
    "outcome": Text("结果公示", "Outcome"),
    "rejection": Text("不予提交理由公示", "Reasons for rejection"),
    "non_adoption": Text("未通过结果公示", "Not adopted"),
    "correction": Text("纠正意见和理由公示", "Correction and its reasons"),
}


def kind_name(kind: str | None) -> Text | None:
    if not kind:
        return None
    return PUBLICATION_KINDS.get(kind) or Text(kind, kind)


def unit_row(conn: sa.Connection, unit: str) -> dict:
    row = conn.execute(sa.select(units.c.code, units.c.name).where(units.c.code == unit)).mappings().first()
    if row is None:
        raise NotFound(Text("未找到单位 {unit}", "unit {unit} not found", unit=unit))
    return dict(row)


def running_publications(conn: sa.Connection, unit: str, now: dt.datetime) -> list[dict]:
    """Notices of ``unit`` whose period has not ended: ``[{case_id, reference, title, started_at, ends_at, content,
    kind}]``, the soonest to end first, from the case file alone (the period's computed event records what is
    published). Cancelled and completed cases publish nothing any more."""
    live = (CaseStatus.WAITING_FOR_PEOPLE, CaseStatus.WAITING_FOR_TIMER, CaseStatus.WAITING_FOR_EVENT,
            CaseStatus.SUSPENDED, CaseStatus.ERROR)
    rows = conn.execute(
        sa.select(case_events.c.case_id, case_events.c.seq, case_events.c.kind, case_events.c.task_id,
                  case_events.c.data, case_events.c.element_id, cases.c.reference, cases.c.title)
        .join(cases, cases.c.id == case_events.c.case_id)
        .where(cases.c.unit == unit, cases.c.status.in_(live),
               sa.or_(sa.and_(case_events.c.kind == EventKind.TASK_COMPLETED, case_events.c.element_id == POST_ELEMENT),
                      sa.and_(case_events.c.kind == EventKind.COMPUTED,
                              case_events.c.element_id.in_((WINDOW_ELEMENT, STOPPED_ELEMENT)))))
        .order_by(case_events.c.case_id, case_events.c.seq)).mappings()
    found, posted = [], {}
    for row in rows:
        data = row["data"] if isinstance(row["data"], dict) else {}
        if row["kind"] == EventKind.TASK_COMPLETED:
            posted[row["case_id"]] = data.get("data") if isinstance(data.get("data"), dict) else {}
            continue
        if row["element_id"] == STOPPED_ELEMENT:  # a substantive objection took the notice down
            found = [f for f in found if f["case_id"] != row["case_id"]]
            continue
        post = posted.pop(row["case_id"], None)
        ends_at = _instant(data.get("publication_ends_at"))
        if post is None or ends_at is None or ends_at <= now:
            continue
        found.append({"case_id": row["case_id"], "reference": row["reference"], "title": row["title"],
                      "started_at": _instant(post.get("start_at")), "ends_at": ends_at,
                      "content": post.get("content") if isinstance(post.get("content"), str) else None,
                      "kind": data.get("publication_kind") if isinstance(data.get("publication_kind"), str) else None})
    found.sort(key=lambda p: (p["ends_at"], p["reference"]))
    return found[:MAX_PUBLICATIONS]


WITHDRAWN = "withdrawn"  # the end_event of a proposal its starter withdrew (撤销) where the method publishes it


def recent_outcomes(conn: sa.Connection, unit: str, limit: int = OUTCOMES) -> list[dict]:
    """The last ``limit`` completed cases of ``unit``: reference, title, end event, when, and their version; with
    them the proposals withdrawn by their starters where the method says so (``withdrawalNotice``: the
    ``case_withdrawn`` event is marked ``published``), as the end event ``withdrawn``."""
    rows = [dict(r) for r in conn.execute(
        sa.select(cases.c.reference, cases.c.title, cases.c.end_event, cases.c.updated_at.label("completed_at"),
                  cases.c.definition_version_id)
        .where(cases.c.unit == unit, cases.c.status == CaseStatus.COMPLETED)
        .order_by(cases.c.updated_at.desc(), cases.c.id.desc()).limit(limit)).mappings()]
    for row in conn.execute(
            sa.select(cases.c.reference, cases.c.title, case_events.c.at, case_events.c.data,
                      cases.c.definition_version_id)
            .join(cases, cases.c.id == case_events.c.case_id)
            .where(cases.c.unit == unit, cases.c.status == CaseStatus.CANCELLED,
                   case_events.c.kind == EventKind.CASE_WITHDRAWN)
            .order_by(case_events.c.at.desc()).limit(limit)).mappings():
        if isinstance(row["data"], dict) and row["data"].get("published"):
            rows.append({"reference": row["reference"], "title": row["title"], "end_event": WITHDRAWN,
                         "completed_at": row["at"], "definition_version_id": row["definition_version_id"]})
    rows.sort(key=lambda r: r["completed_at"], reverse=True)
    return rows[:limit]


def _instant(value) -> dt.datetime | None:
    """An instant from the case file as aware UTC, or None when it is not one."""
    try:
        return periods.to_instant(value).astimezone(dt.UTC)
    except (TypeError, ValueError):
        return None
