"""Tests for the Prism harness in ``tests/prism_server.py``.

They start the pinned Prism (``npm ci --prefix tests/prism``) on a tiny
OpenAPI 3.1 spec and pin down the Prism behaviour the contract tests rely on.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_schema_validator import validate as validate_schema
from openapi_spec_validator import validate as validate_openapi

import prism_server
from prism_server import prefer_header, run_prism

# Starts Node processes: excluded from `make test-fast` (-m "not slow").
pytestmark = pytest.mark.slow

API_KEY = {"X-API-Key": "secret"}

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "price"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "price": {"type": "number"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
}


def _json_response(description: str, schema_name: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema_name}"}
    return {
        "description": description,
        "content": {"application/json": {"schema": ref}},
    }


def make_spec(extra_responses: tuple[str, ...] = ()) -> dict[str, Any]:
    """GET /items/{id} with an API-key header, 200 Item and 404 Error (plus extra Error codes)."""
    responses = {"200": _json_response("The item", "Item")}
    for code in ("404", *extra_responses):
        responses[code] = _json_response(f"Error {code}", "Error")
    id_param = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Prism harness test", "version": "1.0.0"},
        "security": [{"apiKey": []}],
        "paths": {
            "/items/{id}": {
                "get": {
                    "operationId": "getItem",
                    "parameters": [id_param],
                    "responses": responses,
                }
            }
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {
                "Item": copy.deepcopy(ITEM_SCHEMA),
                "Error": copy.deepcopy(ERROR_SCHEMA),
            },
        },
    }


def write_spec(directory: Path, spec: dict[str, Any]) -> Path:
    validate_openapi(spec)  # the fixture itself must be a valid OpenAPI 3.1 document
    path = directory / "openapi.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism (-d --seed 1) on the spec with only 200 and 404 responses."""
    with run_prism(write_spec(tmp_path_factory.mktemp("plain"), make_spec())) as url:
        yield url


