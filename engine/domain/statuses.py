"""Case statuses and case-file event kinds: closed vocabularies, so a typo is an error, not a silent miss."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    WAITING_FOR_PEOPLE = "waiting_for_people"
    WAITING_FOR_TIMER = "waiting_for_timer"
    WAITING_FOR_EVENT = "waiting_for_event"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"
    ERROR = "error"


ACTIVE_STATUSES: tuple[CaseStatus, ...] = (CaseStatus.WAITING_FOR_PEOPLE, CaseStatus.WAITING_FOR_TIMER,
                                           CaseStatus.WAITING_FOR_EVENT)


class EventKind(StrEnum):
    """What the case file (一事一档) records; every event of a case has one of these kinds."""

    CASE_STARTED = "case_started"
    CASE_COMPLETED = "case_completed"
    CASE_ERROR = "case_error"
    CASE_SUSPENDED = "case_suspended"
    CASE_RESUMED = "case_resumed"
    CASE_CANCELLED = "case_cancelled"
    CASE_RETRIED = "case_retried"
    CASE_MIGRATED = "case_migrated"
    TASK_OPENED = "task_opened"
    TASK_COMPLETED = "task_completed"
    TASK_CLOSED = "task_closed"
    TASK_CLAIMED = "task_claimed"
    TASK_UNCLAIMED = "task_unclaimed"
    TASK_REASSIGNED = "task_reassigned"
    TASK_DUE_CHANGED = "task_due_changed"
    TIMER_FIRED = "timer_fired"
    COMPUTED = "computed"
    RULE_BROKEN = "rule_broken"
    ATTACHMENT_ADDED = "attachment_added"
    OBJECTION_LODGED = "objection_lodged"  # a member objects while a publication (公示) runs
    # a timer boundary event's firing, by its caseEvent property (besides timer_fired), for notifications:
    DEADLINE_REMINDER = "deadline_reminder"  # a deadline is near: remind those who do the work
    DEADLINE_PASSED = "deadline_passed"  # a deadline passed with the work open: first escalation
    DEADLINE_ESCALATED = "deadline_escalated"  # still open a period later: a further escalation, each period
    FLAG_CORRECTED = "flag_corrected"  # an administrator corrected a lateness flag, with a reason
    CASE_LINKED = "case_linked"  # merged into or from another case, split into or from (engine.cases.links)
    DEADLINE_APPROXIMATE = "deadline_approximate"  # computed without the year's holiday data (weekends only)
    DEADLINE_RECOMPUTED = "deadline_recomputed"  # ... and computed again once the year's arrangement was loaded
    CASE_EXPORTED = "case_exported"  # the case file left the system: who, with or without personal data
    # residents taking part (engine.participation)
    VOTE_OPENED = "vote_opened"  # an e-vote opened with its roll frozen (voters, weights, eligible base)
    VOTE_CAST = "vote_cast"  # a real-name e-vote (a change names the choice it replaces)
    PAPER_BALLOT = "paper_ballot"  # a real-name paper ballot, entered by the recorder
    SIGNED_IN = "signed_in"  # on the meeting's sign-in sheet, entered by the recorder
    VOTER_VOTED = "voter_voted"  # secret ballot: that the voter voted (online or paper), never how
    PAPER_TALLY = "paper_tally"  # secret ballot: the counts of the anonymous paper ballots
    BALLOTS_SEALED = "ballots_sealed"  # secret ballot: the sealed counts, at the tally
    VOTE_TALLIED = "vote_tallied"  # the combined figures handed to the quorum and majority rules
    RATING_GIVEN = "rating_given"  # 好差评: a resident's five-level rating with comment and photos
    RATINGS_COUNTED = "ratings_counted"  # the online ratings added to the paper survey's totals at the evaluation
    FIX_OPENED = "fix_opened"  # a 不满意 rating opened a fix-and-call-back task for the implementers
    FIX_DONE = "fix_done"  # the implementers recorded what they fixed (the resident is called back)
    FIX_CLOSED = "fix_closed"  # the resident rated again: the fix task is closed
    POST_ADDED = "post_added"  # a post (or reply) in the case's discussion
    POST_HIDDEN = "post_hidden"  # a moderator hid a post, with a reason
    SIGN_RECORDED = "sign_recorded"  # one member's decision in a multi-person step (会签/或签/依次/票签)
    MULTI_SIGN_COMPLETED = "multi_sign_completed"  # the step's rule was met: counts, outcome, withdrawn members
    # task actions (issue 13; engine.cases.attention, handover, takeback)
    TASK_URGED = "task_urged"  # 催办: someone urged the holder of an open step, with a note
    CASE_COPIED = "case_copied"  # 抄送: the case copied to people for their information (a step's copyTo, or a person)
    TASK_TRANSFERRED = "task_transferred"  # 转办 / stand-in / 换届: an open step moved to another holder of its role
    TASK_DELEGATED = "task_delegated"  # 委派: the holder asked someone to work on it; it comes back to them
    TASK_CONSULTED = "task_consulted"  # 加签: the holder asked someone's recorded opinion before or after deciding
    REQUEST_ANSWERED = "request_answered"  # ... and that person answered (the delegate's work, the opinion)
    TASK_WITHDRAWN = "task_withdrawn"  # 撤回: a completed step taken back by who did it, the next not yet acted on
    CASE_WITHDRAWN = "case_withdrawn"  # 撤销: the starter withdrew their proposal before it was decided
    TASK_RETURNED = "task_returned"  # 退回: the case sent back to an earlier step the process allows, with a reason


# the kinds a timer's caseEvent property may name
TIMER_CASE_EVENTS = frozenset({EventKind.DEADLINE_REMINDER, EventKind.DEADLINE_PASSED, EventKind.DEADLINE_ESCALATED})


class MigrationRefusal(StrEnum):
    """Why a case was not moved to another definition version (its ``reason`` says it in words)."""

    ALREADY_ON_VERSION = "already_on_version"
    UNFINISHED_WORK_REMOVED = "unfinished_work_removed"
    FAILS_ON_NEW_VERSION = "fails_on_new_version"


# on a multi-instance member's task_completed (engine.cases.multisign.pass_marks): the step's run (its wrapper task
# id), and on every member's completion after the first of that run, the same id again: the stuck report counts a
# run of a 会签 once (engine.store.report_state)
PASS_KEY = "instance_of"
SAME_PASS_KEY = "same_pass"
