"""Multi-person steps' companions: the unit's stock phrases for opinions (常用语) and the path ahead of a case
(流程预测). Completing a task with an opinion and a signature is ``POST /api/tasks/{id}/complete``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep
from api.models import Forecast, StockPhrases
from api.problems import errors
from api.schemas import CaseRef, NewStockPhrases, SafeText

router = APIRouter(tags=["participants"])
UnitPath = Annotated[SafeText, Path(min_length=1, max_length=200, description="unit code (金江路社区)")]


@router.get("/units/{unit}/phrases", response_model=StockPhrases, responses=errors(401, 404, 422),
            summary="常用语: the stock phrases offered for opinions in a unit (its own, a parent's, or the defaults)")
def stock_phrases(unit: UnitPath, service: ServiceDep, actor: ActorDep) -> dict:
    return service.phrases(unit, actor)


@router.put("/units/{unit}/phrases", response_model=StockPhrases, responses=errors(401, 403, 404, 422),
            summary="Replace a unit's stock phrases (its administrators; an empty list restores the inherited ones)")
def replace_stock_phrases(unit: UnitPath, body: NewStockPhrases, service: ServiceDep, actor: ActorDep) -> dict:
    return service.set_phrases(unit, body.phrases, actor)


@router.get("/cases/{case}/forecast", response_model=Forecast, responses=errors(401, 404, 422),
            summary="流程预测: the remaining steps of the most likely path, with roles, people and forecast due "
                    "dates (a forecast: nothing is decided by it)")
def forecast(case: CaseRef, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.forecast(case, actor, language)