@pytest.fixture(scope="module")
def strict_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism on the same spec plus 400 and 401 responses, so violations get a spec response."""
    spec = make_spec(extra_responses=("400", "401"))
    with run_prism(write_spec(tmp_path_factory.mktemp("strict"), spec)) as url:
        yield url


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as http:
        yield http


def test_valid_request_gets_200_matching_schema_without_violations(
    base_url: str, client: httpx.Client
) -> None:
    response = client.get(f"{base_url}/items/42", headers=API_KEY)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "sl-violations" not in response.headers
    validate_schema(response.json(), ITEM_SCHEMA, cls=OAS31Validator)


def test_cli_seed_repeats_the_same_body(base_url: str, client: httpx.Client) -> None:
    bodies = {client.get(f"{base_url}/items/{n}", headers=API_KEY).text for n in (1, 1, 2, 3)}
    assert len(bodies) == 1


def test_prefer_seed_gives_reproducible_distinct_bodies(base_url: str, client: httpx.Client) -> None:
    def body(seed: str) -> Any:
        response = client.get(f"{base_url}/items/1", headers={**API_KEY, **prefer_header(seed=seed)})
        assert response.status_code == 200
        validate_schema(response.json(), ITEM_SCHEMA, cls=OAS31Validator)
        return response.text

    seeds = [f"{n:06d}" for n in range(50)]
    first = [body(seed) for seed in seeds]
    assert len(set(first)) == 50
    assert [body(seed) for seed in seeds[:5]] == first[:5]
    # Quirk of seedrandom (RC4 key schedule): a repeated seed string is the same seed.
    assert body("1") == body("11") == body("111")


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [("/items/abc", API_KEY, 422), ("/items/42", {}, 401)],
    ids=["bad-path-param", "missing-api-key"],
)
def test_invalid_request_without_error_response_in_spec_gets_prism_problem(
    base_url: str, client: httpx.Client, path: str, headers: dict[str, str], status: int
) -> None:
    response = client.get(f"{base_url}{path}", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    # Surprising but true: no spec response to fall back on -> no sl-violations header.
    assert "sl-violations" not in response.headers
    if status == 422:
        [violation] = response.json()["validation"]
        assert violation["location"] == ["path", "id"]


@pytest.mark.parametrize(
    ("path", "headers", "status", "location"),
    [
        ("/items/abc", API_KEY, 400, ["request", "path", "id"]),
        ("/items/42", {}, 401, ["request"]),
    ],
    ids=["bad-path-param", "missing-api-key"],
)
def test_invalid_request_gets_sl_violations_header(
    strict_base_url: str,
    client: httpx.Client,
    path: str,
    headers: dict[str, str],
    status: int,
    location: list[str],
) -> None:
    response = client.get(f"{strict_base_url}{path}", headers=headers)
    assert response.status_code == status
    violations = json.loads(response.headers["sl-violations"])
    assert [v["location"] for v in violations] == [location]
    assert violations[0]["severity"] == "Error"
    validate_schema(response.json(), ERROR_SCHEMA, cls=OAS31Validator)


def test_prefer_code_404_returns_spec_404(base_url: str, client: httpx.Client) -> None:
    response = client.get(f"{base_url}/items/42", headers={**API_KEY, **prefer_header(code=404)})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    validate_schema(response.json(), ERROR_SCHEMA, cls=OAS31Validator)


def test_prefer_undeclared_code_is_a_prism_404_problem(base_url: str, client: httpx.Client) -> None:
    response = client.get(f"{base_url}/items/42", headers={**API_KEY, **prefer_header(code=500)})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_prefer_dynamic_false_gives_static_placeholder(base_url: str, client: httpx.Client) -> None:
    response = client.get(f"{base_url}/items/42", headers={**API_KEY, **prefer_header(dynamic=False)})
    assert response.json() == {
        "id": 0,
        "name": "string",
        "price": 0,
        "tags": ["string"],
    }


@pytest.mark.parametrize("errors", [False, True], ids=["plain", "errors"])
def test_errors_turns_a_response_breaking_the_spec_into_a_500(
    errors: bool, tmp_path: Path, client: httpx.Client
) -> None:
    spec = make_spec()
    bad = {"id": "not-an-integer", "name": "n", "price": 1}
    spec["paths"]["/items/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["example"] = bad
    with run_prism(write_spec(tmp_path, spec), dynamic=False, errors=errors) as url:
        response = client.get(f"{url}/items/42", headers=API_KEY)
    if errors:
        assert response.status_code == 500
        assert response.headers["content-type"].startswith("application/problem+json")
    else:
        assert response.status_code == 200 and response.json() == bad
        assert json.loads(response.headers["sl-violations"])[0]["location"][0] == "response"


def _spy_on_popen(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[Any]]:
    started: list[subprocess.Popen[Any]] = []
    real_popen = subprocess.Popen

    def spy(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", spy)  # prism_server calls subprocess.Popen
    return started


def _assert_stopped(pid: int, base_url: str) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)  # nothing left in Prism's process group either
    url = urlsplit(base_url)
    assert url.hostname is not None and url.port is not None
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((url.hostname, url.port), timeout=2.0).close()


class BodyError(Exception):
    """Raised inside the with-block to check that Prism is still stopped."""


@pytest.mark.parametrize("body_raises", [False, True], ids=["clean-exit", "body-raised"])
def test_prism_is_stopped_after_the_with_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body_raises: bool
) -> None:
    started = _spy_on_popen(monkeypatch)
    seen_url = ""
    with pytest.raises(BodyError) if body_raises else contextlib.nullcontext():
        with run_prism(write_spec(tmp_path, make_spec()), seed=None, dynamic=False) as url:
            seen_url = url
            assert httpx.get(f"{url}/items/1", headers=API_KEY).status_code == 200
            assert started[0].poll() is None
            if body_raises:
                raise BodyError("the with-block failed")
    [proc] = started
    assert proc.returncode is not None
    _assert_stopped(proc.pid, seen_url)


def test_missing_prism_binary_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prism_server, "PRISM_BIN", tmp_path / "no-prism")
    with pytest.raises(RuntimeError, match=r"make test"):
        with run_prism(write_spec(tmp_path, make_spec())):
            pass


def test_early_exit_raises_with_log_tail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = _spy_on_popen(monkeypatch)
    bad_spec = tmp_path / "not-openapi.json"
    bad_spec.write_text('{"foo": 1}', encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"(?s)exited with code 1.*Unsupported document format"):
        with run_prism(bad_spec):
            pass
    [proc] = started
    assert proc.returncode == 1


def test_startup_timeout_raises_and_stops_prism(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = _spy_on_popen(monkeypatch)
    monkeypatch.setattr(prism_server, "STARTUP_TIMEOUT", 0.0)
    with pytest.raises(RuntimeError, match=r"did not answer on port \d+ within 0 s"):
        with run_prism(write_spec(tmp_path, make_spec())):
            pass
    [proc] = started
    assert proc.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
