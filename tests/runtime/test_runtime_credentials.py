"""Credentials never show: refused at construction when they cannot be sent as they are, absent
from the exception chain and from frame locals of caller errors, masked only where they were sent."""

from __future__ import annotations

import traceback

import httpx
import pytest
from runtime_support import (
    INVITE_JSON,
    SCHEMES,
    SECRET_KEY,
    SECRET_PASSWORD,
    SECRET_TOKEN,
    FakeServer,
    Invite,
    reply,
    settle,
)

from generator import _runtime as rt


def op(*security: tuple[str, ...]) -> rt.Operation[Invite]:
    return rt.Operation[Invite]("GET", "/invites/{id}", Invite, security=security)


BAD = [
    ("HeaderKey", SECRET_KEY + "\n", "control character"),
    ("HeaderKey", SECRET_KEY + "\r\n", "control character"),
    ("HeaderKey", SECRET_KEY[:5] + "\x00" + SECRET_KEY[5:], "control character"),
    ("QueryKey", SECRET_KEY + "\x7f", "control character"),
    ("BearerAuth", " " + SECRET_TOKEN, "leading or trailing whitespace"),
    ("BearerAuth", SECRET_TOKEN + "\u00a0", "leading or trailing whitespace"),
    ("QueryKey", SECRET_KEY + " ", "leading or trailing whitespace"),
    ("HeaderKey", SECRET_KEY + "\u00e9", "non-ASCII"),
    ("BearerAuth", "\u043a\u043b\u044e\u0447-" + SECRET_TOKEN, "non-ASCII"),
    ("CookieKey", SECRET_KEY + "\u2603", "non-ASCII"),
    ("Basic", ("alice", SECRET_PASSWORD + "\n"), "control character"),
    ("Basic", ("alice", " " + SECRET_PASSWORD), "leading or trailing whitespace"),
    ("Basic", ("al:ice", SECRET_PASSWORD), "username containing ':'"),
]


@pytest.mark.parametrize("cls", [rt.SyncClient, rt.AsyncClient])
@pytest.mark.parametrize(("scheme", "value", "problem"), BAD)
def test_a_credential_that_cannot_be_sent_is_refused_without_echoing_it(cls, scheme, value, problem):
    with pytest.raises(ValueError, match=problem) as info:
        cls(base_url="https://h.test", schemes=SCHEMES, credentials={scheme: value})
    error = info.value
    assert error.__cause__ is None and error.__context__ is None
    text = "".join(traceback.format_exception(error))
    for secret in (SECRET_KEY, SECRET_TOKEN, SECRET_PASSWORD):
        assert secret[4:] not in text, text
    assert repr(scheme) in str(error)


async def test_non_ascii_query_key_and_basic_password_are_sent_encoded(make_any_client):
    key, password = "cl\u00e9-" + SECRET_KEY, "p\u00e4ss-" + SECRET_PASSWORD
    client, server = make_any_client(credentials={"QueryKey": key, "Basic": ("alice", password)})
    await settle(client.request(op(("QueryKey", "Basic")), path={"id": 1}))
    assert server.last.url.params["api_key"] == key
    assert server.last.headers["authorization"] == httpx.BasicAuth("alice", password)._auth_header


def plaintext_locals(tb: object, secret: str) -> list[str]:
    """``frame: name`` of every local of the traceback's frames (the test's own left out) whose
    repr shows ``secret``, as a crash reporter that captures locals would."""
    found = []
    tb = getattr(tb, "tb_next", None)
    while tb is not None:
        frame = tb.tb_frame  # type: ignore[attr-defined]
        for name, value in frame.f_locals.items():
            if secret in repr(value):
                found.append(f"{frame.f_code.co_name}: {name}")
        tb = tb.tb_next  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize(
    ("scheme", "credential", "secret"),
    [
        ("HeaderKey", SECRET_KEY, SECRET_KEY),
        ("QueryKey", SECRET_KEY, SECRET_KEY),
        ("CookieKey", SECRET_KEY, SECRET_KEY),
        ("BearerAuth", SECRET_TOKEN, SECRET_TOKEN),
        ("Basic", ("alice", SECRET_PASSWORD), SECRET_PASSWORD),
    ],
)
async def test_a_caller_error_keeps_no_plaintext_credential_in_frame_locals(
    make_any_client, scheme, credential, secret
):
    client, server = make_any_client(credentials={scheme: credential})
    with pytest.raises(ValueError, match="must not be empty") as info:
        await settle(client.request(op((scheme,)), path={"id": ""}))
    assert server.requests == []
    assert not plaintext_locals(info.tb, secret)


