"""好差评 — residents' evaluation (民事民评) on the national five-level scale, with a fix-and-call-back.

While a case's evaluation step is open (a user task with the ``eRating`` property, e.g. ``fixer=two_committees``
on ``RE_UT_Evaluate``), every affected resident rates it once: 非常满意 … 非常不满意, with a comment and photos
(attachments of the case). Affected residents are those on the case's latest vote roll, else the members of its
unit. A 不满意 or 非常不满意 rating opens a fix-and-call-back task for the implementers (the ``fixer`` role) due in
``YISHI_FIX_WORKING_DAYS`` working days (PRC holiday calendar); they record what they fixed (``fix_done``, the
resident is told) and the resident rates again (``fix_closed``: the new level). When the committee completes the
evaluation step, the online ratings (each resident's latest) are added to the paper survey's totals of the form:
满意 = 非常满意 + 满意, 基本满意, 不满意 = 不满意 + 非常不满意 — and the step's satisfaction rule decides.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from engine.cases import attachments, runtime
from engine.cases.objections import ATTACHMENTS_FORM
from engine.domain import clock, periods
from engine.domain.actors import Actor
from engine.domain.statuses import EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState, NotFound, RateLimited
from engine.participation.votes import append, case_row, file_events, retrying
from engine.settings import settings
from engine.store.audit import Event
from engine.store.tables import case_events, memberships, open_tasks, users, vote_rolls, votes
from engine.workflow import projection

PROPERTY = "eRating"
LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
LEVEL_NAMES = {"very_satisfied": Text("非常满意", "Very satisfied"), "satisfied": Text("满意", "Satisfied"),
               "basically_satisfied": Text("基本满意", "Basically satisfied"),
               "dissatisfied": Text("不满意", "Dissatisfied"),
               "very_dissatisfied": Text("非常不满意", "Very dissatisfied")}
UNSATISFIED = frozenset({"dissatisfied", "very_dissatisfied"})
KINDS = (EventKind.RATING_GIVEN, EventKind.FIX_OPENED, EventKind.FIX_DONE, EventKind.FIX_CLOSED,
         EventKind.RATINGS_COUNTED)
MAX_COMMENT = 2000
MAX_PHOTOS = 9


@dataclass(frozen=True)
class RatingSpec:
    fixer: str

    @classmethod
    def parse(cls, value: str) -> RatingSpec:
        items = dict(part.strip().partition("=")[::2] for part in value.split(";") if part.strip())
        if set(items) - {"fixer"} or not items.get("fixer"):
            raise ValueError("eRating takes fixer=<role>")
        return cls(items["fixer"].strip())


def spec_of(task) -> RatingSpec | None:
    props = projection.spec_properties(task.task_spec)
    value = props.get(PROPERTY)
    return RatingSpec.parse(value) if value else None


def state_of(events: list[dict]) -> dict:
    """Per rater from the case file: ``ratings`` (levels in order), ``fix`` (opened/done/closed and its data)."""
    raters: dict[str, dict] = {}
    for event in events:
        d = event["data"]
        rater = d.get("rater")
        if rater is None:
            continue
        entry = raters.setdefault(rater, {"ratings": [], "fix": None})
        if event["kind"] == EventKind.RATING_GIVEN:
            entry["ratings"].append({**d, "seq": event["seq"], "at": event["at"]})
        elif event["kind"] == EventKind.FIX_OPENED:
            entry["fix"] = {"state": "open", **d, "opened_seq": event["seq"]}
        elif event["kind"] == EventKind.FIX_DONE and entry["fix"]:
            entry["fix"].update(state="done", outcome=d.get("outcome"), outcome_photos=d.get("photos", []),
                                done_by=event["actor"])
        elif event["kind"] == EventKind.FIX_CLOSED and entry["fix"]:
            entry["fix"].update(state="closed", new_level=d.get("level"))
    return raters


def counts(events: list[dict]) -> dict:
    """Each rater's latest rating, counted per level and in the form's three groups."""
    latest = Counter(entry["ratings"][-1]["level"] for entry in state_of(events).values() if entry["ratings"])
    return {"levels": {level: latest.get(level, 0) for level in LEVELS}, "respondents": sum(latest.values()),
            "satisfied": latest["very_satisfied"] + latest["satisfied"],
            "basically_satisfied": latest["basically_satisfied"],
            "dissatisfied": latest["dissatisfied"] + latest["very_dissatisfied"]}


def affected(conn: sa.Connection, case: sa.Row, user_id: str) -> bool:
    """On the case's latest vote roll, else a member of its unit (in date)."""
    latest = conn.execute(sa.select(votes.c.vote_key).where(votes.c.case_id == case.id)
                          .order_by(votes.c.opens_at.desc()).limit(1)).scalar()
    if latest is not None:
        return conn.execute(sa.select(vote_rolls.c.user_id).where(
            vote_rolls.c.case_id == case.id, vote_rolls.c.vote_key == latest,
            vote_rolls.c.user_id == user_id)).first() is not None
    today = clock.now().astimezone(periods.TZ).date()
    m = memberships
    return conn.execute(sa.select(m.c.user_id).join(users, users.c.id == m.c.user_id).where(
        m.c.unit == case.unit, m.c.user_id == user_id, users.c.active.is_(True),
        sa.or_(m.c.valid_from.is_(None), m.c.valid_from <= today),
        sa.or_(m.c.valid_to.is_(None), m.c.valid_to >= today))).first() is not None


