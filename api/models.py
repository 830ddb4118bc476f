"""Response models: the typed contract of every answer (the web app's TypeScript client is generated from them).

Each model declares every field a client may use; anything else the engine returns is dropped
(``extra="ignore"``), so a renamed column cannot silently change the API. Instants are returned in
Beijing time with their offset (``2026-12-03T23:59:59+08:00``), never ``Z``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator

from engine.domain import clock, deadlines
from engine.domain.periods import TZ
from engine.domain.statuses import CaseStatus, EventKind, MigrationRefusal
from engine.read.monitor import StuckReason


def beijing(value: dt.datetime) -> str:
    """An instant as ISO-8601 in Asia/Shanghai with its offset (naive values are read as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TZ).isoformat()


Instant = Annotated[
    dt.datetime,
    PlainSerializer(beijing, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-12-03T23:59:59+08:00"],
                    "description": "ISO-8601 instant in Beijing time (+08:00)"}),
]


class Model(BaseModel):
    # every declared field is always present in an answer: required in the schema, even with a default
    model_config = ConfigDict(extra="ignore", from_attributes=True, json_schema_serialization_defaults_required=True)


CaseStatusFilter = StrEnum("CaseStatusFilter", {"ACTIVE": "active", **{s.name: s.value for s in CaseStatus}})
CaseStatusFilter.__doc__ = "A case status, or `active` for every waiting status."


# ----- accounts -----------------------------------------------------------------------------------------------

class Membership(Model):
    unit: str
    role: str
    role_name: str = Field(description="the role's name in the request's language (网格管家, Grid steward)")
    unit_name: str = Field(description="the unit's full name (盘龙区金江路社区)")


class Me(Model):
    user: str
    is_admin: bool
    is_designer: bool
    is_unit_admin: bool = Field(description="holds administrator at some unit: manages people and units there")
    must_change_password: bool = Field(description="signed in with a one-time code: only POST /api/me/password "
                                                   "is allowed until a new password is set")
    memberships: list[Membership] = Field(description="as granted (a covering role also acts below its unit)")


class LoginResult(Model):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: Instant
    must_change_password: bool = Field(False, description="true: the token only allows setting a new password")
    user: Me


class LoggedOut(Model):
    status: Literal["logged out"] = "logged out"


class Unit(Model):
    code: str
    kind: str = Field(description="street, community, group, courtyard, building … (YISHI_UNIT_KINDS)")
    name: str
    parent: str | None = Field(None, description="the unit above it in the tree; none: a root")


class Role(Model):
    """A role code (a BPMN lane, or administrator/designer) with its names."""

    code: str
    zh: str = Field(description="Chinese name (网格管家)")
    en: str = Field(description="English name (Grid steward)")


# ----- tasks ----------------------------------------------------------------------------------------------------

