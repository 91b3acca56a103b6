"""Retries: which failures are retried for which methods, delays, Retry-After and limits."""

from __future__ import annotations

import datetime
import email.utils
import logging
import re
import random

import httpx
import pytest
from runtime_support import INVITE_JSON, Invite, reply

from generator import _runtime as rt


def op(method: str) -> rt.Operation[Invite]:
    return rt.Operation[Invite](method, "/invites", Invite)


OK = reply(json=INVITE_JSON)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"])
@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
def test_idempotent_methods_retry_transient_statuses(make_client, method, status):
    client, server = make_client(reply(status), OK)
    assert client.request(op(method)).parsed.id == "i1"
    assert len(server.requests) == 2
    assert len(server.sleeps) == 1


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("status", [408, 429, 503])
def test_non_idempotent_methods_do_not_retry_statuses(make_client, method, status):
    client, server = make_client(reply(status), OK)
    with pytest.raises(rt.APIStatusError) as info:
        client.request(op(method))
    assert info.value.status_code == status
    assert len(server.requests) == 1
    assert server.sleeps == []


@pytest.mark.parametrize("where", ["client", "call"])
def test_non_idempotent_retry_can_be_opted_into(make_client, where):
    client, server = make_client(reply(503), OK, retry_non_idempotent=where == "client")
    options: rt.RequestOptions = {"retry_non_idempotent": True} if where == "call" else {}
    assert client.request(op("POST"), options=options).parsed.id == "i1"
    assert len(server.requests) == 2


@pytest.mark.parametrize("status", [500, 501, 400, 404, 409])
def test_other_statuses_are_not_retried(make_client, status):
    client, server = make_client(reply(status), OK)
    with pytest.raises(rt.APIStatusError):
        client.request(op("GET"))
    assert len(server.requests) == 1


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH"])
@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("busy")]
)
def test_errors_before_sending_are_retried_for_any_method(make_client, method, error):
    client, server = make_client(error, OK)
    assert client.request(op(method)).parsed.id == "i1"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout("slow"), httpx.ReadError("reset"), httpx.RemoteProtocolError("eof")]
)
def test_errors_after_sending_are_retried_for_get(make_client, error):
    client, server = make_client(error, OK)
    assert client.request(op("GET")).parsed.id == "i1"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("error", "expected"),
    [(httpx.ReadTimeout("slow"), rt.APITimeoutError), (httpx.ReadError("reset"), rt.APIConnectionError)],
)
def test_errors_after_sending_are_not_retried_for_post(make_client, error, expected):
    client, server = make_client(error, OK)
    with pytest.raises(expected) as info:
        client.request(op("POST"))
    assert type(info.value) is expected
    assert info.value.__cause__ is error
    assert len(server.requests) == 1
    assert "POST https://api.example.test/v1/invites" in str(info.value)


def test_read_error_for_post_is_retried_when_opted_in(make_client):
    client, server = make_client(httpx.ReadError("reset"), OK)
    client.request(op("POST"), options={"retry_non_idempotent": True})
    assert len(server.requests) == 2


def test_max_retries_is_respected_and_backoff_grows(make_client, monkeypatch):
    monkeypatch.setattr(random, "random", lambda: 0.0)
    client, server = make_client(reply(503), max_retries=4)
    with pytest.raises(rt.InternalServerError):
        client.request(op("GET"))
    assert len(server.requests) == 5
    assert server.sleeps == [0.5, 1.0, 2.0, 4.0]


def test_backoff_is_capped_and_jittered(make_client):
    client, server = make_client(httpx.ConnectError("down"), max_retries=7)
    with pytest.raises(rt.APIConnectionError):
        client.request(op("GET"))
    nominal = [0.5, 1, 2, 4, 8, 8, 8]
    assert len(server.sleeps) == len(nominal)
    for slept, expected in zip(server.sleeps, nominal):
        assert 0.75 * expected <= slept <= expected


@pytest.mark.parametrize("retries", [0, 1])
def test_per_call_max_retries_overrides_client(make_client, retries):
    client, server = make_client(reply(502), max_retries=5)
    with pytest.raises(rt.InternalServerError):
        client.request(op("GET"), options={"max_retries": retries})
    assert len(server.requests) == retries + 1


def test_connection_errors_exhausting_retries_map_to_api_errors(make_client):
    client, server = make_client(httpx.ConnectTimeout("slow"), max_retries=2)
    with pytest.raises(rt.APITimeoutError):
        client.request(op("POST"))
    assert len(server.requests) == 3


@pytest.mark.parametrize(("header", "expected"), [("3", 3.0), ("0.25", 0.25), ("0", 0.0), ("60", 60.0)])
def test_retry_after_seconds_is_honoured(make_client, header, expected):
    client, server = make_client(reply(429, headers={"Retry-After": header}), OK)
    client.request(op("GET"))
    assert server.sleeps == [expected]


def test_retry_after_http_date_is_honoured(make_client):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)
    client, server = make_client(
        reply(503, headers={"Retry-After": email.utils.format_datetime(when, usegmt=True)}), OK
    )
    client.request(op("GET"))
    assert len(server.sleeps) == 1
    assert 3.0 < server.sleeps[0] <= 5.0


def test_retry_after_in_the_past_retries_immediately(make_client):
    client, server = make_client(reply(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), OK)
    client.request(op("GET"))
    assert server.sleeps == [0.0]


@pytest.mark.parametrize("header", ["61", "3600"])
def test_retry_after_beyond_a_minute_is_not_retried(make_client, header):
    client, server = make_client(reply(429, headers={"Retry-After": header}), OK)
    with pytest.raises(rt.RateLimitError) as info:
        client.request(op("GET"))
    assert info.value.headers["retry-after"] == header
    assert len(server.requests) == 1
    assert server.sleeps == []


def test_unparseable_retry_after_falls_back_to_backoff(make_client):
    client, server = make_client(reply(503, headers={"Retry-After": "soon"}), OK)
    client.request(op("GET"))
    assert len(server.sleeps) == 1 and 0.375 <= server.sleeps[0] <= 0.5


def test_retries_resend_the_same_body(make_client):
    client, server = make_client(httpx.ConnectError("down"), OK)
    client.request(op("POST"), body={"email": "a@x"})
    assert [r.content for r in server.requests] == [b'{"email":"a@x"}'] * 2


def test_each_attempt_and_retry_is_logged(make_client, caplog):
    caplog.set_level(logging.DEBUG, logger="openapi_fragments.client")
    client, _ = make_client(reply(503, headers={"Retry-After": "1"}), OK)
    client.request(op("GET"))
    messages = [r.getMessage() for r in caplog.records if r.name == "openapi_fragments.client"]
    url = "https://api.example.test/v1/invites"
    assert messages[:3] == [
        f"GET {url} -> 503",
        f"retrying GET {url} after 503 in 1.00 s (retry 1 of 2)",
        f"GET {url} -> 200",
    ]
    assert len(messages) == 4 and re.fullmatch(
        rf"GET {url} -> 200 OK in \d+\.\d{{3}} s, 1 retry", messages[3]
    )
