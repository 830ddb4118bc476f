"""The bell: my notifications, marking them read, the live stream (Server-Sent Events), my channels and quiet
hours; and the administrators' deliveries and group webhooks."""

from __future__ import annotations

import functools
import json
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from api.deps import ActorDep, AdminDep, ServiceDep, TokenDep
from api.i18n import LanguageDep
from api.models import beijing
from api.notify_models import (
    Deliveries,
    GroupWebhook,
    GroupWebhooks,
    MarkRead,
    NewGroupWebhook,
    NotificationPage,
    Preferences,
    SavePreferences,
    Unread,
    WebhookId,
)
from api.problems import errors
from api.schemas import Limit, Offset, UnitFilter
from engine.errors import Unauthenticated

router = APIRouter(prefix="/notifications", tags=["notifications"])
admin_router = APIRouter(prefix="/admin", tags=["administrators"])

POLL_SECONDS = 2.0  # how often the stream looks for news (any worker or server may have written it)
PING_SECONDS = 15.0  # a comment line keeps proxies from closing an idle stream
RECHECK_SECONDS = 60.0  # the token is checked again (logged out, expired, rights changed: the stream ends)


@router.get("", response_model=NotificationPage, responses=errors(401, 422),
            summary="My notifications, newest first, in my language, with the unread count")
def notifications(service: ServiceDep, actor: ActorDep, language: LanguageDep, limit: Limit = 50,
                  offset: Offset = 0,
                  unread: Annotated[bool, Query(description="only unread ones")] = False) -> dict:
    return service.notifications(actor, language, limit=limit, offset=offset, unread_only=unread)


@router.post("/read", response_model=Unread, responses=errors(401, 422),
             summary="Mark some (ids) or all (ids: null) of my notifications read")
def mark_read(body: MarkRead, service: ServiceDep, actor: ActorDep) -> dict:
    return {"unread": service.mark_read(actor, body.ids)}


@router.get("/stream", response_class=StreamingResponse, responses={
    **errors(401, 422), 200: {"description": "Server-Sent Events: `state` {unread, latest_id} at once and on "
                                             "every change, `notification` (one item) for each new one",
                              "content": {"text/event-stream": {"schema": {"type": "string"}}}}},
    summary="Live updates of my bell (Server-Sent Events; read it with fetch and the bearer token)")
async def stream(request: Request, service: ServiceDep, actor: ActorDep, token: TokenDep, language: LanguageDep,
                 seconds: Annotated[int, Query(ge=5, le=3600, description="end the stream after this many "
                                                                          "seconds (the client reconnects)")] = 300):
    async def events():
        latest, unread = await anyio.to_thread.run_sync(service.notification_state, actor)
        yield _event("state", {"unread": unread, "latest_id": latest})
        clock = anyio.current_time
        started = last_ping = last_check = clock()
        while clock() - started < seconds:
            await anyio.sleep(POLL_SECONDS)
            if await request.is_disconnected():
                return
            if clock() - last_check >= RECHECK_SECONDS:
                last_check = clock()
                try:
                    await anyio.to_thread.run_sync(service.authenticate, token)
                except Unauthenticated:
                    yield _event("end", {"reason": "unauthenticated"})
                    return
            now_latest, now_unread = await anyio.to_thread.run_sync(service.notification_state, actor)
            if now_latest > latest:
                page = await anyio.to_thread.run_sync(
                    functools.partial(service.notifications, actor, language, limit=50, after_id=latest))
                for item in reversed(page["items"]):
                    yield _event("notification", item)
            if (now_latest, now_unread) != (latest, unread):
                latest, unread = now_latest, now_unread
                yield _event("state", {"unread": unread, "latest_id": latest})
            elif clock() - last_ping >= PING_SECONDS:
                last_ping = clock()
                yield ": ping\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _event(name: str, data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, default=lambda v: beijing(v) if hasattr(v, "astimezone") else str(v))
    return f"event: {name}\ndata: {text}\n\n"


@router.get("/preferences", response_model=Preferences, responses=errors(401),
            summary="My channels and quiet hours, the channels this server offers and where I can be reached")
def preferences(service: ServiceDep, actor: ActorDep) -> dict:
    return _shown(service.notification_preferences(actor))


@router.put("/preferences", response_model=Preferences, responses=errors(401, 422),
            summary="Choose my channels (the bell is always on) and quiet hours (messages then wait)")
def save_preferences(body: SavePreferences, service: ServiceDep, actor: ActorDep) -> dict:
    quiet = body.quiet
    return _shown(service.save_notification_preferences(actor, body.channels, quiet.start if quiet else None,
                                                        quiet.end if quiet else None, body.language))


def _shown(preferences: dict) -> dict:
    start, end = preferences.pop("quiet_start"), preferences.pop("quiet_end")
    return {**preferences, "quiet": {"start": start, "end": end} if start and end else None}


@admin_router.get("/deliveries", response_model=Deliveries, responses=errors(401, 403, 422),
                  summary="The notification outbox, newest first: sent, waiting (and until when), failed and why")
def deliveries(service: ServiceDep, actor: AdminDep,
               status: Annotated[str | None, Query(pattern="^(pending|sent|failed)$")] = None,
               channel: Annotated[str | None, Query(pattern="^(email|sms|webhook|wecom|dingtalk)$")] = None,
               limit: Limit = 50, offset: Offset = 0) -> dict:
    return {"items": service.deliveries(actor, status=status, channel=channel, limit=limit, offset=offset)}


@admin_router.get("/group-webhooks", response_model=GroupWebhooks, responses=errors(401, 403, 422),
                  summary="Units' group webhooks (one group chat per role), secrets not shown")
def group_webhooks(service: ServiceDep, actor: AdminDep, unit: UnitFilter = None) -> dict:
    return {"items": service.group_webhooks(actor, unit)}


@admin_router.post("/group-webhooks", response_model=GroupWebhook, status_code=201,
                   responses=errors(401, 403, 404, 422),
                   summary="Tell a unit's group chat (WeCom / DingTalk robot, or JSON) when a step opens for a role")
def add_group_webhook(body: NewGroupWebhook, service: ServiceDep, actor: AdminDep) -> dict:
    return service.add_group_webhook(actor, body.unit, body.role, body.url, body.format, body.secret)


@admin_router.post("/group-webhooks/{webhook_id}/switch-off", response_model=GroupWebhook,
                   responses=errors(401, 403, 404, 422), summary="Stop using a group webhook (kept for the record)")
def switch_off(webhook_id: WebhookId, service: ServiceDep, actor: AdminDep) -> dict:
    return service.switch_off_group_webhook(actor, webhook_id)
