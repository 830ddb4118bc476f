"""Residents taking part: e-votes beside the meeting (open, vote, paper ballots), ratings, the discussion."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ActorDep, ServiceDep
from api.participation_models import CaseVotes, CastVote, Count, OpenVote, RecordPaper, VoteCast, VoteOpened
from api.problems import errors
from api.schemas import CaseRef

router = APIRouter(prefix="/cases", tags=["participation"])


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
