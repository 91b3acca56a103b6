"""Response handling: decoding, status errors with error models, validation errors, open enums."""

from __future__ import annotations

import json
from typing import Any

import httpx
import msgspec
import pytest
from runtime_support import INVITE_JSON, ErrorBody, Invite, Role, reply

from generator import _runtime as rt

LIST = rt.Operation[list[Invite]]("GET", "/invites", list[Invite])
ERR = {"code": "nope", "message": "not allowed"}


class NotFoundBody(msgspec.Struct):
    missing: str


def with_errors(errors: dict[str, Any]) -> rt.Operation[Invite]:
    return rt.Operation[Invite]("DELETE", "/invites/{id}", Invite, errors=errors)


# ----------------------------------------------------------------------------- success bodies


def test_list_of_structs_is_decoded(make_client):
    client, _ = make_client(reply(json=[INVITE_JSON, {**INVITE_JSON, "id": "i2", "role": "member"}]))
    invites = client.request(LIST).parsed
    assert [i.id for i in invites] == ["i1", "i2"]
    assert invites[1].role is Role.MEMBER


@pytest.mark.parametrize(
    ("response_type", "body", "expected"),
    [
        (None, b'{"ignored": true}', None),
        (bytes, b"\x00\x01raw", b"\x00\x01raw"),
        (str, "h\u00e9llo".encode(), "h\u00e9llo"),
        (dict[str, Any], b'{"a": [1, 2]}', {"a": [1, 2]}),
        (Role, b'"member"', Role.MEMBER),
    ],
)
def test_response_kinds(make_client, response_type, body, expected):
    client, _ = make_client(
        reply(
            200,
            content=body,
            headers={
                "content-type": (
                    "application/octet-stream"
                    if response_type is bytes
                    else "application/json; charset=utf-8"
                )
            },
        )
    )
    operation = rt.Operation[Any]("GET", "/x", response_type)
    assert client.request(operation).parsed == expected


def test_no_content_response_for_none_type(make_client):
    client, _ = make_client(reply(204))
    assert client.request(rt.Operation[None]("DELETE", "/x", None)).parsed is None


def test_raw_types_ask_for_any_media_type(make_client):
    client, server = make_client(reply(200, content=b"a,b"))
    client.request(rt.Operation[bytes]("GET", "/export.csv", bytes))
    assert server.last.headers["accept"] == "*/*"


def test_problem_json_content_type_is_accepted(make_client):
    client, _ = make_client(
        reply(
            200,
            content=json.dumps(INVITE_JSON).encode(),
            headers={"content-type": "application/vnd.api+json"},
        )
    )
    assert client.request(with_errors({}), path={"id": 1}).parsed.id == "i1"


# ----------------------------------------------------------------------------- validation errors


def test_wrong_shape_names_the_path_method_and_url(make_client):
    bad = [INVITE_JSON, {**INVITE_JSON, "email": 5}]
    client, _ = make_client(reply(json=bad))
    with pytest.raises(rt.ResponseValidationError) as info:
        client.request(LIST, query={"page": 1})
    message = str(info.value)
    assert "Expected `str`, got `int` - at `$[1].email`" in message
    assert "GET https://api.example.test/v1/invites?page=1" in message
    assert info.value.response.status_code == 200
    assert isinstance(info.value.__cause__, msgspec.ValidationError)


def test_malformed_json(make_client):
    client, _ = make_client(reply(200, content=b'{"id": nope}', headers={"content-type": "application/json"}))
    with pytest.raises(rt.ResponseValidationError, match="malformed"):
        client.request(with_errors({}), path={"id": 1})


def test_wrong_content_type(make_client):
    client, _ = make_client(
        reply(200, content=b"<html>oops</html>", headers={"content-type": "text/html; charset=utf-8"})
    )
    with pytest.raises(rt.ResponseValidationError) as info:
        client.request(LIST)
    assert "expected a JSON response" in str(info.value)
    assert "text/html" in str(info.value)


def test_empty_body_where_json_is_expected(make_client):
    client, _ = make_client(reply(200, content=b""))
    with pytest.raises(rt.ResponseValidationError, match="empty body"):
        client.request(LIST)


def test_missing_required_field_names_the_field(make_client):
    client, _ = make_client(reply(json={"id": "i1"}))
    with pytest.raises(rt.ResponseValidationError, match="missing required field `email`"):
        client.request(with_errors({}), path={"id": 1})


