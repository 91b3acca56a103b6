"""A hostile server against the generated clients over a real socket: a gzip bomb, JSON nested
deeper than Python's recursion limit, odd charsets, hostile ``Retry-After`` values and redirects
to another origin.

Documented behaviour (generated README, generator/_runtime/): every failure of a call is an
``APIError`` subclass; a body is read up to ``max_response_bytes`` (100 MiB by default, counted
after decompression) and no further; a negative or out-of-range ``Retry-After`` is treated as
absent (exponential backoff); credentials never reach another origin, whatever HTTP client the
caller passes in. The autouse log check (conftest.py) applies here too.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fault_server import FaultServer, json_reply, reply
from fault_support import (
    MODES,
    PROVIDERS,
    TARGETS,
    MakeClient,
    exception_texts,
    heap_peak,
    leaked,
    settle,
    timed,
)

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("mode", MODES)]
each_provider = pytest.mark.parametrize("provider", PROVIDERS)

MIB = 1024 * 1024
DEEP = 100_000  # levels of nesting: far beyond Python's recursion limit


@functools.lru_cache(maxsize=None)
def gzip_bomb(size: int, layers: int) -> bytes:
    """``size`` bytes of JSON (one long string) gzip-compressed ``layers`` times."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    chunk = b"0" * MIB
    parts = [packer.compress(b'"'), *(packer.compress(chunk) for _ in range(size // MIB - 1))]
    parts += [packer.compress(b"0" * (MIB - 2) + b'"'), packer.flush()]
    packed = b"".join(parts)
    for _ in range(layers - 1):
        outer = zlib.compressobj(9, zlib.DEFLATED, 31)
        packed = outer.compress(packed) + outer.flush()
    return packed


# ----------------------------------------------------------------------------- gzip bomb


@each_provider
@pytest.mark.parametrize(
    ("layers", "status"), [(1, 200), (2, 200), (1, 500)], ids=["gzip", "gzip-gzip", "error"]
)
async def test_a_gzip_bomb_stops_at_max_response_bytes(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, layers: int, status: int
) -> None:
    """256 MiB once inflated (beyond the 100 MiB default): 255 kB on the wire as gzip, under
    1 kB as 'gzip, gzip'.  Read whole, it would be 256 MiB in memory, twice."""
    target = TARGETS[provider]
    body = gzip_bomb(256 * MIB, layers)
    encoding = ", ".join(["gzip"] * layers)
    server.play(reply(status, body, headers={"Content-Encoding": encoding}))
    client = make_client(provider, mode, timeout=30.0)
    with timed() as watch, heap_peak() as peak, pytest.raises(target.package().APIResponseTooLarge) as info:
        await settle(target.get(client))
    assert info.value.limit == 100 * MIB and info.value.status_code == status
    assert isinstance(info.value, target.package().APIError)
    assert "larger than max_response_bytes (104857600 bytes)" in str(info.value)
    assert peak() < 120 * MIB, f"peak heap {peak() / MIB:.0f} MiB"
    assert watch.seconds < 30.0
    assert server.count("GET") == 1  # not retried, even as a 500
    assert not leaked(exception_texts(info.value))


@each_provider
async def test_a_smaller_limit_is_a_client_option(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(200, target.get_body))
    with pytest.raises(target.package().APIResponseTooLarge):
        await settle(target.get(make_client(provider, mode, max_response_bytes=len(target.get_body) - 1)))
    client = make_client(provider, mode, max_response_bytes=len(target.get_body))
    assert await settle(target.get(client)) == target.expected_get()


# ----------------------------------------------------------------------------- deep JSON


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_bodies(provider: str) -> dict[str, bytes]:
    """The GET body with a deeply nested value under a key the model does not know, and in place
    of a known field."""
    document = json.loads(TARGETS[provider].get_body)
    record = document[0] if isinstance(document, list) else document
    unknown = json.dumps({**record, "zz_unknown": None}).encode().replace(b"null", nested(DEEP))
    known_key = "id" if provider == "mariadb_cloud" else "docs"
    known = json.dumps({**record, known_key: None}).encode().replace(b"null", nested(DEEP))
    if isinstance(document, list):
        unknown, known = b"[" + unknown + b"]", b"[" + known + b"]"
    return {"unknown-key": unknown, "known-key": known, "top": nested(DEEP)}


@each_provider
@pytest.mark.parametrize("where", ["unknown-key", "known-key", "top"])
async def test_deeply_nested_json_is_a_response_validation_error(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, where: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(200, deep_bodies(provider)[where]))
    with pytest.raises(target.package().ResponseValidationError) as info:
        await settle(target.get(make_client(provider, mode)))
    assert len(str(info.value)) < 400


@each_provider
async def test_deeply_nested_error_body_gives_a_typed_error_without_model(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    body = b'{"code": 1, "message": "no", "detail": ' + nested(DEEP) + b"}"
    server.play(reply(404, body))
    with pytest.raises(target.package().NotFoundError) as info:
        await settle(target.get(make_client(provider, mode)))
    assert info.value.model is None and info.value.body == body


# ----------------------------------------------------------------------------- odd charsets

CHARSETS = ["base64", "hex", "zlib", "rot13", "utf-16", "idna", "no-such-charset", "utf-8"]


@each_provider
@pytest.mark.parametrize("charset", CHARSETS)
async def test_a_text_body_in_an_odd_charset_decodes_without_crashing(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, charset: str
) -> None:
    """A text operation of the generated client's own runtime (the seeds declare none)."""
    runtime = importlib.import_module(f"{provider}._runtime")
    text = "caf\u00e9 au lait"
    server.play(reply(200, text.encode(), content_type=f"text/plain; charset={charset}"))
    client = make_client(provider, mode)
    response = await settle(client.request(runtime.Operation("GET", "/text", str)))
    assert isinstance(response.parsed, str)
    assert response.parsed == text or charset == "utf-16"


@each_provider
@pytest.mark.parametrize("charset", CHARSETS)
async def test_json_and_error_bodies_ignore_an_odd_charset(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, charset: str
) -> None:
    target = TARGETS[provider]
    server.play(
        reply(200, target.get_body, content_type=f"application/json; charset={charset}"),
        reply(400, b"bad request", content_type=f"text/plain; charset={charset}"),
    )
    client = make_client(provider, mode)
    assert await settle(target.get(client)) == target.expected_get()
    with pytest.raises(target.package().BadRequestError, match="bad request"):
        await settle(target.get(client))


# ----------------------------------------------------------------------------- hostile Retry-After

HOSTILE_RETRY_AFTER = [
    "-1",
    "-86400",
    "1e400",
    "nan",
    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
    "Mon, 01 Jan 2020 00:00:00 +99999999999999999999",
    "\u00ff\u00fe",
]


@pytest.mark.parametrize("provider", PROVIDERS[:1])
@pytest.mark.parametrize("header", HOSTILE_RETRY_AFTER)
async def test_a_hostile_retry_after_never_crashes_nor_skips_the_backoff(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, header: str
) -> None:
    target = TARGETS[provider]
    server.play(json_reply(503, {"error": "busy"}, {"Retry-After": header}), reply(200, target.get_body))
    client = make_client(provider, mode, max_retries=1)
    with timed() as watch:
        result = await settle(target.get(client))
    assert result == target.expected_get()
    assert server.count("GET") == 2
    assert 0.3 <= watch.seconds < 2.0  # the 0.375-0.5 s backoff, not an immediate retry


# ----------------------------------------------------------------------------- cross-origin redirects


@pytest.fixture
def elsewhere() -> Iterator[FaultServer]:
    """A second server: another port on 127.0.0.1 is another origin."""
    other = FaultServer()
    yield other
    other.close()


def follow_redirects_client(mode: str) -> Any:
    return (httpx.Client if mode == "sync" else httpx.AsyncClient)(follow_redirects=True, timeout=5.0)


def credential_sent(target: Any, server: FaultServer) -> list[bool]:
    """For each request ``server`` received: did it carry the credential anywhere?"""
    return [
        any(target.secret in value for value in request.headers.values()) or target.secret in request.path
        for request in server.requests
    ]


@each_provider
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_credentials_do_not_follow_a_redirect_to_another_origin(
    server: FaultServer,
    elsewhere: FaultServer,
    make_client: MakeClient,
    provider: str,
    mode: str,
    status: int,
) -> None:
    target = TARGETS[provider]
    server.play(reply(status, b"", headers={"Location": f"{elsewhere.url}/moved?from=api"}))
    elsewhere.play(reply(200, target.get_body))
    http = follow_redirects_client(mode)
    try:
        result = await settle(target.get(make_client(provider, mode, http_client=http)))
    finally:
        await settle(http.close() if mode == "sync" else http.aclose())
    assert result == target.expected_get()
    assert credential_sent(target, server) == [True]
    assert credential_sent(target, elsewhere) == [False]
    assert elsewhere.requests[0].path == "/moved?from=api"


@each_provider
async def test_credentials_follow_a_redirect_within_the_origin(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(307, b"", headers={"Location": "/moved"}), reply(200, target.get_body))
    http = follow_redirects_client(mode)
    try:
        assert (
            await settle(target.get(make_client(provider, mode, http_client=http))) == target.expected_get()
        )
    finally:
        await settle(http.close() if mode == "sync" else http.aclose())
    assert credential_sent(target, server) == [True, True]


# ----------------------------------------------------------------------------- credentials from files


@each_provider
@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\x00", " ", "\u00e9"])
async def test_a_credential_read_with_its_newline_is_refused_at_construction(
    server: FaultServer, provider: str, mode: str, suffix: str
) -> None:
    target = dataclasses.replace(TARGETS[provider], secret=TARGETS[provider].secret + suffix)
    with pytest.raises(ValueError) as info:
        target.client(mode, base_url=server.url)
    assert not leaked(exception_texts(info.value))
    assert server.requests == []
