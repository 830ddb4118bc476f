"""The one interface every delivery channel implements, and which channels this server has configured.

A channel gets a ``Delivery`` (address, rendered message, idempotency key) and either returns (sent) or raises
``DeliveryFailed`` with the reason, saying whether trying again may help. Adapters stay thin — the endpoint
and credentials come from settings, so pointing them at the real service is a configuration change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass
class Delivery:
    id: int
    channel: str
    address: str
    kind: str
    payload: dict  # {"title", "lines", "link", "facts"}
    idempotency_key: str
    attempts: int
    user_id: str | None = None
    extra: dict = field(default_factory=dict)


class DeliveryFailed(Exception):
    """The channel did not take the message: ``reason`` is recorded; ``retry`` says whether to try again later."""

    def __init__(self, reason: str, *, retry: bool = True):
        super().__init__(reason)
        self.reason, self.retry = reason[:2000], retry


class Deferred(Exception):
    """Not now, and not a failure: try again at ``until`` without counting an attempt (a rate limit)."""

    def __init__(self, until: dt.datetime, reason: str):
        super().__init__(reason)
        self.until, self.reason = until, reason


class Channel(Protocol):
    name: str

    def send(self, delivery: Delivery) -> None: ...


def http_failure(response: httpx.Response) -> DeliveryFailed:
    """A non-2xx answer as a failure: 408, 429 and 5xx may pass, other 4xx will not."""
    retry = response.status_code in (408, 425, 429) or response.status_code >= 500
    return DeliveryFailed(f"HTTP {response.status_code}: {response.text[:300]}", retry=retry)


def post_json(client: httpx.Client, url: str, body: dict, headers: dict | None = None,
              params: dict | None = None) -> httpx.Response:
    """POST ``body`` as UTF-8 JSON; connection errors and timeouts become retryable failures."""
    try:
        response = client.post(httpx.URL(url).copy_merge_params(params or {}), json=body, headers=headers or {})
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if not response.is_success:
        raise http_failure(response)
    return response


def platform_answer(response: httpx.Response) -> dict:
    """The JSON answer of a WeCom or DingTalk API: ``errcode`` 0 (or absent) is success; their documented
    "system busy" (-1) may pass on retry, other codes will not."""
    try:
        answer = response.json()
    except ValueError:
        raise DeliveryFailed(f"not JSON: {response.text[:300]}") from None
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code not in (0, "0"):
        raise DeliveryFailed(f"errcode {code}: {answer.get('errmsg', '')}"[:300], retry=code in (-1, "-1"))
    return answer if isinstance(answer, dict) else {}
