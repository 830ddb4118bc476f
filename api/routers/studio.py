"""The designers' studio's helpers that need no definition: the domain functions with their meanings, an
expression checked as it is typed, and a diagram tidied by the server's layout."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import DesignerDep, ServiceDep
from api.i18n import LanguageDep
from api.models import DomainFunction, ExpressionCheck, TidyResult
from api.problems import errors
from api.schemas import ExpressionSource, TidyRequest

router = APIRouter(prefix="/studio", tags=["designers"])


@router.get("/functions", response_model=list[DomainFunction], responses=errors(401, 403),
            summary="The domain functions expressions may call, with their meaning in Chinese and English")
def functions(service: ServiceDep, _actor: DesignerDep) -> list[dict]:
    return service.domain_functions()


@router.post("/expression", response_model=ExpressionCheck, responses=errors(401, 403, 422),
             summary="Check one condition, expression or script as the sandbox and lint would (for as-you-type)")
def expression(body: ExpressionSource, service: ServiceDep, _actor: DesignerDep, language: LanguageDep) -> dict:
    return {"problems": [t.render(language) for t in service.check_expression(body.source, body.mode)]}


@router.post("/tidy", response_model=TidyResult, responses=errors(401, 403, 422),
             summary="Draw a BPMN document's diagram afresh (lanes by role, steps as groups, no line through a "
                     "shape, incoming/outgoing written), as `yishi layout` does")
def tidy(body: TidyRequest, service: ServiceDep, actor: DesignerDep) -> dict:
    return {"bpmn": service.tidy(body.bpmn, actor)}
