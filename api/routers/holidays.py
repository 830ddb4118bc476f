"""The holiday calendar: which years' holidays are known, and loading a year's arrangement (administrators), which
recomputes the open deadlines counted without it."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ActorDep, AdminDep, ServiceDep
from api.models import HolidayCalendars, HolidaysLoaded
from api.problems import errors
from api.schemas import HolidayArrangement

router = APIRouter(tags=["holidays"])


@router.get("/holidays", response_model=HolidayCalendars, responses=errors(401),
            summary="The loaded holiday arrangements and the years whose holidays are known")
def list_holidays(service: ServiceDep, actor: ActorDep) -> dict:
    return service.holidays()


@router.post("/admin/holidays", status_code=201, response_model=HolidaysLoaded, responses=errors(401, 403, 422),
             summary="Load a year's holidays and make-up working days; open deadlines are recomputed and recorded")
def load_holidays(body: HolidayArrangement, service: ServiceDep, actor: AdminDep) -> dict:
    return service.load_holidays(body.model_dump(mode="json"), actor)
