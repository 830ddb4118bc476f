"""Health and units."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ActorDep, ServiceDep
from api.models import Health, Unit
from api.problems import errors
from engine.domain import clock

router = APIRouter(tags=["system"])


@router.get("/health", response_model=Health, summary="Liveness with a database round trip (no token needed)")
def health(service: ServiceDep) -> dict:
    return {"status": "ok", "definitions": len(service.definitions()), "now": clock.now()}


@router.get("/units", response_model=list[Unit], responses=errors(401), summary="Communities and buildings")
def units(service: ServiceDep, _actor: ActorDep) -> list[dict]:
    return service.units()
