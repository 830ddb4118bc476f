"""Health, units, and the development-only clock."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ActorDep, ServiceDep
from engine.domain import clock
from engine.people import accounts

router = APIRouter(tags=["system"])


@router.get("/health", summary="Liveness with a database round trip (no token needed)")
def health(service: ServiceDep) -> dict:
    return {"status": "ok", "definitions": len(service.definitions()), "now": clock.now().isoformat()}


@router.get("/units", summary="Communities and buildings")
def units(service: ServiceDep, _actor: ActorDep) -> list[dict]:
    with service.db.connect() as conn:
        return accounts.list_units(conn)
