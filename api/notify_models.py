"""Request bodies and response models of the notification endpoints (the bell, preferences, deliveries, group
webhooks, WeCom / DingTalk sign-in)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import BeforeValidator, ConfigDict, Field

from api.models import Instant, Model
from api.schemas import MAX_INT, Body, Id, SafeText, _ascii_digits

WebhookId = Annotated[int, Path(ge=1, le=MAX_INT, description="group webhook id"), BeforeValidator(_ascii_digits)]

Channel = Literal["email", "sms", "wecom", "dingtalk"]


class Notification(Model):
    id: int
    kind: str = Field(description="task_opened, task_assigned, due_soon, overdue, escalated, objection_lodged, "
                                  "proposal_moved, case_finished")
    title: str = Field(description="in the request's language")
    lines: list[str] = Field(description="summary lines: case, role, due date, outcome …")
    path: str | None = Field(None, description="the web app's page to open (/task/…, /case/…)")
    case: str | None = Field(None, description="the case reference")
    task_id: str | None = None
    created_at: Instant
    read_at: Instant | None = None


class NotificationPage(Model):
    items: list[Notification]
    unread: int = Field(description="how many of my notifications are unread")
    limit: int
    offset: int


class MarkRead(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"ids": [1, 2]}, {"ids": None}]})
    ids: list[Id] | None = Field(None, max_length=1000, description="these notifications; null: all of mine")


class Unread(Model):
    unread: int


class QuietHours(Body):
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Beijing time, HH:MM (22:00)")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Beijing time, HH:MM (07:00); messages "
                     "falling in the quiet hours wait until then")


class Preferences(Model):
    channels: list[Channel] = Field(description="channels I want besides the bell (always on)")
    quiet: QuietHours | None = Field(None, description="quiet hours; none: none")
    language: Literal["zh-CN", "en"] = Field(description="language of e-mails and text messages")
    available: list[Channel] = Field(description="channels this server can deliver")
    reachable: list[Channel] = Field(description="channels where I have an address (e-mail, phone, linked account)")


class SavePreferences(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "channels": ["email", "sms"], "quiet": {"start": "22:00", "end": "07:00"}, "language": "zh-CN"}]})
    channels: list[Channel] = Field(max_length=4)
    quiet: QuietHours | None = None
    language: Literal["zh-CN", "en"] = "zh-CN"


class DeliveryRow(Model):
    id: int
    user_id: str | None = Field(None, description="the person; none for a unit's group webhook")
    kind: str
    channel: str
    address: str = Field(description="e-mail, phone, group webhook id or platform user id")
    status: Literal["pending", "sent", "failed"]
    attempts: int
    next_attempt_at: Instant
    last_error: str | None = Field(None, description="why the last try failed (or is held back)")
    created_at: Instant
    sent_at: Instant | None = None
    idempotency_key: str
    case: str | None = None
    title: str | None = None


class Deliveries(Model):
    items: list[DeliveryRow]


class GroupWebhook(Model):
    id: int
    unit: str
    role: str
    url: str
    format: Literal["json", "wecom", "dingtalk"]
    signed: bool = Field(description="a secret is set (HMAC header; DingTalk: its sign)")
    active: bool
    created_by: str
    created_at: Instant


class GroupWebhooks(Model):
    items: list[GroupWebhook]


class NewGroupWebhook(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "unit": "金江路社区", "role": "grid_steward", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
        "format": "wecom"}]})
    unit: SafeText = Field(min_length=1, max_length=200)
    role: SafeText = Field(min_length=1, max_length=200)
    url: SafeText = Field(max_length=1000, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][^\s]*)?$",
                          description="http(s) address of the receiver or robot")
    format: Literal["json", "wecom", "dingtalk"] = "json"
    secret: SafeText | None = Field(None, max_length=300, description="HMAC key; for DingTalk the robot's SEC… secret")


Platform = Literal["wecom", "dingtalk"]
PlatformPath = Annotated[Platform, Path(description="wecom (企业微信) or dingtalk (钉钉)")]


class PlatformInfo(Model):
    platform: Platform
    name: str = Field(description="in the request's language")


class Platforms(Model):
    items: list[PlatformInfo]


class AuthorizeUrl(Model):
    url: str = Field(description="open it: the platform's sign-in page, which comes back to redirect_uri with "
                                 "`code` (DingTalk: `authCode`) and `state`")


class PlatformCode(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "CODE-FROM-THE-PLATFORM"}]})
    code: SafeText = Field(min_length=1, max_length=512, description="the code the platform's sign-in page gave")


class PlatformLink(Model):
    platform: Platform
    external_id: str = Field(description="WeCom userid or DingTalk unionId")
    linked_by: str
    linked_at: Instant


class PlatformLinks(Model):
    items: list[PlatformLink]


class SetPlatformLink(Body):
    model_config = ConfigDict(json_schema_extra={"examples": [{"external_id": "WangXiaoMing"}]})
    external_id: SafeText = Field(min_length=1, max_length=200, pattern=r"\S",
                                  description="WeCom userid or DingTalk unionId")


class Removed(Model):
    removed: bool
