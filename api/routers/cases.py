"""Cases: start, list, detail, the case file, the diagram."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep, localise
from api.models import CaseDetail, CasePage, CaseStatusFilter, Diagram, History, ObjectionLodged
from api.problems import errors
from api.schemas import (
    CaseRef,
    Limit,
    LodgeObjection,
    Merge,
    Mine,
    Offset,
    Split,
    StartCase,
    TextFilter,
    UnitFilter,
)
from engine.service import Yishi

router = APIRouter(prefix="/cases", tags=["cases"])


def with_figures(service: Yishi, detail: dict, actor) -> dict:
    """A case detail as every action answers it: with its key figures (personal data masked for the actor)."""
    if "key_figures" not in detail:
        detail["key_figures"] = service.key_figures(detail["id"], actor, case=detail)
    return detail


@router.post("", status_code=201, response_model=CaseDetail, responses=errors(401, 403, 404, 409, 422),
             summary="Start a case (who may start is declared in the BPMN)")
def start(body: StartCase, service: ServiceDep, actor: ActorDep) -> dict:
    return with_figures(service, service.start(body.definition, body.unit, actor, body.data, body.title), actor)


@router.get("", response_model=CasePage, responses=errors(401, 422),
            summary="Cases in my units (administrators: every unit), newest first, each with its open steps")
def list_cases(service: ServiceDep, actor: ActorDep, language: LanguageDep, unit: UnitFilter = None,
               process: Annotated[str | None, Query(max_length=200, description="only this method")] = None,
               status: Annotated[CaseStatusFilter | None, Query(description="a status, or `active`")] = None,
               overdue: Annotated[bool, Query(description="only cases with an overdue task")] = False,
               mine: Annotated[Mine | None, Query(description="`started`: cases I started; `involved`: cases I "
                                                               "started or completed a task in")] = None,
               q: TextFilter = None, limit: Limit = 50, offset: Offset = 0) -> dict:
    filters = {"unit": unit, "status": status.value if status else None, "process": process, "overdue": overdue,
               "q": q}
    if mine is Mine.STARTED:
        filters["started_by"] = actor.user_id
    elif mine is Mine.INVOLVED:
        filters["involving"] = actor.user_id
    items = service.cases(actor, language, limit=limit, offset=offset, **filters)
    total = len(items) + offset if len(items) < limit and (items or offset == 0) else \
        service.count_cases(actor, **filters)
    return {"items": items, "limit": limit, "offset": offset, "total": total}


@router.get("/{case}", response_model=CaseDetail, responses=errors(401, 404, 422),
            summary="Status, current steps with their roles, key figures")
def detail(case: CaseRef, service: ServiceDep, actor: ActorDep) -> dict:
    return service.visible_case(case, actor)


@router.get("/{case}/history", response_model=History, responses=errors(401, 404, 422),
            summary="The case file (一事一档) and whether its hash chain verifies")
def history(case: CaseRef, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    detail = service.visible_case(case, actor)
    rows, verification = service.labelled_history(detail["id"], language, actor)
    return {"case": detail["reference"], "events": rows, "verified": verification.ok,
            "verification": localise(verification.__dict__, language)}


@router.post("/{case}/merge", response_model=CaseDetail, responses=errors(401, 403, 404, 409, 422),
             summary="Merge this duplicate into another case of its unit (administrators, the unit's committees)")
def merge(case: CaseRef, body: Merge, service: ServiceDep, actor: ActorDep) -> dict:
    return with_figures(service, service.merge(case, body.into, actor, body.reason), actor)


@router.post("/{case}/split", response_model=CaseDetail, responses=errors(401, 403, 404, 409, 422),
             summary="Split this case into new ones, one per title, linked to it (administrators, the committees)")
def split(case: CaseRef, body: Split, service: ServiceDep, actor: ActorDep) -> dict:
    return with_figures(service, service.split(case, body.titles, actor, body.reason), actor)


@router.get("/{case}/diagram", response_model=Diagram, responses=errors(401, 404, 422),
            summary="The version's BPMN plus completed and active element ids")
def diagram(case: CaseRef, service: ServiceDep, actor: ActorDep) -> dict:
    return service.diagram(case, actor)


@router.post("/{case}/objections", status_code=201, response_model=ObjectionLodged,
             responses=errors(401, 403, 404, 409, 422),
             summary="Object to the notice (公示) the case is publishing now; the supervision committee rules on it")
def lodge_objection(case: CaseRef, body: LodgeObjection, service: ServiceDep, actor: ActorDep) -> dict:
    lodged = service.lodge_objection(case, actor, body.text, body.on_behalf_of, body.attachments)
    with_figures(service, lodged["case"], actor)
    return lodged
