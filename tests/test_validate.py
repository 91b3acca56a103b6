"""validate: our own rules and openapi-spec-validator, pointers mapped back to fragments."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from generator.spec import validate as validate_module
from generator.diagnostics import Diagnostic, SpecError
from generator.spec.load import Fragment
from generator.spec.merge import merge
from generator.pipeline import load_valid_spec
from generator.spec.validate import validate
from tests.conftest import MakeProvider, fragment


def _check(*documents: tuple[str, dict[str, Any]]) -> list[str]:
    return [d.format() for d in validate(merge([Fragment(name, doc) for name, doc in documents]))]


def test_a_valid_document_has_no_problems() -> None:
    assert _check(("specs/p/a.json", fragment("/a"))) == []


def test_unresolved_ref_names_the_fragment_and_pointer() -> None:
    document = fragment("/a")
    document["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}
    }
    assert _check(("specs/p/a.json", fragment("/b")), ("specs/p/z.json", document)) == [
        "specs/p/z.json#/paths/~1a/get/responses/200/content/application~1json/schema/$ref: unresolved "
        "reference '#/components/schemas/Missing'\n  hint: define it under components in this fragment or another"
    ]


def test_a_ref_may_resolve_in_another_fragment() -> None:
    user = fragment("/a")
    user["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
    }
    owner = fragment("/b")
    owner["components"] = {"schemas": {"Pet": {"type": "object"}}}
    assert _check(("specs/p/a.json", user), ("specs/p/b.json", owner)) == []


def test_external_ref_is_an_error() -> None:
    document = fragment("/a")
    document["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "other.json#/Pet"}}
    }
    (message,) = _check(("specs/p/a.json", document))
    assert "external reference 'other.json#/Pet' is not supported" in message


def test_invalid_component_name() -> None:
    document = fragment("/a")
    document["components"] = {"schemas": {"Bad Name": {"type": "string"}}}
    problems = _check(("specs/p/a.json", document))
    assert problems[0] == (
        "specs/p/a.json#/components/schemas/Bad Name: component name 'Bad Name' does not match "
        "^[a-zA-Z0-9._-]+$\n  hint: rename it (and its references)"
    )


def test_path_parameter_not_in_template() -> None:
    document = fragment("/pets/{petId}")
    document["paths"]["/pets/{petId}"]["get"]["parameters"] = [
        {"name": "pet_id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert _check(("specs/acme/get_pet.json", document)) == [
        "specs/acme/get_pet.json#/paths/~1pets~1{petId}/get: path variable 'petId' of '/pets/{petId}' has no "
        "path parameter\n  hint: declare it under 'parameters'",
        "specs/acme/get_pet.json#/paths/~1pets~1{petId}/get/parameters/0: path parameter 'pet_id' is not in "
        "'/pets/{petId}'\n  hint: rename it to 'petId' or change the path",
    ]


def test_path_level_and_referenced_parameters_count() -> None:
    document = fragment("/pets/{petId}/{kind}")
    document["paths"]["/pets/{petId}/{kind}"]["parameters"] = [{"$ref": "#/components/parameters/Pet"}]
    document["paths"]["/pets/{petId}/{kind}"]["get"]["parameters"] = [
        {"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    document["components"] = {
        "parameters": {"Pet": {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}}
    }
    assert _check(("a", document)) == []


def test_duplicate_operation_id_names_both() -> None:
    a = fragment("/a", operationId="getThing")
    b = fragment("/b", operationId="getThing")
    assert _check(("specs/p/a.json", a), ("specs/p/b.json", b)) == [
        "specs/p/b.json#/paths/~1b/get/operationId: operationId 'getThing' is also used by "
        "specs/p/a.json#/paths/~1a/get/operationId\n  hint: operationIds must be unique"
    ]


def test_spec_validator_errors_are_mapped_to_fragments() -> None:
    document = fragment("/a")
    document["paths"]["/a"]["get"]["responses"] = {"200": {"content": {}}}
    problems = _check(("specs/p/a.json", fragment("/b")), ("specs/p/z.json", document))
    assert problems
    assert all(p.startswith("specs/p/z.json#/paths/~1a/get/responses/200") for p in problems), problems
    assert "'description' is a required property" in problems[0]


def test_errors_from_several_files_are_reported_together_and_sorted(make_provider: MakeProvider) -> None:
    bad_ref = fragment("/a")
    bad_ref["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}
    }
    bad_name = fragment("/b")
    bad_name["components"] = {"schemas": {"a b": {"type": "string"}}}
    specs = make_provider({"z.json": bad_ref, "m.json": bad_name})
    with pytest.raises(SpecError) as error:
        load_valid_spec(specs, "acme")
    files = [d.origin.file for d in error.value.diagnostics]
    assert files == ["specs/acme/m.json", "specs/acme/z.json"]


def test_quirk_is_a_warning_and_strict_makes_it_an_error(make_provider: MakeProvider) -> None:
    document = fragment("/a", consumes=["application/json"])
    specs = make_provider({"a.json": document})
    spec = load_valid_spec(specs, "acme")
    assert [w.format().split("\n")[0] for w in spec.warnings] == [
        "specs/acme/a.json#/paths/~1a/get/consumes: warning: swagger 2.0 key 'consumes' in an openapi 3.x "
        "operation; moved to 'x-consumes'"
    ]
    assert spec.merged.document["paths"]["/a"]["get"]["x-consumes"] == ["application/json"]
    with pytest.raises(SpecError) as error:
        load_valid_spec(specs, "acme", strict=True)
    assert error.value.diagnostics[0].severity == "error"


def test_unknown_keys_are_errors_not_fixed(make_provider: MakeProvider) -> None:
    document = copy.deepcopy(fragment("/a", requestBodyy={}))
    with pytest.raises(SpecError) as error:
        load_valid_spec(make_provider({"a.json": document}), "acme")
    assert "'requestBodyy' was unexpected" in error.value.diagnostics[0].message


# -- openapi-spec-validator by units ------------------------------------------------------------------


def _api(
    summary: str = "A", pet_type: str = "string", pets_default: Any = None
) -> list[tuple[str, dict[str, Any]]]:
    """Three fragments: /a and /b use the Pet component, /c is on its own."""
    pet = {"$ref": "#/components/schemas/Pet"}
    documents = []
    for path in ("/a", "/b", "/c"):
        document = fragment(path)
        operation = document["paths"][path]["get"]
        operation["summary"] = summary if path == "/a" else path
        if path != "/c":
            operation["responses"]["200"]["content"] = {"application/json": {"schema": pet}}
        if path == "/c" and pets_default is not None:
            operation["parameters"] = [
                {"name": "n", "in": "query", "schema": {"type": "integer", "default": pets_default}}
            ]
        documents.append((f"specs/p{path}.json", document))
    documents[0][1]["components"] = {
        "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": pet_type}}}}
    }
    return documents


@pytest.fixture
def validator_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """The paths of every document openapi-spec-validator is run on (an empty cache per test)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    runs: list[list[str]] = []
    real = validate_module._run_spec_validator

    def record(document: dict[str, Any]) -> list[tuple[str, str]]:
        runs.append(sorted(document.get("paths") or {}))
        return real(document)

    monkeypatch.setattr(validate_module, "_run_spec_validator", record)
    return runs


