"""Administrators: stuck cases and the actions that unblock them (each recorded in the case file)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AdminDep, ServiceDep
from api.schemas import OptionalReason, Reason, Reassign, Retry
from engine.errors import InvalidInput
from engine.read.monitor import REASONS

router = APIRouter(prefix="/admin", tags=["administrators"])


@router.get("/stuck", summary="Overdue, idle, errored, long-suspended and looping cases, with why and since when")
def stuck(service: ServiceDep, actor: AdminDep, reason: str | None = None, unit: str | None = None) -> dict:
    if reason is not None and reason not in REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(REASONS)}")
    return {"items": service.stuck(actor, reason=reason, unit=unit)}


@router.post("/cases/{case}/suspend")
def suspend(case: str, body: Reason, service: ServiceDep, actor: AdminDep) -> dict:
    return service.suspend(case, actor, body.reason)


@router.post("/cases/{case}/resume")
def resume(case: str, body: OptionalReason, service: ServiceDep, actor: AdminDep) -> dict:
    return service.resume(case, actor, body.reason)


@router.post("/cases/{case}/cancel")
def cancel(case: str, body: Reason, service: ServiceDep, actor: AdminDep) -> dict:
    return service.cancel(case, actor, body.reason)


@router.post("/cases/{case}/retry", summary="Re-run the failed element, optionally with a data patch")
def retry(case: str, body: Retry, service: ServiceDep, actor: AdminDep) -> dict:
    return service.retry(case, actor, body.data)


@router.post("/tasks/{task_id}/reassign", summary="Give an open task to another member holding its role")
def reassign(task_id: str, body: Reassign, service: ServiceDep, actor: AdminDep) -> dict:
    return service.reassign(task_id, actor, body.user)
