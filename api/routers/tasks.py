"""Participants: my inbox, one task, claim, release, complete."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, ServiceDep
from api.schemas import CompleteTask

router = APIRouter(prefix="/tasks", tags=["participants"])


@router.get("", summary="My open tasks across my memberships, soonest due first")
def inbox(service: ServiceDep, actor: ActorDep, role: str | None = None, process: str | None = None,
          unit: str | None = None, due_before: dt.datetime | None = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    items = service.inbox(actor, role=role, process=process, unit=unit, due_before=due_before, limit=limit,
                          offset=offset)
    return {"items": items, "limit": limit, "offset": offset}


@router.get("/{task_id}", summary="One open task with its form's JSON Schema")
def task(task_id: str, service: ServiceDep, actor: ActorDep) -> dict:
    return service.task(task_id, actor)


@router.post("/{task_id}/claim", summary="Take the task so nobody else works it meanwhile")
def claim(task_id: str, service: ServiceDep, actor: ActorDep) -> dict:
    return service.claim(task_id, actor)


@router.post("/{task_id}/unclaim", summary="Release a task I claimed")
def unclaim(task_id: str, service: ServiceDep, actor: ActorDep) -> dict:
    return service.unclaim(task_id, actor)


@router.post("/{task_id}/complete", summary="Complete the task with its form data",
             responses={403: {"description": "not my role or unit"}, 404: {"description": "unknown task"},
                        409: {"description": "completed by someone else, claimed, or the case changed"},
                        422: {"description": "invalid form data; `errors` lists each field path"}})
def complete(task_id: str, body: CompleteTask, service: ServiceDep, actor: ActorDep) -> dict:
    case_id = service.case_id_of_task(task_id, actor)
    return service.complete(case_id, task_id, actor, body.data)
