"""Request bodies and answers of the people pages: users, memberships, units, the sheet import, passwords.

Shapes come from ``engine.domain.contacts`` so the document and the engine agree on what a phone, an email, a
user id or a unit code looks like. Each body's example is accepted against the demo data
(``tests/api/test_contract.py`` posts them all, in order).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints
from pydantic_core import PydanticCustomError

from api.models import Instant, Model
from api.schemas import Body, SafeText, _safe_text
from engine.domain import contacts
from engine.settings import settings

UnitKind = StrEnum("UnitKind", {code.upper(): code for code in settings().unit_kind_codes()})
UnitKind.__doc__ = "A unit kind this deployment allows (YISHI_UNIT_KINDS)."

def _shaped(pattern: str, max_length: int | None = None):
    """Text of one shape (``engine.domain.contacts``), declared in the document and checked here alike."""
    return Annotated[str, StringConstraints(pattern=pattern, max_length=max_length), AfterValidator(_safe_text)]


def _iso_date(value: Any) -> Any:
    """Dates are ``YYYY-MM-DD`` text (pydantic would read a number as a Unix time)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("date_parsing", "Input should be a date written YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_date)]
UserIdText = _shaped(contacts.USER_ID)
PhoneText = _shaped(contacts.PHONE)
EmailText = _shaped(contacts.EMAIL, 254)
UnitText = _shaped(contacts.UNIT_CODE)
RoleText = _shaped(contacts.ROLE)
ReasonText = Field(None, max_length=2000, description="why: recorded with the change")


# ----- bodies --------------------------------------------------------------------------------------------------

class Grant(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "unit": "金江路社区", "role": "grid_steward", "valid_from": "2026-03-01", "valid_to": "2026-12-31",
        "reason": "换届 New term"}]})
    unit: UnitText = Field(description="unit code (金江路社区)")
    role: RoleText = Field(description="role code (grid_steward)")
    valid_from: Day | None = Field(None, description="first day it holds (Beijing date); none: at once")
    valid_to: Day | None = Field(None, description="last day it holds; none: until revoked")
    reason: SafeText | None = ReasonText


class Revoke(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "unit": "金江路社区", "role": "grid_steward", "reason": "调离 Moved away"}]})
    unit: UnitText = Field(description="unit code (金江路社区)")
    role: RoleText = Field(description="role code (grid_steward)")
    reason: SafeText | None = ReasonText


class FirstMembership(Body):
    unit: UnitText = Field(description="unit code (金江路社区)")
    role: RoleText = Field(description="role code (grid_steward)")
    valid_from: Day | None = None
    valid_to: Day | None = None


class NewUser(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "13800000001", "display_name": "张三", "phone": "13800000001", "email": "zhangsan@example.cn",
        "memberships": [{"unit": "金江路社区", "role": "residents"}], "reason": "新居民登记 New resident"}]})
    id: UserIdText = Field(description="login name: letters, digits, Chinese characters, . _ @ + -")
    display_name: SafeText = Field(min_length=1, max_length=200)
    phone: PhoneText | None = Field(None, description="digits, an optional leading +")
    email: EmailText | None = None
    memberships: list[FirstMembership] = Field(default_factory=list, max_length=50)
    reason: SafeText | None = ReasonText


class UserChanges(Body):
    """Only the fields sent change; ``null`` clears phone or email."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "display_name": "张三", "phone": "13800000002", "reason": "换了手机号 New phone"}]})
    display_name: SafeText | None = Field(None, min_length=1, max_length=200)
    phone: PhoneText | None = Field(None, description="digits, an optional leading +")
    email: EmailText | None = None
    reason: SafeText | None = ReasonText


class NewUnit(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "白塔社区", "kind": "community", "name": "盘龙区白塔社区", "parent": "拓东街道",
        "reason": "新建社区 New community"}]})
    code: UnitText = Field(description="unit code: no spaces or / \\ ? # % :")
    kind: UnitKind
    name: SafeText = Field(min_length=1, max_length=400)
    parent: UnitText | None = Field(None, description="the unit above; none: a root")
    reason: SafeText | None = ReasonText


class UnitChanges(Body):
    """Only the fields sent change; ``"parent": null`` makes the unit a root (global administrators only)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "盘龙区白塔社区居委会", "parent": "拓东街道", "reason": "更名 Renamed"}]})
    name: SafeText | None = Field(None, min_length=1, max_length=400)
    kind: UnitKind | None = None
    parent: UnitText | None = None
    reason: SafeText | None = ReasonText


