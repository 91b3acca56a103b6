"""Resources, raw responses, pagination, client configuration and lifecycle helpers."""

from __future__ import annotations

import functools
import time
from typing import Optional

import httpx
import msgspec
import pytest
from runtime_support import INVITE_JSON, SCHEMES, SECRET_TOKEN, FakeServer, Invite, reply

from generator import _runtime as rt
from generator._runtime import resources

GET = rt.Operation[Invite]("GET", "/invites/{id}", Invite, security=(("BearerAuth",),))


class Page(msgspec.Struct):
    items: Optional[list[int]]
    has_more: Optional[bool] = None
    next: Optional[str] = None


# ----------------------------------------------------------------------------- resources


class Invites(rt.SyncResource):
    def get(self, invite_id: str, *, options: Optional[rt.RequestOptions] = None) -> Invite:
        return self._request(GET, path={"id": invite_id}, options=options)


class AsyncInvites(rt.AsyncResource):
    async def get(self, invite_id: str) -> Invite:
        return await self._request(GET, path={"id": invite_id})


class InvitesWithRawResponse:
    def __init__(self, resource: Invites) -> None:
        self.get = rt.to_raw_response(resource.get)


class Client(rt.SyncClient):
    @functools.cached_property
    def invites(self) -> Invites:
        return Invites(self)


def test_resource_returns_parsed_body(make_client):
    client, server = make_client(reply(json=INVITE_JSON), credentials={"BearerAuth": SECRET_TOKEN})
    invite = Invites(client).get("i1", options={"headers": {"X-Trace": "t"}})
    assert invite.email == "a@example.com"
    assert server.last.headers["x-trace"] == "t"


def test_to_raw_response_gives_status_headers_and_parsed(make_client):
    client, _ = make_client(
        reply(201, json=INVITE_JSON, headers={"X-Rate": "9"}), credentials={"BearerAuth": SECRET_TOKEN}
    )
    raw = InvitesWithRawResponse(Invites(client)).get("i1")
    assert isinstance(raw, rt.APIResponse)
    assert raw.status_code == 201
    assert raw.headers["x-rate"] == "9"
    assert raw.parsed.id == "i1"
    assert raw.http_response.request.url.path == "/v1/invites/i1"
    assert InvitesWithRawResponse(Invites(client)).get.__name__ == "get"


def test_capture_ends_with_the_wrapper(make_client):
    client, _ = make_client(reply(json=INVITE_JSON), credentials={"BearerAuth": SECRET_TOKEN})
    resource = Invites(client)
    rt.to_raw_response(resource.get)("i1")
    assert resources._raw_capture.get() is None
    assert isinstance(resource.get("i1"), Invite)


def test_to_raw_response_without_a_request_is_an_error():
    with pytest.raises(RuntimeError, match="sent no API request"):
        rt.to_raw_response(lambda: 1)()


async def test_async_to_raw_response(make_async_client):
    client, _ = make_async_client(reply(202, json=INVITE_JSON), credentials={"BearerAuth": SECRET_TOKEN})
    raw = await rt.async_to_raw_response(AsyncInvites(client).get)("i1")
    assert raw.status_code == 202
    assert raw.parsed.id == "i1"
    assert resources._raw_capture.get() is None


async def test_async_to_raw_response_propagates_errors(make_async_client):
    client, _ = make_async_client(reply(404), credentials={"BearerAuth": SECRET_TOKEN})
    with pytest.raises(rt.NotFoundError):
        await rt.async_to_raw_response(AsyncInvites(client).get)("i1")
    assert resources._raw_capture.get() is None


# ----------------------------------------------------------------------------- pagination

PAGES = {1: Page([1, 2], True), 2: Page([3], True), 3: Page([4, 5], False)}


def test_paginate_walks_numbered_pages():
    fetched: list[int] = []

    def fetch(number: int) -> Page:
        fetched.append(number)
        return PAGES[number]

    items = list(rt.paginate(fetch, start=1, items=lambda p: p.items, has_next=lambda p: p.has_more))
    assert items == [1, 2, 3, 4, 5]
    assert fetched == [1, 2, 3]


