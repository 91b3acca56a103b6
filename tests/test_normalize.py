"""normalize: naming errors name both origins (error text pinned), method naming rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from packaging.version import Version

from generator.diagnostics import SpecError
from generator.model.normalize import normalize, package_version
from generator.pipeline import load_valid_spec
from tests.conftest import MakeProvider, fragment


def _normalize(specs: Path) -> Any:
    spec = load_valid_spec(specs, "acme")
    return normalize(spec.merged, spec.config)


def _errors(specs: Path) -> list[str]:
    with pytest.raises(SpecError) as error:
        _normalize(specs)
    return [d.format() for d in error.value.diagnostics]


def test_two_namespaces_with_one_name_are_named_after_their_namespace(make_provider: MakeProvider) -> None:
    document = fragment("/a")
    document["components"] = {"schemas": {"a.Item": {"type": "object", "properties": {"x": {"type": "string"}}},
                                          "b.Item": {"type": "object", "properties": {"y": {"type": "string"}}}}}  # fmt: skip
    specs = make_provider({"a.json": document})
    package = _normalize(specs)
    assert [m.exports for m in package.model_modules] == [("AItem",), ("BItem",)]
    assert [d.format() for d in package.warnings] == [
        "specs/acme/a.json#/components/schemas/b.Item: warning: schemas 'a.Item' and 'b.Item' all map to the class "
        "'Item'; named 'a.Item' -> 'AItem', 'b.Item' -> 'BItem'\n  hint: name them in provider.yaml: schemas: {'b.Item': ...}"
    ]
    make_provider({"provider.yaml": "schemas: {b.Item: OtherItem}\n"})
    package = _normalize(specs)
    assert [m.exports for m in package.model_modules] == [("Item",), ("OtherItem",)]


def test_two_operations_with_one_method_name_are_told_apart(make_provider: MakeProvider) -> None:
    a = fragment("/things", tags=["things"])
    b = fragment("/things/", tags=["things"])
    c = fragment("/export/things", tags=["things"])
    package = _normalize(make_provider({"a.json": a, "b.json": b, "c.json": c}))
    methods = {(op.http_method, op.path): op.name for r in package.client.resources for op in r.operations}
    assert methods == {
        ("GET", "/things"): "list",
        ("GET", "/things/"): "list_2",
        ("GET", "/export/things"): "list_export",
    }
    assert [d.format() for d in package.warnings] == [
        "specs/acme/b.json#/paths/~1things~1/get: warning: method name things.list is also derived for "
        "specs/acme/a.json#/paths/~1things/get; this operation is things.list_2\n  hint: name one in provider.yaml: "
        "operations: {'GET /things/': {name: ...}}",
        "specs/acme/c.json#/paths/~1export~1things/get: warning: method name things.list is also derived for "
        "specs/acme/a.json#/paths/~1things/get; this operation is things.list_export\n  hint: name one in provider.yaml: "
        "operations: {'GET /export/things': {name: ...}}",
    ]


def test_a_schema_named_like_a_runtime_class_gets_model_appended(make_provider: MakeProvider) -> None:
    document = fragment("/a")
    document["components"] = {"schemas": {name: {"type": "object", "properties": {"x": {"type": "string"}}}
                                           for name in ("Operation", "OneOf", "Iterator")}}  # fmt: skip
    package = _normalize(make_provider({"a.json": document}))
    assert sorted(m.exports[0] for m in package.model_modules) == [
        "IteratorModel",
        "OneOfModel",
        "OperationModel",
    ]
    assert [d.format() for d in package.warnings][-1] == (
        "specs/acme/a.json#/components/schemas/Operation: warning: schema 'Operation' would be the class "
        "'Operation', a name generated modules import; it is 'OperationModel'\n  hint: name it in provider.yaml: "
        "schemas: {'Operation': ...}"
    )
    make_provider({"provider.yaml": "schemas: {Operation: Operation}\n"})  # asked for: an error
    assert "class name 'Operation' is reserved by the generated client" in _errors(make_provider({}))[0]


@pytest.mark.parametrize(
    ("method", "path", "tag", "expected"),
    [
        ("get", "/organization/v1/invites", "Invites", "list"),
        ("post", "/organization/v1/invites", "Invites", "create"),
        ("put", "/organization/v1/invites", "Invites", "update"),
        ("post", "/organization/v1/invites/check", "Invites", "check"),
        ("get", "/organization/v1/invites/{invite_id}", "Invites", "retrieve"),
        ("get", "/organization/v1/invitees/{invitee_id}", "Invites", "retrieve_invitee"),
        ("delete", "/organization/v1/invitees/{invitee_id}", "Invites", "delete_invitee"),
        ("get", "/public/services/ous/public-key/{key_version}", "Invites", "retrieve_public_key"),
        ("get", "/v1/statuses", "Invites", "list_statuses"),
        ("patch", "/v1/policies/{id}", "Invites", "update_policy"),
    ],
)
def test_method_names_without_operation_ids(
    make_provider: MakeProvider, method: str, path: str, tag: str, expected: str
) -> None:
    parameters = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in
                  [p[1:-1] for p in path.split("/") if p.startswith("{")]]  # fmt: skip
    package = _normalize(make_provider({"a.json": fragment(path, method, tags=[tag], parameters=parameters)}))
    (resource,) = package.client.resources
    assert (resource.attribute, resource.operations[0].name) == ("invites", expected)


def test_provider_yaml_overrides_method_and_resource_names(make_provider: MakeProvider) -> None:
    settings = "operations: {'GET /a': {name: fetch_all, resource: things}}\nresources: {pets: animals}\n"
    specs = make_provider(
        {"a.json": fragment("/a"), "b.json": fragment("/b", tags=["pets"]), "provider.yaml": settings}
    )
    package = _normalize(specs)
    assert [(r.attribute, [o.name for o in r.operations]) for r in package.client.resources] == [
        ("animals", ["list_b"]), ("things", ["fetch_all"]),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("api_version", "expected"),
    [("2.1.0", "2.1.0"), ("v2", "v2"), ("1.0.0-beta.1", "1.0.0-beta.1"), ("10", "10"), ("1.0rc2", "1.0rc2"),
     ("2024-05-01", "2024.5.1"), ("Build 7 (β)", "7"), ("1.2.3.4.5", "1.2.3.4.5"), ("r1/2/3/4/5", "1.2.3.4"), ("latest", "0"), ("", "0"),
     ("٣", "0"), ("1.0 β", "1.0")],
)  # fmt: skip
def test_info_version_becomes_a_version_pip_accepts(api_version: str, expected: str) -> None:
    assert package_version(api_version) == expected
    assert str(Version(expected))  # packaging (pip's parser) accepts it


def test_a_non_ascii_info_version_is_shown_but_never_sent(generated_package: Callable[..., Any]) -> None:
    document = {"openapi": "3.1.0", "info": {"title": "T", "version": "2024-05-01 β"},
                "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "OK"}}}}}}  # fmt: skip
    package = generated_package({"a.json": document})
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204)))
    package.Api(base_url="https://x.test", http_client=http).ping.ping()
    assert (
        seen[0].headers["user-agent"] == f"{package.__name__.replace('_', '-')}/2024.5.1 (openapi-fragments)"
    )
    readme = (Path(package.__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "(API version 2024-05-01 β)" in readme
    pyproject = (Path(package.__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = "2024.5.1"' in pyproject
