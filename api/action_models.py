"""Response models of the task actions (issue 13): the four views' counts and copies, urges, hand-over, requests,
what a task or case page may offer, stand-ins and 换届."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from api.models import Instant, Model, OpenStep, Page, SummaryLine


class ViewCounts(Model):
    todo: int = Field(description="待办: open steps I may work")
    requests: int = Field(description="what holders of steps asked of me (委派, 加签), not answered yet")
    done: int = Field(description="已办: steps I completed")
    started: int = Field(description="我发起的: cases I started")
    copied: int = Field(description="抄送我的: cases copied to me")
    copied_unread: int = Field(description="… of which I have not opened yet")


class CopyItem(Model):
    id: int
    case_id: int
    reference: str
    title: str
    unit: str
    definition_key: str
    status: str
    copied_by: str = Field(description="who copied it (`system`: the step's copyTo)")
    element_id: str | None = Field(None, description="the step that copied it")
    note: str | None = None
    copied_at: Instant
    read_at: Instant | None = None
    summary: list[SummaryLine] = Field(default_factory=list)
    open_steps: list[OpenStep] = Field(default_factory=list)


class CopyPage(Page):
    items: list[CopyItem]


class RequestItem(Model):
    id: int
    case_id: int
    task_id: str
    element_id: str
    kind: str = Field(description="delegate | consult_before | consult_after")
    from_user: str
    note: str
    created_at: Instant
    name: str = Field(description="the step's name in the request's language")
    reference: str
    title: str
    unit: str
    definition_key: str
    summary: list[SummaryLine] = Field(default_factory=list)


class RequestRecord(Model):
    id: int
    task_id: str
    element_id: str
    kind: str
    from_user: str
    to_user: str
    note: str
    status: str = Field(description="open | waiting (asked for after the decision) | answered | withdrawn")
    created_at: Instant
    answered_at: Instant | None = None
    answer: str | None = None


class Urged(Model):
    task_id: str
    urged_at: Instant
    urge_count: int
    holders: list[str] = Field(description="who was told")
    next_urge_at: Instant = Field(description="the step may be urged again from then (YISHI_URGE_COOLDOWN_MINUTES)")


class Copied(Model):
    added: list[str] = Field(description="who got the case now")
    already: list[str] = Field(description="who had it already (not copied twice)")


class Transferred(Model):
    task_id: str
    case_id: int
    to: str
    previous: str | None = None


class RequestMade(Model):
    id: int
    task_id: str
    kind: str
    to_user: str
    status: str


class RequestAnswered(Model):
    id: int
    status: str
    answered_at: Instant


class ReturnTarget(Model):
    element_id: str
    name: str


class Returned(Model):
    by: str
    reason: str | None = None
    at: Instant


class TaskActions(Model):
    task_id: str
    holder: bool = Field(description="I hold the step: I may transfer it, ask someone, send it back")
    statutory: str | None = Field(None, description="vote | legality | filing: the decision stays with its role")
    statutory_name: str | None = None
    may_delegate: bool
    transfer_to: list[str] = Field(default_factory=list, description="the other holders of the step's role in its "
                                   "unit (whom I may transfer it to)")
    return_to: list[ReturnTarget] = Field(description="the earlier steps the process lets this one send back to")
    requests: list[RequestRecord]
    returned: Returned | None = Field(None, description="the last 退回 that reopened this step (再次提交)")


class StepUrges(Model):
    task_id: str
    name: str
    holders: list[str]
    urged_at: Instant | None = None
    urge_count: int
    opened_at: Instant | None = None
    opened_since_urge: bool = Field(description="the holder opened the step after the last urge")
    may_urge: bool


class CopyRecord(Model):
    user_id: str
    copied_by: str
    element_id: str | None = None
    note: str | None = None
    created_at: Instant
    read_at: Instant | None = None


class WithdrawableStep(Model):
    task_id: str
    element_id: str | None = None
    name: str


class CaseActions(Model):
    case_id: int
    participant: bool
    steps: list[StepUrges]
    may_copy: bool
    may_withdraw_case: bool = Field(description="I started it and it is not decided yet (撤销)")
    withdrawable_step: WithdrawableStep | None = Field(None, description="my last step, nothing after it acted on "
                                                       "(撤回)")
    copies: list[CopyRecord]
    requests: list[RequestRecord]


class MovedTask(Model):
    task_id: str
    case_id: int
    reference: str | None = None
    title: str | None = None
    step: str | None = Field(default=None, description="the step's name in the request's language")


class KeptTask(MovedTask):
    why: Any = None


class StandInSet(Model):
    id: int
    user_id: str
    stand_in: str
    valid_from: Any
    valid_to: Any
    reason: str
    moved: list[MovedTask]
    kept: list[KeptTask]


class StandInItem(Model):
    id: int
    user_id: str = Field(description="who is absent")
    user_name: str
    stand_in: str
    stand_in_name: str
    valid_from: Any = Field(description="first day (Beijing date)")
    valid_to: Any = Field(description="last day, included")
    reason: str
    state: str = Field(description="planned (not begun) | running")
    created_by: str
    created_at: Instant
    may_end: bool = Field(description="the reader may end or cancel it early")


class StandInList(Model):
    items: list[StandInItem]


class SharedRole(Model):
    unit: str
    unit_name: str
    role: str


class StandInCandidate(Model):
    user: str
    display_name: str
    shared: list[SharedRole] = Field(description="the roles they hold in the same units as the absent person")


class StandInCandidates(Model):
    items: list[StandInCandidate]


class StandInEnded(Model):
    id: int
    state: str = Field(description="ended (it was running: what the stand-in still held moved back) | cancelled")
    moved: list[MovedTask]
    kept: list[KeptTask]


class HandedOver(Model):
    act: str | None = Field(description="the id every case's event of this hand-over carries (None: a dry run)")
    moved: list[MovedTask]
    kept: list[KeptTask]
