"""Authentication: scheme kinds, security alternatives, missing credentials and secret hiding."""

from __future__ import annotations

import base64
import logging
import re

import httpx
import pytest
from runtime_support import (
    INVITE_JSON,
    SCHEMES,
    SECRET_KEY,
    SECRET_PASSWORD,
    SECRET_TOKEN,
    ErrorBody,
    Invite,
    reply,
)

from generator import _runtime as rt


def op(*security: tuple[str, ...], method: str = "GET") -> rt.Operation[Invite]:
    return rt.Operation[Invite](method, "/invites/{id}", Invite, security=security)


def test_bearer_token(make_client):
    client, server = make_client(credentials={"BearerAuth": SECRET_TOKEN})
    client.request(op(("BearerAuth",)), path={"id": 1})
    assert server.last.headers["authorization"] == f"Bearer {SECRET_TOKEN}"


def test_api_key_in_header(make_client):
    client, server = make_client(credentials={"HeaderKey": SECRET_KEY})
    client.request(op(("HeaderKey",)), path={"id": 1})
    assert server.last.headers["x-api-key"] == SECRET_KEY
    assert "authorization" not in server.last.headers


def test_api_key_in_query_is_added_to_other_params(make_client):
    client, server = make_client(credentials={"QueryKey": SECRET_KEY})
    client.request(op(("QueryKey",)), path={"id": 1}, query={"page": 2})
    assert server.last.url.params.multi_items() == [("page", "2"), ("api_key", SECRET_KEY)]


def test_api_key_in_cookie_joins_cookie_params(make_client):
    client, server = make_client(credentials={"CookieKey": SECRET_KEY})
    client.request(op(("CookieKey",)), path={"id": 1}, cookies={"theme": "dark"})
    assert server.last.headers["cookie"] == f"theme=dark; session={SECRET_KEY}"


def test_basic_auth(make_client):
    client, server = make_client(credentials={"Basic": ("alice", SECRET_PASSWORD)})
    client.request(op(("Basic",)), path={"id": 1})
    expected = base64.b64encode(f"alice:{SECRET_PASSWORD}".encode()).decode()
    assert server.last.headers["authorization"] == f"Basic {expected}"
    assert server.last.headers["authorization"] == httpx.BasicAuth("alice", SECRET_PASSWORD)._auth_header


def test_all_schemes_of_an_alternative_are_sent(make_client):
    client, server = make_client(credentials={"HeaderKey": SECRET_KEY, "BearerAuth": SECRET_TOKEN})
    client.request(op(("HeaderKey", "BearerAuth")), path={"id": 1})
    assert server.last.headers["x-api-key"] == SECRET_KEY
    assert server.last.headers["authorization"] == f"Bearer {SECRET_TOKEN}"


def test_first_satisfied_alternative_wins_and_only_it_is_sent(make_client):
    client, server = make_client(credentials={"HeaderKey": SECRET_KEY, "BearerAuth": SECRET_TOKEN})
    client.request(op(("BearerAuth",), ("HeaderKey",)), path={"id": 1})
    assert server.last.headers["authorization"] == f"Bearer {SECRET_TOKEN}"
    assert "x-api-key" not in server.last.headers


def test_unsatisfied_alternative_is_skipped(make_client):
    client, server = make_client(credentials={"HeaderKey": SECRET_KEY})
    client.request(op(("BearerAuth", "HeaderKey"), ("HeaderKey",)), path={"id": 1})
    assert server.last.headers["x-api-key"] == SECRET_KEY
    assert "authorization" not in server.last.headers


def test_missing_credentials_raise_before_sending(make_client):
    client, server = make_client(credentials={"BearerAuth": None})
    with pytest.raises(rt.MissingCredentialsError) as info:
        client.request(op(("BearerAuth",), ("HeaderKey", "QueryKey")), path={"id": 1})
    assert server.requests == []
    message = str(info.value)
    assert "BearerAuth or HeaderKey + QueryKey" in message
    assert "client constructor" in message
    assert isinstance(info.value, rt.APIError)


def test_empty_string_credential_counts_as_missing(make_client):
    client, server = make_client(credentials={"BearerAuth": ""})
    with pytest.raises(rt.MissingCredentialsError):
        client.request(op(("BearerAuth",)), path={"id": 1})
    assert server.requests == []


def test_empty_alternative_makes_credentials_optional(make_client):
    client, server = make_client()
    client.request(op(("BearerAuth",), ()), path={"id": 1})
    assert "authorization" not in server.last.headers

    client, server = make_client(credentials={"BearerAuth": SECRET_TOKEN})
    client.request(op(("BearerAuth",), ()), path={"id": 1})
    assert server.last.headers["authorization"] == f"Bearer {SECRET_TOKEN}"


def test_operation_without_security_sends_no_credentials(make_client):
    client, server = make_client(credentials={"BearerAuth": SECRET_TOKEN, "QueryKey": SECRET_KEY})
    client.request(op(), path={"id": 1})
    assert "authorization" not in server.last.headers
    assert "api_key" not in server.last.url.params


