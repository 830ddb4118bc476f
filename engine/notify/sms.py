"""Text messages through an HTTP SMS gateway of the kind Chinese providers offer (a signature, a template id
approved in advance and its parameters; the text itself is the provider's template).

The request (``POST YISHI_SMS_URL``, JSON, ``Authorization: Bearer YISHI_SMS_KEY``)::

    {"PhoneNumbers": "13800000000", "SignName": "社区议事", "TemplateCode": "SMS_001",
     "TemplateParam": "{\\"title\\": …, \\"ref\\": …, \\"step\\": …, \\"due\\": …}", "OutId": "<idempotency key>"}

The answer ``{"Code": "OK"}`` means sent; ``isv.BUSINESS_LIMIT_CONTROL`` (the provider's own flow control) and
5xx are tried again, other codes (a bad number, an unapproved template) fail for good with the provider's
message. The per-number limit (``YISHI_SMS_HOURLY_LIMIT`` sent messages per number per rolling hour) holds a
message back, without counting a try, until the oldest one in the hour is an hour old.
"""

from __future__ import annotations

import datetime as dt
import json

import httpx
import sqlalchemy as sa

from engine.domain import names
from engine.notify.channels import TIMEOUT, Deferred, Delivery, DeliveryFailed, post_json
from engine.notify.messages import local_time
from engine.store.tables import outbox

SIGNATURE = "社区议事"
RETRY_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "SignatureNonceUsed"}
PARAM_LENGTH = 20  # providers cap each template variable (Aliyun: 35 characters); keep them short


def parse_templates(text: str) -> dict[str, str]:
    """``"task_opened=SMS_001,overdue=SMS_002,*=SMS_000"`` → kind → template id (``*``: every other kind)."""
    found = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        kind, sep, template = item.partition("=")
        if not sep or not kind.strip() or not template.strip():
            raise ValueError("YISHI_SMS_TEMPLATES: expected kind=TEMPLATE,kind=TEMPLATE (kind * for the rest)")
        found[kind.strip()] = template.strip()
    return found


def template_params(delivery: Delivery) -> dict[str, str]:
    facts = delivery.payload.get("facts", {})
    params = {"title": facts.get("title") or "", "ref": facts.get("reference") or "",
              "step": names.render(facts.get("step"), "zh-CN") if facts.get("step") else "",
              "due": local_time(facts.get("due_at")) or ""}
    return {k: v[:PARAM_LENGTH] for k, v in params.items()}


class SmsGateway:
    name = "sms"

    def __init__(self, url: str, key: str | None, templates: dict[str, str], *, signature: str = SIGNATURE,
                 hourly_limit: int = 5, client: httpx.Client | None = None):
        self.url, self.key, self.templates, self.signature = url, key, templates, signature
        self.hourly_limit = hourly_limit
        self.client = client or httpx.Client(timeout=TIMEOUT)

    def check_rate(self, conn: sa.Connection, delivery: Delivery, now: dt.datetime) -> None:
        """``Deferred`` while the number already got ``hourly_limit`` messages in the last hour."""
        if self.hourly_limit <= 0:
            return
        since = now - dt.timedelta(hours=1)
        sent = conn.execute(sa.select(outbox.c.sent_at).where(
            outbox.c.channel == self.name, outbox.c.address == delivery.address, outbox.c.sent_at > since)
            .order_by(outbox.c.sent_at)).scalars().all()
        if len(sent) >= self.hourly_limit:
            raise Deferred(sent[len(sent) - self.hourly_limit] + dt.timedelta(hours=1),
                           f"rate limit: {len(sent)} text messages to this number in the last hour")

    def send(self, delivery: Delivery) -> None:
        template = self.templates.get(delivery.kind) or self.templates.get("*")
        if not template:
            raise DeliveryFailed(f"no SMS template for {delivery.kind} (YISHI_SMS_TEMPLATES)", retry=False)
        body = {"PhoneNumbers": delivery.address, "SignName": self.signature, "TemplateCode": template,
                "TemplateParam": json.dumps(template_params(delivery), ensure_ascii=False),
                "OutId": delivery.idempotency_key}
        headers = {"Idempotency-Key": delivery.idempotency_key}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        response = post_json(self.client, self.url, body, headers)
        try:
            answer = response.json()
        except ValueError:
            raise DeliveryFailed(f"not JSON: {response.text[:300]}") from None
        code = answer.get("Code") if isinstance(answer, dict) else None
        if code != "OK":
            message = answer.get("Message", "") if isinstance(answer, dict) else ""
            raise DeliveryFailed(f"SMS gateway {code}: {message}"[:300], retry=code in RETRY_CODES)
