"""Real servers on loopback that the notification tests deliver to: an HTTP receiver that records every request
and answers from a script (fail N times, then recover), and an SMTP server (aiosmtpd) that keeps every mail."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Receiver:
    """Answers each request with the next scripted ``(status, json body)``, then with ``default``;
    ``routes`` maps a path to a function ``(Received) -> (status, body)`` for APIs with several endpoints."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: list[tuple[int, object]] = field(default_factory=list)
    default: tuple[int, object] = (200, {"errcode": 0, "errmsg": "ok"})
    routes: dict = field(default_factory=dict)

    def answer(self, received: Received) -> tuple[int, object]:
        self.requests.append(received)
        route = self.routes.get(received.path)
        if route is not None:
            return route(received)
        return self.script.pop(0) if self.script else self.default


@contextlib.contextmanager
def http_receiver(**options) -> Iterator[Receiver]:
    receiver = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            received = Received(self.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                                {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
            status, body = receiver.answer(received)
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _handle

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list = field(default_factory=list)


@contextlib.contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """aiosmtpd on a free loopback port; every message received lands in ``mailbox.messages``
    (``email.message.EmailMessage``, with ``envelope_to``)."""
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller

    mailbox = Mailbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.original_content or envelope.content,
                                               policy=email.policy.default)
            message.envelope_to = list(envelope.rcpt_tos)
            mailbox.messages.append(message)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        mailbox.port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