class _Deadline(Model):
    due_at: Instant | None = None
    days_left: int | None = Field(None, description="Beijing calendar days until the due date (0: today, <0: past)")
    overdue: bool = Field(False, description="the due instant has passed")

    @model_validator(mode="before")
    @classmethod
    def _deadline(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("days_left" not in data or "overdue" not in data):
            now = clock.now()
            due = data.get("due_at")
            due = due if isinstance(due, dt.datetime) else None
            data = {**data}
            data.setdefault("days_left", deadlines.days_left(due, now))
            data.setdefault("overdue", deadlines.overdue(due, now))
        return data


class OpenTask(_Deadline):
    """An open step of a case, as the case detail lists it."""

    task_id: str
    case_id: int
    element_id: str
    name: str
    role: str | None = None
    unit: str
    process_key: str = Field(description="the (possibly called) process the step belongs to")
    form: str | None = None
    instance: int | None = None
    created_at: Instant
    claimed_by: str | None = None
    assignee: str | None = Field(None, description="the one user this step is addressed to, if any")


class SummaryLine(Model):
    """One of the method's summary fields (its title and value in the request's language)."""

    name: str
    title: str
    value: str


class TaskSummary(_Deadline):
    """One item of my inbox."""

    task_id: str
    case_id: int
    reference: str | None = Field(None, description="the case reference (金江路社区-2026-0001)")
    title: str | None = Field(None, description="the case title")
    element_id: str
    name: str
    role: str | None = None
    unit: str
    process_key: str = Field(description="the (possibly called) process the step belongs to")
    definition_key: str | None = Field(None, description="the case's method (five_step, …)")
    form: str | None = None
    instance: int | None = None
    created_at: Instant
    claimed_by: str | None = None
    claimed_at: Instant | None = None
    assignee: str | None = Field(None, description="the one user this step is addressed to (the process's "
                                                   "`assignee`); none: whoever holds `role` in `unit`")
    instructions: str | None = Field(None, description="what to do, Markdown, in the request's language")
    summary: list[SummaryLine] = Field(default_factory=list, description="the method's summary fields")
    urged_at: Instant | None = Field(None, description="when the step was last urged (催办)")
    urge_count: int = 0


class ContextItem(Model):
    name: str
    title: str
    value: Any = None


class MemberSign(Model):
    """One member's decision in a multi-person step."""

    member: str
    decision: Literal["approve", "reject"]
    opinion: str | None = None
    at: str | None = Field(None, description="when it was signed (ISO instant)")


class MultiSign(Model):
    """A multi-person step (会签 all / 或签 any / 依次 sequential / 票签 a vote word) and how far it is."""

    rule: Literal["all", "any", "sequential", "more_than_half", "half_or_more", "two_thirds_or_more"]
    sequential: bool = Field(description="members act one after another")
    signs_total: int = Field(description="members in the step")
    signs_done: int
    signs_approved: int
    signs_rejected: int
    signs: list[MemberSign] = Field(description="decisions so far, in the order they were made")
    waiting: list[str] = Field(description="members who have not decided yet")


class TaskDetail(TaskSummary):
    """One open task with everything needed to do it."""

    signature: Literal["required", "optional"] | None = Field(
        None, description="the step takes a handwritten signature (with the opinion)")
    multi_sign: MultiSign | None = Field(None, description="a multi-person step: its rule and progress")

    status: CaseStatus | None = Field(None, description="the case's status")
    context: list[ContextItem] = Field(default_factory=list, description="case data shown read-only beside the form")
    form_schema: dict[str, Any] | None = Field(None, description="the form's JSON Schema (draft 2020-12)")
    ui_schema: dict[str, Any] | None = Field(None, description="the form's uiSchema (react-jsonschema-form)")
    initial_data: dict[str, Any] = Field(default_factory=dict, description="form values prefilled from the case")


class Page(Model):
    limit: int
    offset: int
    total: int | None = Field(None, description="how many items match in all (when cheap to count)")


class TaskPage(Page):
    items: list[TaskSummary]


class DoneTask(Model):
    """A task I completed (已办), from the case file."""

    task_id: str
    case_id: int
    reference: str
    title: str
    definition_key: str = Field(description="the case's method (five_step, …)")
    element_id: str
    name: str = Field(description="the step's name in the request's language")
    role: str | None = Field(None, description="the role I completed it in")
    unit: str
    completed_at: Instant
    data: dict[str, Any] = Field(description="what I submitted")
    fields: list[ContextItem] = Field(default_factory=list, description="what I submitted, titled and labelled")
    summary: list[SummaryLine] = Field(default_factory=list, description="the method's summary fields")


class DoneTaskPage(Page):
    items: list[DoneTask]


# ----- cases ----------------------------------------------------------------------------------------------------

class OpenStep(_Deadline):
    """Where a case stands: one of its open steps."""

    element_id: str
    name: str = Field(description="the step's name in the request's language")
    role: str | None = None


class _Case(Model):
    id: int
    reference: str
    definition_key: str
    unit: str
    title: str
    status: CaseStatus
    end_event: str | None = None
    next_timer_at: Instant | None = None
    created_at: Instant
    updated_at: Instant
    last_progress_at: Instant
    error_element: str | None = None
    started_by: str = Field(description="the user who started the case")
    summary: list[SummaryLine] = Field(default_factory=list, description="the method's summary fields")


class CaseSummary(_Case):
    """One case of a list, with the steps it waits at (so a list shows where each case stands)."""

    open_steps: list[OpenStep] = Field(description="its open steps, oldest first")


class CasePage(Page):
    items: list[CaseSummary]


class CaseLink(Model):
    kind: Literal["merged_into", "merged_from", "split_into", "split_from"] = Field(
        description="merged_into: this case went into the other; merged_from: the other went into this one; "
                    "split_into / split_from: the other was split off this one / this one off the other")
    reference: str
    title: str
    status: CaseStatus
    started_by: str
    reason: str
    created_at: Instant


class CaseDetail(_Case):
    definition_version: int
    definition_version_id: int
    lock_version: int
    error_message: str | None = None
    open_tasks: list[OpenTask]
    links: list[CaseLink] = Field(default_factory=list, description="merged and split cases linked to this one")
    key_figures: dict[str, Any] = Field(default_factory=dict,
                                        description="the latest value of everything the process computed")


class ObjectionLodged(Model):
    objector: str = Field(description="who objects: the member, or the resident the supervision committee named")
    lodged_by: str
    on_behalf: bool
    lodged_at: Instant
    text: str
    attachments: list[dict[str, Any]] = Field(default_factory=list, description="the files it names, as references "
                                              "`{sha256, name, size, media_type}` of the case's attachments")
    publication_kind: str | None = Field(None, description="the notice objected to (resolution, result, …)")
    case: CaseDetail = Field(description="the case after the objection: the committee's ruling task is open")


class Event(Model):
    seq: int
    at: Instant
    actor: str
    kind: EventKind
    element_id: str | None = None
    task_id: str | None = None
    data: dict[str, Any]
    fields: list[ContextItem] = Field(default_factory=list, description="the submitted or computed values, titled "
                                      "and with coded values labelled in the request's language")
    masked: bool = Field(False, description="personal data in this event is masked for the reader (they do not "
                         "handle that step); the hashes are those of the full event")
    masked_fields: list[str] = Field(default_factory=list, description="the paths masked, e.g. data.proposer.phone")
    prev_hash: str
    hash: str


class Verification(Model):
    ok: bool
    events: int
    broken_at: int | None = None
    reason: str | None = None
    failed: str | None = Field(None, description="the first check that failed: chain, count, head, seal, case_row "
                               "or open_tasks")
    checks: dict[str, bool] = Field(default_factory=dict, description="each check and whether it passed")
    warning: str | None = Field(None, description="e.g. sealed with the development key, which proves nothing")


class Attachment(Model):
    """A file of the case (一事一档). A form field refers to it as ``{sha256, name, size, media_type}``."""

    sha256: str = Field(description="SHA-256 of the content (hex); the file's address and its check")
    size: int = Field(description="bytes")
    media_type: str = Field(description="judged from the content (image/jpeg, application/pdf …)")
    file_name: str
    task_id: str | None = Field(description="the task it was added to, if any")
    element_id: str | None = None
    uploaded_by: str
    uploaded_at: Instant


class HolidayVersion(Model):
    id: int
    year: int
    source: str
    holidays: list[str] = Field(description="ISO dates off work (放假)")
    workdays: list[str] = Field(description="ISO dates of make-up work on a weekend (调休上班)")
    loaded_by: str
    loaded_at: Instant
    in_force: bool = Field(description="the newest version of its year, the one deadlines use")


class HolidayCalendars(Model):
    covered_years: list[int] = Field(description="years whose holidays are known (loaded or in the package); "
                                     "a deadline counted in another year is approximate (Monday to Friday)")
    package_years: list[int] = Field(description="years the chinesecalendar package knows")
    versions: list[HolidayVersion]


class DeadlineChange(Model):
    case: str = Field(description="case reference")
    key: str | None = Field(description="the computed deadline (e.g. reply_due), or null for a task's due date")
    task: str | None = Field(description="the element of the open task whose due date moved")
    previous: str | None
    value: str | None


class HolidaysLoaded(Model):
    id: int
    year: int
    source: str
    loaded_by: str
    loaded_at: Instant
    holidays: int
    workdays: int
    changes: list[DeadlineChange] = Field(description="deadlines of running cases computed again, each recorded "
                                          "in its case file")
    skipped_cases: list[int] = Field(description="cases busy at the time; load the year again to recompute them")


class History(Model):
    case: str = Field(description="the case reference")
    events: list[Event]
    verified: bool
    verification: Verification


class DiagramElement(Model):
    process: str
    element_id: str


class Diagram(Model):
    definition: str
    version: int
    bpmn: dict[str, str] = Field(description="file name → BPMN XML of the case's pinned version")
    completed: list[DiagramElement]
    active: list[DiagramElement]


# ----- definitions ----------------------------------------------------------------------------------------------

class Version(Model):
    id: int
    key: str
    version: int
    name: str
    content_hash: str
    created_by: str
    created_at: Instant


class VersionItem(Version):
    has_scenarios: bool = Field(description="whether a scenario file was stored with this version")


class Definition(Version):
    start_roles: list[str]
    versions: int = Field(description="how many versions are deployed")


class Method(Model):
    """A method I may start (the newest version of a definition with start roles or a start form)."""

    key: str
    name: str = Field(description="the method's name in the request's language")
    version: int
    can_start_in: list[str] = Field(description="the units (codes) where I may start it (administrators: every unit)")


class StartForm(Model):
    key: str
    name: str = Field(description="the method's name in the request's language")
    version: int
    form_schema: dict[str, Any] | None = Field(description="the start form's JSON Schema (draft 2020-12); null: "
                                                           "the method has no start form")
    ui_schema: dict[str, Any] | None = Field(description="the start form's uiSchema (react-jsonschema-form)")
    initial_data: dict[str, Any] = Field(description="the documented defaults of the start form")


class HeatElement(Model):
    process: str = Field(description="the (possibly called) process the element belongs to")
    element_id: str
    name: str = Field(description="the element's name in the request's language")
    waiting: int = Field(description="open tasks waiting at this element")
    overdue: int = Field(description="… of which past their due date")


class Heat(Model):
    """Where the running cases of a method wait, to draw on its newest version's diagram."""

    key: str
    name: str
    version: int = Field(description="the newest version (its BPMN is `bpmn`)")
    bpmn: dict[str, str] = Field(description="file name → BPMN XML of the newest version")
    elements: list[HeatElement] = Field(description="counts over the running cases of every version, most first")
    running_cases: int = Field(description="cases of the method not completed or cancelled")
    waiting_for_timer: int = Field(description="running cases waiting only for a timer")


class VersionContent(Model):
    key: str
    version: int
    name: str
    content_hash: str
    bpmn: dict[str, str] = Field(description="file name → BPMN XML")
    forms: dict[str, Any] = Field(description="'<process id>/<file>' → JSON Schema or uiSchema")
    start_roles: list[str]
    start_form: str | None = None
    settings: dict[str, Any]
    created_by: str
    created_at: Instant
    scenarios: str | None = Field(None, description="the scenario file (YAML) current when this version was "
                                                   "deployed, or null")


class MethodRef(Model):
    key: str
    name: str


class CalledProcess(Model):
    process_id: str
    name: str
    file: str = Field(description="its BPMN file in this version")
    used_by: list[MethodRef] = Field(description="the other methods whose newest version holds the same file")
    own_version: int | None = Field(description="the newest version deployed of it as a definition of its own")
    same_as_own: bool = Field(description="whether this version's copy is that newest version's")


class DeployedVersion(Model):
    key: str
    version: int
    version_id: int
    content_hash: str
    created: bool = Field(description="false: identical content was already deployed as this version")


class Deployed(Model):
    deployed: list[DeployedVersion]


class ScenarioFile(Model):
    key: str
    text: str | None = Field(description="processes/<key>.scenarios.yaml as shipped (YAML), or null")


class ScenarioFailure(Model):
    step: int | None = Field(description="1-based step number; null: the start or the final expectations")
    element_id: str | None
    message: str


class ScenarioResult(Model):
    name: str
    passed: bool
    failures: list[ScenarioFailure]
    path: list[str] = Field(description="element ids of the tasks completed, in order")
    timers: list[str] = Field(description="element ids of the timers fired, in order")
    status: str | None
    end_event: str | None
    open: list[str]
    figures: dict[str, Any] = Field(description="the case's key figures at the end")


class ScenarioReport(Model):
    results: list[ScenarioResult]


class LintReport(Model):
    ok: bool = Field(description="true: no error (warnings may remain); deploying would lint the same")
    problems: list[LintProblem]


class ExpressionCheck(Model):
    problems: list[str] = Field(description="what the sandbox refuses, and calls of functions that do not exist")


class DomainFunction(Model):
    name: str
    signature: str
    zh: str = Field(description="its meaning in Chinese (e.g. 过半数)")
    en: str
    group: Literal["vote", "deadline"] | str


class DiffElement(Model):
    id: str
    type: str = Field(description="the BPMN element's kind (userTask, sequenceFlow, lane …)")
    name: str | None = None


class ChangedElement(DiffElement):
    what: list[str] = Field(description="what changed: name, condition, script, form, timer, lane, "
                                        "property:<name>, preScript, postScript, documentation, attributes …")


class DefinitionDiff(Model):
    added: list[DiffElement]
    removed: list[DiffElement]
    changed: list[ChangedElement]


class DataField(Model):
    name: str
    title_zh: str
    title_en: str
    source: str | None = Field(description="the element whose form or script gives it (null: every case has it)")
    kind: Literal["case", "start_form", "form", "script"] | str


class TidyResult(Model):
    bpmn: str


class MigrationCase(Model):
    case_id: int
    reference: str
    from_version: int
    status: CaseStatus
    can_migrate: bool
    blocking_elements: list[str]
    changed_elements: list[str]
    reason: str | None = Field(None, description="why it cannot move, in the reader's language")


class MigrationPlan(Model):
    definition: str
    to_version: int
    cases: list[MigrationCase]


class MigrationOutcome(Model):
    case_id: int
    migrated: bool
    refusal: MigrationRefusal | None = Field(None, description="why a case did not move, as a code")
    reason: str | None = None
    from_version: int | None = None
    to_version: int | None = None


class MigrationResult(Model):
    results: list[MigrationOutcome]


# ----- the public board (no login) ------------------------------------------------------------------------------

class Publication(Model):
    """A notice whose publication period runs now."""

    reference: str
    title: str
    kind: str | None = Field(None, description="publication_kind: resolution, result, convention, rejection, …")
    kind_name: str | None = Field(None, description="the kind in the request's language (决议公示)")
    started_at: Instant | None = Field(None, description="when the notice was posted")
    ends_at: Instant = Field(description="the end of the publication period")
    content: str | None = Field(None, description="the notice as posted")


class Outcome(Model):
    reference: str
    title: str
    end_event: str | None = None
    end_event_name: str | None = Field(None, description="how it ended, in the request's language")
    completed_at: Instant


class PublicBoard(Model):
    """A unit's public board (公示栏): running publications and the last completed cases, nothing personal."""

    unit: str
    name: str
    publications: list[Publication]
    outcomes: list[Outcome] = Field(description="the last 20 completed cases, newest first")


# ----- administration and system --------------------------------------------------------------------------------

class StuckCase(Model):
    case_id: int
    reference: str
    title: str
    definition_key: str
    unit: str
    reason: StuckReason
    element_id: str | None = None
    role: str | None = None
    since: Instant
    detail: str
    urge_count: int = Field(0, description="how often the waiting step was urged (催办)")
    urged_at: Instant | None = Field(None, description="the last urge")
    opened_since_urge: bool | None = Field(None, description="its holder opened the step after the last urge "
                                           "(none: never urged)")


class StuckList(Model):
    items: list[StuckCase] = Field(description="one page, the longest stuck first")
    counts: dict[str, int] = Field(description="rows per reason, over every page")
    total: int = Field(description="rows over every page")
    limit: int
    offset: int


class ClockResult(Model):
    now: Instant
    timers_fired: int
    cases: int


class Health(Model):
    status: Literal["ok"] = "ok"
    definitions: int
    now: Instant


# ----- errors (RFC 9457) ----------------------------------------------------------------------------------------

class FieldProblem(Model):
    path: str = Field(description="slash-separated path of the field ('participants/0/name'), '' for the whole body")
    message: str


class LintProblem(Model):
    file: str
    element_id: str | None = None
    line: int | None = None
    code: str
    severity: Literal["error", "warning"] | str
    message: str


class Problem(Model):
    """An error answer (RFC 9457 problem details), worded in the request's language."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=False)  # errors/problems only when set

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = Field(None, description="invalid input: one entry per field")
    problems: list[LintProblem] | None = Field(None, description="invalid definition: every lint finding")


class StockPhrases(Model):
    """常用语 offered for opinions in a unit."""

    unit: str
    phrases: list[str]
    source: str | None = Field(description="the unit whose list this is (None: the built-in defaults)")
    editable: bool = Field(description="the reader may change this unit's list")
    inherited: list[str] = Field(default_factory=list, description="what the units above offer (the list in "
                                 "force when this unit has none of its own), read-only here")
    inherited_from: str | None = Field(default=None, description="the unit the inherited list is from (None: "
                                       "the built-in defaults)")


class ForecastStep(Model):
    """One step ahead (a forecast, not a decision)."""

    element_id: str
    name: str
    process: str
    role: str | None
    role_name: str | None
    open: bool = Field(description="open now (its due date is the real one)")
    due_at: Instant | None = Field(description="forecast due date (each step counted from the previous one's)")
    holders: list[str] = Field(description="who holds the role (or the addressed person) where known")
    multi_sign: str | None = Field(description="a multi-person step's rule, when it can be told already")


class Forecast(Model):
    """流程预测: the path ahead of a case, marked as a forecast."""

    case_id: int
    forecast: bool = Field(description="always true: this is a forecast")
    generated_at: Instant
    steps: list[ForecastStep]
