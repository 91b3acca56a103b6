"""Models people can use and logging like the best SDKs, through a generated package on
MockTransport: ``to_dict``/``to_json``/``from_dict``/``from_json``, unknown keys and the
fields a response held (``keep_unknown_fields=True``), and the package logger switched on by
``<ENV_PREFIX>_LOG``."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Shop", "version": "1"},
    "servers": [{"url": "https://shop.test/v1"}],
    "paths": {
        "/things/{id}": {
            "get": {
                "operationId": "getThing",
                "tags": ["things"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["thingId"],
                "properties": {
                    "thingId": {"type": "string"},
                    "nickname": {"type": ["string", "null"]},
                    "created": {"type": "string", "format": "date-time"},
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Part"}},
                    "to_dict": {"type": "string", "description": "a property named like a model method"},
                },
            },
            "Part": {"type": "object", "properties": {"name": {"type": "string"}}},
        }
    },
}

BODY = {
    "thingId": "t1",
    "nickname": None,
    "created": "2026-12-02T10:00:00Z",
    "parts": [{"name": "a", "weight": 3}],
    "to_dict": "x",
    "color": "red",
}


def _client(package: Any, **kwargs: Any) -> Any:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, json=BODY, headers={"x-request-id": "req-42"})
    )
    return package.Api(http_client=httpx.Client(transport=transport), **kwargs)


def test_models_convert_to_and_from_the_wire_form(generated_package: Any) -> None:
    package = generated_package({"api.json": SPEC})
    thing = _client(package).things.get_thing("t1")
    assert thing.to_dict_ == "x"  # the property does not shadow the method
    wire = thing.to_dict()
    assert wire == {
        "thingId": "t1",
        "created": "2026-12-02T10:00:00Z",
        "parts": [{"name": "a"}],
        "to_dict": "x",
    }
    assert json.loads(thing.to_json()) == wire and thing.to_json(indent=2).startswith("{\n  ")
    again = package.Thing.from_dict(wire)
    assert again == thing and package.Thing.from_json(thing.to_json()) == thing
    with pytest.raises(msgspec.ValidationError, match="thingId"):
        package.Thing.from_dict({"nickname": "n"})
    assert package.Thing(thing_id="t2").to_dict() == {"thingId": "t2"}  # unset fields left out


def test_unknown_keys_and_the_fields_a_response_held_are_kept_on_request(generated_package: Any) -> None:
    package = generated_package({"api.json": SPEC})
    plain = _client(package).things.get_thing("t1")
    assert plain.unknown_fields == {} and plain.fields_set is None
    thing = _client(package, keep_unknown_fields=True).things.get_thing("t1")
    assert thing.unknown_fields == {"color": "red"}
    assert thing.parts[0].unknown_fields == {"weight": 3}
    assert thing.nickname is None and "nickname" in thing.fields_set  # null, not absent
    assert thing.fields_set == {"thing_id", "nickname", "created", "parts", "to_dict_"}
    assert thing.parts[0].fields_set == {"name"}
    assert thing == _client(package).things.get_thing("t1")  # the same values either way


def test_the_package_logger_logs_one_line_per_call(generated_package: Any, caplog: Any) -> None:
    package = generated_package({"api.json": SPEC})
    name = package.__name__
    caplog.set_level(logging.INFO, logger=name)
    _client(package).things.get_thing("t1")
    lines = [r.getMessage() for r in caplog.records if r.name == name]
    assert len(lines) == 1
    assert re.fullmatch(
        r"GET https://shop\.test/v1/things/t1 -> 200 OK in \d+\.\d{3} s, request id req-42", lines[0]
    )


def test_env_prefix_log_switches_the_logger_on(generated_package: Any, tmp_path: Path) -> None:
    package = generated_package({"api.json": SPEC})
    name = package.__name__
    script = (
        "import httpx, {0}\n"
        "t = httpx.MockTransport(lambda r: httpx.Response(200 if 'x-retry-count' in r.headers else 503, "
        "json={{'thingId': 't'}}))\n"
        "c = {0}.Api(http_client=httpx.Client(transport=t), max_retries=1)\n"
        "c._sleep = lambda s: None\n"
        "c.things.get_thing('t1')\n"
    ).format(name)
    folder = Path(package.__file__).parent.parent
    env_prefix = name.upper()
    for level, expected in (("info", 2), ("debug", 4), ("", 0)):
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True,
            env={"PATH": "", f"{env_prefix}_LOG": level},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == expected, result.stderr
        assert all(f" {name}] " in line for line in lines)


def test_async_clients_keep_unknown_fields_too(generated_package: Any) -> None:
    package = generated_package({"api.json": SPEC})
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=BODY))

    async def run() -> Any:
        async with package.AsyncApi(
            http_client=httpx.AsyncClient(transport=transport), keep_unknown_fields=True
        ) as client:
            return await client.things.get_thing("t1")

    assert asyncio.run(run()).unknown_fields == {"color": "red"}


def test_error_classes_carry_a_typed_model_where_the_spec_declares_one(generated_package: Any) -> None:
    spec = json.loads(json.dumps(SPEC))
    problem = {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}
    spec["components"]["schemas"]["Problem"] = problem
    spec["paths"]["/things/{id}"]["get"]["responses"]["default"] = {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    package = generated_package({"api.json": spec})
    transport = httpx.MockTransport(lambda request: httpx.Response(404, json={"code": "missing"}))
    client = package.Api(http_client=httpx.Client(transport=transport))
    with pytest.raises(package.NotFoundError) as raised:
        client.things.get_thing("t1")
    assert isinstance(raised.value, package._runtime.NotFoundError)  # still the runtime's class
    assert isinstance(raised.value.model, package.Problem) and raised.value.model.code == "missing"
    errors = (Path(package.__file__).parent / "_errors.py").read_text()
    assert "class NotFoundError(_NotFoundError):" in errors and "model: Problem | None" in errors
