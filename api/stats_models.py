"""Response models of the statistics for the street (``GET /api/stats``); what each figure counts is said in
``engine.read.stats``."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from api.models import Model


class EndEventCount(Model):
    method: str
    end_event: str | None = Field(description="BPMN id of the end event reached")
    name: str = Field(description="the end event's name in the request's language")
    count: int


class Figures(Model):
    started: int = Field(description="cases started in the period")
    finished: int = Field(description="cases completed in the period")
    cancelled: int = Field(description="cases cancelled in the period")
    tasks_completed: int = Field(description="tasks completed in the period")
    tasks_with_due: int = Field(description="of those, tasks that had a due date (the one in force at completion)")
    tasks_late: int = Field(description="of those, tasks completed after their due date")
    overdue_rate: float | None = Field(description="tasks_late / tasks_with_due (null when none had a due date)")
    open_tasks_with_due: int = Field(description="open tasks of running cases with a due date, now")
    open_overdue: int = Field(description="of those, past their due date now")
    by_end_event: list[EndEventCount] = Field(description="finished cases per method and end event, most first")


class UnitStats(Model):
    code: str
    name: str
    kind: str | None
    parent: str | None = Field(description="the unit above it in this report (null: a top row)")
    depth: int = Field(description="0 for a top row, 1 below it, …")
    figures: Figures = Field(description="this unit's figures including every unit below it")


class StageStats(Model):
    element_id: str
    name: str
    completed: int = Field(description="tasks of this step completed in the period")
    median_days: float | None = Field(description="median days from the task's opening to its completion")
    tasks_with_due: int
    tasks_late: int
    overdue_rate: float | None


class MethodStats(Model):
    method: str
    name: str
    figures: Figures
    median_days_to_finish: float | None = Field(description="median days from start to completion of the cases "
                                                            "finished in the period")
    stages: list[StageStats] = Field(description="the method's steps (user tasks) in the order they usually open")


class Stats(Model):
    from_date: dt.date = Field(description="first day of the period (Beijing time, included)")
    to_date: dt.date = Field(description="last day of the period (Beijing time, included)")
    timezone: str
    unit: str | None = Field(description="the unit asked for (its figures include the units below it)")
    method: str | None
    totals: Figures
    units: list[UnitStats] = Field(description="every unit in scope, in tree order")
    methods: list[MethodStats]
