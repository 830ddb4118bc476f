"""The API app as bench/http_load.py serves it (``uvicorn --factory bench_app:make --app-dir bench``).

The app of ``api.app.create_app`` from the ``YISHI_*`` environment; ``BENCH_SQLITE_SYNCHRONOUS`` (FULL or
NORMAL) overrides SQLite's ``PRAGMA synchronous`` on every connection, to measure what durability costs.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from api.app import create_app
from engine.service import Yishi


def make():
    service = Yishi()
    synchronous = os.environ.get("BENCH_SQLITE_SYNCHRONOUS")
    if synchronous in ("FULL", "NORMAL") and service.db.url.get_backend_name() == "sqlite":
        @sa.event.listens_for(service.db, "connect")
        def _synchronous(dbapi_connection, _record):  # runs after the engine's own pragmas
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")
    return create_app(service)
