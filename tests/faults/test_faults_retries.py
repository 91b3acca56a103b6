"""Retryable and non-retryable statuses against our own server, with real sleeps and time bounds.

Documented behaviour (generator/_runtime/): 408/429/502/503/504 are retried
for idempotent methods (GET, PUT, DELETE, ...) up to ``max_retries`` times,
waiting for ``Retry-After`` (seconds or HTTP date) when given and at most 60 s,
else exponential backoff from 0.5 s; a longer Retry-After is not waited for
and the error is raised at once.  500 is never retried.  POST is never
repeated unless the caller opts in with ``retry_non_idempotent``.
"""

from __future__ import annotations

import email.utils
import time

import pytest
from fault_server import FaultServer, reply
from fault_support import MODES, PROVIDERS, TARGETS, MakeClient, exception_texts, leaked, settle, timed

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("mode", MODES)]
each_provider = pytest.mark.parametrize("provider", PROVIDERS)
# The Retry-After tests really sleep 1-2 s: each (status, format) pair runs with one provider,
# and each provider sees both statuses and both formats.
SECONDS_CASES = [(429, "mariadb_cloud"), (503, "akinon_appmaker")]
DATE_CASES = [(429, "akinon_appmaker"), (503, "mariadb_cloud")]

ERROR = b'{"code": 1, "message": "try later"}'


@pytest.mark.parametrize(("status", "provider"), SECONDS_CASES)
async def test_retry_after_in_seconds_is_honoured(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, status: int
) -> None:
    target = TARGETS[provider]
    server.play(reply(status, ERROR, headers={"Retry-After": "1"}), reply(200, target.get_body))
    with timed() as watch:
        result = await settle(target.get(make_client(provider, mode)))
    assert result == target.expected_get()
    assert server.count("GET") == 2
    assert 1.0 <= watch.seconds < 3.0


@pytest.mark.parametrize(("status", "provider"), DATE_CASES)
async def test_retry_after_as_http_date_is_honoured(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, status: int
) -> None:
    target = TARGETS[provider]
    when = email.utils.formatdate(time.time() + 2, usegmt=True)  # whole seconds: 1 to 2 s from now
    server.play(reply(status, ERROR, headers={"Retry-After": when}), reply(200, target.get_body))
    with timed() as watch:
        result = await settle(target.get(make_client(provider, mode)))
    assert result == target.expected_get()
    assert server.count("GET") == 2
    assert 0.9 <= watch.seconds < 3.5


@each_provider
async def test_a_retry_after_beyond_sixty_seconds_is_not_waited_for(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(429, ERROR, headers={"Retry-After": "3600"}), reply(200, target.get_body))
    with timed() as watch, pytest.raises(target.package().RateLimitError) as info:
        await settle(target.get(make_client(provider, mode)))
    assert info.value.status_code == 429 and info.value.headers["retry-after"] == "3600"
    assert server.count("GET") == 1
    assert watch.seconds < 1.0


@each_provider
async def test_500_is_not_retried(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(500, ERROR), reply(200, target.get_body))
    with timed() as watch, pytest.raises(target.package().InternalServerError) as info:
        await settle(target.get(make_client(provider, mode, max_retries=3)))
    assert info.value.status_code == 500 and info.value.body == ERROR
    assert server.count("GET") == 1
    assert watch.seconds < 1.0
    assert not leaked(exception_texts(info.value))


@each_provider
@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_then_200_succeed_on_retry(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, status: int
) -> None:
    target = TARGETS[provider]
    server.play(
        reply(status, b"<html>bad gateway</html>", content_type="text/html"), reply(200, target.get_body)
    )
    with timed() as watch:
        result = await settle(target.get(make_client(provider, mode)))
    assert result == target.expected_get()
    assert server.count("GET") == 2
    assert watch.seconds < 2.0  # one backoff of at most 0.5 s


@each_provider
async def test_retries_are_bounded_by_max_retries(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(503, ERROR, headers={"Retry-After": "0"}))
    with timed() as watch, pytest.raises(target.package().InternalServerError) as info:
        await settle(target.get(make_client(provider, mode, max_retries=2)))
    assert info.value.status_code == 503
    assert server.count("GET") == 3
    assert watch.seconds < 2.0


@each_provider
@pytest.mark.parametrize(("status", "error"), [(429, "RateLimitError"), (503, "InternalServerError")])
async def test_post_is_not_repeated_on_retryable_statuses(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, status: int, error: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(status, ERROR, headers={"Retry-After": "0"}), reply(201, target.post_body))
    with timed() as watch, pytest.raises(getattr(target.package(), error)) as info:
        await settle(target.post(make_client(provider, mode, max_retries=3)))
    assert info.value.status_code == status
    assert server.count("POST") == 1
    assert watch.seconds < 1.0


@each_provider
@pytest.mark.parametrize("opt_in", ["per-call", "per-client"])
async def test_post_is_repeated_when_the_caller_opts_in(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, opt_in: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(503, ERROR, headers={"Retry-After": "0"}), reply(201, target.post_body))
    client = make_client(provider, mode, retry_non_idempotent=opt_in == "per-client")
    options = {"retry_non_idempotent": True} if opt_in == "per-call" else {}
    with timed() as watch:
        result = await settle(target.post(client, options=options))
    assert result == target.expected_post()
    assert server.count("POST") == 2
    assert watch.seconds < 1.0
