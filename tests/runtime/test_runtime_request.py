"""Request building: URL templating, parameter encoding, headers, bodies and per-call options."""

from __future__ import annotations

import datetime
import json
import urllib.parse

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from runtime_support import BASE_URL, INVITE_JSON, FakeServer, Invite, NewInvite, Role, reply, settle

from generator import _runtime as rt

GET_INVITE = rt.Operation[Invite]("GET", "/orgs/{orgId}/invites/{inviteId}", Invite)
LIST = rt.Operation[list[Invite]]("GET", "/invites", list[Invite])
CREATE = rt.Operation[Invite]("POST", "/invites", Invite)


def test_path_params_are_substituted_and_fully_quoted(make_client):
    client, server = make_client()
    client.request(GET_INVITE, path={"orgId": "a/b c%", "inviteId": 42})
    assert server.last.url.raw_path == b"/v1/orgs/a%2Fb%20c%25/invites/42"


def test_path_params_render_enums_and_bools(make_client):
    client, server = make_client()
    client.request(GET_INVITE, path={"orgId": Role.ADMIN, "inviteId": True})
    assert server.last.url.path == "/v1/orgs/admin/invites/true"


@pytest.mark.parametrize("value", [".", ".."])
def test_dot_segment_path_params_cannot_escape_the_template(make_client, value):
    client, server = make_client()
    client.request(GET_INVITE, path={"orgId": value, "inviteId": "x"})
    assert server.last.url.raw_path.startswith(b"/v1/orgs/%2E")
    assert server.last.url.raw_path.endswith(b"/invites/x")


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_any_path_value_round_trips_as_exactly_one_segment(value):
    server = FakeServer(reply(json=INVITE_JSON))
    with httpx.Client(transport=httpx.MockTransport(server)) as http:
        client = rt.SyncClient(base_url=BASE_URL, schemes={}, credentials={}, http_client=http)
        client.request(GET_INVITE, path={"orgId": value, "inviteId": "x"})
    segments = server.last.url.raw_path.decode("ascii").split("/")
    assert segments[:3] == ["", "v1", "orgs"] and segments[4:] == ["invites", "x"]
    assert urllib.parse.unquote(segments[3]) == value


@pytest.mark.parametrize("value", [None, "", rt.NOT_GIVEN])
def test_empty_path_param_is_refused_before_sending(make_client, value):
    client, server = make_client()
    with pytest.raises(ValueError, match="orgId"):
        client.request(GET_INVITE, path={"orgId": value, "inviteId": "x"})
    assert server.requests == []


@pytest.mark.parametrize(
    "base_url", ["https://api.skysql.com/", "https://api.skysql.com", "https://api.skysql.com//"]
)
def test_base_url_and_path_join_with_a_single_slash(make_client, base_url):
    op = rt.Operation[None]("GET", "/organization/v1/invites", None)
    client, server = make_client(base_url=base_url)
    client.request(op)
    assert str(server.last.url) == "https://api.skysql.com/organization/v1/invites"


def test_query_encoding(make_client):
    client, server = make_client(reply(json=[]))
    when = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc)
    client.request(
        LIST,
        query={
            "status": [Role.ADMIN, Role("future")],
            "active": False,
            "ids": (1, 2),
            "since": when,
            "day": datetime.date(2024, 5, 2),
            "skip": None,
            "omitted": rt.NOT_GIVEN,
            "name": "a b&c",
        },
    )
    assert server.last.url.params.multi_items() == [
        ("status", "admin"),
        ("status", "future"),
        ("active", "false"),
        ("ids", "1"),
        ("ids", "2"),
        ("since", "2024-05-01T12:30:00+00:00"),
        ("day", "2024-05-02"),
        ("name", "a b&c"),
    ]


def test_header_and_cookie_params(make_client):
    client, server = make_client()
    client.request(
        GET_INVITE,
        path={"orgId": "o", "inviteId": "i"},
        headers={"X-Request-Id": "r1", "X-Flag": True, "X-None": None},
        cookies={"theme": Role.MEMBER, "skip": None},
    )
    request = server.last
    assert request.headers["x-request-id"] == "r1"
    assert request.headers["x-flag"] == "true"
    assert "x-none" not in request.headers
    assert request.headers["cookie"] == "theme=member"


def test_default_headers_then_per_call_headers_win(make_client):
    client, server = make_client(default_headers={"X-Team": "core", "Accept": "application/x+json"})
    client.request(CREATE, body=NewInvite(email="a@x"), options={"headers": {"x-team": "ops"}})
    headers = server.last.headers
    assert headers["user-agent"] == "openapi-fragments-client"
    assert headers["accept"] == "application/x+json"
    assert headers.get_list("x-team") == ["ops"]
    assert headers["content-type"] == "application/json"


def test_user_agent_and_accept_defaults(make_client):
    client, server = make_client(reply(json=[]), user_agent="skysql-python/1.2")
    client.request(LIST)
    assert server.last.headers["user-agent"] == "skysql-python/1.2"
    assert server.last.headers["accept"] == "application/json"
    assert "content-type" not in server.last.headers
    assert server.last.content == b""


