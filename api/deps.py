"""FastAPI dependencies: the engine service and the authenticated actor.

The ones that only look at the request or at an actor already read are ``async``: FastAPI runs a plain ``def``
dependency in its thread pool, a hop to a worker thread and back for every dependency of every request (five per
request before; bench/README.md). Only ``signed_in``, which reads the database, runs there."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import Forbidden
from engine.service import Yishi

bearer = HTTPBearer(auto_error=False, description="The token from POST /api/auth/login")


async def service(request: Request) -> Yishi:
    return request.app.state.service


async def token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The bearer token of the request, whatever the casing of its scheme (``Bearer``, ``bearer``, ``BEARER``)."""
    return credentials.credentials if credentials else ""


def signed_in(request: Request, bearer_token: Annotated[str, Depends(token)]) -> Actor:
    """Whoever the token names, even one that only allows setting a new password (after a one-time code)."""
    return request.app.state.service.authenticate(bearer_token)


async def actor(current: Annotated[Actor, Depends(signed_in)]) -> Actor:
    if current.must_change_password:
        raise Forbidden(Text("请先设置新密码（POST /api/me/password）",
                             "set a new password first (POST /api/me/password)"))
    return current


async def client_address(request: Request) -> str | None:
    """The client's address as the server sees it (behind a proxy: uvicorn's ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else None


async def admin(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not current.is_admin:
        raise Forbidden(Text("仅限管理员", "administrators only"))
    return current


async def people_admin(current: Annotated[Actor, Depends(actor)]) -> Actor:
    """The global administrator, or one holding ``administrator`` at some unit (the engine scopes by the tree)."""
    if not (current.is_admin or current.is_unit_admin):
        raise Forbidden(Text("仅限管理员", "administrators only"))
    return current


async def designer(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not (current.is_designer or current.is_admin):
        raise Forbidden(Text("仅限流程设计人员和管理员", "process designers and administrators only"))
    return current


ServiceDep = Annotated[Yishi, Depends(service)]
TokenDep = Annotated[str, Depends(token)]
AddressDep = Annotated[str | None, Depends(client_address)]
ActorDep = Annotated[Actor, Depends(actor)]
SignedInDep = Annotated[Actor, Depends(signed_in)]
PeopleAdminDep = Annotated[Actor, Depends(people_admin)]
AdminDep = Annotated[Actor, Depends(admin)]
DesignerDep = Annotated[Actor, Depends(designer)]
