"""Request bodies and parameter types (pydantic). Responses are in ``api.models``.

Every body forbids unknown keys (``{"channel": …}`` sent without the ``data`` wrapper is a 422 naming
``channel``); text rejects NUL and unpaired surrogates (PostgreSQL cannot store them) with a field error;
numbers in paths and queries are plain ASCII digits within bounds. Each body's example is one the API
accepts against the shipped methods and the demo data (``tests/test_api_contract.py`` posts them all).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError

from engine.domain import values

MAX_INT = 2**31 - 1
MAX_OFFSET = 10**6


def _bad_character(text: str) -> bool:
    return values.has_nul(text) or values.has_lone_surrogate(text)


def _safe_text(value: str) -> str:
    if _bad_character(value):
        raise PydanticCustomError("text_control", "must not contain NUL or unpaired surrogate characters")
    return value


def _safe_json(value: Any) -> Any:
    """Reject NUL and unpaired surrogates anywhere in a JSON document (keys too), naming where."""
    for path, leaf in values.leaves(value):
        if isinstance(leaf, str) and _bad_character(leaf):
            raise PydanticCustomError("text_control_in", "{where}: must not contain NUL or unpaired surrogate "
                                      "characters", {"where": path or "(value)"})
    return value


def _ascii_digits(value: Any) -> Any:
    """Numbers in paths and queries: ASCII digits only (no sign, space, fraction, exponent or ``_``)."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) <= 12):
        raise PydanticCustomError("int_parsing", "Input should be a valid integer, unable to parse string as an "
                                  "integer")
    return value


def _iso_instant(value: Any) -> Any:
    """Instants are ISO-8601 text starting with the date (pydantic would read a bare number as a Unix time)."""
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("datetime_parsing", "Input should be a valid datetime")
    return value


SafeText = Annotated[str, AfterValidator(_safe_text)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_safe_json)]
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_INT)]
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_instant)]

# parameters of paths and queries
Limit = Annotated[int, Query(ge=1, le=500, description="at most this many items"), BeforeValidator(_ascii_digits)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="skip this many items"),
                   BeforeValidator(_ascii_digits)]
CaseFilter = Annotated[int | None, Query(ge=1, le=MAX_INT, description="only this case's tasks (its id)"),
                       BeforeValidator(_ascii_digits)]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_INT, description="version number"), BeforeValidator(_ascii_digits)]
TargetVersion = Annotated[int | None, Query(ge=1, le=MAX_INT, description="target version (default: the newest)"),
                          BeforeValidator(_ascii_digits)]
CaseRef = Annotated[SafeText, Path(min_length=1, max_length=240,
                                   description="case id (42) or reference (金江路社区-2026-0001)")]
TaskId = Annotated[SafeText, Path(min_length=1, max_length=64, description="task id (a UUID)")]
DefinitionKey = Annotated[SafeText, Path(min_length=1, max_length=200, description="definition key (BPMN process id)")]


UnitFilter = Annotated[SafeText | None, Query(max_length=200, description="only this unit (community or building)")]
RoleFilter = Annotated[SafeText | None, Query(max_length=200, description="only this role")]
ProcessFilter = Annotated[SafeText | None, Query(max_length=200, description="only this (possibly called) process")]
MethodFilter = Annotated[SafeText | None, Query(max_length=200, description="only cases of this method (definition)")]
StartUnit = Annotated[SafeText, Query(min_length=1, max_length=200, description="the unit to start the case in")]
UnitCode = Annotated[SafeText, Path(min_length=1, max_length=200, description="unit code (金江路社区)")]


class Mine(StrEnum):
    """``started``: cases I started; ``involved``: cases I started or completed a task in."""

    STARTED = "started"
    INVOLVED = "involved"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"user": "proposer", "password": "yishi-demo"}]})
    user: SafeText = Field(min_length=1, max_length=100)
    password: SafeText = Field(min_length=1, max_length=200)


class StartCase(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "definition": "five_step", "unit": "金江路社区", "title": "3号院加装电梯",
        "data": {"title": "3号院加装电梯"}}]})
    definition: SafeText = Field(min_length=1, max_length=200, description="definition key (the BPMN process id)")
    unit: SafeText = Field(min_length=1, max_length=200, description="community or building code")
    title: SafeText | None = Field(default=None, max_length=500)
    data: JsonObject = Field(default_factory=dict, description="start data, validated by the start form")


