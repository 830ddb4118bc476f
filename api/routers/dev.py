"""Development only (``YISHI_DEV_CLOCK=1``): move the engine clock and fire the timers that fall due.

The app mounts this router only when the setting is on, so in production the route does not exist."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from api.deps import AdminDep, ServiceDep
from api.schemas import ClockMove
from engine.domain import clock
from engine.errors import InvalidInput

router = APIRouter(tags=["development"])


@router.post("/dev/clock", summary="Development only (YISHI_DEV_CLOCK=1): move the engine clock and fire timers")
def move_clock(body: ClockMove, service: ServiceDep, _actor: AdminDep) -> dict:
    if body.set_to:
        try:
            instant = dt.datetime.fromisoformat(body.set_to.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput("set_to is not an ISO-8601 instant") from None
        if instant.tzinfo is None:
            raise InvalidInput("set_to needs a UTC offset")
        clock.clock.set(instant)
    if body.advance_days:
        clock.clock.advance(dt.timedelta(days=body.advance_days))
    result = service.tick()
    return {"now": clock.now().isoformat(), "timers_fired": result.timers_fired, "cases": result.cases}
