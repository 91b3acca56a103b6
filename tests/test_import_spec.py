"""import-spec: a whole spec splits into one fragment per operation that merge back into it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.pipeline import load_valid_spec
from tests.conftest import ROOT, fragment


def _split_and_merge(document: dict[str, object], tmp_path: Path) -> tuple[list[str], dict[str, object]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(document))
    result = CliRunner().invoke(
        cli, ["--specs-dir", str(tmp_path / "specs"), "import-spec", str(whole), "-p", "p"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "specs" / "p").iterdir() if p.name != ".imported.json")
    return names, load_valid_spec(tmp_path / "specs", "p").merged.document


def test_the_seed_specs_round_trip(tmp_path: Path) -> None:
    for provider in ("mariadb_cloud", "akinon_appmaker"):
        original = load_valid_spec(ROOT / "specs", provider).merged.document
        _, merged = _split_and_merge(original, tmp_path / provider)
        assert merged == original


def test_each_fragment_holds_only_what_its_operation_reaches(tmp_path: Path) -> None:
    document = fragment("/pets/{id}", parameters=[{"$ref": "#/components/parameters/Id"}])
    document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
    }
    document["paths"]["/pets?beta=true"] = {
        "post": {"tags": ["beta"], "responses": {"204": {"description": "ok"}}}
    }
    document["tags"] = [{"name": "beta"}, {"name": "unused"}]
    document["components"] = {
        "schemas": {"Pet": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
                    "Owner": {"type": "object"}, "Orphan": {"type": "string"}},
        "parameters": {"Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}},
    }  # fmt: skip
    names, merged = _split_and_merge(document, tmp_path)
    assert names == ["_shared.json", "get_pets_id.json", "post_pets_beta_true.json"]
    pet = json.loads((tmp_path / "specs" / "p" / "get_pets_id.json").read_text())
    assert sorted(pet["components"]["schemas"]) == ["Owner", "Pet"] and "tags" not in pet
    shared = json.loads((tmp_path / "specs" / "p" / "_shared.json").read_text())
    assert shared["components"] == {"schemas": {"Orphan": {"type": "string"}}} and shared["tags"] == [
        {"name": "unused"}
    ]
    assert merged["components"] == document["components"] | {
        "schemas": dict(sorted(document["components"]["schemas"].items()))
    }
    assert sorted(t["name"] for t in merged["tags"]) == ["beta", "unused"]


def test_tags_of_the_wrong_kind_are_split_as_they_are_not_a_crash(tmp_path: Path) -> None:
    document = fragment("/a", operationId="getA")
    document["paths"]["/a"]["get"]["tags"] = [["x"], "t"]
    document["tags"] = [{"name": ["a"]}, {"name": "t"}]
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(document))
    result = CliRunner().invoke(
        cli, ["--specs-dir", str(tmp_path / "specs"), "import-spec", str(whole), "-p", "p"]
    )
    assert result.exit_code == 0, result.output
    fragments = {p.name: json.loads(p.read_text()) for p in (tmp_path / "specs" / "p").iterdir()}
    assert fragments["_shared.json"]["tags"] == [{"name": ["a"]}]
    assert fragments["get_a.json"]["tags"] == [{"name": "t"}]
    assert fragments["get_a.json"]["paths"]["/a"]["get"]["tags"] == [["x"], "t"]
