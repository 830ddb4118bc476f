"""Administrators manage people and units (scoped by the tree in the engine); everyone sets their own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import PeopleAdminDep, ServiceDep, SignedInDep
from api.i18n import LanguageDep
from api.models import LoginResult
from api.people_models import (
    Grant,
    ImportResult,
    NewPassword,
    NewUnit,
    NewUser,
    NewUserResult,
    OneTimeCode,
    RecordedChange,
    Revoke,
    SheetImport,
    UnitChanges,
    UnitEntry,
    UnitTree,
    UserChanges,
    UserDetail,
    UserPage,
)
from api.problems import errors
from api.schemas import Limit, Offset, OptionalReason, Reason, SafeText

router = APIRouter(tags=["people"])
UserPath = Annotated[SafeText, Path(min_length=1, max_length=100, description="user id")]
UnitPath = Annotated[SafeText, Path(min_length=1, max_length=200, description="unit code (金江路社区)")]
READ = errors(401, 403, 404, 422)
WRITE = errors(401, 403, 404, 409, 422)


@router.get("/admin/users", response_model=UserPage, responses=errors(401, 403, 422),
            summary="People this administrator manages (a unit administrator: those holding a membership in their "
                    "subtree), newest first, searched by id, name, phone or email")
def users(service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep,
          q: Annotated[SafeText | None, Query(max_length=200, description="part of id, name, phone or email")] = None,
          include_inactive: Annotated[bool, Query(description="also deactivated people")] = True,
          limit: Limit = 50, offset: Offset = 0) -> dict:
    items, total = service.people.list_users(actor, text=q, include_inactive=include_inactive, limit=limit,
                                             offset=offset, language=language)
    return {"items": items, "total": total}


@router.post("/admin/users", response_model=NewUserResult, status_code=201, responses=WRITE,
             summary="Create a person with their first memberships; answers a one-time sign-in code, shown once")
def create_user(body: NewUser, service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep) -> dict:
    user, code, expires = service.people.create_user(
        actor, body.id, body.display_name, phone=body.phone, email=body.email,
        grants=[m.model_dump() for m in body.memberships], reason=body.reason, language=language)
    return {"user": user, "one_time_code": code, "expires_at": expires}


@router.get("/admin/users/{user}", response_model=UserDetail, responses=READ,
            summary="A person with every membership (dates, whether it holds today) and everything recorded")
def user(user: UserPath, service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep) -> dict:
    return service.people.user(actor, user, language)


@router.patch("/admin/users/{user}", response_model=UserDetail, responses=WRITE,
              summary="Change name, phone or email (only the fields sent; recorded with the reason)")
def update_user(user: UserPath, body: UserChanges, service: ServiceDep, actor: PeopleAdminDep,
                language: LanguageDep) -> dict:
    changes = body.model_dump(include=body.model_fields_set - {"reason"})
    if changes.get("display_name") is None:
        changes.pop("display_name", None)
    return service.people.update_user(actor, user, reason=body.reason, language=language, **changes)


@router.post("/admin/users/{user}/deactivate", response_model=UserDetail, responses=WRITE,
             summary="Deactivate (never delete: case files keep naming the person); ends their sessions")
def deactivate(user: UserPath, body: Reason, service: ServiceDep, actor: PeopleAdminDep,
               language: LanguageDep) -> dict:
    return service.people.set_active(actor, user, False, reason=body.reason, language=language)


@router.post("/admin/users/{user}/reactivate", response_model=UserDetail, responses=WRITE,
             summary="Reactivate a deactivated person")
def reactivate(user: UserPath, body: OptionalReason, service: ServiceDep, actor: PeopleAdminDep,
               language: LanguageDep) -> dict:
    return service.people.set_active(actor, user, True, reason=body.reason, language=language)


@router.post("/admin/users/{user}/reset-code", response_model=OneTimeCode, responses=WRITE,
             summary="Issue a one-time sign-in code (shown once, stored hashed, expires); signing in with it forces "
                     "a new password")
def reset_code(user: UserPath, body: OptionalReason, service: ServiceDep, actor: PeopleAdminDep) -> dict:
    code, expires = service.people.reset_code(actor, user, reason=body.reason)
    return {"user": user, "one_time_code": code, "expires_at": expires}


@router.post("/admin/users/{user}/memberships", response_model=UserDetail, responses=WRITE,
             summary="Grant a membership (unit, role, from–to dates), or change the dates of one held; recorded, "
                     "and the person's sessions end")
def grant(user: UserPath, body: Grant, service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep) -> dict:
    return service.people.grant(actor, user, body.model_dump(exclude={"reason"}), reason=body.reason,
                                language=language)


@router.post("/admin/users/{user}/memberships/revoke", response_model=UserDetail, responses=WRITE,
             summary="Revoke a membership; recorded, and the person's sessions end")
def revoke(user: UserPath, body: Revoke, service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep) -> dict:
    return service.people.revoke(actor, user, body.unit, body.role, reason=body.reason, language=language)


@router.get("/admin/units", response_model=UnitTree, responses=errors(401, 403),
            summary="The units this administrator manages, with kinds named, and the kinds a new unit may have")
def units(service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep) -> dict:
    return service.people.unit_list(actor, language)


@router.post("/admin/units", response_model=UnitEntry, status_code=201, responses=WRITE,
             summary="Create a unit under a parent (a unit administrator: under a unit they manage)")
def create_unit(body: NewUnit, service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep) -> dict:
    service.people.create_unit(actor, body.code, body.kind.value, body.name, body.parent, reason=body.reason)
    return service.people.unit_entry(body.code, language)


@router.patch("/admin/units/{unit}", response_model=UnitEntry, responses=WRITE,
              summary="Rename, change the kind of, or move a unit; cases keep their unit (the move is recorded "
                      "with how many there are)")
def update_unit(unit: UnitPath, body: UnitChanges, service: ServiceDep, actor: PeopleAdminDep,
                language: LanguageDep) -> dict:
    changes = body.model_dump(include=body.model_fields_set - {"reason"})
    for key in ("name", "kind"):
        if changes.get(key) is None:
            changes.pop(key, None)
    if "kind" in changes:
        changes["kind"] = changes["kind"].value
    service.people.update_unit(actor, unit, reason=body.reason, **changes)
    return service.people.unit_entry(unit, language)


@router.get("/admin/units/{unit}/history", response_model=list[RecordedChange], responses=READ,
            summary="What happened to a unit: created, renamed, moved (with who and why)")
def unit_history(unit: UnitPath, service: ServiceDep, actor: PeopleAdminDep) -> list[dict]:
    return service.people.unit_history(actor, unit)


@router.post("/admin/people/import", response_model=ImportResult, responses=WRITE,
             summary="Import people from a CSV or XLSX sheet (姓名, 手机号, 单位, 角色): a dry run gives every row's "
                     "outcome; the real run writes all rows or, with any error row, none")
def import_people(body: SheetImport, service: ServiceDep, actor: PeopleAdminDep, language: LanguageDep) -> dict:
    return service.people.import_sheet(actor, body.content_base64, apply=body.apply, reason=body.reason,
                                       language=language)


@router.post("/me/password", response_model=LoginResult, responses=errors(401, 422),
             summary="Set my own password (the old one is needed unless I signed in with a one-time code); every "
                     "other session ends and a new token is returned")
def change_password(body: NewPassword, service: ServiceDep, actor: SignedInDep, language: LanguageDep) -> dict:
    token, expires, fresh = service.change_password(actor, body.old_password, body.new_password)
    return {"access_token": token, "token_type": "bearer", "expires_at": expires,
            "must_change_password": False, "user": service.me(fresh, language)}
