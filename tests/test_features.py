"""One small end-to-end test per OpenAPI feature (docs/feature-support.md is the table of them).

Each test generates a tiny provider with ``generated_package`` and calls it through
``httpx.MockTransport``, so what is checked is what a caller sees: the request on the wire and
the decoded result. Gaps are pinned as they are (``partial``) or as strict xfails stating the
behaviour the spec asks for (``not yet``), so that closing a gap fails the test and the table is
updated with it.
"""

from __future__ import annotations

import datetime
import json
import re
import typing
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import httpx
import msgspec
import pytest

Handler = Callable[[httpx.Request], httpx.Response]
Generate = Callable[..., Any]
BASE = "https://api.example.test"


def _doc(paths: dict[str, Any], schemas: dict[str, Any] | None = None, **root: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths}
    if schemas:
        document["components"] = {"schemas": schemas}
    return {**document, **root}


def _json_response(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "OK", "content": {"application/json": {"schema": schema}}}}


def _get(schema: dict[str, Any], **operation: Any) -> dict[str, Any]:
    return {
        "get": {"operationId": "fetch", "tags": ["things"], "responses": _json_response(schema), **operation}
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _client(package: Any, handler: Handler, seen: list[httpx.Request], **kwargs: Any) -> Any:
    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    http = httpx.Client(transport=httpx.MockTransport(record))
    return package.Api(http_client=http, **{"base_url": BASE, **kwargs})


def _replying(body: Any = None, status: int = 200, **kwargs: Any) -> Handler:
    if body is None:
        return lambda request: httpx.Response(status, **kwargs)
    return lambda request: httpx.Response(status, json=body, **kwargs)


def _fetch(generated_package: Generate, schema: dict[str, Any], body: Any, **schemas: Any) -> Any:
    """Generate a GET returning ``schema`` and call it with the server replying ``body``."""
    package = generated_package({"a.json": _doc({"/things": _get(schema)}, schemas)})
    return package, _client(package, _replying(body), []).things.fetch()


# -- unions -------------------------------------------------------------------------------------------

_CAT = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
}
_DOG = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}},
}


def test_one_of_without_a_discriminator_tries_members_in_declared_order(generated_package: Generate) -> None:
    schema = {"oneOf": [_ref("Cat"), _ref("Dog")]}
    package, pet = _fetch(generated_package, {"type": "array", "items": schema}, [{"kind": "dog", "barks": True}],
                          Cat=_CAT, Dog=_DOG)  # fmt: skip
    assert type(pet[0]).__name__ == "Cat"  # Cat accepts it (unknown fields are ignored), so Cat wins


def test_any_of_of_distinct_json_kinds_decodes_directly(generated_package: Generate) -> None:
    schema = {"type": "object", "properties": {"v": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}}
    _, result = _fetch(generated_package, schema, {"v": "x"})
    assert result.v == "x"


def test_one_of_with_a_discriminator_mapping_picks_members_by_tag(generated_package: Generate) -> None:
    schema = {"oneOf": [_ref("Cat"), _ref("Dog")],
              "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat",
                                                                    "dog": "#/components/schemas/Dog"}}}  # fmt: skip
    package, pets = _fetch(generated_package, {"type": "array", "items": schema},
                           [{"kind": "cat", "name": "Tom"}, {"kind": "dog", "barks": True}], Cat=_CAT, Dog=_DOG)  # fmt: skip
    assert [type(p).__name__ for p in pets] == ["Cat", "Dog"]


def test_one_of_with_a_discriminator_is_a_tagged_union(generated_package: Generate) -> None:
    schema = {"oneOf": [_ref("Cat"), _ref("Dog")], "discriminator": {"propertyName": "kind"}}
    _, pets = _fetch(generated_package, {"type": "array", "items": schema}, [{"kind": "Dog", "barks": True}],
                     Cat=_CAT, Dog=_DOG)  # fmt: skip
    assert type(pets[0]).__name__ == "Dog"


