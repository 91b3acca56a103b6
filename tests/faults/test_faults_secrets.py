"""Credentials never show up in exception text or log records, whatever the fault.

The autouse ``no_secret_in_logs`` fixture (conftest.py) already checks every
record of every fault test at DEBUG, httpx's and httpcore's loggers included;
the tests here add faults whose messages are built from server data (an error
body that echoes the credential) and check that the capture is not vacuous.
"""

from __future__ import annotations

import socket

import pytest
from fault_server import Action, FaultServer, json_reply, reply, reset_before_response, stall
from fault_support import (
    MODES,
    PROVIDERS,
    TARGETS,
    MakeClient,
    exception_texts,
    leaked,
    log_texts,
    settle,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("mode", MODES),
    pytest.mark.parametrize("provider", PROVIDERS),
]

EXCERPT = 200  # characters of an error body quoted in the message (generator/_runtime/)


def echo(secret: str, start: int) -> Action:
    """A 401 whose text body quotes ``secret`` starting at character ``start``."""
    prefix = "invalid credential: "
    body = "x" * (start - len(prefix)) + prefix + secret + " (check your settings)"
    return reply(401, body.encode(), content_type="text/plain")


@pytest.mark.parametrize("start", [40, EXCERPT - 30, EXCERPT - 12, EXCERPT - 4])
async def test_a_credential_echoed_in_an_error_body_is_masked(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, start: int
) -> None:
    target = TARGETS[provider]
    server.play(echo(target.secret, start))
    with pytest.raises(target.package().AuthenticationError) as info:
        await settle(target.get(make_client(provider, mode)))
    assert target.secret.encode() in info.value.body  # the raw body is the server's, unchanged
    assert not leaked(exception_texts(info.value), min_part=4), str(info.value)


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


FAULTS: dict[str, tuple[Action | None, str]] = {
    "refused": (None, "APIConnectionError"),
    "reset": (reset_before_response(), "APIConnectionError"),
    "timeout": (stall(), "APITimeoutError"),
    "429": (json_reply(429, {"error": "slow down"}, {"Retry-After": "3600"}), "RateLimitError"),
    "500": (json_reply(500, {"error": "boom"}), "InternalServerError"),
    "malformed": (reply(200, b"{]"), "ResponseValidationError"),
    "html": (reply(200, b"<html/>", content_type="text/html"), "ResponseValidationError"),
}


@pytest.mark.parametrize("fault", FAULTS)
async def test_no_credential_in_exceptions_or_debug_logs(
    server: FaultServer,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
    provider: str,
    mode: str,
    fault: str,
) -> None:
    target = TARGETS[provider]
    action, error = FAULTS[fault]
    base_url = refused_url() if action is None else server.url
    if action is not None:
        server.play(action)
    client = make_client(provider, mode, base_url=base_url, timeout=0.3, max_retries=1)
    with pytest.raises(getattr(target.package(), error)) as info:
        await settle(target.get(client))
    assert not leaked(exception_texts(info.value))
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"httpcore", provider} <= loggers, "the log capture saw nothing"  # the package logger
    assert not leaked(log_texts(caplog.records))
    if action is not None:  # the credential really was sent, so there was something to leak
        assert any(target.secret in value for value in server.requests[0].headers.values())