async def test_the_exception_chain_of_a_transport_error_is_scrubbed(make_any_client):
    failure = httpx.ConnectError(f"proxy refused header X-API-Key: {SECRET_KEY}")
    client, _ = make_any_client(failure, credentials={"HeaderKey": SECRET_KEY}, max_retries=0)
    with pytest.raises(rt.APIConnectionError) as info:
        await settle(client.request(op(("HeaderKey",)), path={"id": 1}))
    assert info.value.__cause__ is failure
    text = "".join(traceback.format_exception(info.value))
    assert SECRET_KEY not in text and "X-API-Key: **********" in text


@pytest.mark.parametrize("scheme", ["QueryKey", "HeaderKey", "BearerAuth"])
async def test_a_short_key_is_masked_only_where_it_was_sent(make_any_client, scheme):
    client, server = make_any_client(
        reply(404, content=b'{"detail": "no test here"}'),
        credentials={scheme: "test"},
        base_url="https://test.example/tests",
    )
    with pytest.raises(rt.NotFoundError) as info:
        await settle(client.request(op((scheme,)), path={"id": "test-1"}))
    query = "?api_key=REDACTED" if scheme == "QueryKey" else ""
    assert f"404 Not Found for GET https://test.example/tests/invites/test-1{query}: " in str(info.value)
    assert "test" in server.last.url.params.get("api_key", "test")


# ----------------------------------------------------------------------------- redirects


def redirecting_client(mode: str, location: str) -> tuple[httpx.Client | httpx.AsyncClient, FakeServer]:
    """A caller's own HTTP client that follows redirects; the first request is sent to ``location``."""
    server = FakeServer(reply(302, headers={"Location": location}), reply(json=INVITE_JSON))
    cls = httpx.Client if mode == "sync" else httpx.AsyncClient
    return cls(transport=httpx.MockTransport(server), follow_redirects=True), server


CREDENTIALS = {
    "HeaderKey": SECRET_KEY,
    "QueryKey": SECRET_KEY,
    "CookieKey": SECRET_KEY,
    "BearerAuth": SECRET_TOKEN,
}
CROSS_ORIGIN = [
    "https://other.test/landing?api_key=" + SECRET_KEY,  # a Location that even repeats the query key
    "http://api.example.test/v1/landing",  # another scheme
    "https://api.example.test:8443/v1/landing",  # another port
]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("scheme", sorted(CREDENTIALS))
@pytest.mark.parametrize("location", CROSS_ORIGIN)
async def test_no_credential_follows_a_redirect_to_another_origin(mode, scheme, location):
    location = location if scheme == "QueryKey" else location.split("?")[0]
    http, server = redirecting_client(mode, location)
    client_cls = rt.SyncClient if mode == "sync" else rt.AsyncClient
    client = client_cls(
        base_url="https://api.example.test/v1", schemes=SCHEMES, credentials=CREDENTIALS, http_client=http
    )
    await settle(client.request(op((scheme,)), path={"id": 1}))
    await settle(http.close() if mode == "sync" else http.aclose())
    first, second = server.requests
    assert SECRET_KEY in str(first.url) + str(first.headers.raw) or SECRET_TOKEN in str(first.headers.raw)
    assert str(second.url).startswith(location.split("?")[0])
    assert SECRET_KEY not in str(second.url) and "api_key" not in second.url.params
    raw = str(second.headers.raw)
    assert SECRET_KEY not in raw and SECRET_TOKEN not in raw, raw


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_credentials_follow_a_redirect_within_the_origin(mode):
    http, server = redirecting_client(mode, "https://api.example.test/v2/invites/1")
    client_cls = rt.SyncClient if mode == "sync" else rt.AsyncClient
    client = client_cls(
        base_url="https://api.example.test/v1", schemes=SCHEMES, credentials=CREDENTIALS, http_client=http
    )
    await settle(client.request(op(("HeaderKey",)), path={"id": 1}))
    await settle(client.request(op(("HeaderKey",)), path={"id": 1}))
    await settle(http.close() if mode == "sync" else http.aclose())
    assert server.requests[1].headers["x-api-key"] == SECRET_KEY
    assert http.event_hooks["request"] == [client._redirect_hook]  # added once per HTTP client