@pytest.mark.parametrize(
    ("pages", "expected", "fetches"),
    [
        ({0: Page([1], True), 1: Page([], True), 2: Page([9], False)}, [1], 2),
        ({0: Page([1], True), 1: Page(None, True)}, [1], 2),
        ({0: Page([1], None), 1: Page([2], False)}, [1], 1),
    ],
)
def test_paginate_stops_on_empty_page_or_missing_has_next(pages, expected, fetches):
    fetched: list[int] = []

    def fetch(number: int) -> Page:
        fetched.append(number)
        return pages[number]

    assert (
        list(rt.paginate(fetch, start=0, items=lambda p: p.items, has_next=lambda p: p.has_more)) == expected
    )
    assert len(fetched) == fetches


def test_paginate_is_lazy():
    fetched: list[int] = []

    def fetch(number: int) -> Page:
        fetched.append(number)
        return PAGES[number]

    iterator = rt.paginate(fetch, start=1, items=lambda p: p.items, has_next=lambda p: p.has_more)
    assert fetched == []
    assert next(iterator) == 1
    assert fetched == [1]


async def test_apaginate_walks_numbered_pages_through_a_client(make_async_client):
    bodies = [
        {"items": [1, 2], "has_more": True},
        {"items": [3], "has_more": True},
        {"items": [4], "has_more": False},
    ]
    client, server = make_async_client(*(reply(json=b) for b in bodies))
    op = rt.Operation[Page]("GET", "/numbers", Page)

    async def fetch(number: int) -> Page:
        return (await client.request(op, query={"page": number})).parsed

    items = [
        i async for i in rt.apaginate(fetch, start=1, items=lambda p: p.items, has_next=lambda p: p.has_more)
    ]
    assert items == [1, 2, 3, 4]
    assert [r.url.params["page"] for r in server.requests] == ["1", "2", "3"]


CURSOR_PAGES = {None: Page([1], next="c1"), "c1": Page([2, 3], next="c2"), "c2": Page([4], next="")}


def test_paginate_cursor_follows_cursors_until_empty():
    seen: list[Optional[str]] = []

    def fetch(cursor: Optional[str]) -> Page:
        seen.append(cursor)
        return CURSOR_PAGES[cursor]

    assert list(rt.paginate_cursor(fetch, items=lambda p: p.items, next_cursor=lambda p: p.next)) == [
        1,
        2,
        3,
        4,
    ]
    assert seen == [None, "c1", "c2"]


def test_paginate_cursor_stops_on_none_and_on_a_repeated_cursor():
    pages = {None: Page([1], next="a"), "a": Page([2], next="a")}
    assert list(
        rt.paginate_cursor(pages.__getitem__, items=lambda p: p.items, next_cursor=lambda p: p.next)
    ) == [1, 2]
    single = {None: Page([7], next=None)}
    assert list(
        rt.paginate_cursor(single.__getitem__, items=lambda p: p.items, next_cursor=lambda p: p.next)
    ) == [7]


async def test_apaginate_cursor():
    async def fetch(cursor: Optional[str]) -> Page:
        return CURSOR_PAGES[cursor]

    items = [
        i async for i in rt.apaginate_cursor(fetch, items=lambda p: p.items, next_cursor=lambda p: p.next)
    ]
    assert items == [1, 2, 3, 4]


# ----------------------------------------------------------------------------- configuration

SERVERS = {"production": "https://api.example.com", "staging": "https://staging.example.com"}


def test_resolve_base_url_precedence(monkeypatch):
    monkeypatch.delenv("EXAMPLE_BASE_URL", raising=False)
    assert rt.resolve_base_url(None, "EXAMPLE_BASE_URL", SERVERS, "production") == "https://api.example.com"
    assert rt.resolve_base_url(None, "EXAMPLE_BASE_URL", SERVERS, "staging") == "https://staging.example.com"
    monkeypatch.setenv("EXAMPLE_BASE_URL", "")
    assert rt.resolve_base_url(None, "EXAMPLE_BASE_URL", SERVERS, "production") == "https://api.example.com"
    monkeypatch.setenv("EXAMPLE_BASE_URL", "http://localhost:8080")
    assert rt.resolve_base_url(None, "EXAMPLE_BASE_URL", SERVERS, "production") == "http://localhost:8080"
    assert (
        rt.resolve_base_url("https://explicit", "EXAMPLE_BASE_URL", SERVERS, "production")
        == "https://explicit"
    )


