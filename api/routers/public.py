"""What anyone may read without signing in: a unit's public board (公示栏)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.i18n import LanguageDep
from api.models import PublicBoard
from api.problems import errors
from api.schemas import UnitCode

router = APIRouter(prefix="/public", tags=["public"])


@router.get("/units/{unit}/board", response_model=PublicBoard, responses=errors(404, 422),
            summary="A unit's public board, no login: notices whose publication period runs now and the last "
                    "completed cases (nothing personal)")
def board(unit: UnitCode, service: ServiceDep, language: LanguageDep) -> dict:
    return service.public_board(unit, language)