# -- null, const, enums ----------------------------------------------------------------------------------


def test_nullable_of_openapi_3_0(generated_package: Generate) -> None:
    document = _doc({"/things": _get({"type": "object", "required": ["n"],
                                       "properties": {"n": {"type": "string", "nullable": True}}})})  # fmt: skip
    document["openapi"] = "3.0.3"
    package = generated_package({"a.json": document})
    assert _client(package, _replying({"n": None}), []).things.fetch().n is None
    assert _client(package, _replying({"n": "x"}), []).things.fetch().n == "x"


def test_type_arrays_and_the_null_type_of_openapi_3_1(generated_package: Generate) -> None:
    schema = {"type": "object", "required": ["a", "b"],
              "properties": {"a": {"type": ["integer", "string", "null"]}, "b": {"type": "null"}}}  # fmt: skip
    package, result = _fetch(generated_package, schema, {"a": 3, "b": None})
    assert (result.a, result.b) == (3, None)
    with pytest.raises(package.ResponseValidationError):
        _client(package, _replying({"a": 1.5, "b": None}), []).things.fetch()


def test_const_of_a_string_or_an_integer_is_a_checked_literal(generated_package: Generate) -> None:
    schema = {"type": "object", "required": ["kind", "bare", "level"],
              "properties": {"kind": {"type": "string", "const": "cat"}, "bare": {"const": 1},
                             "level": {"oneOf": [{"const": "low"}, {"const": "high"}, {"type": "integer"}]}}}  # fmt: skip
    package, result = _fetch(generated_package, schema, {"kind": "cat", "bare": 1, "level": "high"})
    assert (result.kind, result.bare, result.level) == ("cat", 1, "high")
    hints = typing.get_type_hints(type(result))
    assert hints["kind"] == Literal["cat"] and hints["bare"] == Literal[1]
    assert hints["level"] == Literal["low", "high"] | int
    for wrong in ({"kind": "dog", "bare": 1, "level": 2}, {"kind": "cat", "bare": 2, "level": 2},
                  {"kind": "cat", "bare": 1, "level": "medium"}):  # fmt: skip
        with pytest.raises(package.ResponseValidationError):
            _client(package, _replying(wrong), []).things.fetch()


def test_const_sent_in_a_request_body_is_a_literal_argument(generated_package: Generate) -> None:
    body = {"type": "object", "required": ["type"], "properties": {"type": {"const": "function"}}}
    operation = {"operationId": "create", "tags": ["things"], "responses": {"204": {"description": "done"}},
                 "requestBody": {"required": True, "content": {"application/json": {"schema": body}}}}  # fmt: skip
    package = generated_package({"a.json": _doc({"/things": {"post": operation}})})
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen).things.create(type="function")
    assert json.loads(seen[0].content) == {"type": "function"}
    assert typing.get_type_hints(package.Api(base_url=BASE).things.create)["type"] == Literal["function"]


def test_const_null_is_none_and_other_constants_keep_their_declared_type(generated_package: Generate) -> None:
    schema = {"type": "object", "required": ["nothing", "ratio", "flag"],
              "properties": {"nothing": {"const": None}, "ratio": {"type": "number", "const": 0.5},
                             "flag": {"type": "boolean", "const": True}}}  # fmt: skip
    package, result = _fetch(generated_package, schema, {"nothing": None, "ratio": 0.25, "flag": False})
    assert (result.nothing, result.ratio, result.flag) == (
        None,
        0.25,
        False,
    )  # the value itself is not checked
    with pytest.raises(package.ResponseValidationError):
        _client(package, _replying({"nothing": 1, "ratio": 0.5, "flag": True}), []).things.fetch()


def test_an_empty_enum_is_a_plain_string(generated_package: Generate) -> None:
    schema = {"type": "object", "properties": {"state": {"type": "string", "enum": []}}}
    _, result = _fetch(generated_package, schema, {"state": "anything"})
    assert result.state == "anything"


