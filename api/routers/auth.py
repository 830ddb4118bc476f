"""Login and the current user."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep
from api.models import LoggedOut, LoginResult, Me, Role
from api.problems import errors
from api.schemas import Login

router = APIRouter(tags=["accounts"])


@router.post("/auth/login", response_model=LoginResult, responses=errors(401, 422),
             summary="Log in; returns a bearer token (demo users: the role codes, password yishi-demo)")
def login(body: Login, service: ServiceDep, language: LanguageDep) -> dict:
    token, expires, actor = service.login(body.user, body.password)
    return {"access_token": token, "token_type": "bearer", "expires_at": expires, "user": service.me(actor, language)}


@router.post("/auth/logout", response_model=LoggedOut, responses=errors(401),
             summary="Revoke the token used for this request")
def logout(request: Request, service: ServiceDep, _actor: ActorDep) -> dict:
    service.logout(request.headers.get("authorization", "").removeprefix("Bearer ").strip())
    return {"status": "logged out"}


@router.get("/me", response_model=Me, responses=errors(401),
            summary="Who I am and my memberships (with role and unit names)")
def me(service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.me(actor, language)


@router.get("/roles", response_model=list[Role], responses=errors(401),
            summary="The role registry: every lane role of the deployed processes, administrator and designer, "
                    "with Chinese and English names")
def roles(service: ServiceDep, _actor: ActorDep) -> list[dict]:
    return service.roles()
