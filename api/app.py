"""The FastAPI application: thin routers over ``engine.service.Yishi``.

Start-up (``create_app``) optionally deploys the processes folder when it changed, seeds the demo
data and runs the timer ticker in a background thread; ``make run`` turns all three on.

Configuration comes from ``engine.settings.Settings`` (the ``YISHI_*`` variables, read once).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request

from api import docs, problems, web
from api.i18n import request_language
from api.routers import (
    actions,
    admin,
    attachments,
    auth,
    cases,
    definitions,
    dev,
    export,
    holidays,
    methods,
    notifications,
    participation,
    people,
    platforms,
    public,
    signing,
    stats,
    studio,
    system,
    tasks,
)
from engine.definitions.compiler import load_bundle
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.people import demo
from engine.service import Yishi
from engine.settings import Settings, settings

log = logging.getLogger("yishi.api")
API_PREFIX = "/api"
UPLOAD_PATHS = ("/api/definitions", "/definitions",  # POST: a definition bundle or a sheet of people, with their
                "/api/admin/people/import", "/admin/people/import")  # own (larger) limit
STUDIO_PREFIXES = ("/api/definitions/", "/definitions/")  # POST: the studio's drafts (lint, scenarios, diff)
ATTACHMENT_SUFFIX = "/attachments"  # POST …/attachments: a file, limited by YISHI_ATTACHMENT_MAX_BYTES
MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file


class BodyLimit:
    """Refuse request bodies larger than the limit with 413 problem+json in the reader's language, before the
    app reads them: by ``Content-Length`` when given (the server enforces it), else while counting the chunks."""

    def __init__(self, app, *, limit: int, upload_limit: int, attachment_limit: int | None = None):
        self.app, self.limit, self.upload_limit = app, limit, upload_limit
        self.attachment_limit = attachment_limit or limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"].rstrip("/")
        post = scope["method"] == "POST"
        limit = self.upload_limit if post and (path in UPLOAD_PATHS or path.startswith(STUDIO_PREFIXES)) else \
            self.attachment_limit if post and path.endswith(ATTACHMENT_SUFFIX) else self.limit
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                return await self.refuse(scope, receive, send, limit)
            return await self.app(scope, receive, send)
        chunks, size = [], 0  # chunked: read (at most the limit) before the app sees any of it
        while True:
            message = await receive()
            if message["type"] != "http.request":
                chunks.append(message)
                break
            size += len(message.get("body", b""))
            if size > limit:
                return await self.refuse(scope, receive, send, limit)
            chunks.append(message)
            if not message.get("more_body", False):
                break

        async def replay():
            return chunks.pop(0) if chunks else await receive()

        return await self.app(scope, replay, send)

    @staticmethod
    async def refuse(scope, receive, send, limit: int):
        language = request_language(Request(scope))
        detail = Text("请求内容过大：最多 {limit} 字节", "the request body is too large: at most {limit} bytes",
                      limit=limit).render(language)
        response = problems.problem(413, detail, language, type_="too_large")
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


class Ticker:
    """Fires due timers, records due-date reminders and delivers the notification outbox every ``seconds`` in a
    daemon thread until stopped."""

    def __init__(self, service: Yishi, seconds: float):
        self.service, self.seconds = service, seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="yishi-ticker", daemon=True)

    def run(self) -> None:
        while not self.stop.wait(self.seconds):
            try:
                result = self.service.tick()
                if result.timers_fired:
                    log.info("ticker: %s timer(s) fired in %s case(s)", result.timers_fired, result.cases)
            except Exception:  # keep ticking; the failure is logged
                log.exception("ticker failed")
            try:  # then the notifications: reminders found, the outbox delivered
                self.service.remind()
                self.service.deliver()
            except Exception:
                log.exception("notification round failed")


def create_app(service: Yishi | None = None, *, config: Settings | None = None, processes_dir: str | None = None,
               seed_demo: bool | None = None, tick_seconds: float | None = None) -> FastAPI:
    """The app for ``config`` (default: the environment's settings); keyword arguments override single settings."""
    config = config or settings()
    processes_dir = processes_dir if processes_dir is not None else config.processes_dir
    seed_demo = seed_demo if seed_demo is not None else config.demo
    tick_seconds = tick_seconds if tick_seconds is not None else config.tick_seconds

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.service = service or Yishi()
        if processes_dir and Path(processes_dir).is_dir():
            bundle = load_bundle([Path(processes_dir)])
            if bundle.bpmn:
                for deployed in app.state.service.deploy(bundle, Actor("system", is_designer=True)):
                    if deployed.created:
                        log.warning("deployed %s v%s", deployed.key, deployed.version)
        if seed_demo:
            demo.seed(app.state.service.db)
        ticker = Ticker(app.state.service, tick_seconds) if tick_seconds > 0 else None
        if ticker:
            ticker.thread.start()
        yield
        if ticker:
            ticker.stop.set()
            ticker.thread.join(timeout=10)

    app = FastAPI(
        title="Yishi 议事", version="0.2.0", lifespan=lifespan, docs_url=None, redoc_url=None,
        description="Community deliberation procedures (five-step method, three-stage six-step method, building "
                    "collective bargaining) as BPMN workflows on SpiffWorkflow. Log in with `POST /api/auth/login` "
                    "(demo users: the role codes, password `yishi-demo`), then press **Authorize** and paste the "
                    "token. Errors are RFC 9457 problem details (`application/problem+json`), worded in the "
                    "language of `Accept-Language` (Chinese by default, `en` for English). Instants are ISO-8601 "
                    "in Beijing time (`+08:00`).")
    problems.install(app)
    app.add_middleware(BodyLimit, limit=config.max_body_bytes, upload_limit=config.max_upload_bytes,
                       attachment_limit=config.attachment_max_bytes + MULTIPART_OVERHEAD)
    routers = [system.router, auth.router, tasks.router, cases.router, attachments.router, export.router,
               methods.router, definitions.router, admin.router, holidays.router, people.router, public.router,
               notifications.router, notifications.admin_router, platforms.router]
    routers_new = [participation.router, participation.me_router, studio.router, signing.router,
                   attachments.start_router, actions.router]  # new: only under /api
    if config.dev_clock:
        routers.append(dev.router)  # development only: the route does not exist otherwise
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
        app.include_router(router, include_in_schema=False)  # the paths before /api, kept for old clients
    app.include_router(stats.router, prefix=API_PREFIX)  # new: only under /api (the web app's page is /stats)
    for router in routers_new:
        app.include_router(router, prefix=API_PREFIX)
    docs.install(app)  # /docs and /redoc with local assets (no CDN)
    web.mount_web(app)  # the built web app at / (web/dist), after every API route
    return app


app = create_app()