def check_rate(conn: sa.Connection, actor: Actor, now: dt.datetime) -> None:
    """Posts and ratings of one person per rolling hour (``YISHI_POSTS_PER_HOUR``), across cases."""
    limit = settings().posts_per_hour
    recent = conn.execute(sa.select(sa.func.count()).select_from(case_events).where(
        case_events.c.actor == actor.user_id,
        case_events.c.kind.in_((EventKind.RATING_GIVEN, EventKind.POST_ADDED)),
        case_events.c.at > now - dt.timedelta(hours=1))).scalar_one()
    if recent >= limit:
        raise RateLimited(Text("一小时内最多发言或评价 {n} 次，请稍后再试",
                               "at most {n} posts and ratings an hour; try again later", n=limit))


def photo_refs(conn: sa.Connection, case_id: int, photos: list | None, field: str = "photos") -> list[dict]:
    refs = list(photos or [])
    if len(refs) > MAX_PHOTOS:
        raise InvalidInput(Text("照片不能超过 {n} 张", "at most {n} photos", n=MAX_PHOTOS),
                           [FieldError(field, Text("太多", "too many"))])
    clean = []
    for i, ref in enumerate(refs):
        if not (isinstance(ref, dict) and isinstance(ref.get("sha256"), str)
                and attachments.SHA256.match(ref["sha256"])):
            raise InvalidInput(Text("照片须先上传", "upload the photo first"),
                               [FieldError(f"{field}/{i}", Text("须为附件引用", "must be an attachment reference"))])
        clean.append({k: ref[k] for k in ("sha256", "name", "size", "media_type") if k in ref})
    attachments.check_references(conn, case_id, ATTACHMENTS_FORM, {"attachments": clean})  # of this case
    return clean