# ----------------------------------------------------------------------------- status errors


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, rt.BadRequestError),
        (401, rt.AuthenticationError),
        (403, rt.PermissionDeniedError),
        (404, rt.NotFoundError),
        (409, rt.ConflictError),
        (422, rt.UnprocessableEntityError),
        (429, rt.RateLimitError),
        (500, rt.InternalServerError),
        (503, rt.InternalServerError),
        (418, rt.APIStatusError),
        (302, rt.APIStatusError),
    ],
)
def test_status_maps_to_error_class_with_parsed_model(make_client, status, error):
    client, _ = make_client(reply(status, json=ERR, headers={"x-req": "r9"}), max_retries=0)
    with pytest.raises(error) as info:
        client.request(with_errors({str(status): ErrorBody}), path={"id": 1})
    exc = info.value
    assert type(exc) is error
    assert exc.status_code == status
    assert exc.headers["x-req"] == "r9"
    assert json.loads(exc.body) == ERR
    assert exc.response.status_code == status
    assert exc.model == ErrorBody(code="nope", message="not allowed")
    reason = httpx.codes.get_reason_phrase(status)
    assert str(exc).startswith(f"{status} {reason} for DELETE https://api.example.test/v1/invites/1: ")


def test_body_that_does_not_match_the_error_model_gives_model_none(make_client):
    client, _ = make_client(reply(404, json={"unexpected": True}))
    with pytest.raises(rt.NotFoundError) as info:
        client.request(with_errors({"404": ErrorBody}), path={"id": 1})
    assert info.value.model is None
    assert json.loads(info.value.body) == {"unexpected": True}


@pytest.mark.parametrize("body", [b"", b"<html>gateway</html>", b'{"code": '])
def test_non_json_or_empty_error_bodies_give_model_none(make_client, body):
    client, _ = make_client(reply(400, content=body))
    with pytest.raises(rt.BadRequestError) as info:
        client.request(with_errors({"400": ErrorBody}), path={"id": 1})
    assert info.value.model is None
    assert info.value.body == body


def test_error_without_declared_model(make_client):
    client, _ = make_client(reply(409, json=ERR))
    with pytest.raises(rt.ConflictError) as info:
        client.request(with_errors({}), path={"id": 1})
    assert info.value.model is None


@pytest.mark.parametrize(
    ("errors", "status", "expected"),
    [
        ({"404": NotFoundBody, "4XX": ErrorBody, "default": dict[str, Any]}, 404, NotFoundBody("x")),
        ({"4XX": ErrorBody, "default": dict[str, Any]}, 404, None),
        ({"4XX": dict[str, Any], "default": ErrorBody}, 410, {"missing": "x"}),
        ({"5XX": ErrorBody, "default": dict[str, Any]}, 410, {"missing": "x"}),
    ],
)
def test_error_model_lookup_order(make_client, errors, status, expected):
    client, _ = make_client(reply(status, json={"missing": "x"}))
    with pytest.raises(rt.APIStatusError) as info:
        client.request(with_errors(errors), path={"id": 1})
    assert info.value.model == expected


def test_error_message_excerpt_is_short_and_single_line(make_client):
    client, _ = make_client(reply(400, content=b"line one\n   line two " + b"x" * 500))
    with pytest.raises(rt.BadRequestError) as info:
        client.request(with_errors({}), path={"id": 1})
    message = str(info.value)
    excerpt = message.split(": ", 1)[1]
    assert excerpt.startswith("line one line two xxx")
    assert len(excerpt) == 200 and excerpt.endswith("...")
    assert "\n" not in message


def test_exception_hierarchy():
    assert issubclass(rt.APITimeoutError, rt.APIConnectionError)
    assert issubclass(rt.APIConnectionError, rt.APIError)
    assert issubclass(rt.MissingCredentialsError, rt.APIError)
    assert issubclass(rt.ResponseValidationError, rt.APIError)
    assert issubclass(rt.RateLimitError, rt.APIStatusError)
    assert not issubclass(rt.APIStatusError, rt.APIConnectionError)


# ----------------------------------------------------------------------------- open enums


class Level(rt.OpenEnum):
    LOW = 1
    HIGH = 2


def test_unknown_enum_value_decodes_to_a_stable_pseudo_member():
    first = msgspec.json.decode(b'"superadmin"', type=Role)
    second = msgspec.json.decode(b'["superadmin"]', type=list[Role])[0]
    assert first is second is Role("superadmin")
    assert first.value == "superadmin"
    assert first.name == "UNKNOWN"
    assert not first.is_known
    assert Role.ADMIN.is_known
    assert list(Role) == [Role.ADMIN, Role.MEMBER]
    assert msgspec.json.encode(first) == b'"superadmin"'


def test_unknown_enum_inside_a_model_round_trips(make_client):
    client, _ = make_client(reply(json={**INVITE_JSON, "role": "owner"}))
    invite = client.request(with_errors({}), path={"id": 1}).parsed
    assert invite.role.value == "owner" and not invite.role.is_known
    assert json.loads(msgspec.json.encode(invite))["role"] == "owner"


def test_int_open_enum_and_non_matching_types():
    assert Level(7).value == 7 and not Level(7).is_known
    assert Level(7) is Level(7)
    assert Level(2) is Level.HIGH
    with pytest.raises(ValueError):
        Role(True)
    with pytest.raises(ValueError):
        Role(None)
    with pytest.raises(ValueError):
        Level(1.5)
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'"7"', type=Level)
