"""Serve the built web app (``web/dist``) from the API process.

``mount_web(app, dist)`` is called last in ``create_app``, so every API route (``/api/...``, the legacy paths,
``/docs``, ``/openapi.json``) is matched first. What no route matched goes to a catch-all mount: a file of
``dist`` when one exists (hashed assets are cached for a year), ``index.html`` for any other GET so the
single-page app's own routes (``/inbox``, ``/case/…``) load on a reload or a shared link, a 405 problem (with
``Allow``) for a method an API route does not take, and a 404 problem for unknown ``/api/...`` paths and for other
methods. Without a build (``web/dist/index.html`` missing), ``GET /`` answers a short pointer to ``/docs`` and how
to build the web app, and other paths the same problems.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Mount
from starlette.types import Receive, Scope, Send

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
API_PREFIXES = ("/api/", "/api")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
IMMUTABLE = "public, max-age=31536000, immutable"
POINTER = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Yishi 议事</title>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.6">
<h1>Yishi 议事</h1><p>网页端尚未构建。运行 <code>make run</code>（需要 Node 20+ 与 npm）会先构建网页端。</p>
<p>The web app is not built yet: <code>make run</code> builds it (Node 20+ and npm needed).
The API is at <a href="/docs">/docs</a>.</p></body></html>"""

mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("text/css", ".css")
mimetypes.add_type("image/svg+xml", ".svg")


def allowed_methods(scope: Scope) -> list[str]:
    """Every method the app's routes (not its mounts) take at this path, for a 405's ``Allow``."""
    routes = [r for r in getattr(scope.get("router"), "routes", ()) if not isinstance(r, Mount)]
    return [method for method in METHODS
            if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)]


class SinglePageApp:
    """ASGI app: files of ``dist``, else ``index.html`` (GET/HEAD only; never for ``/api``)."""

    def __init__(self, dist: Path):
        self.dist = dist.resolve()
        self.index = self.dist / "index.html"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if scope["method"] not in ("GET", "HEAD") or path == "/api" or path.startswith("/api/"):
            allowed = allowed_methods(scope)
            if allowed:  # an API route's path, not its method (the router would hand that to this catch-all mount)
                raise HTTPException(405, headers={"Allow": ", ".join(allowed)})
            raise HTTPException(404, f"no route {scope['method']} {path}")
        response = self.respond(path)
        await response(scope, receive, send)

    def respond(self, path: str) -> Response:
        if not self.index.is_file():  # no build
            raise HTTPException(404, f"no route GET {path}")
        relative = path.lstrip("/")
        if relative:
            candidate = (self.dist / relative).resolve()
            if candidate.is_relative_to(self.dist) and candidate.is_file() and candidate != self.index:
                cache = IMMUTABLE if relative.startswith("assets/") else "public, max-age=3600"
                return FileResponse(candidate, headers={"Cache-Control": cache})
            if relative.startswith("assets/"):  # a stale hashed asset: no HTML in place of a script
                raise HTTPException(404, f"no file {path}")
        return FileResponse(self.index, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})


def mount_web(app: FastAPI, dist: Path = DIST) -> None:
    if not (dist / "index.html").is_file():
        @app.get("/", include_in_schema=False)
        def pointer() -> HTMLResponse:
            return HTMLResponse(POINTER)
    app.mount("/", SinglePageApp(dist), name="web")  # with or without a build: 405 and 404 problems alike
