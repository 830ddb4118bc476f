"""Development only (``YISHI_DEV_CLOCK=1``): move the engine clock and fire the timers that fall due.

The app mounts this router only when the setting is on, so in production the route does not exist."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from api.deps import AdminDep, ServiceDep
from api.models import ClockResult
from api.problems import errors
from api.schemas import ClockMove
from engine.domain import clock

router = APIRouter(tags=["development"])


@router.post("/dev/clock", response_model=ClockResult, responses=errors(401, 403, 422),
             summary="Development only (YISHI_DEV_CLOCK=1): move the engine clock and fire timers")
def move_clock(body: ClockMove, service: ServiceDep, _actor: AdminDep) -> dict:
    if body.set_to:
        clock.clock.set(body.set_to)
    if body.advance_days:
        clock.clock.advance(dt.timedelta(days=body.advance_days))
    result = service.tick()
    return {"now": clock.now(), "timers_fired": result.timers_fired, "cases": result.cases}