class Ratings:
    """Ratings over the runtime's unit of work (``runtime.load`` finds the open evaluation step and its fixer)."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.db: sa.Engine = runtime.db

    def _evaluation(self, conn: sa.Connection, case_id: int) -> tuple[object, RatingSpec] | None:
        """The case's open evaluation step and its spec, if one is open."""
        loaded = self.runtime.load(conn, case_id)
        for task in evaluation_tasks(loaded.workflow):
            return task, spec_of(task)
        return None

    def rate(self, case_id: int, actor: Actor, level: str, comment: str | None = None,
             photos: list | None = None) -> dict:
        """The actor's rating of the case: once while its evaluation is open, and once more after a fix."""
        if level not in LEVELS:
            raise InvalidInput(Text("请选择评价等级", "choose a rating"),
                               [FieldError("level", Text("须为五级评价之一", "must be one of the five levels"))])
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise InvalidInput(Text("评价内容不能超过 {n} 字", "at most {n} characters", n=MAX_COMMENT),
                               [FieldError("comment", Text("太长", "too long"))])
        now = clock.now()

        def work(conn: sa.Connection) -> dict:
            case = case_row(conn, case_id)
            if not affected(conn, case, actor.user_id):
                raise Forbidden(Text("只有受影响的居民（表决名册上或本社区的居民）可以评价",
                                     "only affected residents (on the vote's roll, or members of the unit) may rate"))
            mine = state_of(file_events(conn, case_id, KINDS)).get(actor.user_id, {"ratings": [], "fix": None})
            fix = mine["fix"]
            call_back = bool(mine["ratings"]) and fix is not None and fix["state"] == "done"
            if mine["ratings"] and not call_back:
                if fix is not None and fix["state"] == "open":
                    raise Conflict(Text("整改正在进行，整改完成后请再次评价",
                                        "the fix is under way; you will be asked to rate again when it is done"))
                raise Conflict(Text("您已评价过这件事", "you have rated this case already"))
            evaluation = None if call_back else self._evaluation(conn, case_id)
            if not call_back and evaluation is None:
                raise InvalidState(Text("事项 {ref} 现在不在评价期内", "case {ref} is not open for evaluation now",
                                        ref=case.reference))
            check_rate(conn, actor, now)
            refs = photo_refs(conn, case_id, photos)
            given = {"rater": actor.user_id, "level": level, "comment": comment, "photos": refs,
                     "round": len(mine["ratings"]) + 1}
            events = [Event(EventKind.RATING_GIVEN, actor.user_id, given)]
            if call_back:
                events.append(Event(EventKind.FIX_CLOSED, actor.user_id, {
                    "rater": actor.user_id, "level": level, "satisfied": level not in UNSATISFIED,
                    **({"to_role": "supervision_committee"} if level in UNSATISFIED else {})}))
            elif level in UNSATISFIED:
                due = periods.working_period_end(now, settings().fix_working_days)
                events.append(Event(EventKind.FIX_OPENED, actor.user_id, {
                    "rater": actor.user_id, "level": level, "comment": comment, "due_at": due.isoformat(),
                    "working_days": settings().fix_working_days, "to_role": evaluation[1].fixer}))
            append(conn, case, now, events)
            return {"rater": actor.user_id, "level": level, "round": given["round"],
                    "fix_opened": any(e.kind == EventKind.FIX_OPENED for e in events),
                    "fix_closed": call_back}

        return retrying(self.db, work)

    def record_fix(self, case_id: int, actor: Actor, rater: str, outcome: str, photos: list | None = None) -> dict:
        """The implementers record what they fixed for ``rater``'s rating; the resident is asked to rate again."""
        outcome = (outcome or "").strip()
        if not outcome or len(outcome) > MAX_COMMENT:
            raise InvalidInput(Text("请写明整改结果", "say what was fixed"),
                               [FieldError("outcome", Text("须为 1 至 {n} 字", "1 to {n} characters", n=MAX_COMMENT))])
        now = clock.now()

        def work(conn: sa.Connection) -> dict:
            case = case_row(conn, case_id)
            fix = (state_of(file_events(conn, case_id, KINDS)).get(rater) or {}).get("fix")
            if fix is None or fix["state"] != "open":
                raise NotFound(Text("{rater} 没有待整改的评价", "no open fix for {rater}'s rating", rater=rater))
            if not (actor.holds(case.unit, fix["to_role"]) or actor.administers(case.unit)):
                raise Forbidden(Text("整改结果由 {unit} 的 {role} 录入", "the fix is recorded by '{role}' of {unit}",
                                     unit=case.unit, role=fix["to_role"]))
            refs = photo_refs(conn, case_id, photos)
            late = now > projection.parse_instant(fix["due_at"])
            append(conn, case, now, [Event(EventKind.FIX_DONE, actor.user_id, {
                "rater": rater, "outcome": outcome, "photos": refs, "late": late, "to_user": rater})])
            return {"rater": rater, "state": "done", "late": late}

        return retrying(self.db, work)

    def view(self, case_id: int, actor: Actor) -> dict:
        """Ratings of a case: the counts, my rating and fix, and (implementers, committees) the open fixes."""
        with self.db.connect() as conn:
            case = case_row(conn, case_id)
            if not actor.member_of(case.unit):
                raise Forbidden(Text("只有 {unit} 的成员可以查看", "only members of {unit} see this", unit=case.unit))
            events = file_events(conn, case_id, KINDS)
            evaluation = self._evaluation(conn, case_id)
            closes_at = None
            if evaluation is not None:
                closes_at = conn.execute(sa.select(open_tasks.c.due_at).where(
                    open_tasks.c.task_id == str(evaluation[0].id))).scalar()
            may_rate = affected(conn, case, actor.user_id)
        raters = state_of(events)
        mine = raters.get(actor.user_id, {"ratings": [], "fix": None})
        overseer = any(actor.holds(case.unit, r) for r in ("two_committees", "supervision_committee", "grid_steward"))
        fixes = [{"rater": r, **_fix_view(e["fix"])} for r, e in sorted(raters.items()) if e["fix"]] \
            if overseer or actor.administers(case.unit) else []
        return {"case_id": case_id, "reference": case.reference, "title": case.title,
                "open": evaluation is not None, "closes_at": closes_at,
                "may_rate": may_rate and (not mine["ratings"] and evaluation is not None
                                          or (mine["fix"] or {}).get("state") == "done"),
                "counts": counts(events), "my_ratings": [_rating_view(r) for r in mine["ratings"]],
                "my_fix": _fix_view(mine["fix"]) if mine["fix"] else None, "fixes": fixes}

    @staticmethod
    def on_complete(conn: sa.Connection, loaded, task, actor: Actor, data: dict) -> tuple[dict, list[Event]]:
        """Completing the evaluation step: the online ratings join the paper totals of the form."""
        if spec_of(task) is None:
            return data, []
        online = counts(file_events(conn, loaded.row.id, KINDS))
        if not online["respondents"]:
            return data, []
        paper = {k: int(data.get(k) or 0) for k in ("respondents", "satisfied", "basically_satisfied", "dissatisfied")}
        merged = {**data, **{k: paper[k] + online[k] for k in paper}}
        counted = Event(EventKind.RATINGS_COUNTED, actor.user_id, {
            "paper": paper, "online": online, "combined": {k: merged[k] for k in paper}},
            projection.element_id(task), str(task.id))
        return merged, [counted]


def _rating_view(rating: dict) -> dict:
    return {k: rating.get(k) for k in ("level", "comment", "photos", "round", "at")}


def _fix_view(fix: dict) -> dict:
    return {"state": fix["state"], "level": fix.get("level"), "comment": fix.get("comment"),
            "due_at": projection.parse_instant(fix["due_at"]), "outcome": fix.get("outcome"),
            "outcome_photos": fix.get("outcome_photos", []), "new_level": fix.get("new_level")}


def evaluation_tasks(workflow) -> list:
    return [t for t in projection.all_tasks(workflow) if t.state == TaskState.READY and spec_of(t) is not None]


runtime.on_completion(Ratings.on_complete)