REGISTRATION = {
    "channel": "deliberation_hall", "proposer_type": "owners_committee",
    "proposer": {"name": "李业委", "role": "业委会主任", "unit": "金康园业委会"}, "co_signers": 35,
    "title": "3号院加装电梯", "description": "3号院为六层老旧住宅，老人上下楼困难，业委会提议加装电梯并分摊费用。",
    "category": "renovation", "scope": "courtyard_or_estate", "est_households_affected": 36,
}


class FileRef(Body):
    """A file already added to the case (``POST /api/cases/{id}/attachments``), by its SHA-256."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the content (hex)")
    name: SafeText | None = Field(default=None, max_length=255)


class Opinion(Body):
    """审批意见: the opinion a decision carries (often one of the unit's stock phrases), optional photos, and the
    handwritten signature a step with ``signature`` = required asks for (a PNG drawn on the phone)."""

    text: SafeText = Field(default="", max_length=2000, description="the opinion in words")
    photos: list[FileRef] = Field(default_factory=list, max_length=9, description="photos of the case's files")
    signature: FileRef | None = Field(default=None, description="the signature image, a file of the case")


class NewStockPhrases(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"phrases": ["同意。", "请补充材料后再提交。"]}]})
    phrases: list[Annotated[SafeText, Field(min_length=1, max_length=100)]] = Field(
        max_length=30, description="the unit's stock phrases, in the order offered (each 1 to 100 characters)")


class CompleteTask(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": REGISTRATION}]})
    data: JsonObject = Field(default_factory=dict, description="form data, validated by the task's JSON Schema")
    opinion: Opinion | None = Field(default=None, description="审批意见: opinion, photos, signature (recorded "
                                                              "with the completion in the case file)")


class Reason(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "提议人撤回 The proposer withdrew"}]})
    reason: SafeText = Field(min_length=1, max_length=2000)


class OptionalReason(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "街道已答复 The street office answered"}]})
    reason: SafeText | None = Field(default=None, max_length=2000)


class Retry(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": {}}]})
    data: JsonObject = Field(default_factory=dict, description="data patch for the failed element")


class FlagCorrection(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "flag": "late_yunnan", "value": False,
        "reason": "报送回执显示4月20日已送达 The receipt shows it was filed on 20 April"}]})
    flag: SafeText = Field(min_length=1, max_length=100, pattern=r"^(late_[a-z0-9_]+|[a-z][a-z0-9_]*_late)$",
                           description="a lateness flag the case file holds (named late_… or …_late)")
    value: Annotated[bool, Strict()] = Field(description="the corrected value")
    reason: SafeText = Field(min_length=1, max_length=2000, description="why, recorded in the case file")


class LodgeObjection(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "text": "电梯井挡住3号楼一层的采光，请重新论证。 The lift shaft blocks building 3's ground-floor light."}]})
    text: SafeText = Field(min_length=1, max_length=4000, description="what the objection is")
    on_behalf_of: SafeText | None = Field(None, max_length=200, description="the resident the supervision committee "
                                          "lodges it for (only the supervision committee may)")
    attachments: list[JsonObject] = Field(default_factory=list, max_length=20, description="references "
                                          "`{sha256, name}` of files added to the case first "
                                          "(`POST /api/cases/{id}/attachments`)")


class Reassign(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"user": "grid_steward",
                                                               "reason": "原办理人休假 The holder is on leave"}]})
    user: SafeText = Field(min_length=1, max_length=100, description="the member who takes over the task")
    reason: SafeText | None = Field(None, max_length=2000, description="why, recorded in the case file")


class Merge(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"into": "金江路社区-2026-0001",
                                                               "reason": "同一事项的重复提议 A duplicate proposal"}]})
    into: SafeText = Field(min_length=1, max_length=240, description="the case it goes into (id or reference)")
    reason: SafeText = Field(min_length=1, max_length=2000)


class Split(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "titles": ["3号院加装电梯", "3号院屋顶防水"], "reason": "一份提议含两件事 One proposal, two matters"}]})
    titles: list[Annotated[SafeText, Field(min_length=1, max_length=500, pattern=r"\S")]] = Field(
        min_length=2, max_length=10, description="one new case per title")
    reason: SafeText = Field(min_length=1, max_length=2000)


class HolidayArrangement(Body):
    """The State Council's arrangement of one year, as an administrator loads it (calendars/holidays/<year>.yaml)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "year": 2026,
        "source": "国务院办公厅关于2026年部分节假日安排的通知（日期据 chinesecalendar 1.11.0 所载，文号待核）",
        "holidays": ["2026-01-01", "2026-01-02", "2026-01-03"], "workdays": ["2026-01-04"]}]})
    year: int = Field(ge=2000, le=2100)
    source: SafeText = Field(min_length=1, max_length=500, description="the notice it transcribes (title, number)")
    holidays: list[dt.date] = Field(min_length=1, max_length=366, description="dates off work (放假)")
    workdays: list[dt.date] = Field(default_factory=list, max_length=366,
                                    description="weekend dates worked in exchange (调休上班)")