def test_after_a_clean_run_an_edited_operation_is_validated_alone(validator_runs: list[list[str]]) -> None:
    assert _check(*_api()) == []
    assert _check(*_api(summary="edited")) == []
    assert validator_runs == [["/a", "/b", "/c"], ["/a"]]


def test_an_error_in_an_edited_operation_is_found_by_its_unit(validator_runs: list[list[str]]) -> None:
    assert _check(*_api()) == []
    problems = _check(*_api(pets_default="many"))
    assert validator_runs == [["/a", "/b", "/c"], ["/c"]]
    assert problems == _whole_document_problems(_api(pets_default="many"))
    assert len(problems) == 1 and "'many' is not of type 'integer'" in problems[0]


def test_a_changed_component_validates_the_whole_document(validator_runs: list[list[str]]) -> None:
    assert _check(*_api()) == []
    assert _check(*_api(pet_type="integer")) == []
    assert validator_runs == [["/a", "/b", "/c"], ["/a", "/b", "/c"]]


def _whole_document_problems(documents: list[tuple[str, dict[str, Any]]]) -> list[str]:
    merged = merge([Fragment(name, doc) for name, doc in documents])
    return [
        Diagnostic(merged.origin_of(p), m).format()
        for p, m in validate_module._run_spec_validator(merged.document)
    ]
