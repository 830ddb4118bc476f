"""Counting a vote from its case-file events alone (so a recount from an exported case file gives the same
figures): pure functions over event dicts ``{"kind", "actor", "data"}``, no database.

Real-name votes: each voter on the roll frozen by ``vote_opened`` counts once, whatever channels they used; when a
voter voted both online and on paper the process's ``precedence`` says which ballot counts (``paper`` or
``online``); a voter who only signed the attendance sheet is present without a choice. Secret ballots: the file
says who voted (``voter_voted``) and, apart, the sealed counts (``ballots_sealed``); nothing links the two.
Figures are weighted by the roll (a household's or a delegate's weight; 1 by default).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.domain.statuses import EventKind

CHOICES = ("yes", "no", "abstain")
PRECEDENCES = ("paper", "online")

VOTE_OPENED = EventKind.VOTE_OPENED
VOTE_CAST = EventKind.VOTE_CAST  # real name, online (a change is another vote_cast with ``changes``)
PAPER_BALLOT = EventKind.PAPER_BALLOT  # real name, entered by the recorder from the paper ballot
SIGNED_IN = EventKind.SIGNED_IN  # on the meeting's sign-in sheet (present), entered by the recorder
VOTER_VOTED = EventKind.VOTER_VOTED  # secret ballot: that the voter voted, and on which channel, never how
PAPER_TALLY = EventKind.PAPER_TALLY  # secret ballot: the counts of the anonymous paper ballots (recorder)
BALLOTS_SEALED = EventKind.BALLOTS_SEALED  # secret ballot: the sealed online counts and the paper counts
VOTE_TALLIED = EventKind.VOTE_TALLIED  # the combined figures handed to the quorum and majority rules
KINDS = (VOTE_OPENED, VOTE_CAST, PAPER_BALLOT, SIGNED_IN, VOTER_VOTED, PAPER_TALLY, BALLOTS_SEALED, VOTE_TALLIED)


@dataclass
class Tally:
    vote: str
    secret: bool
    precedence: str
    eligible_total: int = 0  # the roll's weight: the base the quorum rules use
    roll_size: int = 0  # people on the roll
    present: int = 0
    yes: int = 0
    no: int = 0
    abstain: int = 0
    voters: int = 0  # people who voted or signed in
    online: int = 0  # people whose counted ballot came online
    paper: int = 0  # ... on paper (secret: who received a paper ballot)
    signed_only: int = 0  # present without a ballot
    counted_once: list[str] = field(default_factory=list)  # voted online and on paper: one ballot counted
    sealed: bool = False  # secret: the counts are known (the vote closed)

    def figures(self) -> dict:
        """What the quorum and majority rules take."""
        return {"eligible_total": self.eligible_total, "present": self.present, "yes": self.yes, "no": self.no,
                "abstain": self.abstain}

    def as_dict(self) -> dict:
        return {**self.figures(), "vote": self.vote, "secret": self.secret, "precedence": self.precedence,
                "roll_size": self.roll_size, "voters": self.voters, "online": self.online, "paper": self.paper,
                "signed_only": self.signed_only, "counted_once": list(self.counted_once), "sealed": self.sealed,
                "turnout_percent": turnout_percent(self.present, self.eligible_total)}


def turnout_percent(present: int, eligible: int) -> float:
    """Turnout in percent to one decimal (for display; the rules use the integers)."""
    return round(100 * present / eligible, 1) if eligible else 0.0


def of_vote(events: Iterable[dict], vote: str) -> list[dict]:
    """The events of one vote, in file order."""
    return [e for e in events if e["kind"] in KINDS and (e.get("data") or {}).get("vote") == vote]


def count(events: Iterable[dict], vote: str) -> Tally:
    """Count ``vote`` from the case file's events (any order of other events; file order within the vote)."""
    mine = of_vote(events, vote)
    opened = next((e for e in mine if e["kind"] == VOTE_OPENED), None)
    if opened is None:
        raise ValueError(f"the case file has no opening of vote {vote}")
    data = opened["data"]
    roll = {entry["user"]: int(entry["weight"]) for entry in data["roll"]}
    result = Tally(vote, bool(data.get("secret")), data.get("precedence", "paper"),
                   eligible_total=sum(roll.values()), roll_size=len(roll))
    online: dict[str, str] = {}
    paper: dict[str, str] = {}
    signed: set[str] = set()
    voted: dict[str, str] = {}  # secret: voter → channel
    sealed = None
    for event in mine:
        d = event["data"]
        voter = d.get("voter")
        if event["kind"] != VOTE_OPENED and voter is not None and voter not in roll:
            continue  # never counted: not on the frozen roll (the engine refuses it; a recount ignores it too)
        if event["kind"] == VOTE_CAST:
            online[voter] = d["choice"]
        elif event["kind"] == PAPER_BALLOT:
            paper[voter] = d["choice"]
        elif event["kind"] == SIGNED_IN:
            signed.add(voter)
        elif event["kind"] == VOTER_VOTED:
            voted.setdefault(voter, d["channel"])
        elif event["kind"] == BALLOTS_SEALED:
            sealed = d
    if result.secret:
        present = set(voted) | signed
        result.voters = len(present)
        result.present = sum(roll[v] for v in present)
        result.online = sum(1 for c in voted.values() if c == "online")
        result.paper = sum(1 for c in voted.values() if c == "paper")
        result.signed_only = len(signed - set(voted))
        if sealed is not None:
            result.sealed = True
            for choice in CHOICES:
                setattr(result, choice, int(sealed["online"][choice]) + int(sealed["paper"][choice]))
        return result
    present = set(online) | set(paper) | signed
    result.voters = len(present)
    result.present = sum(roll[v] for v in present)
    for voter in sorted(present):
        both = voter in online and voter in paper
        if both:
            result.counted_once.append(voter)
        if voter in online and (voter not in paper or result.precedence == "online"):
            choice, result.online = online[voter], result.online + 1
        elif voter in paper:
            choice, result.paper = paper[voter], result.paper + 1
        else:
            result.signed_only += 1
            continue
        setattr(result, choice, getattr(result, choice) + roll[voter])
    return result
