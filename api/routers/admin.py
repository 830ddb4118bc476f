"""Administrators: stuck cases and the actions that unblock them (each recorded in the case file)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminDep, ServiceDep
from api.i18n import LanguageDep, localise
from api.models import CaseDetail, Heat, StuckList, TaskSummary
from api.problems import errors
from api.routers.cases import with_figures
from api.schemas import (
    CaseRef,
    DefinitionKey,
    FlagCorrection,
    Limit,
    MethodFilter,
    Offset,
    OptionalReason,
    Reason,
    Reassign,
    Retry,
    TaskId,
    UnitFilter,
)
from engine.read.monitor import StuckReason

router = APIRouter(prefix="/admin", tags=["administrators"])
ACTION_ERRORS = errors(401, 403, 404, 409, 422)


@router.get("/stuck", response_model=StuckList, responses=errors(401, 403, 422),
            summary="Overdue, idle, errored, long-suspended and looping cases, with why and since when")
def stuck(service: ServiceDep, actor: AdminDep, language: LanguageDep,
          reason: Annotated[StuckReason | None, Query(description="only this reason")] = None,
          unit: UnitFilter = None, method: MethodFilter = None, limit: Limit = 100, offset: Offset = 0) -> dict:
    page = service.stuck_page(actor, reason=reason.value if reason else None, unit=unit, method=method, limit=limit,
                              offset=offset)
    return {**page, "items": localise(page["items"], language)}


@router.post("/cases/{case}/suspend", response_model=CaseDetail, responses=ACTION_ERRORS,
             summary="Suspend a case (its timers and tasks wait until it is resumed)")
def suspend(case: CaseRef, body: Reason, service: ServiceDep, actor: AdminDep) -> dict:
    return with_figures(service, service.suspend(case, actor, body.reason), actor)


@router.post("/cases/{case}/resume", response_model=CaseDetail, responses=ACTION_ERRORS, summary="Resume a case")
def resume(case: CaseRef, body: OptionalReason, service: ServiceDep, actor: AdminDep) -> dict:
    return with_figures(service, service.resume(case, actor, body.reason), actor)


@router.post("/cases/{case}/cancel", response_model=CaseDetail, responses=ACTION_ERRORS, summary="Cancel a case")
def cancel(case: CaseRef, body: Reason, service: ServiceDep, actor: AdminDep) -> dict:
    return with_figures(service, service.cancel(case, actor, body.reason), actor)


@router.post("/cases/{case}/retry", response_model=CaseDetail, responses=ACTION_ERRORS,
             summary="Re-run the failed element, optionally with a data patch")
def retry(case: CaseRef, body: Retry, service: ServiceDep, actor: AdminDep) -> dict:
    return with_figures(service, service.retry(case, actor, body.data), actor)


@router.post("/cases/{case}/flags", response_model=CaseDetail, responses=ACTION_ERRORS,
             summary="Correct a lateness flag the engine recorded, with a reason (an event of the case file)")
def correct_flag(case: CaseRef, body: FlagCorrection, service: ServiceDep, actor: AdminDep) -> dict:
    return with_figures(service, service.correct_flag(case, actor, body.flag, body.value, body.reason), actor)


@router.post("/tasks/{task_id}/reassign", response_model=TaskSummary, responses=ACTION_ERRORS,
             summary="Give an open task to another member holding its role")
def reassign(task_id: TaskId, body: Reassign, service: ServiceDep, actor: AdminDep) -> dict:
    return service.reassign(task_id, actor, body.user, body.reason)


@router.get("/methods/{key}/heat", response_model=Heat, responses=errors(401, 403, 404, 422),
            summary="Where the running cases of a method wait: open tasks per element, on the newest diagram")
def heat(key: DefinitionKey, service: ServiceDep, actor: AdminDep, language: LanguageDep) -> dict:
    return service.heat(key, actor, language)
