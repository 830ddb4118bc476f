"""Cases: start, list, detail, the case file, the diagram."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, ServiceDep
from api.schemas import StartCase

router = APIRouter(prefix="/cases", tags=["cases"])


@router.post("", status_code=201, summary="Start a case (who may start is declared in the BPMN)")
def start(body: StartCase, service: ServiceDep, actor: ActorDep) -> dict:
    return service.start(body.definition, body.unit, actor, body.data, body.title)


@router.get("", summary="Cases in my units")
def list_cases(service: ServiceDep, actor: ActorDep, unit: str | None = None, process: str | None = None,
               status: str | None = None, overdue: bool = False,
               limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0) -> dict:
    units = None if actor.is_admin else {u for u, _ in actor.memberships}
    items = service.cases(unit=unit, status=status, process=process, units=units, overdue=overdue,
                          limit=limit, offset=offset)
    return {"items": items, "limit": limit, "offset": offset}


@router.get("/{case}", summary="Status, current steps with their roles, key figures")
def detail(case: str, service: ServiceDep, actor: ActorDep) -> dict:
    return service.visible_case(case, actor)


@router.get("/{case}/history", summary="The case file (一事一档) and whether its hash chain verifies")
def history(case: str, service: ServiceDep, actor: ActorDep) -> dict:
    detail = service.visible_case(case, actor)
    rows, verification = service.history(detail["id"])
    return {"case": detail["reference"], "events": rows, "verified": verification.ok,
            "verification": verification.__dict__}


@router.get("/{case}/diagram", summary="The version's BPMN plus completed and active element ids")
def diagram(case: str, service: ServiceDep, actor: ActorDep) -> dict:
    detail = service.visible_case(case, actor)
    return service.runtime.diagram(detail["id"])
