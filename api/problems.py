"""RFC 9457 problem details for every error: one status per engine error class (by its MRO), a message in the
request's language (``Accept-Language``, Chinese by default) that names the field or BPMN element, and never a
traceback. ``errors(…)`` declares a route's error answers in OpenAPI with the shared ``Problem`` model."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.i18n import Language, request_error, request_language
from api.models import Problem
from engine.domain.texts import Text
from engine.errors import (
    Conflict,
    Forbidden,
    InvalidDefinition,
    InvalidInput,
    InvalidState,
    LayoutError,
    NotFound,
    RateLimited,
    ScriptSecurityError,
    TooLarge,
    TooManyAttempts,
    Unauthenticated,
    UnsafeXML,
    UnsupportedMediaType,
    YishiError,
)

log = logging.getLogger("yishi.api")
PROBLEM = "application/problem+json"
STATUS: dict[type[YishiError], int] = {
    TooManyAttempts: 429, RateLimited: 429, Unauthenticated: 401, Forbidden: 403, NotFound: 404, Conflict: 409,
    InvalidState: 409, TooLarge: 413, UnsupportedMediaType: 415,
    InvalidInput: 422, InvalidDefinition: 422, ScriptSecurityError: 422, UnsafeXML: 422, LayoutError: 422,
    YishiError: 400,
}
TITLES = {
    400: Text("请求有误", "Bad request"), 401: Text("未登录", "Not authenticated"), 403: Text("无权操作", "Forbidden"),
    404: Text("未找到", "Not found"), 405: Text("不支持此方法", "Method not allowed"), 409: Text("冲突", "Conflict"),
    413: Text("内容过大", "Too large"), 415: Text("不接受的文件类型", "Unsupported media type"),
    422: Text("输入有误", "Invalid input"),
    429: Text("尝试过于频繁", "Too many attempts"), 500: Text("内部错误", "Internal error"),
}
DESCRIPTIONS = {
    401: "未登录或令牌失效 No valid bearer token",
    403: "无权操作 Not allowed for this user (role, unit or designer/administrator rights)",
    404: "未找到 Unknown, or not visible to this user",
    409: "冲突 The case or task changed meanwhile, or the action does not fit its status",
    422: "输入有误 Invalid input: `errors` lists each field (`problems`: each lint finding)",
    413: "内容过大 Too large: the body or file exceeds its limit",
    415: "不接受的文件类型 Unsupported media type: the file's content is of a type that is not accepted",
    429: "尝试过于频繁 Too many failed logins: wait `Retry-After` seconds, or the account is locked until an "
         "administrator unlocks it; or too many vote changes, posts or ratings",
}


def status_of(exc: YishiError) -> int:
    """The HTTP status of an engine error: the first class of its MRO that has one."""
    return next(STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS)


def problem(status: int, detail: str, language: Language, *, type_: str | None = None, **extra) -> JSONResponse:
    title = TITLES.get(status, Text("错误", "Error")).render(language)
    body = {"type": f"https://yishi.example/problems/{type_ or 'error'}", "title": title, "status": status,
            "detail": detail, **extra}
    headers = {"Content-Language": language, "Vary": "Accept-Language"}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status answered with a ``Problem`` (``application/problem+json``)."""
    return {status: {"model": Problem, "description": DESCRIPTIONS.get(status, TITLES[status].render("en"))}
            for status in statuses}


def install(app: FastAPI) -> None:
    @app.exception_handler(YishiError)
    async def engine_error(request: Request, exc: YishiError):
        language = request_language(request)
        extra = {}
        if isinstance(exc, InvalidInput):
            extra["errors"] = [e.as_dict(language) for e in exc.errors]
        if isinstance(exc, InvalidDefinition):
            extra["problems"] = [p.as_dict(language) for p in exc.problems]
        answer = problem(status_of(exc), exc.text.render(language), language, type_=exc.status, **extra)
        if getattr(exc, "retry_after", None) is not None:
            answer.headers["Retry-After"] = str(exc.retry_after)
        return answer

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError):
        language = request_language(request)
        found = [request_error(e, language) for e in exc.errors()]
        names = ", ".join(sorted({e["path"] or "(body)" for e in found}))
        detail = Text("请求无效：{names}", "invalid request: {names}", names=names).render(language)
        return problem(422, detail, language, type_="invalid_input", errors=found)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):  # FastAPI: body not UTF-8
            return await request_invalid(request, RequestValidationError(
                [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}]))
        if exc.status_code == 400:  # the framework could not parse the body (e.g. broken multipart/form-data)
            return await request_invalid(request, RequestValidationError(
                [{"type": "body_unreadable", "loc": ("body",), "msg": "unreadable body",
                  "ctx": {"detail": str(exc.detail)[:200]}}]))
        language = request_language(request)
        title = TITLES.get(exc.status_code)
        detail = str(exc.detail)
        if language != "en" and title is not None:
            detail = f"{title.render(language)}（{detail}）"
        answer = problem(exc.status_code, detail, language, type_="http")
        answer.headers.update(exc.headers or {})  # e.g. ``Allow`` of a 405
        return answer

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error")
        language = request_language(request)
        detail = Text("内部错误（{kind}），已记录", "internal error ({kind}); it has been logged",
                      kind=type(exc).__name__).render(language)
        return problem(500, detail, language, type_="internal")

    install_openapi(app)


def install_openapi(app: FastAPI) -> None:
    """Error answers are ``application/problem+json`` in the OpenAPI document, not ``application/json``."""

    generate = app.openapi  # FastAPI's own, which caches the document

    def openapi() -> dict[str, Any]:
        schema = generate()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if status[:1] in "45" and "application/json" in content:
                        content[PROBLEM] = content.pop("application/json")
        return schema

    app.openapi = openapi
