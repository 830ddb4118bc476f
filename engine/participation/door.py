"""The part of ``Yishi`` that serves residents taking part: e-votes, ratings, the discussion and the home page."""

from __future__ import annotations

import functools

from engine.domain.actors import Actor
from engine.participation.votes import Votes


class ParticipationDoor:
    """Mixed into ``engine.service.Yishi`` (which provides ``runtime``, ``db`` and ``case_id``)."""

    @functools.cached_property
    def votes(self) -> Votes:
        return Votes(self.runtime)

    def open_vote(self, case_ref, actor: Actor, *, roll: list[dict] | None = None,
                  members_role: str | None = None) -> dict:
        """Open the e-vote of the case's coming vote, freezing its roll (imported, or the unit's members)."""
        return self.votes.open(self.case_id(case_ref), actor, roll=roll, members_role=members_role)

    def cast_vote(self, case_ref, actor: Actor, choice: str) -> dict:
        """The actor's e-vote: yes, no or abstain (real name: changeable until the window closes)."""
        return self.votes.cast(self.case_id(case_ref), actor, choice)

    def record_paper(self, case_ref, actor: Actor, *, ballots: list[dict] | None = None,
                     signed_in: list[str] | None = None, paper_tally: dict | None = None) -> dict:
        """The recorder enters paper ballots and the sign-in sheet; returns the combined count so far."""
        return self.votes.record_paper(self.case_id(case_ref), actor, ballots=ballots, signed_in=signed_in,
                                       paper_tally=paper_tally)

    def case_votes(self, case_ref, actor: Actor) -> dict:
        """The case's votes as ``actor`` sees them (window, turnout, my ballot, published result)."""
        return self.votes.view(self.case_id(case_ref), actor)
