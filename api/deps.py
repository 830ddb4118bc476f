"""FastAPI dependencies: the engine service and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import Forbidden
from engine.service import Yishi

bearer = HTTPBearer(auto_error=False, description="The token from POST /api/auth/login")


def service(request: Request) -> Yishi:
    return request.app.state.service


def token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The bearer token of the request, whatever the casing of its scheme (``Bearer``, ``bearer``, ``BEARER``)."""
    return credentials.credentials if credentials else ""


def actor(request: Request, bearer_token: Annotated[str, Depends(token)]) -> Actor:
    return request.app.state.service.authenticate(bearer_token)


def client_address(request: Request) -> str | None:
    """The client's address as the server sees it (behind a proxy: uvicorn's ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else None


def admin(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not current.is_admin:
        raise Forbidden(Text("仅限管理员", "administrators only"))
    return current


def designer(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not (current.is_designer or current.is_admin):
        raise Forbidden(Text("仅限流程设计人员和管理员", "process designers and administrators only"))
    return current


ServiceDep = Annotated[Yishi, Depends(service)]
TokenDep = Annotated[str, Depends(token)]
AddressDep = Annotated[str | None, Depends(client_address)]
ActorDep = Annotated[Actor, Depends(actor)]
AdminDep = Annotated[Actor, Depends(admin)]
DesignerDep = Annotated[Actor, Depends(designer)]
