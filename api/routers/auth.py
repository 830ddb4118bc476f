"""Login and the current user."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import ActorDep, ServiceDep
from api.schemas import Login

router = APIRouter(tags=["accounts"])


@router.post("/auth/login", summary="Log in; returns a bearer token")
def login(body: Login, service: ServiceDep) -> dict:
    token, expires, actor = service.login(body.user, body.password)
    return {"access_token": token, "token_type": "bearer", "expires_at": expires.isoformat(), "user": _me(actor)}


@router.post("/auth/logout", summary="Revoke the token used for this request")
def logout(request: Request, service: ServiceDep, _actor: ActorDep) -> dict:
    service.logout(request.headers.get("authorization", "").removeprefix("Bearer ").strip())
    return {"status": "logged out"}


@router.get("/me", summary="Who I am and my memberships")
def me(actor: ActorDep) -> dict:
    return _me(actor)


def _me(actor) -> dict:
    return {"user": actor.user_id, "is_admin": actor.is_admin, "is_designer": actor.is_designer,
            "memberships": [{"unit": u, "role": r} for u, r in sorted(actor.memberships)]}
