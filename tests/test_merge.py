"""merge: union, identical duplicates, conflicts naming both files, order independence, origins."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from generator.diagnostics import Origin, SpecError
from generator.spec.load import Fragment
from generator.spec.merge import merge
from generator.spec.splitting import dump_json
from tests.conftest import fragment


def _with_schema(document: dict[str, Any], name: str, schema: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    document.setdefault("components", {}).setdefault("schemas", {})[name] = schema
    return document


def _messages(error: pytest.ExceptionInfo[SpecError]) -> list[str]:
    return [d.format() for d in error.value.diagnostics]


def test_union_of_paths_and_components() -> None:
    a = _with_schema(fragment("/a"), "A", {"type": "string"})
    b = _with_schema(fragment("/b", "post"), "B", {"type": "integer"})
    merged = merge([Fragment("specs/p/b.json", b), Fragment("specs/p/a.json", a)])
    assert list(merged.document["paths"]) == ["/a", "/b"]
    assert list(merged.document["components"]["schemas"]) == ["A", "B"]


def test_identical_components_merge_and_origins_point_at_a_fragment() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "string"}}}
    a = _with_schema(fragment("/a"), "Thing", schema)
    b = _with_schema(fragment("/b"), "Thing", dict(reversed(list(schema.items()))))
    merged = merge([Fragment("specs/p/b.json", b), Fragment("specs/p/a.json", a)])
    assert merged.document["components"]["schemas"]["Thing"] == schema
    assert merged.origin_of("/components/schemas/Thing/properties/x") in {
        Origin("specs/p/a.json", "/components/schemas/Thing/properties/x"),
        Origin("specs/p/b.json", "/components/schemas/Thing/properties/x"),
    }
    assert merged.origin_of("/paths/~1b/get/responses") == Origin(
        "specs/p/b.json", "/paths/~1b/get/responses"
    )


def test_conflicting_components_name_both_files() -> None:
    a = _with_schema(fragment("/a"), "Thing", {"type": "string"})
    b = _with_schema(fragment("/b"), "Thing", {"type": "integer"})
    with pytest.raises(SpecError) as error:
        merge([Fragment("specs/p/b.json", b), Fragment("specs/p/a.json", a)])
    assert _messages(error) == [
        "specs/p/b.json#/components/schemas/Thing: component schemas/Thing differs from the one in "
        'specs/p/a.json#/components/schemas/Thing at /type: "integer" here, "string" there'
        "\n  hint: make the fragments agree, or name the file whose copy wins in provider.yaml: prefer: [...]"
    ]


def test_true_and_one_are_not_identical() -> None:
    a = _with_schema(fragment("/a"), "T", {"default": True})
    b = _with_schema(fragment("/b"), "T", {"default": 1})
    with pytest.raises(SpecError):
        merge([Fragment("specs/p/a.json", a), Fragment("specs/p/b.json", b)])


def test_duplicate_operation_names_both_files() -> None:
    with pytest.raises(SpecError) as error:
        merge([Fragment("specs/p/two.json", fragment("/a")), Fragment("specs/p/one.json", fragment("/a"))])
    assert _messages(error) == [
        "specs/p/two.json#/paths/~1a/get: operation GET /a is also defined in specs/p/one.json#/paths/~1a/get"
        "\n  hint: keep one of the two fragments"
    ]


def test_disagreeing_info_and_servers_are_reported() -> None:
    a = fragment("/a")
    b = fragment("/b")
    a["servers"] = [{"url": "https://a.example"}]
    b["servers"] = [{"url": "https://b.example"}]
    b["info"] = {"title": "Other", "version": "2"}
    with pytest.raises(SpecError) as error:
        merge([Fragment("specs/p/a.json", a), Fragment("specs/p/b.json", b)])
    assert _messages(error) == [
        "specs/p/b.json#/info: 'info' differs from the one in specs/p/a.json#/info at /version: "
        '"2" here, "1" there\n  hint: make the fragments agree, or name the file whose copy wins in provider.yaml: '
        "prefer: [...]",
        "specs/p/b.json#/servers: 'servers' differs from the one in specs/p/a.json#/servers at /0/url: "
        '"https://b.example" here, "https://a.example" there\n  hint: make the fragments agree, or name the file '
        "whose copy wins in provider.yaml: prefer: [...]",
    ]


def test_mixed_openapi_minor_versions_are_an_error_and_the_highest_patch_wins() -> None:
    a, b, c = fragment("/a"), fragment("/b"), fragment("/c")
    b["openapi"] = "3.1.1"
    assert merge([Fragment("a", a), Fragment("b", b)]).document["openapi"] == "3.1.1"
    c["openapi"] = "3.0.3"
    with pytest.raises(SpecError) as error:
        merge([Fragment("a", a), Fragment("c", c)])
    assert _messages(error) == [
        "c#/openapi: openapi '3.0.3' does not match '3.1.0' in a#/openapi\n  hint: use one of 3.0 or 3.1 per provider"
    ]


def test_shared_root_security_stays_at_the_root() -> None:
    a, b = fragment("/a"), fragment("/b")
    a["security"] = b["security"] = [{"key": []}]
    merged = merge([Fragment("a", a), Fragment("b", b)])
    assert merged.document["security"] == [{"key": []}]
    assert "security" not in merged.document["paths"]["/a"]["get"]


def test_differing_root_security_is_pushed_down_to_operations() -> None:
    a, b, c = fragment("/a"), fragment("/b"), fragment("/c", security=[{"own": []}])
    a["security"] = [{"key": []}]
    c["security"] = [{"key": []}]
    merged = merge([Fragment("a", a), Fragment("b", b), Fragment("c", c)])
    assert "security" not in merged.document
    assert merged.document["paths"]["/a"]["get"]["security"] == [{"key": []}]
    assert merged.document["paths"]["/b"]["get"]["security"] == []
    assert merged.document["paths"]["/c"]["get"]["security"] == [{"own": []}]
    assert merged.origin_of("/paths/~1a/get/security/0") == Origin("a", "/security/0")


def test_tags_are_a_union_sorted_by_name_and_documentation_drift_merges() -> None:
    a, b = fragment("/a"), fragment("/b")
    a["tags"] = [{"name": "zeta"}, {"name": "alpha", "description": "A"}]
    b["tags"] = [{"name": "alpha", "description": "A"}]
    assert merge([Fragment("a", a), Fragment("b", b)]).document["tags"] == [
        {"name": "alpha", "description": "A"}, {"name": "zeta"},
    ]  # fmt: skip
    b["tags"] = [{"name": "alpha", "description": "B"}]
    merged = merge([Fragment("a", a), Fragment("b", b)])
    assert merged.document["tags"][0] == {"name": "alpha", "description": "A"}
    assert [w.format().split("\n")[0] for w in merged.warnings] == [
        "b#/tags/0: warning: tag 'alpha' differs from the one in a#/tags/1 only in documentation "
        "(first at /description); the copy from a is kept"
    ]


def test_copies_that_differ_only_in_documentation_merge_with_a_warning() -> None:
    thing = {"type": "object", "description": "A thing.", "properties": {"description": {"type": "string"}}}
    drifted = {**thing, "description": "The thing.", "example": {"description": "x"}, "x-internal": True,
               "properties": {"description": {"type": "string", "title": "Description"}}}  # fmt: skip
    a = _with_schema(fragment("/a"), "Thing", thing)
    b = _with_schema(fragment("/b"), "Thing", drifted)
    merged = merge([Fragment("specs/p/b.json", b), Fragment("specs/p/a.json", a)])
    assert merged.document["components"]["schemas"]["Thing"] == thing  # its JSON text sorts first
    assert [w.format() for w in merged.warnings] == [
        "specs/p/b.json#/components/schemas/Thing: warning: component schemas/Thing differs from the one in "
        "specs/p/a.json#/components/schemas/Thing only in documentation (first at /description); the copy from "
        "specs/p/a.json is kept\n  hint: copies that differ only in description, summary, title, example(s), "
        "externalDocs or x- keys merge"
    ]
    renamed = {**thing, "properties": {"label": {"type": "string"}}}  # a property name is no documentation
    with pytest.raises(SpecError):
        merge([Fragment("a", a), Fragment("c", _with_schema(fragment("/c"), "Thing", renamed))])


def test_provider_yaml_prefer_names_the_copy_that_wins() -> None:
    a = _with_schema(fragment("/a"), "Thing", {"type": "string"})
    b = _with_schema(fragment("/b"), "Thing", {"type": "integer"})
    merged = merge([Fragment("specs/p/a.json", a), Fragment("specs/p/b.json", b)], prefer=["b.json"])
    assert merged.document["components"]["schemas"]["Thing"] == {"type": "integer"}
    assert [w.format() for w in merged.warnings] == [
        "specs/p/b.json#/components/schemas/Thing: warning: component schemas/Thing differs in specs/p/a.json; "
        "this copy is kept (provider.yaml 'prefer:')"
    ]


def test_path_level_keys_must_agree() -> None:
    a, b = fragment("/x/{id}"), fragment("/x/{id}", "delete")
    a["paths"]["/x/{id}"]["parameters"] = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    b["paths"]["/x/{id}"]["parameters"] = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]
    with pytest.raises(SpecError) as error:
        merge([Fragment("a", a), Fragment("b", b)])
    assert _messages(error)[0].startswith(
        "b#/paths/~1x~1{id}/parameters: path-level 'parameters' of /x/{id} differs"
    )


def test_order_independence_under_shuffled_names() -> None:
    documents = [
        _with_schema(fragment(f"/p{i}", method), f"S{i % 3}", {"type": "object", "title": f"S{i % 3}"})
        for i, method in enumerate(["get", "post", "put", "delete", "patch", "get"])
    ]
    documents[0]["tags"] = [{"name": "b"}, {"name": "a"}]
    outputs = set()
    rng = random.Random(7)
    for _ in range(10):
        names = [f"specs/p/{rng.random():.6f}.json" for _ in documents]
        shuffled = list(zip(names, documents))
        rng.shuffle(shuffled)
        outputs.add(dump_json(merge([Fragment(n, d) for n, d in shuffled]).document))
    assert len(outputs) == 1
