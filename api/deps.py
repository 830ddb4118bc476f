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


def actor(request: Request,
          credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Actor:
    token = credentials.credentials if credentials else ""
    return request.app.state.service.authenticate(token)


def admin(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not current.is_admin:
        raise Forbidden(Text("仅限管理员", "administrators only"))
    return current


def designer(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not (current.is_designer or current.is_admin):
        raise Forbidden(Text("仅限流程设计人员和管理员", "process designers and administrators only"))
    return current


ServiceDep = Annotated[Yishi, Depends(service)]
ActorDep = Annotated[Actor, Depends(actor)]
AdminDep = Annotated[Actor, Depends(admin)]
DesignerDep = Annotated[Actor, Depends(designer)]
