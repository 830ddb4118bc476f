"""Real-name e-votes beside the meeting, combined with the paper ballots and the sign-in sheet (DOMAIN.md §3.7).

A vote-recording step declares its e-vote in the BPMN (``spiffworkflow:property name="eVote"``), for example
``roll=assembly; opener=grid_steward; precedence=paper; secret=false; closes=meeting_at+PT3H;
eligible=eligible_total``: whose members form the roll by default, who opens the vote, which ballot counts when
a voter used both channels, whether the ballot is secret, when the window closes (a date-time the case holds, plus
an optional ISO duration) and the form field that receives the eligible base.

- **Open** (the opener, once the meeting time is known): the roll — the unit's members holding the roll role, or an
  imported list of users with weights — is frozen into the ``vote_opened`` event (and ``vote_rolls``).
- **Vote** (a voter on the roll, during the window): ``vote_cast`` (a change is another ``vote_cast`` naming the
  choice it replaces); secret: ``voter_voted`` in the file and one more ballot in ``sealed_tallies``, no change.
- **Paper** (whoever records the vote, while the recording step is open): ``paper_ballot`` and ``signed_in`` per
  voter; secret: ``voter_voted`` (paper) per voter and the anonymous ``paper_tally``.
- **Tally** (completing the recording step, after the window): the figures are counted from the case file
  (``engine.participation.tally``), replace what the form says, and go to the step's quorum and majority rules;
  ``vote_tallied`` (and for a secret ballot ``ballots_sealed`` first) records them in the same transaction.

Every write appends to the case file with its head check; two writers racing on one case: one wins, the other is
retried from a fresh read (so two phones voting at once both count, and one voter's two phones count once).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from engine.cases import runtime
from engine.domain import clock, periods
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState, NotFound, RateLimited
from engine.participation import tally
from engine.settings import settings
from engine.store import audit
from engine.store.audit import Event
from engine.store.tables import case_events, cases, memberships, sealed_tallies, users, vote_rolls, votes
from engine.workflow import projection

PROPERTY = "eVote"
MAX_ROLL = 100_000
MAX_WEIGHT = 1000
RETRIES = 20
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


@dataclass(frozen=True)
class VoteSpec:
    """What the process says about the e-vote of one recording step."""

    roll: str
    opener: str
    precedence: str = "paper"
    secret: bool = False
    closes: str = "meeting_at"
    closes_after: dt.timedelta = dt.timedelta(0)
    eligible: str = "eligible_total"

    @classmethod
    def parse(cls, value: str) -> VoteSpec:
        """``k=v; k=v`` (see the module); raises ``ValueError`` naming what is wrong."""
        items = {}
        for part in filter(None, (p.strip() for p in value.split(";"))):
            key, sep, item = part.partition("=")
            if not sep:
                raise ValueError(f"'{part}' is not key=value")
            items[key.strip()] = item.strip()
        unknown = set(items) - {"roll", "opener", "precedence", "secret", "closes", "eligible"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}")
        if not items.get("roll") or not items.get("opener"):
            raise ValueError("roll and opener are required")
        precedence = items.get("precedence", "paper")
        if precedence not in tally.PRECEDENCES:
            raise ValueError(f"precedence must be one of {tally.PRECEDENCES}")
        closes, _, offset = items.get("closes", "meeting_at").partition("+")
        match = _DURATION.match(offset) if offset else None
        if offset and (match is None or offset == "P"):
            raise ValueError(f"'{offset}' is not a duration such as PT3H or P1D")
        after = dt.timedelta(days=int(match[1] or 0), hours=int(match[2] or 0), minutes=int(match[3] or 0)) \
            if match else dt.timedelta(0)
        secret = items.get("secret", "false").lower()
        if secret not in ("true", "false"):
            raise ValueError("secret must be true or false")
        return cls(items["roll"], items["opener"], precedence, secret == "true", closes.strip(), after,
                   items.get("eligible", "eligible_total"))


def spec_of(task) -> VoteSpec | None:
    props = projection.spec_properties(task.task_spec)
    value = props.get(PROPERTY)
    return VoteSpec.parse(value) if value else None


class _Raced(Exception):
    """Another writer moved the case file's head meanwhile: read again and retry."""


