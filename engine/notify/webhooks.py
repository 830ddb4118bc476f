"""Outgoing webhooks: a unit's group chat for a role, as generic signed JSON or as the group-robot formats of
WeCom (企业微信群机器人) and DingTalk (钉钉自定义机器人).

- ``json``: ``{"id", "kind", "title", "lines", "link", "case", "unit", "task_id"}``; with a secret, the header
  ``X-Yishi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`` lets the receiver check it
  came from us and is fresh.
- ``wecom``: ``{"msgtype": "markdown", "markdown": {"content": …}}`` POSTed to the robot's
  ``…/cgi-bin/webhook/send?key=…`` address; the answer's ``errcode`` must be 0. (WeCom robots check no
  signature; with a secret our header is sent as well.)
- ``dingtalk``: ``{"msgtype": "markdown", "markdown": {"title", "text"}}`` POSTed to
  ``…/robot/send?access_token=…``, with the robot's 加签 scheme when a secret is set: ``timestamp`` (ms) and
  ``sign`` = Base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")) as query parameters.

Every request carries ``Idempotency-Key``, the same on every retry of one message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx

from engine.domain import clock
from engine.notify.channels import TIMEOUT, Delivery, DeliveryFailed, http_failure, platform_answer
from engine.notify.messages import Message

FORMATS = ("json", "wecom", "dingtalk")
SIGNATURE_HEADER = "X-Yishi-Signature"
WECOM_MARKDOWN_BYTES = 4096  # the robot refuses longer markdown content


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Our header's value: ``t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: Base64 of HMAC-SHA256 keyed with the secret over "<timestamp>\\n<secret>"."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def message_of(delivery: Delivery) -> Message:
    p = delivery.payload
    return Message(p.get("title", ""), list(p.get("lines", [])), p.get("link"))


def body_for(form: str, delivery: Delivery) -> dict:
    message = message_of(delivery)
    if form == "wecom":
        content = message.markdown()
        while len(content.encode("utf-8")) > WECOM_MARKDOWN_BYTES:
            content = content[: len(content) * 9 // 10]
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if form == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.markdown()}}
    facts = delivery.payload.get("facts", {})
    return {"id": delivery.idempotency_key, "kind": delivery.kind, "title": message.title, "lines": message.lines,
            "link": message.link, "case": facts.get("reference"), "unit": facts.get("unit"),
            "task_id": facts.get("task_id")}


class Webhooks:
    """POSTs to the group webhook the delivery names (``extra``: url, format, secret from ``group_webhooks``)."""

    name = "webhook"

    def __init__(self, client: httpx.Client | None = None):
        self.client = client or httpx.Client(timeout=TIMEOUT)

    def send(self, delivery: Delivery) -> None:
        target = delivery.extra
        if not target.get("url"):
            raise DeliveryFailed("the group webhook was removed or switched off", retry=False)
        form, secret = target.get("format", "json"), target.get("secret")
        body = json.dumps(body_for(form, delivery), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": delivery.idempotency_key}
        url = httpx.URL(target["url"])  # the robot's own query (key, access_token) is kept
        now = clock.now()
        if secret and form == "dingtalk":
            timestamp_ms = int(now.timestamp() * 1000)
            url = url.copy_merge_params({"timestamp": str(timestamp_ms), "sign": dingtalk_sign(secret, timestamp_ms)})
        elif secret:
            headers[SIGNATURE_HEADER] = signature(secret, int(now.timestamp()), body)
        try:
            response = self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise http_failure(response)
        if form in ("wecom", "dingtalk"):
            platform_answer(response)