EXAMPLE_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="my_method_definitions"
    targetNamespace="http://yishi.example/my_method">
  <bpmn:process id="my_method" name="意见征集 Opinion survey" isExecutable="true">
    <bpmn:extensionElements>
      <spiffworkflow:properties>
        <spiffworkflow:property name="startRoles" value="proposer"/>
      </spiffworkflow:properties>
    </bpmn:extensionElements>
    <bpmn:laneSet id="my_method_lanes">
      <bpmn:lane id="lane_proposer" name="proposer">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>collect</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="发起 Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="collect" name="收集意见 Collect opinions">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="collect.schema.json"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="done" name="完成 Done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="collect"/>
    <bpmn:sequenceFlow id="f2" sourceRef="collect" targetRef="done"/>
  </bpmn:process>
</bpmn:definitions>
"""
EXAMPLE_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "收集意见", "type": "object",
    "required": ["summary"], "additionalProperties": False,
    "properties": {"summary": {"title": "意见摘要", "type": "string", "minLength": 1}},
}


class Upload(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "bpmn": {"my_method.bpmn": EXAMPLE_BPMN}, "forms": {"my_method/collect.schema.json": EXAMPLE_FORM}}]})
    bpmn: dict[SafeText, SafeText] = Field(min_length=1, description="file name -> BPMN XML")
    forms: dict[SafeText, JsonObject | SafeText] = Field(
        default_factory=dict, description="'<process id>/<file>' -> JSON Schema or uiSchema (object or JSON text)")
    scenarios: dict[SafeText, Annotated[SafeText, Field(max_length=500_000)]] = Field(
        default_factory=dict, max_length=50,
        description="process key -> its scenario file (YAML), stored with the new version; a process not named "
                    "keeps the file shipped beside it (processes/<key>.scenarios.yaml), if any")


class Draft(Body):
    """A draft of a definition as the studio holds it: its BPMN files and forms (none: the newest deployed version)."""
    bpmn: dict[SafeText, SafeText] | None = Field(None, description="file name -> BPMN XML (a draft)")
    forms: dict[SafeText, JsonObject | SafeText] = Field(
        default_factory=dict, description="'<process id>/<file>' -> JSON Schema or uiSchema (object or JSON text)")


class DiffRequest(Draft):
    model_config = ConfigDict(json_schema_extra={"examples": [{"against": 1}]})
    against: Id | None = Field(None, description="the version compared from (default the newest)")
    version: Id | None = Field(None, description="the version compared to, when no draft is given (default newest)")


class DataAtRequest(Draft):
    model_config = ConfigDict(json_schema_extra={"examples": [{"element_id": "A_UT_Triage"}]})
    element_id: SafeText = Field(min_length=1, max_length=200)


class ExpressionSource(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"source": "more_than_half(yes, present)",
                                                               "mode": "eval"}]})
    source: SafeText = Field(max_length=20_000)
    mode: Literal["eval", "exec"] = Field("eval", description="eval: a condition or expression; exec: a script")


class TidyRequest(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"bpmn": EXAMPLE_BPMN}]})
    bpmn: SafeText = Field(min_length=1, description="one BPMN document")


class ScenarioRun(Draft):
    model_config = ConfigDict(json_schema_extra={"examples": [{"scenarios": (
        "process: five_step\nunit: 金江路社区\nscenarios:\n  - name: 登记 Registered\n"
        "    start: {by: proposer, data: {title: 加装电梯}}\n    expect: {open: [A_UT_Register]}\n")}]})
    scenarios: SafeText | None = Field(None, max_length=500_000, description=(
        "the scenario file (YAML, engine/scenarios.py); null: the scenarios stored with `version` (default the "
        "newest)"))
    names: list[SafeText] | None = Field(None, max_length=50, description="only these scenarios (default all)")
    version: Id | None = Field(None, description="run against this deployed version (when no draft is given; "
                                                 "default the newest)")


class Migrate(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"case_ids": [1], "to_version": 1}]})
    case_ids: list[Id] = Field(min_length=1, max_length=1000)
    to_version: Id | None = None


class ClockMove(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"advance_days": 8}]})
    advance_days: float = Field(default=0, ge=0, le=3660, allow_inf_nan=False)
    set_to: Instant | None = Field(default=None, description="ISO-8601 instant with offset",
                                       examples=["2026-12-03T19:00:00+08:00"])


# ----- task actions (issue 13) ----------------------------------------------------------------------------------

TextFilter = Annotated[SafeText | None, Query(max_length=100, description="only cases whose title or reference "
                                                                          "contains this text")]
RequestId = Annotated[int, Path(ge=1, le=MAX_INT, description="request id"), BeforeValidator(_ascii_digits)]


def _iso_day(value: Any) -> Any:
    """Dates are ``YYYY-MM-DD`` text (pydantic would read a number as a Unix time)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("date_parsing", "Input should be a date written YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_day)]


class Urge(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "已经一周了，请尽快答复 It has been a week"}]})
    note: SafeText | None = Field(default=None, max_length=500, description="what the holder is told")


