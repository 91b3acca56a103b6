"""Bad and huge response bodies against our own server.

Documented behaviour: a 2xx body that is not valid JSON, has the wrong shape,
a non-JSON content type or is empty raises ``ResponseValidationError`` (the
response stays available on ``.response``).  A body without any content type
is decoded as JSON.  Bodies up to ``max_response_bytes`` (100 MiB by default; see
test_faults_hostile.py for larger ones) are read into memory and decoded, so a
50 MB body of valid JSON decodes correctly, and time and memory stay
proportional to the body (bounds below).  Error bodies of any size give a
typed error whose message quotes only the start of the body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from fault_server import FaultServer, reply
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

MB = 1_000_000
BIG = 50 * MB

WRONG_SHAPES = {
    "mariadb_cloud": (b'{"id": "inv-1"}', "Expected `array`, got `object`"),
    "akinon_appmaker": (json.dumps({**json.loads(TARGETS["akinon_appmaker"].get_body), "docs": "none"}).encode(),
                        "Expected `array`, got `str` - at `$.docs`"),
}  # fmt: skip


# How to spoil a valid body, the content type to send it with, and the expected message.
UNUSABLE: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    "malformed": (lambda body: body[:-1] + b",}", "application/json", "JSON is malformed"),
    "truncated": (lambda body: body[: len(body) // 2], "application/json", "Input data was truncated"),
    "html": (lambda body: b"<html><body>maintenance</body></html>", "text/html; charset=utf-8",
             "got content type 'text/html; charset=utf-8'"),
    "json-as-text": (lambda body: body, "text/plain", "got content type 'text/plain'"),
    "empty": (lambda body: b"", "application/json", "got an empty body"),
    "null": (lambda body: b"null", "application/json", "Expected `(array|object)`, got `null`"),
}  # fmt: skip


@each_provider
@pytest.mark.parametrize("fault", UNUSABLE)
async def test_unusable_2xx_bodies_raise_response_validation_error(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, fault: str
) -> None:
    target = TARGETS[provider]
    spoil, content_type, message = UNUSABLE[fault]
    body = spoil(target.get_body)
    server.play(reply(200, body, content_type=content_type))
    with pytest.raises(target.package().ResponseValidationError, match=message) as info:
        await settle(target.get(make_client(provider, mode)))
    assert info.value.response.status_code == 200 and info.value.response.content == body
    assert server.count("GET") == 1  # a bad body is not retried
    assert not leaked(exception_texts(info.value))


@each_provider
async def test_json_of_the_wrong_shape_names_the_offending_path(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    body, message = WRONG_SHAPES[provider]
    server.play(reply(200, body))
    with pytest.raises(target.package().ResponseValidationError) as info:
        await settle(target.get(make_client(provider, mode)))
    assert message in str(info.value)


@each_provider
async def test_a_body_without_content_type_is_decoded_as_json(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(200, target.get_body, content_type=None))
    assert await settle(target.get(make_client(provider, mode))) == target.expected_get()


def big_item(provider: str) -> dict[str, Any]:
    """The item of the GET body with one string field padded to 2 kB (a fat but ordinary record)."""
    document = json.loads(TARGETS[provider].get_body)
    item: dict[str, Any] = (document if isinstance(document, list) else document["docs"])[0]
    if provider == "mariadb_cloud":
        item["invitees"][0]["url"] = "https://example.com/accept/" + "a" * 2000
    else:
        item["token"] = "t" * 2000
    return item


def big_body(provider: str) -> tuple[bytes, int]:
    """A valid GET body of at least 50 MB: ``big_item`` repeated; returns (body, number of items)."""
    document = json.loads(TARGETS[provider].get_body)
    one = json.dumps(big_item(provider)).encode()
    count = BIG // (len(one) + 1) + 1
    array = b"[" + b",".join([one] * count) + b"]"
    if isinstance(document, list):
        return array, count
    head, tail = json.dumps({**document, "docs": None}).encode().split(b"null")
    return head + array + tail, count


def items_of(result: object) -> list[object]:
    """The decoded items: the list itself (MariaDB) or the page's ``docs`` (Akinon)."""
    return result if isinstance(result, list) else getattr(result, "docs")


@each_provider
async def test_a_50_mb_body_decodes_correctly_in_bounded_time_and_memory(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    body, count = big_body(provider)
    server.play(reply(200, body))
    client = make_client(provider, mode, timeout=30.0)
    with timed() as watch, heap_peak() as peak:
        result = await settle(target.get(client))
    items = items_of(result)
    expected = msgspec.convert(big_item(provider), type=type(items[0]))
    assert len(items) == count and items[0] == items[-1] == expected
    assert peak() < 3 * BIG, f"peak heap {peak() / MB:.0f} MB"
    assert watch.seconds < 60.0


@each_provider
@pytest.mark.parametrize(("status", "error"), [(500, "InternalServerError"), (400, "BadRequestError")])
async def test_a_50_mb_error_body_gives_a_short_typed_error(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str, status: int, error: str
) -> None:
    target = TARGETS[provider]
    server.play(reply(status, b"error " * (BIG // 6), content_type="text/plain"))
    client = make_client(provider, mode, timeout=30.0)
    with timed() as watch, heap_peak() as peak, pytest.raises(getattr(target.package(), error)) as info:
        await settle(target.get(client))
    assert len(info.value.body) >= BIG - 6 and info.value.model is None
    assert len(str(info.value)) < 400
    assert peak() < 3 * BIG, f"peak heap {peak() / MB:.0f} MB"
    assert watch.seconds < 30.0


@each_provider
async def test_a_50_mb_malformed_body_is_a_response_validation_error(
    server: FaultServer, make_client: MakeClient, provider: str, mode: str
) -> None:
    target = TARGETS[provider]
    body, _ = big_body(provider)
    server.play(reply(200, body[: -len(b"]}")] + b",}"))
    client = make_client(provider, mode, timeout=30.0)
    with (
        timed() as watch,
        heap_peak() as peak,
        pytest.raises(target.package().ResponseValidationError) as info,
    ):
        await settle(target.get(client))
    assert len(str(info.value)) < 400
    assert peak() < 3 * BIG, f"peak heap {peak() / MB:.0f} MB"
    assert watch.seconds < 60.0