def test_body_uses_wire_names_and_omits_unset_fields(make_client):
    client, server = make_client()
    client.request(CREATE, body=NewInvite(email="a@x", org_id="o9"))
    assert json.loads(server.last.content) == {"email": "a@x", "organizationId": "o9"}


def test_body_none_is_sent_as_json_null(make_client):
    client, server = make_client()
    client.request(CREATE, body=None)
    assert server.last.content == b"null"


def test_timeout_defaults_and_per_call_override_reach_httpx(make_client):
    client, server = make_client(reply(json=[]))
    client.request(LIST)
    assert server.last.extensions["timeout"] == rt.DEFAULT_TIMEOUT.as_dict()
    client.request(LIST, options={"timeout": 3.5})
    assert server.last.extensions["timeout"] == httpx.Timeout(3.5).as_dict()
    client.request(LIST, options={"timeout": None})
    assert server.last.extensions["timeout"] == httpx.Timeout(None).as_dict()


def test_response_carries_status_headers_and_parsed_body(make_client):
    client, server = make_client(reply(201, json=INVITE_JSON, headers={"X-Trace": "t1"}))
    response = client.request(CREATE, body=NewInvite(email="a@example.com"))
    assert response.status_code == 201
    assert response.headers["x-trace"] == "t1"
    assert response.parsed == Invite(id="i1", email="a@example.com", role=Role.ADMIN, org_id="o1")
    assert json.loads(response.content) == INVITE_JSON
    assert "http_response" not in repr(response)


# ----------------------------------------------------------------------------- caller input cannot retarget a call


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("a; admin=true", "a%3B%20admin=true"),
        ("x\r\nX-Evil: 1", "x%0D%0AX-Evil:%201"),
        ('"quoted",\\', "%22quoted%22%2C%5C"),
        ("caf\u00e9 100%", "caf%C3%A9%20100%25"),
        ("plain-Value_1.2~!#$&'()*+/:<=>?@[]^`{|}", "plain-Value_1.2~!#$&'()*+/:<=>?@[]^`{|}"),
    ],
)
async def test_cookie_values_are_encoded(make_any_client, value, sent):
    client, server = make_any_client(reply(json=[INVITE_JSON]))
    await settle(client.request(LIST, cookies={"session": value, "theme": "dark"}))
    assert server.last.headers["cookie"] == f"session={sent}; theme=dark"


SERVER_URLS = {
    "host": "https://{tenant}.example.com/v1",
    "port": "https://api.example.com:{port}/v1",
    "path": "https://api.example.com/{version}/x",
    "base": "https://api.example.com/{base}",
    "scheme": "{scheme}://api.example.com",
}
SERVER_VARIABLES = {
    "host": {"tenant": rt.ServerVariable("acme")},
    "port": {"port": rt.ServerVariable("443")},
    "path": {"version": rt.ServerVariable("v1")},
    "base": {"base": rt.ServerVariable("api/v1")},
    "scheme": {"scheme": rt.ServerVariable("https")},
}


def base_url(server: str, value: str) -> str:
    (name,) = SERVER_VARIABLES[server]
    return rt.resolve_base_url(None, "UNSET_BASE_URL", SERVER_URLS, server, SERVER_VARIABLES, {name: value})


@pytest.mark.parametrize(
    ("server", "value"),
    [
        ("host", "attacker.test#"),
        ("host", "attacker.test/"),
        ("host", "attacker.test?"),
        ("host", "user@attacker.test"),
        ("host", "attacker.test:80"),
        ("host", "a..b"),
        ("host", ""),
        ("host", "-a"),
        ("port", "80@attacker.test"),
        ("path", "../admin"),
        ("path", ".."),
        ("path", "v2/admin"),
        ("path", "v2?x=1"),
        ("path", "v2#"),
        ("path", "v%2F2"),
        ("path", ""),
        ("base", "api/../admin"),
        ("base", "api//v2"),
        ("scheme", "javascript:alert(1)//"),
        ("scheme", "https://attacker.test/?"),
    ],
)
def test_server_variables_without_enum_are_checked_by_position(server, value, monkeypatch):
    monkeypatch.delenv("UNSET_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="is not valid as a"):
        base_url(server, value)


@pytest.mark.parametrize(
    ("server", "value", "url"),
    [
        ("host", "eu-west", "https://eu-west.example.com/v1"),
        ("host", "eu.west-2", "https://eu.west-2.example.com/v1"),
        ("port", "8443", "https://api.example.com:8443/v1"),
        ("path", "v2", "https://api.example.com/v2/x"),
        ("path", "v2;beta=1", "https://api.example.com/v2;beta=1/x"),
        ("base", "api/v2", "https://api.example.com/api/v2"),
        ("scheme", "http", "http://api.example.com"),
    ],
)
def test_server_variables_without_enum_take_values_that_fit_their_position(server, value, url, monkeypatch):
    monkeypatch.delenv("UNSET_BASE_URL", raising=False)
    assert base_url(server, value) == url