def retrying(db: sa.Engine, work: Callable[[sa.Connection], dict]) -> dict:
    """Run ``work`` in a transaction; when another writer moved the case file meanwhile, run it again."""
    for attempt in range(RETRIES):
        try:
            with db.begin() as conn:
                return work(conn)
        except _Raced:
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # spread the next tries of those who lost
            continue
    raise Conflict(Text("同时参与的人较多，请稍后再试", "many people are taking part at once; try again shortly"))


def append(conn: sa.Connection, case: sa.Row, now: dt.datetime, events: list[Event]) -> None:
    """Append ``events`` after the head ``case`` was read at (``case_row``): what was decided from that read holds
    only if nobody appended since; otherwise the work is run again (``retrying``)."""
    if not events:
        return
    rows, moved_to = audit.chain(case.id, case.event_count, case.head_hash, now, events)
    moved = conn.execute(sa.update(cases).where(cases.c.id == case.id, cases.c.event_count == case.event_count)
                         .values(**moved_to))
    if moved.rowcount != 1:
        raise _Raced()
    audit.append(conn, case.id, now, events, chained=rows)


def case_row(conn: sa.Connection, case_id: int) -> sa.Row:
    """The case's columns the participation needs, with its file's head as read now (read it first). PostgreSQL:
    the row is locked until the transaction ends, so residents voting at once queue instead of retrying (SQLite
    writes one at a time anyway; a stale read there is retried)."""
    row = conn.execute(sa.select(cases.c.id, cases.c.reference, cases.c.unit, cases.c.status, cases.c.title,
                                 cases.c.started_by, cases.c.event_count, cases.c.head_hash)
                       .where(cases.c.id == case_id).with_for_update()).first()
    if row is None:
        raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_id))
    return row


def file_events(conn: sa.Connection, case_id: int, kinds: tuple[str, ...]) -> list[dict]:
    """The case file's events of ``kinds``, in order, as dicts (what a recount from an export reads)."""
    rows = conn.execute(sa.select(case_events.c.seq, case_events.c.kind, case_events.c.actor, case_events.c.at,
                                  case_events.c.data)
                        .where(case_events.c.case_id == case_id, case_events.c.kind.in_(kinds))
                        .order_by(case_events.c.seq)).mappings()
    return [dict(r) for r in rows]


def current_vote(conn: sa.Connection, case_id: int, *, element: str | None = None) -> sa.Row | None:
    """The case's vote that is not tallied yet (at most one), optionally of one recording step."""
    query = sa.select(votes).where(votes.c.case_id == case_id, votes.c.tallied_at.is_(None))
    if element is not None:
        query = query.where(votes.c.element_id == element)
    return conn.execute(query).first()


def _choice(value: str | None, field: str = "choice") -> str:
    if value not in tally.CHOICES:
        raise InvalidInput(Text("请选择同意、反对或弃权", "choose yes, no or abstain"),
                           [FieldError(field, Text("须为 yes、no 或 abstain", "must be yes, no or abstain"))])
    return value


def _aware(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=periods.TZ)
    if isinstance(value, str) and value:
        try:
            return projection.parse_instant(value)
        except (TypeError, ValueError):
            return None
    return None


def _beijing(instant: dt.datetime) -> str:
    return instant.astimezone(periods.TZ).strftime("%Y-%m-%d %H:%M")


