"""Task actions (issue 13): the views' counts and 抄送我的, 催办, 抄送, 转办, 委派 / 加签 and their answers, 撤回,
退回, 撤销, stand-ins and 换届, and what a task or case page may offer. Only under /api (new routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.action_models import (
    CaseActions,
    Copied,
    CopyPage,
    HandedOver,
    RequestAnswered,
    RequestItem,
    RequestMade,
    StandInCandidates,
    StandInEnded,
    StandInList,
    StandInSet,
    TaskActions,
    Transferred,
    Urged,
    ViewCounts,
)
from api.deps import ActorDep, ServiceDep
from api.i18n import LanguageDep
from api.models import CaseDetail
from api.problems import errors
from api.routers.cases import with_figures
from api.schemas import (
    Answer,
    AskSomeone,
    CaseRef,
    CopyCase,
    EndStandIn,
    Handover,
    HandoverPreview,
    Limit,
    MethodFilter,
    Offset,
    OptionalReason,
    Reason,
    RequestId,
    ReturnTask,
    StandIn,
    StandInId,
    TaskId,
    TextFilter,
    Transfer,
    UnitFilter,
    Urge,
    UserFilter,
)

router = APIRouter(tags=["task actions"])
ACT_ERRORS = errors(401, 403, 404, 409, 422)


@router.get("/views/counts", response_model=ViewCounts, responses=errors(401, 422),
            summary="How many items 待办, 已办, 我发起的 and 抄送我的 hold under the same filters")
def counts(service: ServiceDep, actor: ActorDep, method: MethodFilter = None, unit: UnitFilter = None,
           q: TextFilter = None) -> dict:
    return service.view_counts(actor, method=method, unit=unit, q=q)


@router.get("/views/copied", response_model=CopyPage, responses=errors(401, 422),
            summary="抄送我的: cases copied to me, newest first, with read status")
def copied(service: ServiceDep, actor: ActorDep, language: LanguageDep, method: MethodFilter = None,
           unit: UnitFilter = None, q: TextFilter = None,
           unread: Annotated[bool, Query(description="only those I have not opened")] = False,
           limit: Limit = 50, offset: Offset = 0) -> dict:
    items, total = service.copied_to_me(actor, language, method=method, unit=unit, q=q, unread=unread, limit=limit,
                                        offset=offset)
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/views/requests", response_model=list[RequestItem], responses=errors(401, 422),
            summary="What holders of open steps asked of me (委派, 加签), oldest first")
def requests(service: ServiceDep, actor: ActorDep, language: LanguageDep, method: MethodFilter = None,
             unit: UnitFilter = None, q: TextFilter = None) -> list[dict]:
    return service.requests_to_me(actor, language, method=method, unit=unit, q=q)


@router.get("/tasks/{task_id}/actions", response_model=TaskActions, responses=errors(401, 403, 404, 409, 422),
            summary="What I may do on this open step: hand it over, ask someone, send it back (and why not)")
def task_actions(task_id: TaskId, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.task_actions(task_id, actor, language)


@router.post("/tasks/{task_id}/urge", response_model=Urged, responses=ACT_ERRORS,
             summary="催办: tell the holder of an open step at once (starter, participant, administrator)")
def urge(task_id: TaskId, body: Urge, service: ServiceDep, actor: ActorDep) -> dict:
    return service.urge(task_id, actor, body.note)


@router.post("/tasks/{task_id}/transfer", response_model=Transferred, responses=ACT_ERRORS,
             summary="转办: hand my step to another member holding its role, with a reason")
def transfer(task_id: TaskId, body: Transfer, service: ServiceDep, actor: ActorDep) -> dict:
    return service.transfer(task_id, actor, body.to_user, body.reason)


@router.post("/tasks/{task_id}/requests", status_code=201, response_model=RequestMade, responses=ACT_ERRORS,
             summary="委派 or 加签: ask someone to work on my step, or for their opinion before or after I decide")
def ask(task_id: TaskId, body: AskSomeone, service: ServiceDep, actor: ActorDep) -> dict:
    return service.ask(task_id, actor, body.kind.value, body.to_user, body.note)


@router.post("/requests/{request_id}/answer", response_model=RequestAnswered, responses=ACT_ERRORS,
             summary="Answer what I was asked (the delegate's work, my opinion)")
def answer(request_id: RequestId, body: Answer, service: ServiceDep, actor: ActorDep) -> dict:
    return service.answer_request(request_id, actor, body.answer)


@router.post("/requests/{request_id}/withdraw", response_model=RequestAnswered, responses=ACT_ERRORS,
             summary="Withdraw a request I made that is not answered yet")
def withdraw_request(request_id: RequestId, service: ServiceDep, actor: ActorDep) -> dict:
    return service.answer_request(request_id, actor, None, withdraw=True)


@router.post("/tasks/{task_id}/withdraw", response_model=CaseDetail, responses=ACT_ERRORS,
             summary="撤回: take back my completed step while the next one has not been acted on")
def withdraw_step(task_id: TaskId, body: OptionalReason, service: ServiceDep, actor: ActorDep) -> dict:
    return with_figures(service, service.withdraw_step(task_id, actor, body.reason), actor)


@router.post("/tasks/{task_id}/return", response_model=CaseDetail, responses=ACT_ERRORS,
             summary="退回: send the case back to an earlier step the process allows, with a reason")
def return_task(task_id: TaskId, body: ReturnTask, service: ServiceDep, actor: ActorDep) -> dict:
    return with_figures(service, service.return_task(task_id, actor, body.to_element, body.reason), actor)


@router.get("/cases/{case}/actions", response_model=CaseActions, responses=errors(401, 404, 422),
            summary="On the case page: the steps I may urge (and whether their holders opened them since), copies, "
                    "requests, what I may take back or withdraw")
def case_actions(case: CaseRef, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.case_actions(case, actor, language)


@router.post("/cases/{case}/copies", response_model=Copied, responses=ACT_ERRORS,
             summary="抄送: copy the case to people or roles for their information, with a note (each person once)")
def copy_case(case: CaseRef, body: CopyCase, service: ServiceDep, actor: ActorDep) -> dict:
    return service.copy_case(case, actor, body.to_users, body.to_roles, body.note)


@router.post("/cases/{case}/withdraw", response_model=CaseDetail, responses=ACT_ERRORS,
             summary="撤销: the starter withdraws their proposal before it is decided (where the method allows)")
def withdraw_case(case: CaseRef, body: Reason, service: ServiceDep, actor: ActorDep) -> dict:
    return with_figures(service, service.withdraw_case(case, actor, body.reason), actor)


@router.post("/stand-ins", status_code=201, response_model=StandInSet, responses=ACT_ERRORS,
             summary="An absence with a stand-in between two dates: my open steps move to them and back")
def stand_in(body: StandIn, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.set_stand_in(actor, body.user, body.stand_in, body.valid_from, body.valid_to, body.reason,
                                language)


@router.get("/stand-ins", response_model=StandInList, responses=errors(401, 403, 404, 422),
            summary="Absences not over yet: mine and those I stand in for; with unit, its members' (administrators)")
def stand_ins(service: ServiceDep, actor: ActorDep, unit: UnitFilter = None) -> dict:
    return {"items": service.stand_ins(actor, unit)}


@router.get("/stand-ins/candidates", response_model=StandInCandidates, responses=errors(401, 403, 404, 422),
            summary="Who may stand in: members holding the absent person's roles in the same units")
def stand_in_candidates(service: ServiceDep, actor: ActorDep, user: UserFilter = None) -> dict:
    return {"items": service.stand_in_candidates(actor, user)}


@router.post("/stand-ins/{stand_in_id}/end", response_model=StandInEnded, responses=ACT_ERRORS,
             summary="End an absence early (what the stand-in still holds moves back) or cancel one not begun")
def end_stand_in(stand_in_id: StandInId, body: EndStandIn, service: ServiceDep, actor: ActorDep,
                 language: LanguageDep) -> dict:
    return service.end_stand_in(actor, stand_in_id, body.reason, language)


@router.post("/admin/handover/preview", response_model=HandedOver, responses=ACT_ERRORS,
             summary="换届 previewed: which open steps would move to the successor and which would stay (and why); "
                     "nothing is written")
def handover_preview(body: HandoverPreview, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.handover(actor, body.user, body.to_user, None, language, dry_run=True)


@router.post("/admin/handover", response_model=HandedOver, responses=ACT_ERRORS,
             summary="换届: move every open step of a member whose membership ends to their successor (one act)")
def handover(body: Handover, service: ServiceDep, actor: ActorDep, language: LanguageDep) -> dict:
    return service.handover(actor, body.user, body.to_user, body.reason, language)
