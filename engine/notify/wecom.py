"""WeCom (企业微信) behind one thin adapter: the app's access token, sign-in by OAuth2 code, and message cards.

Endpoints (relative to ``YISHI_WECOM_API_URL``, default ``https://qyapi.weixin.qq.com``), as WeCom documents them:

- ``GET /cgi-bin/gettoken?corpid=…&corpsecret=…`` → ``{"errcode": 0, "access_token", "expires_in"}``;
- ``GET /cgi-bin/auth/getuserinfo?access_token=…&code=…`` → ``{"errcode": 0, "userid"}`` (the member who signed
  in; the code comes from ``YISHI_WECOM_AUTHORIZE_URL`` with ``appid``, ``redirect_uri``, ``response_type=code``,
  ``scope=snsapi_base``, ``agentid``, ``state``);
- ``POST /cgi-bin/message/send?access_token=…`` with ``{"touser", "msgtype": "textcard", "agentid", "textcard":
  {"title", "description", "url", "btntxt"}, "enable_duplicate_check": 1, "duplicate_check_interval": 1800}``.

WeCom's open API has no write access to a member's own to-do list for ordinary apps, so open steps arrive as
cards with the case's summary lines and a link back; duplicate checking uses WeCom's own window. An expired or
invalid token (errcodes 40014, 42001) is fetched again on the next try.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from urllib.parse import urlencode

import httpx

from engine.domain import clock
from engine.notify.channels import TIMEOUT, Delivery, DeliveryFailed, platform_answer, post_json

TOKEN_ERRORS = {40014, 42001, 41001}
CARD_DESCRIPTION = 512  # WeCom cuts longer textcard descriptions


class WeCom:
    name = "wecom"

    def __init__(self, corp_id: str, agent_id: str, secret: str, *, api_url: str = "https://qyapi.weixin.qq.com",
                 authorize_url: str = "https://open.weixin.qq.com/connect/oauth2/authorize",
                 client: httpx.Client | None = None):
        self.corp_id, self.agent_id, self.secret = corp_id, agent_id, secret
        self.api_url, self.authorize_url = api_url.rstrip("/"), authorize_url
        self.client = client or httpx.Client(timeout=TIMEOUT)
        self._token: tuple[str, dt.datetime] | None = None
        self._lock = threading.Lock()

    # ----- the app's access token -----------------------------------------------------------------------

    def token(self) -> str:
        with self._lock:
            now = clock.now()
            if self._token is None or self._token[1] <= now:
                answer = self._get("/cgi-bin/gettoken", {"corpid": self.corp_id, "corpsecret": self.secret})
                lifetime = int(answer.get("expires_in", 7200))
                self._token = (answer["access_token"], now + dt.timedelta(seconds=max(60, lifetime - 300)))
            return self._token[0]

    def _get(self, path: str, params: dict) -> dict:
        try:
            response = self.client.get(self.api_url + path, params=params)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:300]}")
        return self._checked(response)

    def _checked(self, response: httpx.Response) -> dict:
        try:
            return platform_answer(response)
        except DeliveryFailed as failed:
            if any(f"errcode {code}:" in failed.reason for code in TOKEN_ERRORS):
                self._token = None
                failed.retry = True
            raise

    # ----- sign-in ------------------------------------------------------------------------------------

    def authorize(self, redirect_uri: str, state: str) -> str:
        query = urlencode({"appid": self.corp_id, "redirect_uri": redirect_uri, "response_type": "code",
                           "scope": "snsapi_base", "agentid": self.agent_id, "state": state})
        return f"{self.authorize_url}?{query}#wechat_redirect"

    def user_by_code(self, code: str) -> str:
        """The WeCom userid of the member who signed in with ``code``."""
        answer = self._get("/cgi-bin/auth/getuserinfo", {"access_token": self.token(), "code": code})
        user = answer.get("userid") or answer.get("UserId")
        if not user:
            raise DeliveryFailed("WeCom answered no userid (not a member of the corporation)", retry=False)
        return user

    # ----- delivery -----------------------------------------------------------------------------------

    def card(self, delivery: Delivery) -> dict:
        payload = delivery.payload
        lines = "".join(f'<div class="gray">{html.escape(line)}</div>' for line in payload.get("lines", []))
        return {"touser": delivery.address, "msgtype": "textcard", "agentid": self.agent_id,
                "textcard": {"title": payload.get("title", "")[:128], "description": lines[:CARD_DESCRIPTION],
                             "url": payload.get("link") or "", "btntxt": "详情"},
                "enable_duplicate_check": 1, "duplicate_check_interval": 1800}

    def send(self, delivery: Delivery) -> None:
        response = post_json(self.client, self.api_url + "/cgi-bin/message/send", self.card(delivery),
                             {"Idempotency-Key": delivery.idempotency_key}, params={"access_token": self.token()})
        answer = self._checked(response)
        if answer.get("invaliduser"):
            raise DeliveryFailed(f"WeCom does not know user {answer['invaliduser']}", retry=False)
