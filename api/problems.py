"""RFC 9457 problem details for every error: one status per engine error class, a message that names the
field or BPMN element, and never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import (
    Conflict,
    Forbidden,
    InvalidDefinition,
    InvalidInput,
    InvalidState,
    NotFound,
    ScriptSecurityError,
    Unauthenticated,
    YishiError,
)

log = logging.getLogger("yishi.api")
PROBLEM = "application/problem+json"
STATUS = [  # most specific first
    (Unauthenticated, 401), (InvalidDefinition, 422), (InvalidInput, 422), (ScriptSecurityError, 422),
    (NotFound, 404), (Forbidden, 403), (Conflict, 409), (InvalidState, 409), (YishiError, 400),
]
TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          409: "Conflict", 413: "Too large", 422: "Invalid input", 500: "Internal error"}


def problem(status: int, detail: str, *, type_: str | None = None, **extra) -> JSONResponse:
    body = {"type": f"https://yishi.example/problems/{type_ or 'error'}", "title": TITLES.get(status, "Error"),
            "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(YishiError)
    async def engine_error(_request: Request, exc: YishiError):
        status = next(code for cls, code in STATUS if isinstance(exc, cls))
        extra = {}
        if isinstance(exc, InvalidInput):
            extra["errors"] = [e.as_dict() for e in exc.errors]
        if isinstance(exc, InvalidDefinition):
            extra["problems"] = [p.as_dict() for p in exc.problems]
        return problem(status, exc.message, type_=exc.status, **extra)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(_request: Request, exc: RequestValidationError):
        errors = [{"path": "/".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")),
                   "message": e.get("msg", "invalid")} for e in exc.errors()]
        names = ", ".join(sorted({e["path"] or "(body)" for e in errors}))
        return problem(422, f"invalid request: {names}", type_="invalid_input", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException):
        return problem(exc.status_code, str(exc.detail), type_="http")

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception):
        log.exception("unexpected error")
        return problem(500, f"internal error ({type(exc).__name__}); it has been logged", type_="internal")
