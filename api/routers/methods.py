"""Methods a participant may start, and their start forms."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep
from api.models import Method, StartForm
from api.problems import errors
from api.schemas import DefinitionKey, StartUnit

router = APIRouter(prefix="/methods", tags=["participants"])


@router.get("", response_model=list[Method], responses=errors(401),
            summary="The methods I may start and the units where I may start them (newest version each)")
def methods(service: ServiceDep, actor: ActorDep, language: LanguageDep) -> list[dict]:
    return service.methods(actor, language)


@router.get("/{key}/start-form", response_model=StartForm, responses=errors(401, 403, 404, 422),
            summary="The start form of a method in my language, with its defaults (403: I may not start it there)")
def start_form(key: DefinitionKey, unit: StartUnit, service: ServiceDep, actor: ActorDep,
               language: LanguageDep) -> dict:
    return service.start_form(key, unit, actor, language)