EXAMPLE_SHEET = base64.b64encode("姓名,手机号,单位,角色\n李四,13900000001,金江路社区,网格管家\n".encode()).decode()


class SheetImport(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "content_base64": EXAMPLE_SHEET, "apply": False, "reason": "三月人员名册 March roster"}]})
    content_base64: str = Field(min_length=1, max_length=8_000_000, pattern=r"^[A-Za-z0-9+/=\r\n]+$",
                                description="the CSV or XLSX file, base64-encoded")
    apply: StrictBool = Field(False, description="false: a dry run, nothing is written; true: write all rows or none")
    reason: SafeText | None = ReasonText


class NewPassword(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "old_password": "yishi-demo", "new_password": "a-longer-password-2026"}]})
    old_password: SafeText | None = Field(None, max_length=200,
                                          description="needed unless signed in with a one-time code")
    new_password: SafeText = Field(min_length=1, max_length=200,
                                   description="at least YISHI_PASSWORD_MIN_LENGTH characters")


# ----- answers -------------------------------------------------------------------------------------------------

class MembershipDetail(Model):
    unit: str
    unit_name: str
    role: str
    role_name: str = Field(description="in the request's language")
    valid_from: dt.date | None
    valid_to: dt.date | None
    current: bool = Field(description="holds today (Beijing date)")


class UserSummary(Model):
    id: str
    display_name: str
    phone: str | None
    email: str | None
    active: bool
    is_admin: bool
    is_designer: bool
    must_change_password: bool
    created_at: Instant
    memberships: list[MembershipDetail]


class UserPage(Model):
    items: list[UserSummary]
    total: int


class RecordedChange(Model):
    at: Instant
    kind: str = Field(description="user_created, user_changed, privileges_changed, reset_code_issued, …")
    actor: str = Field(description="who made the change")
    data: dict[str, Any] = Field(description="what changed, and `reason`")


class UserDetail(UserSummary):
    history: list[RecordedChange]
    manageable: bool = Field(description="whether this administrator may edit the account (name, phone, active, "
                                         "one-time code)")


class OneTimeCode(Model):
    user: str
    one_time_code: str = Field(description="shown once: hand it to the person; signing in with it forces a new "
                                           "password")
    expires_at: Instant


class NewUserResult(Model):
    user: UserDetail
    one_time_code: str
    expires_at: Instant


class UnitEntry(Model):
    code: str
    kind: str
    kind_name: str
    name: str
    parent: str | None


class KindEntry(Model):
    code: str
    name: str


class UnitTree(Model):
    units: list[UnitEntry] = Field(description="the units this administrator manages, by code; draw the tree by "
                                               "`parent`")
    kinds: list[KindEntry] = Field(description="kinds a new unit may have")


class ImportRow(Model):
    row: int = Field(description="the row number as the spreadsheet shows it")
    outcome: Literal["create", "update", "unchanged", "error"]
    name: str
    phone: str
    user: str | None
    unit: str
    roles: list[str]
    role_names: list[str]
    changes: list[str]
    reason: str | None = Field(description="why the row is an error")
    one_time_code: str | None = Field(description="the real run: the sign-in code of a person created")


class ImportCounts(Model):
    create: int
    update: int
    unchanged: int
    error: int


class ImportResult(Model):
    applied: bool = Field(description="true only for a real run without error rows; otherwise nothing was written")
    counts: ImportCounts
    rows: list[ImportRow]
