"""E-mail over SMTP (the standard library's ``smtplib``): one plain-text message per delivery.

The message's ``Message-ID`` is made from the delivery's idempotency key, so a retry after an uncertain send
carries the same id and a mail system (or a person's client) can drop the duplicate; the key is also sent as
``X-Yishi-Idempotency-Key``. Server replies 5xx refuse for good; 4xx and network errors are tried again.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from engine.notify.channels import Delivery, DeliveryFailed


class Mail:
    name = "email"

    def __init__(self, host: str, port: int = 25, sender: str = "yishi@localhost", *, user: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 15.0):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def message(self, delivery: Delivery) -> EmailMessage:
        payload = delivery.payload
        message = EmailMessage()
        message["Subject"] = payload.get("title", "")
        message["From"] = self.sender
        message["To"] = delivery.address
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{delivery.idempotency_key}@yishi>"
        message["X-Yishi-Idempotency-Key"] = delivery.idempotency_key
        lines = [*payload.get("lines", []), "", *([payload["link"]] if payload.get("link") else [])]
        message.set_content("\n".join(lines) + "\n")
        return message

    def send(self, delivery: Delivery) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(self.message(delivery))
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            raise DeliveryFailed(f"recipient refused: {refused.recipients}", retry=all(c < 500 for c in codes)) \
                from refused
        except smtplib.SMTPResponseException as answer:
            raise DeliveryFailed(f"SMTP {answer.smtp_code}: {answer.smtp_error!r}",
                                 retry=answer.smtp_code < 500) from answer
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
