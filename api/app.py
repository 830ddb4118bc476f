"""The FastAPI application. For now: health and the deployed definitions (the API issue adds the rest)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import FastAPI

from engine.service import Yishi

app = FastAPI(title="Yishi 议事", version="0.1.0",
              description="Community deliberation procedures (five-step method, three-stage six-step method, "
                          "building collective bargaining) as BPMN workflows on SpiffWorkflow.")


@lru_cache(maxsize=1)
def service() -> Yishi:
    return Yishi()


@app.get("/health", tags=["system"])
def health() -> dict:
    """Liveness plus a database round trip."""
    return {"status": "ok", "definitions": len(service().definitions())}


@app.get("/definitions", tags=["designers"])
def definitions() -> list[dict]:
    """The newest version of every deployed definition."""
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        for row in service().definitions()
    ]