def test_enum_values_differing_in_case_or_not_identifiers_get_distinct_members(
    generated_package: Generate,
) -> None:
    schema = _ref("Order")
    schemas = {"Order": {"type": "string", "enum": ["asc", "ASC", "not-yet", "2nd", "a b", ""]}}
    package, result = _fetch(generated_package, schema, "ASC", **schemas)
    assert [m.name for m in package.Order] == ["ASC", "ASC_2", "NOT_YET", "VALUE_2ND", "A_B", "EMPTY"]
    assert result is package.Order.ASC_2
    assert _client(package, _replying("new-value"), []).things.fetch().is_known is False


# -- objects ------------------------------------------------------------------------------------------------


def test_typed_and_free_form_additional_properties(generated_package: Generate) -> None:
    schema = {"type": "object", "properties": {
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "meta": {"type": "object", "additionalProperties": True},
        "anything": {"type": "object"}}}  # fmt: skip
    body = {"counts": {"a": 1}, "meta": {"x": [1, {"y": None}]}, "anything": {"k": "v"}}
    package, result = _fetch(generated_package, schema, body)
    assert (result.counts, result.meta, result.anything) == (body["counts"], body["meta"], body["anything"])
    with pytest.raises(package.ResponseValidationError):
        _client(package, _replying({"counts": {"a": "x"}}), []).things.fetch()


def test_additional_properties_next_to_properties_are_kept(generated_package: Generate) -> None:
    schemas = {
        "Labels": {"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": {"type": "integer"}},
        "Free": {"type": "object", "properties": {"additional_properties": {"type": "string"}}, "additionalProperties": True},
        "Box": {"type": "object", "properties": {"labels": {"type": "array", "items": _ref("Labels")}, "free": _ref("Free")}},
    }  # fmt: skip
    body = {
        "labels": [{"id": "1", "a": 2}, {"b": 3}],
        "free": {"additional_properties": "x", "n": [1, {"m": None}]},
    }
    package, result = _fetch(generated_package, _ref("Box"), body, **schemas)
    assert result.labels == [package.Labels(id="1", additional_properties={"a": 2}),
                             package.Labels(additional_properties={"b": 3})]  # fmt: skip
    assert result.free.additional_properties == "x"  # a property of that name keeps it; the extras move aside
    assert result.free.additional_properties_ == {"n": [1, {"m": None}]}
    with pytest.raises(package.ResponseValidationError):
        _client(package, _replying({"labels": [{"a": "not an integer"}]}), []).things.fetch()
    _, top = _fetch(generated_package, _ref("Labels"), {"id": "2", "c": 4}, **schemas)
    assert (top.id, top.additional_properties) == ("2", {"c": 4})


def test_additional_properties_next_to_properties_are_sent(generated_package: Generate) -> None:
    schemas = {
        "Labels": {"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": {"type": "integer"}},
        "Box": {"type": "object", "properties": {"labels": {"type": "array", "items": _ref("Labels")}}},
    }  # fmt: skip
    operation = {"operationId": "create", "tags": ["things"], "responses": {"204": {"description": "done"}},
                 "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Box")}}}}  # fmt: skip
    package = generated_package({"a.json": _doc({"/things": {"post": operation}}, schemas)})
    seen: list[httpx.Request] = []
    labels = [package.Labels(id="1", additional_properties={"a": 2, "id": 9}), package.Labels()]
    _client(package, _replying(status=204), seen).things.create(labels=labels)
    assert json.loads(seen[0].content) == {"labels": [{"id": "1", "a": 2}, {}]}  # a named property wins


def test_recursive_and_mutually_recursive_schemas(generated_package: Generate) -> None:
    schemas = {
        "Node": {"type": "object", "properties": {"children": {"type": "array", "items": _ref("Node")},
                                                   "owner": _ref("Person")}},
        "Person": {"type": "object", "properties": {"name": {"type": "string"}, "tree": _ref("Node")}},
    }  # fmt: skip
    body = {"children": [{"children": [], "owner": {"name": "a", "tree": {"children": []}}}]}
    package, node = _fetch(generated_package, _ref("Node"), body, **schemas)
    assert isinstance(node.children[0].owner.tree, package.Node)
    assert msgspec.json.decode(msgspec.json.encode(node)) == body


