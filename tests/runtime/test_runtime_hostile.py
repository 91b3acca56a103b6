"""A hostile or broken server: every failure is a typed ``APIError``, bodies are bounded, unknown
enum values are not kept, and ``total_timeout`` holds. Each test runs the blocking and the async
client (``make_any_client``)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
import gzip
import threading
import time
import tracemalloc
import weakref
import zlib
from typing import Any

import httpx
import msgspec
import pytest
from runtime_support import BASE_URL, INVITE_JSON, SCHEMES, ErrorBody, Invite, Role, reply, settle

from generator import _runtime as rt

GET = rt.Operation[Invite]("GET", "/invites", Invite, errors={"4XX": ErrorBody})
TEXT = rt.Operation[str]("GET", "/text", str)

DEEP = b"[" * 5000 + b"]" * 5000

# ----------------------------------------------------------------------------- item 10: typed errors


ANY = rt.Operation[Any]("GET", "/anything", Any)


@pytest.mark.parametrize(
    ("op", "body"), [(ANY, DEEP), (GET, b'{"id": "i1", "extra": ' + DEEP + b"}")], ids=["any", "unknown-key"]
)
async def test_deeply_nested_json_is_a_validation_error(make_any_client, op, body):
    client, _ = make_any_client(reply(200, content=body, headers={"content-type": "application/json"}))
    with pytest.raises(rt.ResponseValidationError, match="nested too deeply"):
        await settle(client.request(op))


async def test_deeply_nested_one_of_body_is_a_validation_error(make_any_client):
    op = rt.Operation[object]("GET", "/invites", rt.OneOf(list[list[int]] | Invite))
    client, _ = make_any_client(reply(200, content=DEEP, headers={"content-type": "application/json"}))
    with pytest.raises(rt.ResponseValidationError):
        await settle(client.request(op))


async def test_deeply_nested_error_body_gives_model_none(make_any_client):
    body = b'{"code": "c", "message": "m", "detail": ' + DEEP + b"}"
    client, _ = make_any_client(reply(404, content=body, headers={"content-type": "application/json"}))
    with pytest.raises(rt.NotFoundError) as info:
        await settle(client.request(GET))
    assert info.value.model is None and info.value.body == body


@pytest.mark.parametrize(
    "charset", ["base64", "hex", "zlib", "rot13", "utf-16", "idna", "bogus-charset", "utf-8"]
)
async def test_odd_charsets_decode_text_without_crashing(make_any_client, charset):
    content = "caf\u00e9 ok".encode()
    headers = {"content-type": f"text/plain; charset={charset}"}
    client, _ = make_any_client(reply(200, content=content, headers=headers))
    response = await settle(client.request(TEXT))
    assert isinstance(response.parsed, str)
    if charset != "utf-16":  # utf-16 is a text encoding: its (odd) reading of the bytes stands
        assert response.parsed == "caf\u00e9 ok"


async def test_a_declared_text_charset_is_used(make_any_client):
    headers = {"content-type": "text/plain; charset=latin-1"}
    client, _ = make_any_client(reply(200, content="caf\u00e9".encode("latin-1"), headers=headers))
    assert (await settle(client.request(TEXT))).parsed == "caf\u00e9"


HOSTILE_RETRY_AFTER = [
    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",  # year overflows a C long
    "Mon, 01 Jan 2020 00:00:00 +99999999999999999999",  # zone overflows a C int
    "-5",  # negative: treated as absent, so backoff applies
    "-0.5",
    "1e400",  # infinite
    "nan",
]


@pytest.mark.parametrize("header", HOSTILE_RETRY_AFTER)
async def test_hostile_retry_after_falls_back_to_backoff(make_any_client, header):
    client, server = make_any_client(reply(503, headers={"Retry-After": header}), reply(json=INVITE_JSON))
    await settle(client.request(GET))
    assert len(server.sleeps) == 1 and 0.375 <= server.sleeps[0] <= 0.5, server.sleeps


# ----------------------------------------------------------------------------- item 11: open enums


async def test_unknown_enum_values_are_released_with_the_response(make_any_client):
    known = dict(Role._value2member_map_)
    values = [f"role-{i}" for i in range(300)]
    bodies = [reply(json={**INVITE_JSON, "role": value}) for value in values]
    client, _ = make_any_client(*bodies)
    refs = []
    for value in values:
        role = (await settle(client.request(GET))).parsed.role
        assert role.value == value and not role.is_known and role is Role(value)
        refs.append(weakref.ref(role))
    del role
    gc.collect()
    assert Role._value2member_map_ == known
    assert all(ref() is None for ref in refs)
    assert Role.ADMIN.is_known and Role("admin") is Role.ADMIN


def test_unknown_enum_values_stay_equal_while_held():
    first = msgspec.json.decode(b'"owner"', type=Role)
    assert first is Role("owner") and first == Role("owner") and hash(first) == hash(Role("owner"))
    assert first != Role.ADMIN and not first.is_known


# ----------------------------------------------------------------------------- item 8: bounded bodies

MIB = 1024 * 1024


def bomb(size: int, encoding: str = "gzip", status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    """A reply of ``size`` bytes of JSON (a string of zeros) compressed as ``encoding``, streamed
    (not read in advance) as a real transport's body is."""
    packed = b'"' + b"0" * (size - 2) + b'"'
    for step in [e.strip() for e in encoding.split(",")]:
        packed = gzip.compress(packed) if step == "gzip" else zlib.compress(packed)
    headers = {"content-encoding": encoding, "content-type": "application/json"}
    return lambda request: httpx.Response(status, headers=headers, stream=httpx.ByteStream(packed))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "gzip, gzip"])
