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


Level = Literal["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]


class Photo(Body):
    sha256: SafeText = Field(pattern="^[0-9a-f]{64}$", description="a file added to the case first")
    name: SafeText | None = Field(None, max_length=255)
    size: int | None = Field(None, ge=0)
    media_type: SafeText | None = Field(None, max_length=127)


class Rate(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"level": "dissatisfied", "comment": "3号楼前的管道漏水 The pipe in front of building 3 leaks"}]})
    level: Level = Field(description="非常满意 … 非常不满意 (the national five levels)")
    comment: SafeText | None = Field(None, max_length=2000)
    photos: list[Photo] = Field(default_factory=list, max_length=9)


class RecordFix(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"rater": "proposer", "outcome": "更换了漏水的接头 Replaced the leaking joint"}]})
    rater: SafeText = Field(min_length=1, max_length=100, description="whose rating the fix answers")
    outcome: SafeText = Field(min_length=1, max_length=2000, description="what was fixed")
    photos: list[Photo] = Field(default_factory=list, max_length=9)


class Rated(Model):
    rater: str
    level: Level
    round: int
    fix_opened: bool
    fix_closed: bool


class FixDone(Model):
    rater: str
    state: str
    late: bool


class RatingGiven(Model):
    level: Level
    comment: str | None
    photos: list[dict] = Field(default_factory=list)
    round: int
    at: Instant


class Fix(Model):
    rater: str | None = None
    state: Literal["open", "done", "closed"]
    level: Level | None
    comment: str | None
    due_at: Instant
    outcome: str | None
    outcome_photos: list[dict] = Field(default_factory=list)
    new_level: Level | None


class RatingCounts(Model):
    levels: dict[str, int]
    respondents: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


class CaseRatings(Model):
    case_id: int
    reference: str
    title: str
    open: bool = Field(description="the evaluation takes ratings now")
    closes_at: Instant | None
    may_rate: bool
    counts: RatingCounts
    my_ratings: list[RatingGiven]
    my_fix: Fix | None
    fixes: list[Fix] = Field(description="the fix-and-call-back tasks (implementers, committees, the steward)")


class AddPost(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"text": "管道走向请 @grid_steward 看看 Please look at the pipe's route"}]})
    text: SafeText = Field(min_length=1, max_length=2000, description="`@user` mentions a member of the unit")
    reply_to: SafeText | None = Field(None, max_length=40, description="the post this answers")
    attachments: list[Photo] = Field(default_factory=list, max_length=9)


class HidePost(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "广告，与议题无关 Advertising"}]})
    reason: SafeText = Field(min_length=1, max_length=500)


class Post(Model):
    post: str
    author: str
    author_name: str | None = None
    at: Instant
    text: str
    reply_to: str | None
    mentions: list[str]
    attachments: list[dict] = Field(default_factory=list)
    hidden: bool
    hidden_reason: str | None
    hidden_by: str | None


class PostHidden(Model):
    post: str
    hidden: bool
    reason: str


class Thread(Model):
    case_id: int
    reference: str
    title: str
    may_moderate: bool
    posts: list[Post]


class HomeProposal(Model):
    case_id: int
    reference: str
    title: str
    status: str
    created_at: Instant
    path: list[str] = Field(description="the steps done so far, in order")
    now: list[str] = Field(description="the steps open now")


class HomeVote(Model):
    case_id: int
    reference: str
    title: str
    vote: str
    closes_at: Instant
    secret: bool
    voted: bool


class HomeEvaluation(Model):
    case_id: int
    reference: str
    title: str
    closes_at: Instant | None
    call_back: bool = Field(description="the fix of my rating is done: rate again")


class HomeBoard(Model):
    unit: str
    name: str


class HomeThread(Model):
    case_id: int
    reference: str
    title: str
    last_at: Instant
    my_posts: int


class Home(Model):
    proposals: list[HomeProposal]
    votes: list[HomeVote]
    evaluations: list[HomeEvaluation]
    boards: list[HomeBoard]
    threads: list[HomeThread]