class Votes:
    """E-votes over the runtime's unit of work (``runtime.load`` restores a case to find its recording step)."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.db: sa.Engine = runtime.db

    # ----- opening ------------------------------------------------------------------------------

    def _vote_point(self, conn: sa.Connection, case_id: int):
        """The recording step of the running vote and its spec, with the case data it will see."""
        loaded = self.runtime.load(conn, case_id)
        for task in projection.all_tasks(loaded.workflow):
            if task.has_state(TaskState.FINISHED_MASK):
                continue
            spec = spec_of(task)
            if spec is None:
                continue
            data = {}
            for other in sorted(task.workflow.tasks.values(), key=lambda t: t.last_state_change):
                if other.has_state(TaskState.COMPLETED | TaskState.READY | TaskState.WAITING):
                    data.update(other.data)
            return loaded, task, spec, data
        raise InvalidState(Text("事项 {ref} 现在没有进行中的表决，不能开启网上投票",
                                "case {ref} has no vote coming up; an e-vote opens once the meeting is announced",
                                ref=loaded.row.reference))

    def open(self, case_id: int, actor: Actor, *, roll: list[dict] | None = None,
             members_role: str | None = None) -> dict:
        """Open the e-vote of the case's coming vote with a roll frozen now: ``roll`` (imported: ``[{user,
        weight}]``) or the unit's members holding ``members_role`` (default: the process's roll role)."""
        now = clock.now()

        def work(conn: sa.Connection) -> dict:
            head = case_row(conn, case_id)
            loaded, task, spec, data = self._vote_point(conn, case_id)
            row = loaded.row
            element = projection.element_id(task)
            if not (actor.holds(row.unit, spec.opener) or actor.administers(row.unit)):
                raise Forbidden(Text("开启网上投票需要在 {unit} 担任角色 {role}",
                                     "opening the e-vote needs the role '{role}' in {unit}", unit=row.unit,
                                     role=spec.opener))
            if row.status not in ACTIVE_STATUSES:
                raise InvalidState(Text("事项 {ref} 已不在办理中", "case {ref} is not running", ref=row.reference))
            if current_vote(conn, case_id) is not None:
                raise Conflict(Text("这次表决的网上投票已经开启", "the e-vote of this vote is open already"))
            closes_base = _aware(data.get(spec.closes))
            if closes_base is None:
                raise InvalidState(Text("还没有确定“{field}”，不能开启网上投票（先公示会议时间）",
                                        "'{field}' is not known yet; announce the meeting before opening the e-vote",
                                        field=spec.closes))
            closes_at = closes_base + spec.closes_after
            if closes_at <= now:
                raise InvalidState(Text("投票截止时间 {at} 已过", "the voting window closed at {at}",
                                        at=_beijing(closes_at)))
            entries = self._roll(conn, row.unit, roll, members_role or spec.roll, now)
            rounds = conn.execute(sa.select(sa.func.count()).select_from(votes).where(
                votes.c.case_id == case_id, votes.c.element_id == element)).scalar_one()
            key = f"{element}#{rounds + 1}"
            opened = {"vote": key, "roll": entries, "eligible_total": sum(e["weight"] for e in entries),
                      "roll_source": "imported" if roll is not None else f"members:{members_role or spec.roll}",
                      "opens_at": now.isoformat(), "closes_at": closes_at.isoformat(),
                      "precedence": spec.precedence, "secret": spec.secret}
            append(conn, head, now, [Event(tally.VOTE_OPENED, actor.user_id, opened, element, str(task.id))])
            conn.execute(sa.insert(votes).values(case_id=case_id, vote_key=key, element_id=element, unit=row.unit,
                                                 secret=spec.secret, opens_at=now, closes_at=closes_at))
            conn.execute(sa.insert(vote_rolls), [{"case_id": case_id, "vote_key": key, "user_id": e["user"],
                                                  "weight": e["weight"]} for e in entries])
            if spec.secret:
                conn.execute(sa.insert(sealed_tallies), [{"case_id": case_id, "vote_key": key, "choice": c,
                                                          "weight": 0, "ballots": 0} for c in tally.CHOICES])
            return {k: v for k, v in opened.items() if k != "roll"} | {"roll_size": len(entries)}

        return retrying(self.db, work)

    @staticmethod
    def _roll(conn: sa.Connection, unit: str, roll: list[dict] | None, role: str, now: dt.datetime) -> list[dict]:
        if roll is None:
            today = now.astimezone(periods.TZ).date()
            m = memberships
            found = conn.execute(sa.select(m.c.user_id).join(users, users.c.id == m.c.user_id).where(
                m.c.unit == unit, m.c.role == role, users.c.active.is_(True),
                sa.or_(m.c.valid_from.is_(None), m.c.valid_from <= today),
                sa.or_(m.c.valid_to.is_(None), m.c.valid_to >= today)).order_by(m.c.user_id)).scalars().all()
            if not found:
                raise InvalidInput(Text("{unit} 没有担任 {role} 的成员，无法生成投票名册",
                                        "{unit} has no members holding '{role}' to form the roll", unit=unit,
                                        role=role), [FieldError("members_role", Text("没有成员", "no members"))])
            return [{"user": u, "weight": 1} for u in found]
        problems: list[FieldError] = []
        if not roll or len(roll) > MAX_ROLL:
            raise InvalidInput(Text("名册须有 1 至 {n} 人", "the roll needs 1 to {n} voters", n=MAX_ROLL),
                               [FieldError("roll", Text("人数不对", "wrong size"))])
        entries, seen = [], set()
        for i, entry in enumerate(roll):
            user = str((entry or {}).get("user") or "").strip()
            weight = (entry or {}).get("weight", 1)
            if not user:
                problems.append(FieldError(f"roll/{i}/user", Text("须填写用户", "a user is required")))
            elif user in seen:
                problems.append(FieldError(f"roll/{i}/user", Text("名册中重复", "listed twice")))
            if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= MAX_WEIGHT:
                problems.append(FieldError(f"roll/{i}/weight", Text("权重须为 1 至 {n} 的整数",
                                                                    "weight must be a whole number 1 to {n}",
                                                                    n=MAX_WEIGHT)))
            seen.add(user)
            entries.append({"user": user, "weight": weight})
        known = set()
        names = [e["user"] for e in entries if e["user"]]
        for start in range(0, len(names), 500):
            known |= set(conn.execute(sa.select(users.c.id).where(users.c.id.in_(names[start:start + 500]),
                                                                  users.c.active.is_(True))).scalars())
        problems += [FieldError(f"roll/{i}/user", Text("没有这个用户（或已停用）", "no such active user"))
                     for i, e in enumerate(entries) if e["user"] and e["user"] not in known]
        if problems:
            raise InvalidInput(Text("投票名册有误", "the roll has mistakes"), problems)
        return entries

    # ----- voting -----------------------------------------------------------------------------------

    def cast(self, case_id: int, actor: Actor, choice: str) -> dict:
        """The actor's e-vote (real name, changeable until the window closes; secret: once)."""
        choice = _choice(choice)
        now = clock.now()

        def work(conn: sa.Connection) -> dict:
            row = case_row(conn, case_id)
            vote = self._open_vote(conn, row, now)
            weight = self._weight(conn, vote, actor.user_id)
            mine = [e for e in tally.of_vote(file_events(conn, case_id, tally.KINDS), vote.vote_key)
                    if (e["data"] or {}).get("voter") == actor.user_id]
            if vote.secret:
                if any(e["kind"] == tally.VOTER_VOTED for e in mine):
                    raise Conflict(Text("您已投过票；无记名投票投出后不能更改",
                                        "you have voted; a secret ballot cannot be changed"))
                append(conn, row, now, [Event(tally.VOTER_VOTED, actor.user_id, {
                    "vote": vote.vote_key, "voter": actor.user_id, "channel": "online"}, vote.element_id)])
                st = sealed_tallies
                conn.execute(sa.update(st).where(st.c.case_id == case_id, st.c.vote_key == vote.vote_key,
                                                 st.c.choice == choice)
                             .values(weight=st.c.weight + weight, ballots=st.c.ballots + 1))
                return {"vote": vote.vote_key, "voted": True, "secret": True}
            before = [e for e in mine if e["kind"] == tally.VOTE_CAST]
            if len(before) > settings().vote_changes:
                raise RateLimited(Text("改票次数已达上限（{n} 次）", "you have changed your vote {n} times, the limit",
                                       n=settings().vote_changes))
            previous = before[-1]["data"]["choice"] if before else None
            if previous == choice:
                return {"vote": vote.vote_key, "voted": True, "choice": choice, "changed": False}
            data = {"vote": vote.vote_key, "voter": actor.user_id, "choice": choice, "channel": "online",
                    "weight": weight, **({"changes": previous} if previous else {})}
            append(conn, row, now, [Event(tally.VOTE_CAST, actor.user_id, data, vote.element_id)])
            return {"vote": vote.vote_key, "voted": True, "choice": choice, "changed": previous is not None}

        return retrying(self.db, work)

    @staticmethod
    def _open_vote(conn: sa.Connection, row: sa.Row, now: dt.datetime) -> sa.Row:
        vote = current_vote(conn, row.id)
        if vote is None:
            raise NotFound(Text("事项 {ref} 没有正在进行的网上投票", "case {ref} has no e-vote open",
                                ref=row.reference))
        if row.status not in ACTIVE_STATUSES:
            raise InvalidState(Text("事项 {ref} 已不在办理中", "case {ref} is not running", ref=row.reference))
        if now < vote.opens_at or now >= vote.closes_at:
            raise InvalidState(Text("网上投票已于 {at} 截止", "the e-vote closed at {at}", at=_beijing(vote.closes_at)))
        return vote

    @staticmethod
    def _weight(conn: sa.Connection, vote: sa.Row, user_id: str) -> int:
        weight = conn.execute(sa.select(vote_rolls.c.weight).where(
            vote_rolls.c.case_id == vote.case_id, vote_rolls.c.vote_key == vote.vote_key,
            vote_rolls.c.user_id == user_id)).scalar()
        if weight is None:
            raise Forbidden(Text("{user} 不在这次表决的投票名册上", "{user} is not on the roll of this vote",
                                 user=user_id))
        return weight

    # ----- the recorder's paper -----------------------------------------------------------------------

    def record_paper(self, case_id: int, actor: Actor, *, ballots: list[dict] | None = None,
                     signed_in: list[str] | None = None, paper_tally: dict | None = None) -> dict:
        """Enter paper ballots (real name: ``[{voter, choice}]``; secret: the voters who got a ballot in
        ``signed_in`` and the anonymous counts in ``paper_tally``) and the sign-in sheet, while the recording
        step is open. A voter entered twice on paper: the second entry is refused."""
        ballots, signed_in = list(ballots or []), [str(v) for v in (signed_in or [])]
        now = clock.now()

        def work(conn: sa.Connection) -> dict:
            row = case_row(conn, case_id)
            vote = current_vote(conn, case_id)
            if vote is None:
                raise NotFound(Text("事项 {ref} 没有待录入的网上投票", "case {ref} has no e-vote to combine with",
                                    ref=row.reference))
            self._check_recorder(conn, row, vote, actor)
            roll = dict(conn.execute(sa.select(vote_rolls.c.user_id, vote_rolls.c.weight).where(
                vote_rolls.c.case_id == case_id, vote_rolls.c.vote_key == vote.vote_key)).all())
            events = tally.of_vote(file_events(conn, case_id, tally.KINDS), vote.vote_key)
            on_paper = {e["data"]["voter"] for e in events if e["kind"] == tally.PAPER_BALLOT
                        or (e["kind"] == tally.VOTER_VOTED and e["data"]["channel"] == "paper")}
            voted = {e["data"]["voter"] for e in events if e["kind"] == tally.VOTER_VOTED}
            signed = {e["data"]["voter"] for e in events if e["kind"] == tally.SIGNED_IN}
            problems, new = [], []
            for i, ballot in enumerate(ballots):
                voter = str((ballot or {}).get("voter") or "")
                if vote.secret:
                    problems.append(FieldError(f"ballots/{i}", Text("无记名投票不录入记名选票，请录入签到和票数",
                                                                    "a secret ballot has no named ballots: enter "
                                                                    "who signed in and the counts")))
                elif voter not in roll:
                    problems.append(FieldError(f"ballots/{i}/voter", Text("不在投票名册上", "not on the roll")))
                elif voter in on_paper:
                    problems.append(FieldError(f"ballots/{i}/voter", Text("这位投票人的纸质选票已录入",
                                                                          "this voter's paper ballot is entered")))
                elif (ballot or {}).get("choice") not in tally.CHOICES:
                    problems.append(FieldError(f"ballots/{i}/choice", Text("须为 yes、no 或 abstain",
                                                                           "must be yes, no or abstain")))
                else:
                    on_paper.add(voter)
                    new.append(Event(tally.PAPER_BALLOT, actor.user_id, {
                        "vote": vote.vote_key, "voter": voter, "choice": ballot["choice"], "channel": "paper",
                        "weight": roll[voter]}, vote.element_id))
            paper_weight = 0
            for i, voter in enumerate(signed_in):
                if voter not in roll:
                    problems.append(FieldError(f"signed_in/{i}", Text("不在投票名册上", "not on the roll")))
                elif vote.secret and voter in voted:
                    problems.append(FieldError(f"signed_in/{i}", Text("已投过票（网上或纸质），不能再领选票",
                                                                      "has voted already (online or on paper); no "
                                                                      "second ballot")))
                elif vote.secret:
                    voted.add(voter)
                    paper_weight += roll[voter]
                    new.append(Event(tally.VOTER_VOTED, actor.user_id, {"vote": vote.vote_key, "voter": voter,
                                                                        "channel": "paper"}, vote.element_id))
                elif voter not in signed:
                    signed.add(voter)
                    new.append(Event(tally.SIGNED_IN, actor.user_id, {"vote": vote.vote_key, "voter": voter},
                                     vote.element_id))
            if paper_tally is not None:
                if not vote.secret:
                    problems.append(FieldError("paper_tally", Text("记名表决逐张录入选票", "a real-name vote enters "
                                                                   "each ballot")))
                else:
                    counts = {c: paper_tally.get(c, 0) for c in tally.CHOICES}
                    before = [e for e in events if e["kind"] == tally.PAPER_TALLY]
                    given = sum(roll[e["data"]["voter"]] for e in events
                                if e["kind"] == tally.VOTER_VOTED and e["data"]["channel"] == "paper") + paper_weight
                    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in counts.values()):
                        problems.append(FieldError("paper_tally", Text("票数须为非负整数", "counts are whole numbers "
                                                                       "0 or more")))
                    elif before:
                        problems.append(FieldError("paper_tally", Text("纸质票数已录入", "the paper counts are "
                                                                       "entered already")))
                    elif sum(counts.values()) > given:
                        problems.append(FieldError("paper_tally", Text(
                            "纸质票数合计 {n} 超过领票人数的权重 {m}", "the paper counts add up to {n}, more than the "
                            "{m} of those who got a paper ballot", n=sum(counts.values()), m=given)))
                    else:
                        new.append(Event(tally.PAPER_TALLY, actor.user_id, {"vote": vote.vote_key, **counts},
                                         vote.element_id))
            if problems:
                raise InvalidInput(Text("纸质选票或签到有误，均未录入", "paper ballots or sign-in have mistakes; "
                                        "nothing was entered"), problems)
            append(conn, row, now, new)
            return self._live(conn, case_id, vote)

        return retrying(self.db, work)

    @staticmethod
    def _check_recorder(conn: sa.Connection, row: sa.Row, vote: sa.Row, actor: Actor) -> None:
        """Whoever may complete the recording step, while it is open."""
        from engine.store.tables import open_tasks

        task = conn.execute(sa.select(open_tasks.c.role).where(
            open_tasks.c.case_id == row.id, open_tasks.c.element_id == vote.element_id)).first()
        if task is None:
            raise InvalidState(Text("会议结束、录入表决结果时才能录入纸质选票和签到",
                                    "paper ballots and the sign-in sheet are entered when the vote is recorded, "
                                    "after the meeting"))
        if not (actor.holds(row.unit, task.role) or actor.administers(row.unit)):
            raise Forbidden(Text("录入纸质选票需要在 {unit} 担任角色 {role}",
                                 "entering paper ballots needs the role '{role}' in {unit}", unit=row.unit,
                                 role=task.role))

    def _live(self, conn: sa.Connection, case_id: int, vote: sa.Row) -> dict:
        counted = tally.count(file_events(conn, case_id, tally.KINDS), vote.vote_key)
        return counted.as_dict()

    # ----- the view -------------------------------------------------------------------------------------

    def view(self, case_id: int, actor: Actor) -> dict:
        """The case's votes for ``actor``: each vote's window, turnout, my ballot, and the result once tallied
        (a running vote's choices are not shown; secret ballots never show who chose what)."""
        now = clock.now()
        with self.db.connect() as conn:
            row = case_row(conn, case_id)
            if not actor.member_of(row.unit):
                raise Forbidden(Text("只有 {unit} 的成员可以查看它的表决", "only members of {unit} see its votes",
                                     unit=row.unit))
            rows = conn.execute(sa.select(votes).where(votes.c.case_id == case_id)
                                .order_by(votes.c.opens_at)).all()
            events = file_events(conn, case_id, tally.KINDS)
            mine = dict(conn.execute(sa.select(vote_rolls.c.vote_key, vote_rolls.c.weight).where(
                vote_rolls.c.case_id == case_id, vote_rolls.c.user_id == actor.user_id)).all())
        answers = []
        for vote in rows:
            counted = tally.count(events, vote.vote_key)
            tallied = next((e["data"] for e in events if e["kind"] == tally.VOTE_TALLIED
                            and e["data"]["vote"] == vote.vote_key), None)
            my_events = [e for e in tally.of_vote(events, vote.vote_key)
                         if (e["data"] or {}).get("voter") == actor.user_id]
            my_choice = next((e["data"]["choice"] for e in reversed(my_events) if e["kind"] == tally.VOTE_CAST),
                             None)
            open_now = vote.tallied_at is None and vote.opens_at <= now < vote.closes_at
            answer = {"vote": vote.vote_key, "element_id": vote.element_id, "secret": vote.secret,
                      "opens_at": vote.opens_at, "closes_at": vote.closes_at, "open": open_now,
                      "tallied": vote.tallied_at is not None, "on_roll": vote.vote_key in mine,
                      "my_weight": mine.get(vote.vote_key), "voted": bool(my_events and any(
                          e["kind"] in (tally.VOTE_CAST, tally.VOTER_VOTED, tally.PAPER_BALLOT) for e in my_events)),
                      "my_choice": None if vote.secret else my_choice,
                      "changes": max(0, sum(1 for e in my_events if e["kind"] == tally.VOTE_CAST) - 1),
                      "roll_size": counted.roll_size, "eligible_total": counted.eligible_total,
                      "voters": counted.voters, "present": counted.present,
                      "turnout_percent": tally.turnout_percent(counted.present, counted.eligible_total),
                      "result": tallied}
            answers.append(answer)
        return {"case_id": case_id, "reference": row.reference, "title": row.title, "votes": answers}

    # ----- the tally, when the recording step is completed ---------------------------------------------

    @staticmethod
    def on_complete(conn: sa.Connection, loaded, task, actor: Actor, data: dict) -> tuple[dict, list[Event]]:
        """Completing a recording step whose e-vote ran: the figures come from the case file, not the form."""
        spec = spec_of(task)
        if spec is None:
            return data, []
        element = projection.element_id(task)
        vote = current_vote(conn, loaded.row.id, element=element)
        if vote is None:
            return data, []
        now = clock.now()
        if now < vote.closes_at:
            raise InvalidState(Text("网上投票到 {at} 截止，截止后才能录入表决结果",
                                    "the e-vote runs until {at}; record the result after it closes",
                                    at=_beijing(vote.closes_at)))
        events = file_events(conn, loaded.row.id, tally.KINDS)
        extra: list[Event] = []
        if vote.secret:
            st = sealed_tallies
            online = {c: 0 for c in tally.CHOICES}
            for choice, weight in conn.execute(sa.select(st.c.choice, st.c.weight).where(
                    st.c.case_id == vote.case_id, st.c.vote_key == vote.vote_key)):
                online[choice] = weight
            paper = next(({c: e["data"][c] for c in tally.CHOICES} for e in tally.of_vote(events, vote.vote_key)
                          if e["kind"] == tally.PAPER_TALLY), {c: 0 for c in tally.CHOICES})
            sealed = {"vote": vote.vote_key, "online": online, "paper": paper}
            extra.append(Event(tally.BALLOTS_SEALED, actor.user_id, sealed, element, str(task.id)))
            events.append({"kind": tally.BALLOTS_SEALED, "actor": actor.user_id, "data": sealed})
        counted = tally.count(events, vote.vote_key)
        figures = counted.figures()
        merged = {**data, **{k: v for k, v in figures.items() if k != "eligible_total"},
                  spec.eligible: figures["eligible_total"]}
        extra.append(Event(tally.VOTE_TALLIED, actor.user_id, {**counted.as_dict(), "form_field_eligible":
                                                                spec.eligible}, element, str(task.id)))
        conn.execute(sa.update(votes).where(votes.c.case_id == vote.case_id, votes.c.vote_key == vote.vote_key)
                     .values(tallied_at=now))
        return merged, extra



runtime.on_completion(Votes.on_complete)
