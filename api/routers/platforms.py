"""Work inside WeCom and DingTalk: sign in with a linked platform account (OAuth2 code flow), link and unlink
accounts (a person their own, an administrator anyone's)."""

from __future__ import annotations

import functools
from typing import Annotated

import anyio
from fastapi import APIRouter, Query

from api.deps import ActorDep, AdminDep, ServiceDep
from api.i18n import LanguageDep
from api.models import LoginResult
from api.notify_models import (
    AuthorizeUrl,
    PlatformCode,
    PlatformLink,
    PlatformLinks,
    PlatformPath,
    Platforms,
    Removed,
    SetPlatformLink,
)
from api.problems import errors
from api.routers.auth import UserId
from api.schemas import SafeText

router = APIRouter(tags=["accounts"])


@router.get("/auth/platforms", response_model=Platforms, responses=errors(),
            summary="The platforms this server offers sign-in with (WeCom, DingTalk)")
def offered(service: ServiceDep, language: LanguageDep) -> dict:
    return {"items": service.offered_platforms(language)}


@router.get("/auth/{platform}/authorize", response_model=AuthorizeUrl, responses=errors(404, 422),
            summary="The platform's sign-in page for this web app (redirect_uri must be one of its pages)")
def authorize(platform: PlatformPath, service: ServiceDep,
              redirect_uri: Annotated[SafeText, Query(min_length=1, max_length=1000)],
              state: Annotated[SafeText, Query(min_length=8, max_length=128,
                                               description="a random value the web app checks on return")]) -> dict:
    return {"url": service.platform_authorize(platform, redirect_uri, state)}


@router.post("/auth/{platform}/login", response_model=LoginResult, responses=errors(401, 404, 422),
             summary="Sign in with the code the platform's sign-in page gave (the account must be linked)")
async def platform_login(platform: PlatformPath, body: PlatformCode, service: ServiceDep, language: LanguageDep):
    token, expires, actor = await anyio.to_thread.run_sync(
        functools.partial(service.platform_sign_in, platform, body.code))
    me = await anyio.to_thread.run_sync(service.me, actor, language)
    return {"access_token": token, "token_type": "bearer", "expires_at": expires, "user": me}


@router.get("/me/platforms", response_model=PlatformLinks, responses=errors(401),
            summary="My linked WeCom / DingTalk accounts")
def my_links(service: ServiceDep, actor: ActorDep) -> dict:
    return {"items": service.platform_links(actor)}


@router.post("/me/platforms/{platform}", response_model=PlatformLink, responses=errors(401, 404, 409, 422),
             summary="Link the platform account that signed in with this code to me")
def link_mine(platform: PlatformPath, body: PlatformCode, service: ServiceDep, actor: ActorDep) -> dict:
    return service.link_platform(actor, platform, body.code)


@router.delete("/me/platforms/{platform}", response_model=Removed, responses=errors(401, 422),
               summary="Unlink my account on the platform")
def unlink_mine(platform: PlatformPath, service: ServiceDep, actor: ActorDep) -> dict:
    return {"removed": service.remove_platform_link(actor, actor.user_id, platform)}


@router.get("/admin/users/{user}/platforms", response_model=PlatformLinks, responses=errors(401, 403, 422),
            tags=["admin"], summary="A user's linked WeCom / DingTalk accounts")
def user_links(user: UserId, service: ServiceDep, actor: AdminDep) -> dict:
    return {"items": service.platform_links(actor, user)}


@router.put("/admin/users/{user}/platforms/{platform}", response_model=PlatformLink,
            responses=errors(401, 403, 404, 409, 422), tags=["admin"],
            summary="Link a platform account (WeCom userid, DingTalk unionId) to a user (recorded)")
def set_link(user: UserId, platform: PlatformPath, body: SetPlatformLink, service: ServiceDep,
             actor: AdminDep) -> dict:
    return service.set_platform_link(actor, user, platform, body.external_id)


@router.delete("/admin/users/{user}/platforms/{platform}", response_model=Removed,
               responses=errors(401, 403, 422), tags=["admin"], summary="Unlink a user's platform account")
def remove_link(user: UserId, platform: PlatformPath, service: ServiceDep, actor: AdminDep) -> dict:
    return {"removed": service.remove_platform_link(actor, user, platform)}
