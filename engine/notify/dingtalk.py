"""DingTalk (钉钉) behind one thin adapter: the app's access token, sign-in by OAuth2 code, and steps pushed to
the person's own DingTalk to-do list (待办).

Endpoints (relative to ``YISHI_DINGTALK_API_URL``, default ``https://api.dingtalk.com``), as DingTalk documents
them:

- ``POST /v1.0/oauth2/accessToken`` ``{"appKey", "appSecret"}`` → ``{"accessToken", "expireIn"}``;
- sign-in: ``YISHI_DINGTALK_AUTHORIZE_URL`` (``https://login.dingtalk.com/oauth2/auth``) with ``client_id``,
  ``redirect_uri``, ``response_type=code``, ``scope=openid``, ``prompt=consent``, ``state``; the code (``authCode``)
  is exchanged at ``POST /v1.0/oauth2/userAccessToken`` ``{"clientId", "clientSecret", "code",
  "grantType": "authorization_code"}`` → ``{"accessToken"}``, and ``GET /v1.0/contact/users/me`` (header
  ``x-acs-dingtalk-access-token``) → ``{"unionId", "nick", …}``;
- to-do: ``POST /v1.0/todo/users/{unionId}/tasks?operatorId={unionId}`` (header ``x-acs-dingtalk-access-token``)
  ``{"sourceId", "subject", "description", "dueTime" (ms), "executorIds": [unionId], "detailUrl": {"appUrl",
  "pcUrl"}, "isOnlyShowExecutor": true, "notifyConfigs": {"dingNotify": "1"}}`` → ``{"id", …}``. ``sourceId`` is
  the delivery's idempotency key, the same on every retry.

Only a step that waits for the person (opened for their role, assigned or escalated to them) becomes a to-do;
other kinds stay in the bell and the other channels (``TODO_KINDS``).
"""

from __future__ import annotations

import datetime as dt
import threading
from urllib.parse import quote, urlencode

import httpx

from engine.domain import clock
from engine.notify.channels import TIMEOUT, Delivery, DeliveryFailed, http_failure
from engine.notify.messages import NoticeKind

TODO_KINDS = frozenset({NoticeKind.TASK_OPENED, NoticeKind.TASK_ASSIGNED, NoticeKind.ESCALATED})
TOKEN_HEADER = "x-acs-dingtalk-access-token"


class DingTalk:
    name = "dingtalk"

    def __init__(self, app_key: str, app_secret: str, *, api_url: str = "https://api.dingtalk.com",
                 authorize_url: str = "https://login.dingtalk.com/oauth2/auth", client: httpx.Client | None = None):
        self.app_key, self.app_secret = app_key, app_secret
        self.api_url, self.authorize_url = api_url.rstrip("/"), authorize_url
        self.client = client or httpx.Client(timeout=TIMEOUT)
        self._token: tuple[str, dt.datetime] | None = None
        self._lock = threading.Lock()

    def _call(self, method: str, path: str, *, body: dict | None = None, token: str | None = None,
              params: dict | None = None, headers: dict | None = None) -> dict:
        sent = {**(headers or {}), **({TOKEN_HEADER: token} if token else {})}
        try:
            response = self.client.request(method, self.api_url + path, json=body, params=params, headers=sent)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 401:
            self._token = None  # expired or revoked: fetched again on the next try
            raise DeliveryFailed(f"HTTP 401: {response.text[:300]}")
        if not response.is_success:
            failure = http_failure(response)
            try:  # DingTalk's error body: {"code": "…", "message": "…"}
                answer = response.json()
                failure.reason = f"HTTP {response.status_code} {answer.get('code')}: {answer.get('message')}"[:300]
            except ValueError:
                pass
            raise failure
        try:
            return response.json()
        except ValueError:
            raise DeliveryFailed(f"not JSON: {response.text[:300]}") from None

    def token(self) -> str:
        with self._lock:
            now = clock.now()
            if self._token is None or self._token[1] <= now:
                answer = self._call("POST", "/v1.0/oauth2/accessToken",
                                    body={"appKey": self.app_key, "appSecret": self.app_secret})
                lifetime = int(answer.get("expireIn", 7200))
                self._token = (answer["accessToken"], now + dt.timedelta(seconds=max(60, lifetime - 300)))
            return self._token[0]

    # ----- sign-in ------------------------------------------------------------------------------------

    def authorize(self, redirect_uri: str, state: str) -> str:
        return f"{self.authorize_url}?" + urlencode({
            "client_id": self.app_key, "redirect_uri": redirect_uri, "response_type": "code", "scope": "openid",
            "prompt": "consent", "state": state})

    def user_by_code(self, code: str) -> str:
        """The unionId of the DingTalk user who signed in with ``code``."""
        user_token = self._call("POST", "/v1.0/oauth2/userAccessToken", body={
            "clientId": self.app_key, "clientSecret": self.app_secret, "code": code,
            "grantType": "authorization_code"}).get("accessToken")
        if not user_token:
            raise DeliveryFailed("DingTalk answered no user access token", retry=False)
        union_id = self._call("GET", "/v1.0/contact/users/me", token=user_token).get("unionId")
        if not union_id:
            raise DeliveryFailed("DingTalk answered no unionId", retry=False)
        return union_id

    # ----- delivery: the to-do list ------------------------------------------------------------------

    def todo(self, delivery: Delivery) -> dict:
        payload, facts = delivery.payload, delivery.payload.get("facts", {})
        body = {"sourceId": delivery.idempotency_key, "subject": payload.get("title", "")[:1024],
                "description": "\n".join(payload.get("lines", []))[:4096], "executorIds": [delivery.address],
                "isOnlyShowExecutor": True, "notifyConfigs": {"dingNotify": "1"}}
        if payload.get("link"):
            body["detailUrl"] = {"appUrl": payload["link"], "pcUrl": payload["link"]}
        if facts.get("due_at"):
            body["dueTime"] = int(dt.datetime.fromisoformat(facts["due_at"]).timestamp() * 1000)
        return body

    def send(self, delivery: Delivery) -> None:
        if delivery.kind not in TODO_KINDS:
            raise DeliveryFailed(f"DingTalk gets to-dos only; {delivery.kind} is not one", retry=False)
        union_id = quote(delivery.address, safe="")
        answer = self._call("POST", f"/v1.0/todo/users/{union_id}/tasks", body=self.todo(delivery),
                            token=self.token(), params={"operatorId": delivery.address},
                            headers={"Idempotency-Key": delivery.idempotency_key})
        if not answer.get("id"):
            raise DeliveryFailed(f"DingTalk created no to-do: {str(answer)[:200]}")
