"""The real app over a real database, as the API tests drive it: demo units and users seeded, the dev clock on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from engine.people import demo
from engine.service import Yishi
from engine.settings import Settings

DEV = Settings(dev_clock=True)  # the dev clock route exists only when enabled


@contextlib.contextmanager
def demo_client(db_url: str, processes_dir: Path, **client_options) -> Iterator[TestClient]:
    """A ``TestClient`` of the app with ``processes_dir`` deployed; ``client.service`` is the engine behind it."""
    service = Yishi(db_url)
    app = create_app(service, config=DEV, processes_dir=str(processes_dir), seed_demo=True, tick_seconds=0)
    try:
        with TestClient(app, **client_options) as client:
            client.service = service
            yield client
    finally:
        service.db.dispose()


def login(client: TestClient, user: str) -> dict:
    """Bearer headers for a demo user (user id = role code, the demo password)."""
    response = client.post("/api/auth/login", json={"user": user, "password": demo.PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
