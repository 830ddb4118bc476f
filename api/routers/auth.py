"""Login and the current user."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import ActorDep, ServiceDep
from api.models import LoggedOut, LoginResult, Me
from api.problems import errors
from api.schemas import Login
from engine.domain.actors import Actor

router = APIRouter(tags=["accounts"])


@router.post("/auth/login", response_model=LoginResult, responses=errors(401, 422),
             summary="Log in; returns a bearer token (demo users: the role codes, password yishi-demo)")
def login(body: Login, service: ServiceDep) -> dict:
    token, expires, actor = service.login(body.user, body.password)
    return {"access_token": token, "token_type": "bearer", "expires_at": expires, "user": _me(actor)}


@router.post("/auth/logout", response_model=LoggedOut, responses=errors(401),
             summary="Revoke the token used for this request")
def logout(request: Request, service: ServiceDep, _actor: ActorDep) -> dict:
    service.logout(request.headers.get("authorization", "").removeprefix("Bearer ").strip())
    return {"status": "logged out"}


@router.get("/me", response_model=Me, responses=errors(401), summary="Who I am and my memberships")
def me(actor: ActorDep) -> dict:
    return _me(actor)


def _me(actor: Actor) -> dict:
    return {"user": actor.user_id, "is_admin": actor.is_admin, "is_designer": actor.is_designer,
            "memberships": [{"unit": u, "role": r} for u, r in sorted(actor.memberships)]}
