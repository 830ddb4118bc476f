"""Statistics for the street: figures per unit (rolled up the unit tree) and per method over a period, as JSON
and as a CSV file Excel opens (UTF-8 with a byte-order mark)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep
from api.problems import errors
from api.schemas import MethodFilter, SafeText
from api.stats_csv import to_csv
from api.stats_models import Stats

router = APIRouter(tags=["statistics"])

StatsUnit = Annotated[SafeText | None, Query(max_length=200, description="this unit and every unit below it "
                                                                          "(default: every unit I see)")]
From = Annotated[dt.date | None, Query(alias="from", description="first day, Beijing time (default: 1 January of "
                                                                 "this year)")]
To = Annotated[dt.date | None, Query(alias="to", description="last day, Beijing time (default: today)")]
STATS_ERRORS = errors(401, 403, 404, 422)


@router.get("/stats", response_model=Stats, responses=STATS_ERRORS,
            summary="Statistics per unit (rolled up the tree) and per method: started, finished, by end event, "
                    "median days per step, overdue rate")
def stats(service: ServiceDep, actor: ActorDep, language: LanguageDep, unit: StatsUnit = None,
          method: MethodFilter = None, from_: From = None, to: To = None) -> dict:
    return service.stats(actor, unit=unit, method=method, from_date=from_, to_date=to, language=language)


@router.get("/stats.csv", response_class=Response, responses={
    **STATS_ERRORS, 200: {"content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
                          "description": "the same figures as a CSV file (UTF-8 with BOM)"}},
            summary="The statistics as a CSV file for Excel")
def stats_csv(service: ServiceDep, actor: ActorDep, language: LanguageDep, unit: StatsUnit = None,
              method: MethodFilter = None, from_: From = None, to: To = None) -> Response:
    report = service.stats(actor, unit=unit, method=method, from_date=from_, to_date=to, language=language)
    name = f"yishi-stats-{report['from_date'].isoformat()}-{report['to_date'].isoformat()}.csv"
    return Response(content=to_csv(report, language).encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