@pytest.mark.parametrize("status", [200, 500])
async def test_a_decompressed_body_beyond_the_limit_raises(make_any_client, encoding, status):
    client, server = make_any_client(bomb(8 * MIB, encoding, status), max_response_bytes=MIB)
    with pytest.raises(
        rt.APIResponseTooLarge, match=r"larger than max_response_bytes \(1048576 bytes\)"
    ) as info:
        await settle(client.request(rt.Operation[str]("GET", "/big", str)))
    assert isinstance(info.value, rt.APIError)
    assert info.value.status_code == status and info.value.limit == MIB
    assert len(server.requests) == 1  # not retried, even for a 500


async def test_the_default_limit_is_100_mib_and_none_reads_any_size(make_any_client):
    client, _ = make_any_client(bomb(101 * MIB))
    assert client._max_response_bytes == rt.DEFAULT_MAX_RESPONSE_BYTES == 100 * MIB
    with pytest.raises(rt.APIResponseTooLarge):
        await settle(client.request(rt.Operation[bytes]("GET", "/big", bytes)))
    unlimited = client.with_options(max_response_bytes=None)
    body = (await settle(unlimited.request(rt.Operation[bytes]("GET", "/big", bytes)))).parsed
    assert len(body) == 101 * MIB


async def test_a_body_at_the_limit_is_read(make_any_client):
    client, _ = make_any_client(bomb(MIB), max_response_bytes=MIB)
    response = await settle(client.request(rt.Operation[str]("GET", "/big", str)))
    assert len(response.parsed) == len(response.content) == MIB  # str: the text as it is


# ----------------------------------------------------------------------------- item 13: total timeout


async def test_total_timeout_bounds_the_wait_for_response_headers_sync():
    """MockTransport has no per-read timeouts: only the total timeout can end this call."""
    release, answered = threading.Event(), []

    def slow(request: httpx.Request) -> httpx.Response:
        release.wait(5)
        answered.append(httpx.Response(200, json=INVITE_JSON))
        return answered[-1]

    http = httpx.Client(transport=httpx.MockTransport(slow))
    client = rt.SyncClient(base_url=BASE_URL, schemes=SCHEMES, credentials={}, http_client=http)
    started = time.monotonic()
    with pytest.raises(rt.APITimeoutError, match="exceeded its total timeout of 0.3 s"):
        client.request(GET, options={"total_timeout": 0.3})
    assert 0.3 <= time.monotonic() - started < 1.0
    release.set()
    for _ in range(100):  # the abandoned attempt closes the response it got late
        if answered and answered[0].is_closed:
            break
        time.sleep(0.02)
    assert answered and answered[0].is_closed
    assert client.request(GET, options={"total_timeout": 1.0}).parsed.id == "i1"
    http.close()


async def test_total_timeout_bounds_the_wait_for_response_headers_async():
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0 if request.url.params.get("fast") else 5)
        return httpx.Response(200, json=INVITE_JSON)

    http = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    client = rt.AsyncClient(base_url=BASE_URL, schemes=SCHEMES, credentials={}, http_client=http)
    started = time.monotonic()
    with pytest.raises(rt.APITimeoutError, match="exceeded its total timeout of 0.3 s"):
        await client.request(GET, options={"total_timeout": 0.3})
    assert 0.3 <= time.monotonic() - started < 1.0
    fast = await client.request(GET, query={"fast": 1}, options={"total_timeout": 1.0})
    assert fast.parsed.id == "i1"
    await http.aclose()


def test_a_trace_callback_of_the_caller_still_sees_every_attempt():
    events: list[str] = []
    http = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(503)))
    client = rt.SyncClient(
        base_url=BASE_URL, schemes=SCHEMES, credentials={}, http_client=http, max_retries=1
    )
    client._sleep = lambda seconds: None
    request = client._build_request(GET, None, None, None, None, rt.NOT_GIVEN, {})
    request.extensions["trace"] = lambda event, info: events.append(event)
    deadline = time.monotonic() + 5
    for _ in range(2):
        client._send(request, deadline, {})
        request.extensions["trace"]("probe", {})
    assert events == ["probe", "probe"]  # ours wraps the caller's once, not once per attempt
    http.close()


async def test_a_double_gzip_bomb_never_inflates_past_the_limit_in_memory(make_any_client):
    client, _ = make_any_client(bomb(256 * MIB, "gzip, gzip"), max_response_bytes=MIB)
    tracemalloc.start()
    try:
        with pytest.raises(rt.APIResponseTooLarge):
            await settle(client.request(rt.Operation[bytes]("GET", "/big", bytes)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"  # httpx's own decoders: 256 MiB at once


async def test_raw_deflate_is_accepted_and_a_broken_gzip_body_is_a_validation_error(make_any_client):
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = packer.compress(b'"ok"') + packer.flush()
    headers = {"content-encoding": "deflate"}
    broken = {"content-encoding": "gzip"}
    client, _ = make_any_client(
        lambda request: httpx.Response(200, headers=headers, stream=httpx.ByteStream(raw_deflate)),
        lambda request: httpx.Response(200, headers=broken, stream=httpx.ByteStream(b"not gzip at all")),
    )
    assert (await settle(client.request(rt.Operation[str]("GET", "/x", str)))).parsed == '"ok"'
    with pytest.raises(rt.ResponseValidationError, match="not valid gzip"):
        await settle(client.request(rt.Operation[str]("GET", "/x", str)))
