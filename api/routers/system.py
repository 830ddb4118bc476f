"""Health, units, and the development-only clock."""

from __future__ import annotations

import datetime as dt
import os

from fastapi import APIRouter

from api.deps import ActorDep, AdminDep, ServiceDep
from api.schemas import ClockMove
from engine import accounts, clock
from engine.errors import Forbidden, InvalidInput

router = APIRouter(tags=["system"])


@router.get("/health", summary="Liveness with a database round trip (no token needed)")
def health(service: ServiceDep) -> dict:
    return {"status": "ok", "definitions": len(service.definitions()), "now": clock.now().isoformat()}


@router.get("/units", summary="Communities and buildings")
def units(service: ServiceDep, _actor: ActorDep) -> list[dict]:
    with service.db.connect() as conn:
        return accounts.list_units(conn)


@router.post("/dev/clock", summary="Development only (YISHI_DEV_CLOCK=1): move the engine clock and fire timers")
def move_clock(body: ClockMove, service: ServiceDep, _actor: AdminDep) -> dict:
    if os.environ.get("YISHI_DEV_CLOCK") != "1":
        raise Forbidden("the development clock is off; start the server with YISHI_DEV_CLOCK=1")
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
