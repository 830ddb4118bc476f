"""Login and the current user; an administrator lifts a login lockout."""

from __future__ import annotations

import functools
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Request

from api.deps import ActorDep, AddressDep, AdminDep, ServiceDep, SignedInDep, TokenDep
from api.i18n import LanguageDep
from api.models import LoggedOut, LoginResult, Me, Model, Role
from api.problems import errors
from api.schemas import Login, SafeText
from engine.settings import settings

router = APIRouter(tags=["accounts"])

UserId = Annotated[SafeText, Path(min_length=1, max_length=100, description="user id")]


class Unlocked(Model):
    user: str
    was_locked: bool


def _login_slots(request: Request) -> anyio.CapacityLimiter:
    """Logins waiting for an argon2 slot wait here, in the event loop, not in a worker thread: a login flood
    neither exhausts memory (the engine bounds the hashes) nor takes the threads every other endpoint needs."""
    slots = getattr(request.app.state, "login_slots", None)
    if slots is None:
        slots = request.app.state.login_slots = anyio.CapacityLimiter(settings().password_hash_concurrency + 1)
    return slots


@router.post("/auth/login", response_model=LoginResult, responses=errors(401, 422, 429),
             summary="Log in; returns a bearer token (demo users: the role codes, password yishi-demo). Failed "
                     "logins are throttled per user and per client address; too many lock the user")
async def login(request: Request, body: Login, service: ServiceDep, language: LanguageDep, address: AddressDep):
    token, expires, actor = await anyio.to_thread.run_sync(
        functools.partial(service.login, body.user, body.password, address), limiter=_login_slots(request))
    me = await anyio.to_thread.run_sync(service.me, actor, language)
    return {"access_token": token, "token_type": "bearer", "expires_at": expires,
            "must_change_password": actor.must_change_password, "user": me}


@router.post("/auth/logout", response_model=LoggedOut, responses=errors(401),
             summary="Revoke the token used for this request")
def logout(service: ServiceDep, _actor: SignedInDep, token: TokenDep) -> dict:
    service.logout(token)
    return {"status": "logged out"}


@router.post("/admin/users/{user}/unlock", response_model=Unlocked, responses=errors(401, 403, 404, 422),
             tags=["admin"], summary="Lift a login lockout and clear the user's failed logins (recorded)")
def unlock(user: UserId, service: ServiceDep, actor: AdminDep) -> dict:
    return {"user": user, "was_locked": service.unlock_user(user, actor)}


@router.get("/me", response_model=Me, responses=errors(401),
            summary="Who I am and my memberships (with role and unit names)")
def me(service: ServiceDep, actor: SignedInDep, language: LanguageDep) -> dict:
    return service.me(actor, language)


@router.get("/roles", response_model=list[Role], responses=errors(401),
            summary="The role registry: every lane role of the deployed processes, administrator and designer, "
                    "with Chinese and English names")
def roles(service: ServiceDep, _actor: ActorDep) -> list[dict]:
    return service.roles()
