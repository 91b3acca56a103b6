"""Transport faults against our own server: refused connections, TCP resets, read timeouts.

Documented behaviour (generator/_runtime/): failures before the request
left the machine (connect errors) are retried for every method; failures after
it may have reached the server (reset, read timeout) are retried only for
idempotent methods, or when the caller opts in with ``retry_non_idempotent``.
Every case ends in ``APIConnectionError`` / ``APITimeoutError`` or a
successful retry within a bounded time; the server counts the POSTs.
"""

from __future__ import annotations

import socket

import httpx
import pytest
from fault_server import (
    FaultServer,
    reply,
    reset_before_response,
    reset_mid_body,
    stall,
    stall_mid_body,
    trickle,
    trickle_headers,
)
from fault_support import MODES, PROVIDERS, TARGETS, MakeClient, exception_texts, leaked, settle, timed

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("mode", MODES),
    pytest.mark.parametrize("provider", PROVIDERS),
]

SHORT = 0.3  # seconds: read timeout used by the timeout tests


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.parametrize("method", ["get", "post"])
async def test_connection_refused_is_a_connection_error(
    make_client: MakeClient, provider: str, mode: str, method: str
) -> None:
    errors = TARGETS[provider].package()
    client = make_client(provider, mode, base_url=f"http://127.0.0.1:{closed_port()}", max_retries=1)
    with timed() as watch, pytest.raises(errors.APIConnectionError) as info:
        await settle(getattr(TARGETS[provider], method)(client))
    assert not isinstance(info.value, errors.APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert watch.seconds < 3.0  # one retry after at most 0.5 s of backoff
    assert not leaked(exception_texts(info.value))


async def test_reset_mid_body_on_get_is_retried(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reset_mid_body(target.get_body[:20]), reply(200, target.get_body))
    client = make_client(provider, mode, max_retries=2)
    with timed() as watch:
        result = await settle(target.get(client))
    assert result == target.expected_get()
    assert server.count("GET") == 2
    assert watch.seconds < 3.0


async def test_persistent_reset_on_get_gives_up(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reset_mid_body(target.get_body[:20]))
    client = make_client(provider, mode, max_retries=1)
    with timed() as watch, pytest.raises(target.package().APIConnectionError) as info:
        await settle(target.get(client))
    assert isinstance(info.value.__cause__, (httpx.ReadError, httpx.RemoteProtocolError))
    assert server.count("GET") == 2
    assert watch.seconds < 3.0
    assert not leaked(exception_texts(info.value))


@pytest.mark.parametrize("fault", ["mid-body", "before-response"])
async def test_reset_on_post_is_not_repeated(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, fault: str
) -> None:
    target = TARGETS[provider]
    server.play(reset_mid_body(b'{"invite": {') if fault == "mid-body" else reset_before_response())
    client = make_client(provider, mode, max_retries=3)
    with timed() as watch, pytest.raises(target.package().APIConnectionError) as info:
        await settle(target.post(client))
    assert not isinstance(info.value, target.package().APITimeoutError)
    assert server.count("POST") == 1
    assert watch.seconds < 2.0
    assert not leaked(exception_texts(info.value))


async def test_reset_on_post_is_repeated_when_the_caller_opts_in(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reset_mid_body(b'{"invite": {'), reply(201, target.post_body))
    client = make_client(provider, mode, max_retries=1, retry_non_idempotent=True)
    with timed() as watch:
        await settle(target.post(client))
    assert server.count("POST") == 2
    assert watch.seconds < 3.0


async def test_read_timeout_on_get_is_retried_then_raised(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(stall())
    client = make_client(provider, mode, timeout=SHORT, max_retries=1)
    with timed() as watch, pytest.raises(target.package().APITimeoutError) as info:
        await settle(target.get(client))
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert server.count("GET") == 2
    assert 2 * SHORT <= watch.seconds < 3.0  # two timeouts plus at most 0.5 s of backoff
    assert not leaked(exception_texts(info.value))


async def test_read_timeout_on_post_is_not_repeated(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(stall())
    client = make_client(provider, mode, timeout=SHORT, max_retries=3)
    with timed() as watch, pytest.raises(target.package().APITimeoutError):
        await settle(target.post(client))
    assert server.count("POST") == 1
    assert SHORT <= watch.seconds < 2.0


async def test_a_body_that_stops_arriving_times_out(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(stall_mid_body(target.get_body[:20]))
    client = make_client(provider, mode, timeout=SHORT, max_retries=0)
    with timed() as watch, pytest.raises(target.package().APITimeoutError):
        await settle(target.get(client))
    assert server.count("GET") == 1
    assert SHORT <= watch.seconds < 2.0


async def test_the_per_call_timeout_overrides_the_client_timeout(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(stall())
    client = make_client(provider, mode, timeout=30.0, max_retries=0)
    with timed() as watch, pytest.raises(target.package().APITimeoutError):
        await settle(target.get(client, options={"timeout": SHORT}))
    assert SHORT <= watch.seconds < 2.0
    with timed() as watch, pytest.raises(target.package().APITimeoutError):
        await settle(target.get(client.with_options(timeout=SHORT)))
    assert SHORT <= watch.seconds < 2.0
    assert server.count("GET") == 2


async def test_total_timeout_ends_a_trickling_body(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    """Each byte arrives well within the read timeout; only the total timeout can end the call."""
    target = TARGETS[provider]
    server.play(trickle(target.get_body, 0.05))  # several seconds for the whole body
    client = make_client(provider, mode, timeout=SHORT, max_retries=0, total_timeout=0.8)
    with timed() as watch, pytest.raises(target.package().APITimeoutError) as info:
        await settle(target.get(client))
    assert 0.8 <= watch.seconds < 2.0
    assert "total timeout of 0.8 s" in str(info.value)
    assert not leaked(exception_texts(info.value))


async def test_total_timeout_ends_trickling_response_headers(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    """Headers a byte every 50 ms never let a read time out; only the total timeout ends the call."""
    target = TARGETS[provider]
    server.play(trickle_headers(0.05, target.get_body), reply(200, target.get_body))
    client = make_client(provider, mode, timeout=SHORT, max_retries=0, total_timeout=0.8)
    with timed() as watch, pytest.raises(target.package().APITimeoutError) as info:
        await settle(target.get(client))
    assert 0.8 <= watch.seconds < 1.5
    assert "total timeout of 0.8 s" in str(info.value)
    assert await settle(target.get(client)) == target.expected_get()  # the client still works
    assert server.count("GET") == 2


async def test_total_timeout_bounds_retries_and_is_a_per_call_option(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    """A 503 would be retried after backoff; the total timeout leaves no room, so it is raised."""
    target = TARGETS[provider]
    server.play(reply(503, b"{}"), reply(503, b"{}"), reply(200, target.get_body))
    client = make_client(provider, mode, max_retries=5)
    with timed() as watch, pytest.raises(target.package().APIStatusError) as info:
        await settle(target.get(client, options={"total_timeout": 0.2}))
    assert info.value.status_code == 503 and watch.seconds < 0.2
    assert server.count("GET") == 1
    assert await settle(target.get(client.with_options(total_timeout=30.0))) == target.expected_get()