# -- request and response media types --------------------------------------------------------------------


def _post(media: str, schema: dict[str, Any], responses: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"post": {"operationId": "upload", "tags": ["things"],
                     "requestBody": {"required": True, "content": {media: {"schema": schema}}},
                     "responses": responses or {"204": {"description": "No content"}}}}  # fmt: skip


def test_multipart_form_data_with_a_binary_file(generated_package: Generate) -> None:
    schema = {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}, "note": {"type": "string"}}}  # fmt: skip
    package = generated_package({"a.json": _doc({"/files": _post("multipart/form-data", schema)})})
    seen: list[httpx.Request] = []
    assert _client(package, _replying(status=204), seen).things.upload(file=b"\x00\x01PNG", note="hi") is None
    request = seen[0]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.read()
    assert b'name="file"; filename="file"' in body and b"\x00\x01PNG" in body
    assert b'name="note"\r\n\r\nhi' in body


def test_application_x_www_form_urlencoded(generated_package: Generate) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}, "tags": {"type": "array",
                                                                                    "items": {"type": "string"}}}}  # fmt: skip
    package = generated_package(
        {"a.json": _doc({"/forms": _post("application/x-www-form-urlencoded", schema)})}
    )
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen).things.upload(name="a b&c", tags=["x", "y"])
    assert seen[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen[0].read() == b"name=a+b%26c&tags=x&tags=y"


def test_octet_stream_and_text_plain_responses(generated_package: Generate) -> None:
    paths = {
        "/blob": {"get": {"operationId": "blob", "tags": ["things"], "responses": {"200": {
            "description": "OK", "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                      "format": "binary"}}}}}}},
        "/text": {"get": {"operationId": "text", "tags": ["things"], "responses": {"200": {
            "description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    }  # fmt: skip
    package = generated_package({"a.json": _doc(paths)})
    raw = _client(package, lambda r: httpx.Response(200, content=b"\x00\xff"), [])
    assert raw.things.blob() == b"\x00\xff"
    text = _client(package, lambda r: httpx.Response(200, text="héllo"), [])
    assert text.things.text() == "héllo"


def test_a_204_response_returns_none(generated_package: Generate) -> None:
    operation = {
        "delete": {"operationId": "remove", "tags": ["things"], "responses": {"204": {"description": "gone"}}}
    }
    package = generated_package({"a.json": _doc({"/things/1": operation})})
    assert _client(package, _replying(status=204), []).things.remove() is None


def test_default_and_4xx_responses_carry_their_models(generated_package: Generate) -> None:
    error = lambda field: {
        "type": "object",
        "required": [field],
        "properties": {field: {"type": "string"}},
    }  # noqa: E731
    responses = {**_json_response({"type": "string"}), **_json_response(error("reason"), "4XX"),
                 **_json_response(error("detail"), "default")}  # fmt: skip
    package = generated_package({"a.json": _doc({"/things": {"get": {"operationId": "fetch", "tags": ["things"],
                                                                       "responses": responses}}})})  # fmt: skip
    with pytest.raises(package.ConflictError) as conflict:
        _client(package, _replying({"reason": "taken"}, 409), []).things.fetch()
    assert conflict.value.model.reason == "taken"
    with pytest.raises(package.InternalServerError) as server_error:
        _client(package, _replying({"detail": "boom"}, 500), []).things.fetch()
    assert server_error.value.model.detail == "boom"


# -- parameters -----------------------------------------------------------------------------------------------


def _parameters_operation(parameters: list[dict[str, Any]], path: str = "/things") -> dict[str, Any]:
    return {path: {"get": {"operationId": "fetch", "tags": ["things"], "parameters": parameters,
                           "responses": {"204": {"description": "ok"}}}}}  # fmt: skip


def _sent(generated_package: Generate, parameters: list[dict[str, Any]], **arguments: Any) -> httpx.Request:
    """Generate a GET taking ``parameters``, call it with ``arguments``; the request it sent."""
    package = generated_package({"a.json": _doc(_parameters_operation(parameters))})
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen).things.fetch(**arguments)
    return seen[0]


def test_header_and_cookie_parameters(generated_package: Generate) -> None:
    parameters = [{"name": "X-Request-Id", "in": "header", "required": True, "schema": {"type": "string"}},
                  {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                  {"name": "theme", "in": "cookie", "schema": {"type": "string"}}]  # fmt: skip
    request = _sent(generated_package, parameters, x_request_id="r-1", session="s1", theme="dark")
    assert request.headers["X-Request-Id"] == "r-1" and request.headers["cookie"] == "session=s1; theme=dark"


def test_array_header_parameters_are_one_comma_separated_value(generated_package: Generate) -> None:
    parameters = [
        {"name": "X-Ids", "in": "header", "schema": {"type": "array", "items": {"type": "integer"}}}
    ]
    request = _sent(generated_package, parameters, x_ids=[1, 2, 3])
    assert request.headers.get_list("X-Ids") == ["1,2,3"]  # style simple: one header, not three


def test_array_query_parameters_form_explode_repeat_the_key(generated_package: Generate) -> None:
    parameters = [{"name": "ids", "in": "query", "style": "form", "explode": True,
                   "schema": {"type": "array", "items": {"type": "integer"}}}]  # fmt: skip
    request = _sent(generated_package, parameters, ids=[1, 2])
    assert request.url.query == b"ids=1&ids=2"


def test_array_query_parameters_with_explode_false_are_comma_separated(generated_package: Generate) -> None:
    parameters = [{"name": "ids", "in": "query", "style": "form", "explode": False,
                   "schema": {"type": "array", "items": {"type": "integer"}}}]  # fmt: skip
    request = _sent(generated_package, parameters, ids=[1, 2])
    assert request.url.query == b"ids=1%2C2"


def test_array_query_parameters_pipe_delimited(generated_package: Generate) -> None:
    parameters = [{"name": "ids", "in": "query", "style": "pipeDelimited", "explode": False,
                   "schema": {"type": "array", "items": {"type": "integer"}}}]  # fmt: skip
    request = _sent(generated_package, parameters, ids=[1, 2])
    assert request.url.query == b"ids=1%7C2"


def test_path_level_parameters_apply_to_every_operation_and_can_be_overridden(
    generated_package: Generate,
) -> None:
    item = {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "lang", "in": "query", "schema": {"type": "string"}}],
        "get": {"operationId": "fetch", "tags": ["things"], "responses": {"204": {"description": "ok"}}},
        "delete": {"operationId": "remove", "tags": ["things"], "responses": {"204": {"description": "ok"}},
                   "parameters": [{"name": "lang", "in": "query", "required": True, "schema": {"type": "integer"}}]},
    }  # fmt: skip
    package = generated_package({"a.json": _doc({"/things/{id}": item})})
    seen: list[httpx.Request] = []
    client = _client(package, _replying(status=204), seen)
    client.things.fetch("a/b", lang="en")
    client.things.remove("x", lang=2)
    assert [str(r.url) for r in seen] == [f"{BASE}/things/a%2Fb?lang=en", f"{BASE}/things/x?lang=2"]


def _path_key_paths(key: str, name: str) -> dict[str, Any]:
    parameters = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                  {"name": "fields", "in": "query", "schema": {"type": "string"}}]  # fmt: skip
    return {key: {"get": {"operationId": name, "tags": ["files"], "parameters": parameters,
                          "responses": {"204": {"description": "ok"}}}}}  # fmt: skip


def test_path_keys_with_a_fragment_send_the_path_alone(generated_package: Generate) -> None:
    paths = {**_path_key_paths("/files/{id}", "get"), **_path_key_paths("/files/{id}#shared", "get_shared")}
    package = generated_package({"a.json": _doc(paths)})
    seen: list[httpx.Request] = []
    client = _client(package, _replying(status=204), seen)
    client.files.get("f1")
    client.files.get_shared("f1", fields="name")
    assert [r.url.raw_path for r in seen] == [
        b"/files/f1",
        b"/files/f1?fields=name",
    ]  # a fragment is never sent


def test_path_keys_with_a_query_send_it(generated_package: Generate) -> None:
    package = generated_package({"a.json": _doc(_path_key_paths("/files/{id}?version=2", "get_v2"))})
    seen: list[httpx.Request] = []
    client = _client(package, _replying(status=204), seen)
    client.files.get_v2("f1")
    client.files.get_v2("f1", fields="name")
    assert [r.url.raw_path for r in seen] == [b"/files/f1?version=2", b"/files/f1?version=2&fields=name"]


# -- servers and security ---------------------------------------------------------------------------------------


def test_server_variables_take_their_defaults(generated_package: Generate) -> None:
    servers = [{"url": "https://{region}.api.example.test/{version}", "description": "Production",
                "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}, "version": {"default": "v2"}}}]  # fmt: skip
    package = generated_package({"a.json": _doc(_parameters_operation([]), servers=servers)})
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204)))
    package.Api(http_client=http).things.fetch()
    assert str(seen[0].url) == "https://eu.api.example.test/v2/things"


def test_server_variables_can_be_chosen(generated_package: Generate) -> None:
    servers = [{"url": "https://{region}.api.example.test/{version}", "description": "Production",
                "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}, "version": {"default": "v2"}}},
               {"url": "http://localhost:{port}", "description": "Local",
                "variables": {"port": {"default": "8080", "description": "the port"}}}]  # fmt: skip
    package = generated_package({"a.json": _doc(_parameters_operation([]), servers=servers)})
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204)))
    package.Api(http_client=http, region="us").things.fetch()
    package.Api(http_client=http, region="us", version="v3").things.fetch()
    package.Api(http_client=http, server="local", port="9000").things.fetch()
    assert [str(r.url) for r in seen] == ["https://us.api.example.test/v2/things",
                                          "https://us.api.example.test/v3/things", "http://localhost:9000/things"]  # fmt: skip
    hints = typing.get_type_hints(package.Api.__init__)
    assert hints["region"] == Literal["eu", "us"] | None and hints["port"] == str | None
    with pytest.raises(ValueError, match="'asia' is not one of 'eu', 'us'"):
        package.Api(region="asia")
    with pytest.raises(ValueError, match="server 'local' has no variable 'region'"):
        package.Api(server="local", region="us")
    assert package.Api(base_url="https://other.test", region="us").base_url == "https://other.test"
    assert package.AsyncApi(region="us").base_url == "https://us.api.example.test/v2"
    assert "port: the port (default '8080')" in package.Api.__doc__


def _secured(schemes: dict[str, Any], security: list[dict[str, list[str]]]) -> dict[str, Any]:
    return _doc(_parameters_operation([]), components={"securitySchemes": schemes}, security=security)


def test_api_key_in_query(generated_package: Generate) -> None:
    package = generated_package({"a.json": _secured(
        {"key": {"type": "apiKey", "in": "query", "name": "api_key"}}, [{"key": []}])})  # fmt: skip
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen, api_key="k1").things.fetch()
    assert seen[0].url.query == b"api_key=k1"


def test_http_basic(generated_package: Generate) -> None:
    package = generated_package(
        {"a.json": _secured({"basic": {"type": "http", "scheme": "basic"}}, [{"basic": []}])}
    )
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen, username="u", password="p:w").things.fetch()
    assert seen[0].headers["authorization"] == "Basic dTpwOnc="


def test_oauth2_client_credentials_take_a_token_the_caller_obtained(generated_package: Generate) -> None:
    flows = {"clientCredentials": {"tokenUrl": "https://auth.example.test/token", "scopes": {"read": "r"}}}
    package = generated_package({"a.json": _secured({"oauth": {"type": "oauth2", "flows": flows}},
                                                    [{"oauth": ["read"]}])})  # fmt: skip
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen, access_token="t0k").things.fetch()
    assert seen[0].headers["authorization"] == "Bearer t0k" and len(seen) == 1  # no token request is made
    with pytest.raises(package.MissingCredentialsError):
        _client(package, _replying(status=204), []).things.fetch()


def test_operation_level_security_empty_and_optional(generated_package: Generate) -> None:
    document = _secured({"bearer": {"type": "http", "scheme": "bearer"}}, [{"bearer": []}])
    ok = {"204": {"description": "ok"}}
    document["paths"] = {
        "/public": {"get": {"operationId": "public", "tags": ["things"], "security": [], "responses": ok}},
        "/maybe": {"get": {"operationId": "maybe", "tags": ["things"], "security": [{"bearer": []}, {}],
                           "responses": ok}},
        "/private": {"get": {"operationId": "private", "tags": ["things"], "responses": ok}},
    }  # fmt: skip
    package = generated_package({"a.json": document})
    seen: list[httpx.Request] = []
    anonymous = _client(package, _replying(status=204), seen)
    anonymous.things.public()
    anonymous.things.maybe()
    with pytest.raises(package.MissingCredentialsError):
        anonymous.things.private()
    _client(package, _replying(status=204), seen, bearer_token="t").things.maybe()
    assert [r.headers.get("authorization") for r in seen] == [None, None, "Bearer t"]


# -- formats ---------------------------------------------------------------------------------------------


def test_formats_int64_float_uuid_date_byte_and_binary(generated_package: Generate) -> None:
    schema = {"type": "object", "properties": {
        "big": {"type": "integer", "format": "int64"}, "ratio": {"type": "number", "format": "float"},
        "id": {"type": "string", "format": "uuid"}, "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "format": "date-time"}, "blob": {"type": "string", "format": "byte"},
        "raw": {"type": "string", "format": "binary"}}}  # fmt: skip
    body = {"big": 2**62, "ratio": 0.5, "id": "0b6b1e3e-9f7e-4a8a-9d0a-2f1d5c3b4a59", "day": "2024-02-29",
            "at": "2024-02-29T12:00:00Z", "blob": "aGk=", "raw": "AAE="}  # fmt: skip
    package, result = _fetch(generated_package, schema, body)
    assert result.big == 2**62 and result.ratio == 0.5
    assert result.id == uuid.UUID(body["id"]) and result.day == datetime.date(2024, 2, 29)
    assert result.at == datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.timezone.utc)
    assert result.blob == b"hi" and result.raw == b"\x00\x01"  # both base64 inside JSON
    assert json.loads(msgspec.json.encode(result)) == body


# -- the table ------------------------------------------------------------------------------------------------


def test_the_feature_table_names_only_tests_and_golden_cases_that_exist() -> None:
    root = Path(__file__).resolve().parent
    table = (root.parent / "docs" / "feature-support.md").read_text(encoding="utf-8")
    lines = table.splitlines()
    start = lines.index("| feature | status | how it maps | runtime test | golden case |") + 2
    rows = [line for line in lines[start:] if line.startswith("|")]
    assert len(rows) == 40 and all(row.startswith("| ") for row in rows)
    defined = {path: path.read_text(encoding="utf-8") for path in root.rglob("test_*.py")}
    cases = {p.name for p in (root / "golden").iterdir() if (p / "expected").is_dir()}
    for row in rows:
        *_, tests, golden = [cell.strip() for cell in row.strip("|").split(" | ")]
        names = re.findall(r"`(?:[\w/]+\.py::)?(test_\w+)`", tests)
        assert names, row
        for name in names:
            assert any(f"def {name}(" in text for text in defined.values()), name
        named_cases = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", golden))
        assert named_cases and set(named_cases) <= cases, row