def test_resolve_base_url_unknown_server_lists_known_names(monkeypatch):
    monkeypatch.delenv("EXAMPLE_BASE_URL", raising=False)
    with pytest.raises(ValueError) as info:
        rt.resolve_base_url(None, "EXAMPLE_BASE_URL", SERVERS, "prod")
    assert "'prod'" in str(info.value)
    assert "'production'" in str(info.value) and "'staging'" in str(info.value)


def test_resolve_credential_precedence(monkeypatch):
    monkeypatch.delenv("EXAMPLE_API_KEY", raising=False)
    assert rt.resolve_credential(None, "EXAMPLE_API_KEY") is None
    monkeypatch.setenv("EXAMPLE_API_KEY", "")
    assert rt.resolve_credential(None, "EXAMPLE_API_KEY") is None
    monkeypatch.setenv("EXAMPLE_API_KEY", "from-env")
    assert rt.resolve_credential(None, "EXAMPLE_API_KEY") == "from-env"
    assert rt.resolve_credential("explicit", "EXAMPLE_API_KEY") == "explicit"


def test_not_given_sentinel():
    assert not rt.NOT_GIVEN
    assert repr(rt.NOT_GIVEN) == "NOT_GIVEN"
    assert isinstance(rt.NOT_GIVEN, rt.NotGiven)
    assert rt.UNSET is msgspec.UNSET


# ----------------------------------------------------------------------------- with_options and lifecycle


def make_subclassed_client(server_replies):
    server = FakeServer(*server_replies)
    http = httpx.Client(transport=httpx.MockTransport(server))
    client = Client(
        base_url="https://api.example.test",
        schemes=SCHEMES,
        credentials={"BearerAuth": SECRET_TOKEN},
        http_client=http,
        default_headers={"X-Team": "core"},
    )
    client._sleep = server.sleeps.append
    return client, server, http


def test_with_options_copies_settings_and_shares_the_http_client():
    client, server, http = make_subclassed_client([reply(503), reply(json=INVITE_JSON)])
    original_resource = client.invites
    copy = client.with_options(max_retries=0, timeout=1.5, default_headers={"X-Team": "ops"})
    assert type(copy) is Client
    assert copy._http is client._http
    assert copy.invites is not original_resource
    assert copy.invites._client is copy
    assert client.invites is original_resource

    with pytest.raises(rt.InternalServerError):
        copy.invites.get("i1")
    assert server.last.headers["x-team"] == "ops"
    assert server.last.extensions["timeout"] == httpx.Timeout(1.5).as_dict()
    assert len(server.requests) == 1

    assert client.invites.get("i1").id == "i1"
    assert server.last.headers["x-team"] == "core"
    assert server.last.extensions["timeout"] == rt.DEFAULT_TIMEOUT.as_dict()
    http.close()


def test_with_options_keeps_unspecified_values_and_copy_close_keeps_pool_open():
    client = rt.SyncClient(base_url="https://h", schemes={}, credentials={}, max_retries=5, timeout=None)
    copy = client.with_options(retry_non_idempotent=True)
    assert (copy._max_retries, copy._timeout, copy._retry_non_idempotent) == (5, None, True)
    assert client._retry_non_idempotent is False
    copy.close()
    assert not client._http.is_closed
    client.close()
    assert client._http.is_closed


def test_close_leaves_a_user_supplied_http_client_open():
    http = httpx.Client()
    with rt.SyncClient(base_url="https://h", schemes={}, credentials={}, http_client=http) as client:
        assert client._http is http
    assert not http.is_closed
    http.close()


def test_owned_http_client_is_closed_and_configured_with_the_timeout():
    with rt.SyncClient(base_url="https://h", schemes={}, credentials={}, timeout=7.0) as client:
        http = client._http
        assert http.timeout == httpx.Timeout(7.0)
    assert http.is_closed


def test_default_sleep_really_sleeps():
    client = rt.SyncClient(base_url="https://h", schemes={}, credentials={})
    started = time.monotonic()
    client._sleep(0.05)
    assert time.monotonic() - started >= 0.05
    client.close()
