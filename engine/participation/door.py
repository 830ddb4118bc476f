"""The part of ``Yishi`` that serves residents taking part: e-votes, ratings, the discussion and the home page."""

from __future__ import annotations

import functools

from engine.domain import names
from engine.domain.actors import Actor
from engine.domain.texts import DEFAULT_LANGUAGE
from engine.participation import home
from engine.participation.discussion import Discussion
from engine.participation.ratings import Ratings
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

    @functools.cached_property
    def ratings(self) -> Ratings:
        return Ratings(self.runtime)

    def rate(self, case_ref, actor: Actor, level: str, comment: str | None = None,
             photos: list | None = None) -> dict:
        """好差评: the actor's five-level rating while the evaluation is open (again after a fix is done)."""
        return self.ratings.rate(self.case_id(case_ref), actor, level, comment, photos)

    def record_fix(self, case_ref, actor: Actor, rater: str, outcome: str, photos: list | None = None) -> dict:
        """The implementers record the fix of ``rater``'s 不满意 rating; the resident is called back."""
        return self.ratings.record_fix(self.case_id(case_ref), actor, rater, outcome, photos)

    def case_ratings(self, case_ref, actor: Actor) -> dict:
        """The case's ratings: counts, mine, and (implementers, committees) the fix tasks."""
        return self.ratings.view(self.case_id(case_ref), actor)

    @functools.cached_property
    def discussion(self) -> Discussion:
        return Discussion(self.db)

    def post(self, case_ref, actor: Actor, text: str, reply_to: str | None = None,
             attachments: list | None = None) -> dict:
        """A post (or a reply) in the case's discussion; ``@id`` mentions of the unit's members notify them."""
        return self.discussion.post(self.case_id(case_ref), actor, text, reply_to, attachments)

    def hide_post(self, case_ref, actor: Actor, post: str, reason: str) -> dict:
        """The grid steward or the supervision committee hides a post, with a reason (recorded)."""
        return self.discussion.hide(self.case_id(case_ref), actor, post, reason)

    def thread(self, case_ref, actor: Actor) -> dict:
        return self.discussion.thread(self.case_id(case_ref), actor)

    def home(self, actor: Actor, language: str = DEFAULT_LANGUAGE) -> dict:
        """The resident's home: my proposals with their path, votes open to me, evaluations waiting for me, my
        community's boards, my discussions (step names in ``language``)."""
        with self.db.connect() as conn:
            page = home.home(conn, actor, self._element_names)
        for proposal in page["proposals"]:
            proposal["path"] = [names.render(n, language) for n in proposal["path"]]
            proposal["now"] = [names.render(n, language) for n in proposal["now"]]
        page["threads"] = self.discussion.my_threads(actor)
        return page
