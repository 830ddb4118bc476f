"""Participants: my inbox, one task, claim, release, complete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep
from api.models import CaseDetail, DoneTaskPage, TaskDetail, TaskPage, TaskSummary
from api.problems import errors
from api.routers.cases import with_figures
from api.schemas import (
    CaseFilter,
    CompleteTask,
    Instant,
    Limit,
    MethodFilter,
    Offset,
    ProcessFilter,
    RoleFilter,
    TaskId,
    TextFilter,
    UnitFilter,
)

router = APIRouter(prefix="/tasks", tags=["participants"])
TASK_ERRORS = errors(401, 403, 404, 409, 422)


@router.get("", response_model=TaskPage, responses=errors(401, 422),
            summary="My open tasks across my memberships, soonest due first (forms come with each task)")
def inbox(service: ServiceDep, actor: ActorDep, language: LanguageDep, role: RoleFilter = None,
          process: ProcessFilter = None, method: MethodFilter = None, case: CaseFilter = None,
          unit: UnitFilter = None, q: TextFilter = None,
          due_before: Annotated[Instant | None, Query(description="due at or before this instant")] = None,
          limit: Limit = 50, offset: Offset = 0) -> dict:
    filters = {"role": role, "process": process, "method": method, "case_id": case, "unit": unit,
               "due_before": due_before, "q": q}
    items = service.inbox(actor, language, limit=limit, offset=offset, **filters)
    total = len(items) + offset if len(items) < limit and (items or offset == 0) else \
        service.count_inbox(actor, **filters)
    return {"items": items, "limit": limit, "offset": offset, "total": total}


@router.get("/done", response_model=DoneTaskPage, responses=errors(401, 422),
            summary="Tasks I completed (已办), newest first, with what I submitted")
def done(service: ServiceDep, actor: ActorDep, language: LanguageDep, method: MethodFilter = None,
         unit: UnitFilter = None, q: TextFilter = None, limit: Limit = 50, offset: Offset = 0) -> dict:
    items, total = service.done_tasks(actor, language, limit=limit, offset=offset, method=method, unit=unit, q=q)
    return {"items": items, "limit": limit, "offset": offset, "total": total}


@router.get("/{task_id}", response_model=TaskDetail, responses=TASK_ERRORS,
            summary="One open task: instructions, read-only context, form, uiSchema, prefilled values")
def task(task_id: TaskId, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.task_detail(task_id, actor, language)


@router.post("/{task_id}/claim", response_model=TaskSummary, responses=TASK_ERRORS,
             summary="Take the task so nobody else works it meanwhile")
def claim(task_id: TaskId, service: ServiceDep, actor: ActorDep) -> dict:
    return service.claim(task_id, actor)


@router.post("/{task_id}/unclaim", response_model=TaskSummary, responses=TASK_ERRORS,
             summary="Release a task I claimed")
def unclaim(task_id: TaskId, service: ServiceDep, actor: ActorDep) -> dict:
    return service.unclaim(task_id, actor)


@router.post("/{task_id}/complete", response_model=CaseDetail, responses=TASK_ERRORS,
             summary="Complete the task with its form data (422: `errors` lists every field at once)")
def complete(task_id: TaskId, body: CompleteTask, service: ServiceDep, actor: ActorDep) -> dict:
    case_id = service.case_id_of_task(task_id, actor)
    opinion = body.opinion.model_dump(exclude_none=True) if body.opinion is not None else None
    return with_figures(service, service.complete(case_id, task_id, actor, body.data, opinion), actor)
