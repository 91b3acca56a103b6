"""Sync mode of import-spec and import-docs: what the vendor removed is removed, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import fragment


def _spec(*routes: str, description: str = "OK") -> dict[str, Any]:
    document: dict[str, Any] = fragment("/placeholder")
    document["paths"] = {}
    for route in routes:
        method, path = route.split(" ")
        document["paths"].setdefault(path, {})[method.lower()] = {
            "responses": {"200": {"description": description}}
        }
    return document


def _run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--specs-dir", str(tmp_path / "specs"), *args])
    return result.exit_code, result.stdout, result.stderr


def _import_spec(tmp_path: Path, document: dict[str, Any], *options: str) -> tuple[int, str, str]:
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(document))
    return _run(tmp_path, "import-spec", str(whole), "-p", "acme", *options)


def _files(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "specs" / "acme").iterdir())


def test_a_reimport_removes_what_the_vendor_removed_and_says_what_changed(tmp_path: Path) -> None:
    code, out, _ = _import_spec(tmp_path, _spec("GET /a", "GET /b", "DELETE /c"))
    assert code == 0 and out.endswith("from whole.json: 3 added, 0 changed, 0 removed, 0 unchanged\n")
    (tmp_path / "specs" / "acme" / "get_mine.json").write_text(json.dumps(fragment("/mine")))  # by hand
    document = _spec("GET /a", "GET /b", "POST /d")
    document["paths"]["/b"]["get"]["summary"] = "now documented"
    code, out, err = _import_spec(tmp_path, document)
    folder = (tmp_path / "specs" / "acme").as_posix()
    assert (code, err) == (0, "")
    assert out == (
        f"added: {folder}/post_d.json\n"
        f"changed: {folder}/get_b.json\n"
        f"removed: {folder}/delete_c.json\n"
        "operation added: POST /d\n"
        "operation changed: GET /b\n"
        "operation removed: DELETE /c\n"
        f"{folder} from whole.json: 1 added, 1 changed, 1 removed, 1 unchanged\n"
    )
    assert _files(tmp_path) == [".imported.json", "get_a.json", "get_b.json", "get_mine.json", "post_d.json"]
    manifest = json.loads((tmp_path / "specs" / "acme" / ".imported.json").read_text())
    assert manifest == {"sources": {"whole.json": {"files": ["get_a.json", "get_b.json", "post_d.json"]}}}


def test_two_pages_keep_their_own_fragments(tmp_path: Path) -> None:
    def page(name: str, *routes: str) -> Path:
        blocks = "".join(f"\n```json\n{json.dumps(_spec(route))}\n```\n" for route in routes)
        path = tmp_path / name
        path.write_text(f"# {name}\n{blocks}")
        return path

    assert (
        _run(tmp_path, "import-docs", str(page("pets.md", "GET /pets", "POST /pets")), "-p", "acme")[0] == 0
    )
    code, out, _ = _run(tmp_path, "import-docs", str(page("users.md", "GET /users")), "-p", "acme")
    assert code == 0 and "removed" not in out.replace("0 removed", "")
    code, out, _ = _run(tmp_path, "import-docs", str(page("pets.md", "GET /pets")), "-p", "acme")
    assert code == 0 and "operation removed: POST /pets\n" in out and out.count("removed: ") == 2
    assert _files(tmp_path) == [".imported.json", "get_pets.json", "get_users.json"]


def test_no_sync_keeps_everything_and_leaves_the_manifest_alone(tmp_path: Path) -> None:
    _import_spec(tmp_path, _spec("GET /a", "GET /b"))
    manifest = (tmp_path / "specs" / "acme" / ".imported.json").read_bytes()
    code, out, _ = _import_spec(tmp_path, _spec("GET /a"), "--no-sync")
    assert code == 0 and "(not synced: nothing removed, no .imported.json)" in out
    assert "operation removed" not in out
    assert _files(tmp_path) == [".imported.json", "get_a.json", "get_b.json"]
    assert (tmp_path / "specs" / "acme" / ".imported.json").read_bytes() == manifest


def test_a_folder_of_hand_written_fragments_is_not_synced_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "acme"
    folder.mkdir(parents=True)
    (folder / "get_b.json").write_text(json.dumps(_spec("GET /b")))
    code, out, _ = _import_spec(tmp_path, _spec("GET /a"))
    assert code == 0 and "not synced" in out and _files(tmp_path) == ["get_a.json", "get_b.json"]
    code, out, _ = _import_spec(tmp_path, _spec("GET /c"), "--sync")
    assert code == 0 and "removed: " not in out.replace("0 removed", "")  # get_a.json was never recorded
    assert _files(tmp_path) == [".imported.json", "get_a.json", "get_b.json", "get_c.json"]
    code, out, _ = _import_spec(tmp_path, _spec("GET /a"))  # the manifest makes sync the default
    assert code == 0 and f"removed: {folder.as_posix()}/get_c.json\n" in out
    assert _files(tmp_path) == [".imported.json", "get_a.json", "get_b.json"]


def test_a_bad_manifest_is_an_error_naming_it_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "acme"
    folder.mkdir(parents=True)
    (folder / ".imported.json").write_text(
        json.dumps({"sources": {"whole.json": {"files": ["../../x.json"]}}})
    )
    code, out, err = _import_spec(tmp_path, _spec("GET /a"))
    assert code == 2 and out == ""
    assert err.startswith(
        f"{folder.as_posix()}/.imported.json#/sources/whole.json/files/0: '../../x.json' is not a fragment file name"
    )
    assert _files(tmp_path) == [".imported.json"]


def test_a_bad_spec_writes_and_removes_nothing(tmp_path: Path) -> None:
    _import_spec(tmp_path, _spec("GET /a"))
    before = {p.name: p.read_bytes() for p in (tmp_path / "specs" / "acme").iterdir()}
    code, _, err = _import_spec(tmp_path, {"openapi": "2.0", "paths": {}})
    assert code == 2 and "whole.json#/openapi: unsupported OpenAPI version '2.0'" in err
    assert {p.name: p.read_bytes() for p in (tmp_path / "specs" / "acme").iterdir()} == before