class CopyCase(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "to_users": ["street_office"], "to_roles": ["supervision_committee"], "note": "请知悉 For your information"}]})
    to_users: list[Annotated[SafeText, Field(min_length=1, max_length=100)]] = Field(default_factory=list,
                                                                                     max_length=50)
    to_roles: list[Annotated[SafeText, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=10, description="every holder of these roles in the case's unit")
    note: SafeText | None = Field(default=None, max_length=500)


class Transfer(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"to_user": "grid_steward",
                                                               "reason": "本人下周休假 I am on leave next week"}]})
    to_user: SafeText = Field(min_length=1, max_length=100, description="another member holding the step's role")
    reason: SafeText = Field(min_length=1, max_length=500)


class RequestKind(StrEnum):
    """``delegate`` (委派: they work on it, it comes back to me), ``consult_before`` / ``consult_after`` (加签: their
    recorded opinion before my decision, which then waits for it, or after it)."""

    DELEGATE = "delegate"
    CONSULT_BEFORE = "consult_before"
    CONSULT_AFTER = "consult_after"


class AskSomeone(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "consult_before", "to_user": "supervision_committee", "note": "请就合规性提出意见 Is this lawful?"}]})
    kind: RequestKind
    to_user: SafeText = Field(min_length=1, max_length=100)
    note: SafeText = Field(min_length=1, max_length=500, description="what is asked")


class Answer(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": "符合居民会议规则 It follows the rules"}]})
    answer: SafeText = Field(min_length=1, max_length=500)


class ReturnTask(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"to_element": "A_UT_Register",
                                                               "reason": "请补充涉及户数 Add the households"}]})
    to_element: SafeText = Field(min_length=1, max_length=200, description="an earlier step the process allows "
                                 "(the task's `return_to`)")
    reason: SafeText = Field(min_length=1, max_length=500)


class StandIn(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "user": "grid_steward", "stand_in": "community_admin", "valid_from": "2026-03-02", "valid_to": "2026-03-06",
        "reason": "病假 Sick leave"}]})
    user: SafeText = Field(min_length=1, max_length=100, description="who is absent (yourself, unless administrator)")
    stand_in: SafeText = Field(min_length=1, max_length=100)
    valid_from: Day = Field(description="first day of the absence (Beijing date, YYYY-MM-DD)")
    valid_to: Day = Field(description="last day of the absence, included")
    reason: SafeText = Field(min_length=1, max_length=500)


class Handover(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "user": "grid_steward", "to_user": "community_admin", "reason": "换届 The term ended"}]})
    user: SafeText = Field(min_length=1, max_length=100, description="the member whose membership ends")
    to_user: SafeText = Field(min_length=1, max_length=100, description="their successor")
    reason: SafeText = Field(min_length=1, max_length=500)


class HandoverPreview(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"user": "grid_steward", "to_user": "community_admin"}]})
    user: SafeText = Field(min_length=1, max_length=100, description="the member whose membership ends")
    to_user: SafeText = Field(min_length=1, max_length=100, description="their successor")


class EndStandIn(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "提前销假 Back early"}]})
    reason: SafeText | None = Field(default=None, max_length=500, description="why it ends early (optional)")


StandInId = Annotated[int, Path(ge=1, le=MAX_INT, description="stand-in id"), BeforeValidator(_ascii_digits)]
UserFilter = Annotated[SafeText | None, Query(max_length=100, description="for this person (administrators); "
                                                                          "default: me")]
