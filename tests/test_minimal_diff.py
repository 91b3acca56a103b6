"""Minimal diffs: adding or removing one endpoint fragment touches only the files it should.

STYLE.md: adding one endpoint fragment should touch its resource module, any new model files,
the sorted exports, ``API.md`` and ``openapi.json``; nothing else. Each test copies
specs/mariadb_cloud to tmp_path, generates, changes one fragment, regenerates and compares the
two trees file by file (docs/reviewing.md, "Minimal diffs").
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.emit.write import read_tree
from tests.conftest import ROOT

PROVIDER = "mariadb_cloud"
PKG = "mariadb_cloud"
SOURCE = ROOT / "specs" / PROVIDER / "get_organization_v1_invites_invite_id.json"
CREATE = ROOT / "specs" / PROVIDER / "post_organization_v1_invites.json"
Doc = dict[str, Any]


class Workspace:
    """A copy of the provider's specs and a generated tree, both in tmp_path."""

    def __init__(self, tmp_path: Path) -> None:
        self.specs = tmp_path / "specs"
        self.out = tmp_path / "generated"
        shutil.copytree(ROOT / "specs" / PROVIDER, self.specs / PROVIDER)

    def generate(self) -> str:
        result = CliRunner().invoke(
            cli, ["--specs-dir", str(self.specs), "--out-dir", str(self.out), "generate", "-p", PROVIDER]
        )
        assert result.exit_code == 0, result.output
        return result.stdout

    def tree(self) -> dict[str, bytes]:
        return read_tree(self.out / PROVIDER)

    def add(self, name: str, document: Doc) -> None:
        (self.specs / PROVIDER / name).write_text(json.dumps(document, indent=2) + "\n")

    def remove(self, name: str) -> None:
        (self.specs / PROVIDER / name).unlink()


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The files written, created or deleted between two trees, sorted."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def endpoint(path: str, method: str, operation: Doc, schemas: Doc | None = None) -> Doc:
    """A fragment shaped like the vendor's: its own info, servers, security and the components it uses."""
    source = json.loads(SOURCE.read_text())
    components: Doc = {"securitySchemes": source["components"]["securitySchemes"]}
    if schemas:
        components["schemas"] = schemas
    root = {key: source[key] for key in ("openapi", "info", "servers", "security")}
    return {**root, "components": components, "paths": {path: {method: {"tags": ["Invites"], **operation}}}}


def _returns(schema: Doc) -> Doc:
    return {"responses": {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}}


def _ref(name: str) -> Doc:
    return {"$ref": f"#/components/schemas/{name}"}


def summary_fragment() -> Doc:
    """GET /organization/v1/invites/summary: the existing dto.Invite plus one new schema."""
    schemas = copy.deepcopy(
        json.loads(SOURCE.read_text())["components"]["schemas"]
    )  # dto.Invite and its refs
    schemas["dto.InviteSummary"] = {
        "type": "object",
        "properties": {"count": {"type": "integer"}, "latest": _ref("dto.Invite")},
    }
    operation = {"summary": "summarise invitations", **_returns(_ref("dto.InviteSummary"))}
    return endpoint("/organization/v1/invites/summary", "get", operation, schemas)


ADDED = "get_organization_v1_invites_summary.json"
EXPECTED_FOR_SUMMARY = [
    "API.md",
    f"{PKG}/__init__.py",
    f"{PKG}/models/__init__.py",
    f"{PKG}/models/invite_summary.py",
    f"{PKG}/resources/invites.py",
    "names.json",
    "openapi.json",
]


