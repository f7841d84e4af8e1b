"""Real local stand-ins for the providers: an SMTP server (aiosmtpd) and an HTTP server that
records requests (the SMS/WhatsApp API, a web-push service). Nothing is mocked: the
channels connect, authenticate, encrypt and parse answers as they do in production.
"""

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from runtime.settings import get_settings


@pytest.fixture
def configure() -> Iterator[Callable[..., None]]:
    """Sets environment variables for Settings (as a deployment would) and re-reads them;
    afterwards restores the environment and drops the cached settings again."""
    patch = pytest.MonkeyPatch()

    def apply(**env: str | int) -> None:
        for name, value in env.items():
            patch.setenv(name.upper(), str(value))
        get_settings.cache_clear()

    yield apply
    patch.undo()
    get_settings.cache_clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- SMTP


@dataclass
class Mailbox:
    """What the SMTP server received; `refuse_rcpt` makes it refuse recipients (code + text)."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_rcpt: list[str] = field(default_factory=list)  # replies, one used per RCPT
    port: int = 0

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """aiosmtpd in its own thread and loop, on a free port of 127.0.0.1."""
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


# ---------------------------------------------------------------- HTTP


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


class HttpRecorder:
    """Records every request; answers with the queued replies in turn, then `default`."""

    def __init__(self, default: Reply) -> None:
        self.requests: list[Recorded] = []
        self.replies: list[Reply] = []
        self.default = default
        self.url = ""
        self._lock = threading.Lock()

    def answer(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            return self.replies.pop(0) if self.replies else self.default


def _handler(recorder: HttpRecorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Recorded(
                "POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length),
            )  # fmt: skip
            reply = recorder.answer(request)
            payload = json.dumps(reply.body).encode() if reply.body is not None else b""
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler


@contextlib.contextmanager
def http_recorder(default: Reply) -> Iterator[HttpRecorder]:
    recorder = HttpRecorder(default)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def sms_provider() -> Iterator[HttpRecorder]:
    """Answers like Twilio's Messages API: 201 with the message sid."""
    with http_recorder(Reply(201, {"sid": "SM0123456789abcdef", "status": "queued"})) as server:
        yield server


@contextlib.contextmanager
def reachable_for_outbound(recorder: HttpRecorder) -> Iterator[None]:
    """Lets the outbound guard call this one local listener over http (test settings that
    are off by default), as it would a public https push service."""
    patch = pytest.MonkeyPatch()
    patch.setenv("OUTBOUND_ALLOW_HTTP", "true")
    patch.setenv("OUTBOUND_TEST_ALLOWED_ADDRESSES", recorder.url.removeprefix("http://"))
    get_settings.cache_clear()
    try:
        yield
    finally:
        patch.undo()
        get_settings.cache_clear()


@pytest.fixture
def push_service() -> Iterator[HttpRecorder]:
    """Answers like a push service: 201 Created with the message's Location."""
    with (
        http_recorder(Reply(201, None, {"Location": "/m/0001"})) as server,
        reachable_for_outbound(server),
    ):
        yield server
