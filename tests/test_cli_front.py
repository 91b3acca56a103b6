"""The front half of the CLI on the seed providers: validate, merge, import-docs, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from openapi_spec_validator import validate as validate_with_library

from generator.cli import cli
from tests.conftest import AKINON_PAGE, MARIADB_PAGE, ROOT, MakeProvider, fragment

SPECS = ROOT / "specs"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_seed_providers_validate_with_the_two_documented_quirk_warnings() -> None:
    code, out, err = _run("--specs-dir", str(SPECS), "validate")
    assert code == 0
    assert out.splitlines() == [
        "ok: akinon_appmaker: 2 paths, 3 operations",
        "ok: mariadb_cloud: 5 paths, 8 operations",
    ]
    warnings = [line for line in err.splitlines() if "warning:" in line]
    assert warnings == [
        "specs/mariadb_cloud/get_organization_v1_invites.json#/paths/~1organization~1v1~1invites/get/consumes: "
        "warning: swagger 2.0 key 'consumes' in an openapi 3.x operation; moved to 'x-consumes'",
        "specs/mariadb_cloud/post_organization_v1_invites_check.json#/paths/~1organization~1v1~1invites~1check/"
        "post/consumes: warning: swagger 2.0 key 'consumes' in an openapi 3.x operation; moved to 'x-consumes'",
    ]


def test_strict_turns_the_quirks_into_errors_with_exit_2() -> None:
    code, _, err = _run("--specs-dir", str(SPECS), "validate", "--strict", "-p", "mariadb_cloud")
    assert code == 2
    assert err.count("swagger 2.0 key 'consumes'") == 2 and err.rstrip().endswith("2 errors")


def _count(document: dict[str, object]) -> tuple[int, int]:
    paths = document["paths"]
    assert isinstance(paths, dict)
    return len(paths), sum(
        1 for item in paths.values() for key in item if key in {"get", "post", "put", "delete"}
    )


def test_merge_gives_the_expected_paths_and_operations_and_each_passes_the_validator(tmp_path: Path) -> None:
    expected = {"mariadb_cloud": (5, 8), "akinon_appmaker": (2, 3)}
    for provider, counts in expected.items():
        output = tmp_path / f"{provider}.json"
        code, _, _ = _run("--specs-dir", str(SPECS), "merge", "-p", provider, "-o", str(output))
        assert code == 0
        document = json.loads(output.read_text())
        assert _count(document) == counts
        validate_with_library(document)


def test_merge_to_stdout_is_json() -> None:
    code, out, _ = _run("--specs-dir", str(SPECS), "merge", "-p", "akinon_appmaker")
    assert code == 0 and json.loads(out)["info"]["title"] == "AppMaker API - OAS 3.0"


def test_bad_input_exits_2_and_names_file_and_pointer(make_provider: MakeProvider) -> None:
    document = fragment("/a")
    document["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}
    }
    specs = make_provider({"a.json": document})
    code, out, err = _run("--specs-dir", str(specs), "validate")
    assert code == 2 and out == ""
    assert err.startswith(
        "specs/acme/a.json#/paths/~1a/get/responses/200/content/application~1json/schema/$ref: "
    )
    assert err.rstrip().endswith("1 error")


def test_import_docs_recreates_the_committed_specs_byte_for_byte(tmp_path: Path) -> None:
    for page, provider in ((MARIADB_PAGE, "mariadb_cloud"), (AKINON_PAGE, "akinon_appmaker")):
        code, out, _ = _run("--specs-dir", str(tmp_path), "import-docs", str(page), "-p", provider)
        assert code == 0
        imported = sorted(p.name for p in (tmp_path / provider).iterdir() if p.name != ".imported.json")
        committed = sorted(p.name for p in (SPECS / provider).glob("*.json"))
        assert imported == committed
        for name in imported:
            assert (tmp_path / provider / name).read_bytes() == (SPECS / provider / name).read_bytes()
        assert (
            out.count("\nadded: ") + out.startswith("added: ") == len(imported)
            and "operation added: GET " in out
        )
        code, out, _ = _run("--specs-dir", str(tmp_path), "import-docs", str(page), "-p", provider)
        assert code == 0 and out == (
            f"{tmp_path.as_posix()}/{provider} from {page.name}: 0 added, 0 changed, 0 removed, "
            f"{len(imported)} unchanged\n"
        )


def test_import_docs_file_names() -> None:
    assert sorted(p.name for p in (SPECS / "akinon_appmaker").glob("*.json")) == [
        "get_organizations_organization_id_invitations.json",
        "get_public_invitations_token_check.json",
        "post_organizations_organization_id_invitations.json",
    ]


def test_import_docs_on_a_page_without_fragments_fails(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('# Nothing here\n\n```json\n{"id": 1}\n```\n')
    code, _, err = _run("--specs-dir", str(tmp_path / "specs"), "import-docs", str(page), "-p", "x")
    assert code == 2 and "page.md#: warning: no OpenAPI document in this page" in err
    assert not (tmp_path / "specs").exists()


def test_a_whole_page_works_as_a_fragment(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "akinon"
    folder.mkdir(parents=True)
    shutil.copy(AKINON_PAGE, folder / "invitation.md")
    code, out, _ = _run("--specs-dir", str(tmp_path / "specs"), "validate")
    assert code == 0 and out == "ok: akinon: 2 paths, 3 operations\n"


def test_help_everywhere() -> None:
    for command in (
        [],
        ["validate"],
        ["merge"],
        ["import-docs"],
        ["import-spec"],
        ["update"],
        ["new"],
        ["init"],
    ):
        code, out, _ = _run(*command, "--help")
        assert code == 0 and "Usage:" in out


def test_python_dash_m_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--specs-dir", str(SPECS), "validate", "-p", "akinon_appmaker"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout == "ok: akinon_appmaker: 2 paths, 3 operations\n"
    assert "\x1b[" not in result.stderr