def test_adding_one_endpoint_touches_only_its_files(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    work.generate()
    before = work.tree()
    work.add(ADDED, summary_fragment())
    line = work.generate()
    after = work.tree()
    assert changed(before, after) == EXPECTED_FOR_SUMMARY
    assert f"{PKG}/models/invite_summary.py" not in before
    assert line.endswith("; +1 operation, -0 operations\n")
    assert "- `summary() -> InviteSummary`" in after["API.md"].decode()


def test_removing_that_endpoint_restores_the_previous_tree_byte_for_byte(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    work.generate()
    original = work.tree()
    work.add(ADDED, summary_fragment())
    work.generate()
    with_summary = work.tree()
    work.remove(ADDED)
    line = work.generate()
    assert changed(with_summary, work.tree()) == EXPECTED_FOR_SUMMARY
    assert work.tree() == original
    assert line.endswith("; +0 operations, -1 operation; 1 breaking change (run diff-api for details)\n")


def test_removing_a_seed_fragment_touches_only_its_files(tmp_path: Path) -> None:
    work = Workspace(tmp_path)
    work.generate()
    before = work.tree()
    work.remove("get_public_services_ous_public_key_key_version.json")
    work.generate()
    after = work.tree()
    assert changed(before, after) == [
        "API.md",
        f"{PKG}/__init__.py",
        f"{PKG}/models/__init__.py",
        f"{PKG}/models/pub_key.py",
        f"{PKG}/resources/invites.py",
        "names.json",
        "openapi.json",
    ]
    assert f"{PKG}/models/pub_key.py" in before and f"{PKG}/models/pub_key.py" not in after


# Known cases where one new endpoint touches files that belong to others (docs/reviewing.md).


def _touched_by_adding(tmp_path: Path, name: str, document: Doc) -> list[str]:
    work = Workspace(tmp_path)
    work.generate()
    before = work.tree()
    work.add(name, document)
    work.generate()
    return changed(before, work.tree())


def test_an_inline_schema_identical_to_another_endpoints_gets_its_own_class(tmp_path: Path) -> None:
    """The new endpoint adds InvitesBulkRequestItem; InvitesCreateRequestItem and its users stay."""
    create = json.loads(CREATE.read_text())["paths"]["/organization/v1/invites"]["post"]
    operation = {
        "summary": "bulk",
        "requestBody": create["requestBody"],
        "responses": {"204": {"description": "OK"}},
    }
    document = endpoint("/organization/v1/invites/bulk", "post", operation)
    touched = _touched_by_adding(tmp_path, "post_organization_v1_invites_bulk.json", document)
    assert touched == ["API.md", f"{PKG}/__init__.py", f"{PKG}/models/__init__.py",
                       f"{PKG}/models/invites_bulk_request_item.py", f"{PKG}/resources/invites.py", "names.json",
                       "openapi.json"]  # fmt: skip


def test_a_new_component_with_a_known_last_segment_leaves_existing_classes_alone(tmp_path: Path) -> None:
    """``audit.Invite`` next to ``dto.Invite``: the established ``Invite`` stays (names.json), the
    newcomer is ``AuditInvite`` with a warning naming both; nothing existing is renamed."""
    schemas = {"audit.Invite": {"type": "object", "properties": {"at": {"type": "integer"}}}}
    parameters = [{"name": "invite_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    operation = {"summary": "audit", "parameters": parameters, **_returns(_ref("audit.Invite"))}
    document = endpoint("/organization/v1/invites/{invite_id}/audit", "get", operation, schemas)
    space = Workspace(tmp_path)
    space.generate()
    before = space.tree()
    space.add("get_organization_v1_invites_invite_id_audit.json", document)
    result = CliRunner().invoke(
        cli, ["--specs-dir", str(space.specs), "--out-dir", str(space.out), "generate"]
    )
    assert result.exit_code == 0, result.output
    assert ("warning: schemas 'dto.Invite' and 'audit.Invite' all map to the class 'Invite'; named "
            "'audit.Invite' -> 'AuditInvite'") in result.stderr  # fmt: skip
    assert changed(before, space.tree()) == [
        "API.md",
        f"{PKG}/__init__.py",
        f"{PKG}/models/__init__.py",
        f"{PKG}/models/audit_invite.py",
        f"{PKG}/resources/invites.py",
        "names.json",
        "openapi.json",
    ]
    names = json.loads(space.tree()["names.json"])["schemas"]
    assert names["dto.Invite"] == "Invite" and names["audit.Invite"] == "AuditInvite"


def test_a_new_get_method_leaves_the_readme_alone(tmp_path: Path) -> None:
    """The README example comes from provider.yaml, not from the first GET in sorted order."""
    array = {"type": "array", "items": _ref("dto.Invite")}
    schemas = copy.deepcopy(json.loads(SOURCE.read_text())["components"]["schemas"])
    document = endpoint(
        "/organization/v1/invites/audit", "get", {"summary": "audit", **_returns(array)}, schemas
    )
    touched = _touched_by_adding(tmp_path, "get_organization_v1_invites_audit.json", document)
    assert touched == ["API.md", f"{PKG}/resources/invites.py", "names.json", "openapi.json"]
