"""Residents taking part: e-votes beside the meeting (open, vote, paper ballots), 好差评 ratings with the
fix-and-call-back, the case discussion, and the resident's home."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep
from api.participation_models import (
    AddPost,
    CaseRatings,
    CaseVotes,
    CastVote,
    Count,
    FixDone,
    HidePost,
    Home,
    OpenVote,
    Post,
    PostHidden,
    Rate,
    Rated,
    RecordFix,
    RecordPaper,
    Thread,
    VoteCast,
    VoteOpened,
)
from api.problems import errors
from api.schemas import CaseRef

router = APIRouter(prefix="/cases", tags=["participation"])
PostId = Annotated[str, Path(pattern="^[0-9a-f]{12}$", description="a post's id")]


@router.get("/{case}/votes", response_model=CaseVotes, responses=errors(401, 403, 404, 422),
            summary="The case's votes: window, turnout, my ballot, and the result once counted")
def case_votes(case: CaseRef, service: ServiceDep, actor: ActorDep) -> dict:
    return service.case_votes(case, actor)


@router.post("/{case}/votes", status_code=201, response_model=VoteOpened, responses=errors(401, 403, 404, 409, 422),
             summary="Open the e-vote of the coming vote, freezing its roll (the opener the process names)")
def open_vote(case: CaseRef, body: OpenVote, service: ServiceDep, actor: ActorDep) -> dict:
    roll = [entry.model_dump() for entry in body.roll] if body.roll is not None else None
    return service.open_vote(case, actor, roll=roll, members_role=body.members_role)


@router.post("/{case}/votes/ballot", response_model=VoteCast, responses=errors(401, 403, 404, 409, 422, 429),
             summary="My e-vote (yes, no or abstain) during the window; real-name votes may be changed until it "
                     "closes")
def cast_vote(case: CaseRef, body: CastVote, service: ServiceDep, actor: ActorDep) -> dict:
    return service.cast_vote(case, actor, body.choice)


@router.post("/{case}/votes/paper", response_model=Count, responses=errors(401, 403, 404, 409, 422),
             summary="The recorder enters paper ballots and the sign-in sheet; answers the combined count so far")
def record_paper(case: CaseRef, body: RecordPaper, service: ServiceDep, actor: ActorDep) -> dict:
    return service.record_paper(case, actor, ballots=[b.model_dump() for b in body.ballots],
                                signed_in=list(body.signed_in),
                                paper_tally=body.paper_tally.model_dump() if body.paper_tally else None)


@router.get("/{case}/ratings", response_model=CaseRatings, responses=errors(401, 403, 404, 422),
            summary="好差评: the counts, my rating and fix, and (implementers, committees) the fix tasks")
def case_ratings(case: CaseRef, service: ServiceDep, actor: ActorDep) -> dict:
    return service.case_ratings(case, actor)


@router.post("/{case}/ratings", status_code=201, response_model=Rated, responses=errors(401, 403, 404, 409, 422, 429),
             summary="My five-level rating while the evaluation is open (again once the fix of a 不满意 is done)")
def rate(case: CaseRef, body: Rate, service: ServiceDep, actor: ActorDep) -> dict:
    return service.rate(case, actor, body.level, body.comment, [p.model_dump(exclude_none=True) for p in body.photos])


@router.post("/{case}/ratings/fix", response_model=FixDone, responses=errors(401, 403, 404, 409, 422),
             summary="The implementers record the fix of a resident's 不满意 rating; the resident is called back")
def record_fix(case: CaseRef, body: RecordFix, service: ServiceDep, actor: ActorDep) -> dict:
    return service.record_fix(case, actor, body.rater, body.outcome,
                              [p.model_dump(exclude_none=True) for p in body.photos])


@router.get("/{case}/discussion", response_model=Thread, responses=errors(401, 403, 404, 422),
            summary="The case's discussion: posts and replies in order (hidden ones keep their place)")
def thread(case: CaseRef, service: ServiceDep, actor: ActorDep) -> dict:
    return service.thread(case, actor)


@router.post("/{case}/discussion", status_code=201, response_model=Post,
             responses=errors(401, 403, 404, 409, 422, 429),
             summary="Post (or reply) in the case's discussion; `@user` notifies a member of the unit")
def add_post(case: CaseRef, body: AddPost, service: ServiceDep, actor: ActorDep) -> dict:
    return service.post(case, actor, body.text, body.reply_to,
                        [p.model_dump(exclude_none=True) for p in body.attachments])


@router.post("/{case}/discussion/{post}/hide", response_model=PostHidden, responses=errors(401, 403, 404, 409, 422),
             summary="Hide a post with a reason (the grid steward, the supervision committee; recorded)")
def hide_post(case: CaseRef, post: PostId, body: HidePost, service: ServiceDep, actor: ActorDep) -> dict:
    return service.hide_post(case, actor, post, body.reason)


me_router = APIRouter(prefix="/me", tags=["participation"])


@me_router.get("/home", response_model=Home, responses=errors(401),
               summary="The resident's home: my proposals, votes open to me, evaluations waiting, boards, discussions")
def resident_home(service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.home(actor, language)
