"""End-to-end against a real HTTP server on 127.0.0.1 (no MockTransport)."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator

import pytest
from runtime_support import INVITE_JSON, SCHEMES, SECRET_KEY, Invite

from generator import _runtime as rt


class Handler(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str | None, int]] = []
    fail_next = 0

    def do_GET(self) -> None:
        Handler.seen.append((self.command, self.path, self.headers.get("X-API-Key"), self.client_address[1]))
        if Handler.fail_next:
            Handler.fail_next -= 1
            self.reply(503, b'{"code": "busy", "message": "later"}', {"Retry-After": "0"})
        else:
            self.reply(200, json.dumps(INVITE_JSON).encode(), {})

    def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server_url() -> Iterator[str]:
    Handler.protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable
    Handler.seen = []
    Handler.fail_next = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()
    thread.join()


GET = rt.Operation[Invite]("GET", "/invites/{id}", Invite, security=(("HeaderKey",),))


def test_real_server_round_trip_with_retry_and_connection_reuse(server_url):
    Handler.fail_next = 1
    with rt.SyncClient(base_url=server_url, schemes=SCHEMES, credentials={"HeaderKey": SECRET_KEY}) as client:
        sleeps: list[float] = []
        client._sleep = sleeps.append
        first = client.request(GET, path={"id": "a/b"})
        second = client.request(GET, path={"id": "c"})
    assert first.parsed.id == second.parsed.id == "i1"
    assert sleeps == [0.0]
    assert [(m, p, k) for m, p, k, _ in Handler.seen] == [
        ("GET", "/api/invites/a%2Fb", SECRET_KEY),
        ("GET", "/api/invites/a%2Fb", SECRET_KEY),
        ("GET", "/api/invites/c", SECRET_KEY),
    ]
    assert len({port for *_, port in Handler.seen}) == 1, "expected one pooled connection"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refused_connection_is_retried_even_for_post_then_raises():
    post = rt.Operation[Invite]("POST", "/invites", Invite)
    with rt.SyncClient(
        base_url=f"http://127.0.0.1:{free_port()}", schemes={}, credentials={}, max_retries=2
    ) as client:
        sleeps: list[float] = []
        client._sleep = sleeps.append
        with pytest.raises(rt.APIConnectionError) as info:
            client.request(post, body={"email": "a@x"})
    assert len(sleeps) == 2
    assert not isinstance(info.value, rt.APITimeoutError)
    assert "POST http://127.0.0.1:" in str(info.value)
