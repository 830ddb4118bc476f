"""Request bodies (pydantic). Responses are the engine's dictionaries, documented by example."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class Login(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"user": "proposer", "password": "yishi-demo"}]})
    user: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class StartCase(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "definition": "five_step", "unit": "金江路社区", "title": "3号院加装电梯",
        "data": {"title": "3号院加装电梯"}}]})
    definition: str = Field(min_length=1, description="definition key (the BPMN process id)")
    unit: str = Field(min_length=1, description="community or building code")
    title: str | None = Field(default=None, max_length=500)
    data: dict[str, Any] = Field(default_factory=dict, description="start data, validated by the start form")


class CompleteTask(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": {"decision": "deliberate"}}]})
    data: dict[str, Any] = Field(default_factory=dict, description="form data, validated by the task's JSON Schema")


class Reason(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "提议人撤回 The proposer withdrew"}]})
    reason: str = Field(min_length=1, max_length=2000)


class OptionalReason(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "街道已答复 The street office answered"}]})
    reason: str | None = Field(default=None, max_length=2000)


class Retry(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": {"votes": 5}}]})
    data: dict[str, Any] = Field(default_factory=dict, description="data patch for the failed element")


class Reassign(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"user": "grid_steward"}]})
    user: str = Field(min_length=1, max_length=100, description="the member who takes over the task")


class Upload(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "bpmn": {"my_method.bpmn": "<?xml version=\"1.0\"?>…"},
        "forms": {"my_method/step1.schema.json": {"type": "object", "properties": {}}}}]})
    bpmn: dict[str, str] = Field(min_length=1, description="file name -> BPMN XML")
    forms: dict[str, Any] = Field(default_factory=dict,
                                  description="'<process id>/<file>' -> JSON Schema (object or JSON text)")


Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Migrate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"case_ids": [1, 2], "to_version": 2}]})
    case_ids: list[Id] = Field(min_length=1, max_length=1000)
    to_version: Id | None = None


class ClockMove(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"advance_days": 8}]})
    advance_days: float = Field(default=0, ge=0, le=3660)
    set_to: str | None = Field(default=None, description="ISO-8601 instant with offset")
