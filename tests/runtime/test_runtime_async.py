"""AsyncClient: the same request building, auth, errors and retries as the blocking client."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from runtime_support import INVITE_JSON, SECRET_KEY, SECRET_TOKEN, ErrorBody, Invite, Role, reply

from generator import _runtime as rt

GET = rt.Operation[Invite](
    "GET", "/invites/{id}", Invite, errors={"4XX": ErrorBody}, security=(("BearerAuth",), ("QueryKey",))
)
POST = rt.Operation[Invite]("POST", "/invites", Invite)
PUBLIC_GET = rt.Operation[Invite]("GET", "/public", Invite)


async def test_async_request_builds_url_auth_and_decodes(make_async_client):
    client, server = make_async_client(reply(json=INVITE_JSON), credentials={"QueryKey": SECRET_KEY})
    response = await client.request(GET, path={"id": "a b"}, query={"expand": ["org", "role"]})
    assert response.parsed == Invite(id="i1", email="a@example.com", role=Role.ADMIN, org_id="o1")
    assert (
        server.last.url.raw_path == b"/v1/invites/a%20b?expand=org&expand=role&api_key=" + SECRET_KEY.encode()
    )


async def test_async_bearer_preferred_when_both_given(make_async_client):
    client, server = make_async_client(credentials={"QueryKey": SECRET_KEY, "BearerAuth": SECRET_TOKEN})
    await client.request(GET, path={"id": 1})
    assert server.last.headers["authorization"] == f"Bearer {SECRET_TOKEN}"
    assert "api_key" not in server.last.url.params


async def test_async_missing_credentials(make_async_client):
    client, server = make_async_client()
    with pytest.raises(rt.MissingCredentialsError, match="BearerAuth or QueryKey"):
        await client.request(GET, path={"id": 1})
    assert server.requests == []


async def test_async_status_error_with_model(make_async_client, caplog):
    caplog.set_level(logging.DEBUG)
    body = {"code": "gone", "message": f"key {SECRET_TOKEN} revoked"}
    client, _ = make_async_client(reply(404, json=body), credentials={"BearerAuth": SECRET_TOKEN})
    with pytest.raises(rt.NotFoundError) as info:
        await client.request(GET, path={"id": 1})
    assert info.value.model == ErrorBody(code="gone", message=f"key {SECRET_TOKEN} revoked")
    assert SECRET_TOKEN not in str(info.value)
    assert all(SECRET_TOKEN not in r.getMessage() for r in caplog.records)


async def test_async_validation_error(make_async_client):
    client, _ = make_async_client(reply(json={**INVITE_JSON, "id": 3}))
    with pytest.raises(rt.ResponseValidationError, match=r"Expected `str`, got `int` - at `\$.id`"):
        await client.request(POST, body={})


async def test_async_retries_status_then_succeeds(make_async_client):
    client, server = make_async_client(reply(429, headers={"Retry-After": "2"}), reply(json=INVITE_JSON))
    await client.request(PUBLIC_GET)
    assert len(server.requests) == 2
    assert server.sleeps == [2.0]


async def test_async_post_read_error_not_retried_but_connect_error_is(make_async_client):
    client, server = make_async_client(httpx.ReadTimeout("slow"), reply(json=INVITE_JSON))
    with pytest.raises(rt.APITimeoutError):
        await client.request(POST, body={})
    assert len(server.requests) == 1

    client, server = make_async_client(httpx.ConnectError("refused"), reply(json=INVITE_JSON))
    assert (await client.request(POST, body={})).parsed.id == "i1"
    assert len(server.requests) == 2
    assert len(server.sleeps) == 1


async def test_async_max_retries_per_call(make_async_client):
    client, server = make_async_client(reply(503))
    with pytest.raises(rt.InternalServerError):
        await client.request(PUBLIC_GET, options={"max_retries": 3})
    assert len(server.requests) == 4


async def test_async_default_sleep_really_sleeps():
    client = rt.AsyncClient(base_url="https://h", schemes={}, credentials={})
    started = time.monotonic()
    await client._sleep(0.05)
    assert time.monotonic() - started >= 0.05
    await client.aclose()


async def test_async_client_context_manager_closes_its_own_http_client():
    async with rt.AsyncClient(base_url="https://h", schemes={}, credentials={}) as client:
        http = client._http
        assert not http.is_closed
    assert http.is_closed


async def test_async_user_supplied_http_client_is_left_open():
    http = httpx.AsyncClient()
    async with rt.AsyncClient(base_url="https://h", schemes={}, credentials={}, http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()