def test_per_call_header_can_override_authorization(make_client):
    client, server = make_client(credentials={"BearerAuth": SECRET_TOKEN})
    client.request(
        op(("BearerAuth",)), path={"id": 1}, options={"headers": {"Authorization": "Bearer other"}}
    )
    assert server.last.headers.get_list("authorization") == ["Bearer other"]


@pytest.mark.parametrize(
    ("credentials", "error"),
    [
        ({"Nope": "x"}, ValueError),
        ({"Basic": "user:pw"}, TypeError),
        ({"BearerAuth": ("user", "pw")}, TypeError),
    ],
)
def test_credentials_are_checked_against_schemes(credentials, error):
    with pytest.raises(error) as info:
        rt.SyncClient(base_url="https://h", schemes=SCHEMES, credentials=credentials)
    assert "pw" not in str(info.value)


# ----------------------------------------------------------------------------- secret hiding


def test_secret_wrapper_hides_its_value():
    secret = rt.Secret(SECRET_TOKEN)
    assert repr(secret) == "Secret('**********')"
    assert str(secret) == "Secret('**********')"
    assert f"{secret}" == "Secret('**********')"
    assert secret.get() == SECRET_TOKEN
    assert secret == rt.Secret(SECRET_TOKEN)
    assert secret != rt.Secret("other")


def test_client_repr_and_attributes_do_not_show_credentials(make_client):
    client, _ = make_client(credentials={"BearerAuth": SECRET_TOKEN, "Basic": ("alice", SECRET_PASSWORD)})
    assert repr(client) == "SyncClient(base_url='https://api.example.test/v1')"
    dumped = repr(vars(client))
    assert SECRET_TOKEN not in dumped
    assert SECRET_PASSWORD not in dumped


def all_text(exc: BaseException, caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join([str(exc), repr(exc), *(r.getMessage() for r in caplog.records)])


@pytest.mark.parametrize(
    ("scheme", "credential"),
    [
        ("QueryKey", SECRET_KEY),
        ("HeaderKey", SECRET_KEY),
        ("BearerAuth", SECRET_TOKEN),
        ("Basic", ("u", SECRET_PASSWORD)),
    ],
)
def test_status_error_text_and_logs_never_contain_the_secret(make_client, caplog, scheme, credential):
    caplog.set_level(logging.DEBUG)
    secret = credential if isinstance(credential, str) else credential[1]
    echo = f'{{"code": "denied", "message": "bad credential {secret}"}}'.encode()
    client, server = make_client(reply(403, content=echo), credentials={scheme: credential})
    operation = rt.Operation[Invite](
        "GET", "/invites/{id}", Invite, errors={"403": ErrorBody}, security=((scheme,),)
    )
    with pytest.raises(rt.PermissionDeniedError) as info:
        client.request(operation, path={"id": 1})
    text = all_text(info.value, caplog)
    assert secret not in text
    assert "**********" in str(info.value)
    assert caplog.records, "expected debug records"
    assert info.value.model == ErrorBody(code="denied", message=f"bad credential {secret}")


def test_query_key_is_redacted_in_urls_of_messages_and_httpx_logs(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    key = "k+y/with&odd=chars"
    client, server = make_client(
        reply(200, content=b"<html>", headers={"content-type": "text/html"}), credentials={"QueryKey": key}
    )
    operation = rt.Operation[Invite]("GET", "/invites/{id}", Invite, security=(("QueryKey",),))
    with pytest.raises(rt.ResponseValidationError) as info:
        client.request(operation, path={"id": 1}, query={"q": "x"})
    assert server.last.url.params["api_key"] == key
    assert "api_key=REDACTED" in str(info.value)
    text = all_text(info.value, caplog)
    encoded = str(server.last.url).split("api_key=")[1]
    assert key not in text and encoded not in text
    httpx_records = [r for r in caplog.records if r.name == "httpx"]
    assert httpx_records and "api_key=REDACTED" in httpx_records[0].getMessage()


def test_connection_error_text_does_not_contain_the_query_key(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    client, server = make_client(
        httpx.ConnectError(f"refused while fetching ?api_key={SECRET_KEY}"),
        credentials={"QueryKey": SECRET_KEY},
        max_retries=1,
    )
    with pytest.raises(rt.APIConnectionError) as info:
        client.request(op(("QueryKey",)), path={"id": 1})
    assert len(server.requests) == 2
    assert SECRET_KEY not in all_text(info.value, caplog)
    assert "api_key=REDACTED" in str(info.value)


def test_successful_request_logs_redacted_url(make_client, caplog):
    caplog.set_level(logging.DEBUG, logger="openapi_fragments.client")
    client, _ = make_client(reply(json=INVITE_JSON), credentials={"QueryKey": SECRET_KEY})
    client.request(op(("QueryKey",)), path={"id": 7})
    ours = [r.getMessage() for r in caplog.records if r.name == "openapi_fragments.client"]
    assert ours[0] == "GET https://api.example.test/v1/invites/7?api_key=REDACTED -> 200" and len(ours) == 2
    assert re.fullmatch(
        r"GET https://api\.example\.test/v1/invites/7\?api_key=REDACTED -> 200 OK in \d+\.\d{3} s", ours[1]
    )
