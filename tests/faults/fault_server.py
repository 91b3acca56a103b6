"""A small scripted HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.

``FaultServer`` is a threaded ``http.server`` (TCP_NODELAY on every accepted
socket, keep-alive) that answers each request with the next *action* of its
script; the last action repeats.  An action gets the request handler and may
answer normally, stall, or tear the connection down with a TCP reset.  Every
request is recorded (method, path, headers, body) before the action runs, so
tests can count how often a POST really reached the server.

Stalling actions wait on ``FaultServer.release``; ``close()`` sets it, so a
stalled handler never outlives the test.
"""

from __future__ import annotations

import http.server
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

HOST = "127.0.0.1"
MAX_STALL = 10.0  # seconds a stalling action waits at most, even if never released


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Action = Callable[["FaultHandler"], None]


class FaultHandler(http.server.BaseHTTPRequestHandler):
    """Reads the request, records it, and runs the next scripted action."""

    protocol_version = "HTTP/1.1"
    server: _ThreadedServer

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner = self.server.owner
        owner.record(Recorded(self.command, self.path, dict(self.headers.items()), body))
        owner.next_action()(self)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def send_all(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        """Send a complete response with a Content-Length."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0) instead of a clean FIN."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class _ThreadedServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, address


class FaultServer:
    """Scripted server; ``play(...)`` sets the actions, ``requests`` lists what arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: list[Action] = [reply(200, b"[]")]
        self.requests: list[Recorded] = []
        self.release = threading.Event()
        self._server = _ThreadedServer((HOST, 0), FaultHandler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}"

    def play(self, *actions: Action) -> None:
        """Answer the next requests with ``actions`` in order; the last one repeats."""
        with self._lock:
            self._script = list(actions)

    def next_action(self) -> Action:
        with self._lock:
            return self._script.pop(0) if len(self._script) > 1 else self._script[0]

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def count(self, method: str) -> int:
        """How many ``method`` requests arrived."""
        with self._lock:
            return sum(1 for request in self.requests if request.method == method)

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- actions


def reply(
    status: int,
    body: bytes = b"",
    *,
    content_type: str | None = "application/json",
    headers: Mapping[str, str] | None = None,
) -> Action:
    """A complete response."""
    all_headers = {"Content-Type": content_type} if content_type else {}
    all_headers.update(headers or {})
    return lambda handler: handler.send_all(status, body, all_headers)


def json_reply(status: int, document: object, headers: Mapping[str, str] | None = None) -> Action:
    """A complete JSON response."""
    return reply(status, json.dumps(document).encode(), headers=headers)


def reset_mid_body(partial: bytes, declared: int = 100_000) -> Action:
    """Promise ``declared`` body bytes, send ``partial``, give the client time to read it, reset."""

    def act(handler: FaultHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(partial)
        handler.wfile.flush()
        time.sleep(0.05)
        handler.reset()

    return act


def reset_before_response() -> Action:
    """Read the request, then reset the connection without answering."""
    return lambda handler: handler.reset()


def stall() -> Action:
    """Read the request and never answer (until the server closes)."""

    def act(handler: FaultHandler) -> None:
        handler.server.owner.release.wait(MAX_STALL)
        handler.close_connection = True

    return act


def stall_mid_body(partial: bytes, declared: int = 100_000) -> Action:
    """Send the headers and ``partial`` of the body, then go silent."""

    def act(handler: FaultHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(partial)
        handler.wfile.flush()
        handler.server.owner.release.wait(MAX_STALL)
        handler.close_connection = True

    return act


def trickle(body: bytes, interval: float) -> Action:
    """Send the headers at once, then ``body`` one byte every ``interval`` seconds (a server that
    never lets a per-read timeout fire)."""

    def act(handler: FaultHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        for index in range(len(body)):
            if handler.server.owner.release.wait(interval):
                break
            try:
                handler.wfile.write(body[index : index + 1])
                handler.wfile.flush()
            except OSError:  # the client gave up
                break
        handler.close_connection = True

    return act


def trickle_headers(interval: float, body: bytes = b"[]") -> Action:
    """Send the status line and headers one byte every ``interval`` seconds (each read of the
    client succeeds well within its timeout), then ``body``."""

    def act(handler: FaultHandler) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "X-Padding: " + "p" * 200 + "\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()  # fmt: skip
        for index in range(len(head)):
            if handler.server.owner.release.wait(interval):
                break
            try:
                handler.wfile.write(head[index : index + 1])
                handler.wfile.flush()
            except OSError:  # the client gave up
                handler.close_connection = True
                return
        else:
            handler.wfile.write(body)
            handler.wfile.flush()
        handler.close_connection = True

    return act
