"""FastAPI dependencies: the engine service and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from engine.domain.actors import Actor
from engine.errors import Forbidden
from engine.people import accounts
from engine.service import Yishi

bearer = HTTPBearer(auto_error=False, description="The token from POST /auth/login")


def service(request: Request) -> Yishi:
    return request.app.state.service


def actor(request: Request,
          credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Actor:
    token = credentials.credentials if credentials else ""
    with request.app.state.service.db.connect() as conn:
        return accounts.authenticate(conn, token)


def admin(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not current.is_admin:
        raise Forbidden("administrators only")
    return current


def designer(current: Annotated[Actor, Depends(actor)]) -> Actor:
    if not (current.is_designer or current.is_admin):
        raise Forbidden("process designers only")
    return current


ServiceDep = Annotated[Yishi, Depends(service)]
ActorDep = Annotated[Actor, Depends(actor)]
AdminDep = Annotated[Actor, Depends(admin)]
DesignerDep = Annotated[Actor, Depends(designer)]
