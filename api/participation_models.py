"""Request bodies and response models of residents taking part: e-votes, ratings, the discussion, the home page."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from api.models import Instant, Model
from api.schemas import Body, SafeText

Choice = Literal["yes", "no", "abstain"]


class RollEntry(Body):
    user: SafeText = Field(min_length=1, max_length=100, description="the voter's user id")
    weight: int = Field(1, ge=1, le=1000, description="their weight (per household, owner or delegate)")


class OpenVote(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"roll": [{"user": "grid_steward", "weight": 1}, {"user": "proposer", "weight": 2}]}, {}]})
    roll: list[RollEntry] | None = Field(None, max_length=100_000, description="an imported roll; none: the unit's "
                                         "members holding `members_role`")
    members_role: SafeText | None = Field(None, max_length=200, description="the role whose members form the roll "
                                          "(default: the one the process names)")


class CastVote(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"choice": "yes"}]})
    choice: Choice


class PaperBallot(Body):
    voter: SafeText = Field(min_length=1, max_length=100)
    choice: Choice


class PaperCounts(Body):
    yes: int = Field(0, ge=0)
    no: int = Field(0, ge=0)
    abstain: int = Field(0, ge=0)


class RecordPaper(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"ballots": [{"voter": "proposer", "choice": "no"}], "signed_in": ["proposer"]}]})
    ballots: list[PaperBallot] = Field(default_factory=list, max_length=100_000,
                                       description="real-name paper ballots, one per voter")
    signed_in: list[SafeText] = Field(default_factory=list, max_length=100_000,
                                      description="voters on the sign-in sheet (secret ballot: those handed a ballot)")
    paper_tally: PaperCounts | None = Field(None, description="secret ballot: the counts of the paper ballots")


class VoteOpened(Model):
    vote: str
    eligible_total: int
    roll_size: int
    roll_source: str
    opens_at: Instant
    closes_at: Instant
    precedence: str
    secret: bool


class VoteCast(Model):
    vote: str
    voted: bool
    secret: bool = False
    choice: Choice | None = None
    changed: bool = False


class Count(Model):
    vote: str
    secret: bool
    precedence: str
    eligible_total: int
    roll_size: int
    present: int
    yes: int
    no: int
    abstain: int
    voters: int
    online: int
    paper: int
    signed_only: int
    counted_once: list[str]
    sealed: bool
    turnout_percent: float


class VoteView(Model):
    vote: str
    element_id: str
    secret: bool
    opens_at: Instant
    closes_at: Instant
    open: bool = Field(description="votes are taken now")
    tallied: bool = Field(description="the result is counted and published")
    on_roll: bool
    my_weight: int | None
    voted: bool
    my_choice: Choice | None = Field(None, description="real-name votes only")
    changes: int
    roll_size: int
    eligible_total: int
    voters: int
    present: int
    turnout_percent: float
    result: Count | None = Field(None, description="the combined figures, once tallied")


class CaseVotes(Model):
    case_id: int
    reference: str
    title: str
    votes: list[VoteView]
