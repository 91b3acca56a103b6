"""A hostile pull request against the generator: symlinks, paths, deep or huge specs, odd numbers.

The generator runs in CI on pull requests, so everything below the specs folder and the generated
tree may be written by an attacker. Each case must end in exit code 0 with a correct package, or
exit code 2 with a message naming the file (and JSON pointer), never a traceback, never a read or
write through a symbolic link, never a write outside ``generated/<provider>/`` or
``specs/<provider>/``. An internal error that is nobody's input exits 3 and asks for a report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.diagnostics import SpecError
from generator.pipeline import build_package
from tests.conftest import ROOT, MakeProvider, fragment

SECRET = "[credential]\n\ttoken = SECRET-TOKEN-1234\n"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _snapshot(root: Path) -> dict[str, bytes | str | None]:
    """Every path below ``root`` without following links: bytes, a link's target, or None for a folder."""
    found: dict[str, bytes | str | None] = {}
    for directory, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = Path(directory) / name
            key = path.relative_to(root).as_posix()
            found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else (
                path.read_bytes() if path.is_file() else None)  # fmt: skip
    return found


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout: specs/acme with one valid fragment, generated/, and a .git/config holding a token."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(SECRET)
    (tmp_path / "specs" / "acme").mkdir(parents=True)
    (tmp_path / "specs" / "acme" / "a.json").write_text(json.dumps(fragment("/a", operationId="getA")))
    (tmp_path / "generated").mkdir()
    return tmp_path


def _cli(repo: Path, *args: str) -> tuple[int, str, str]:
    return _run("--specs-dir", str(repo / "specs"), "--out-dir", str(repo / "generated"), *args)


# -- 1. symbolic links --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "generate", "diff-api"])
def test_a_generated_provider_folder_that_is_a_symlink_is_refused(repo: Path, command: str) -> None:
    (repo / "generated" / "acme").symlink_to(repo / ".git")
    before = _snapshot(repo)
    code, stdout, stderr = _cli(repo, command, "-p", "acme")
    assert (code, stdout) == (2, "") and "SECRET" not in stderr
    assert stderr.startswith(f"{repo.as_posix()}/generated/acme#: a symbolic link; refusing to read or write "
                             "through it\n")  # fmt: skip
    assert _snapshot(repo) == before


@pytest.mark.parametrize("command", ["check", "generate"])
def test_a_symlinked_file_inside_the_generated_tree_is_never_read(repo: Path, command: str) -> None:
    assert _cli(repo, "generate", "-p", "acme")[0] == 0
    target = repo / "generated" / "acme" / "API.md"
    target.unlink()
    target.symlink_to(repo / ".git" / "config")
    before = _snapshot(repo)
    code, stdout, stderr = _cli(repo, command, "-p", "acme")
    assert (code, stdout) == (2, "") and "SECRET" not in stderr
    assert stderr.startswith(f"{target.as_posix()}#: a symbolic link; refusing to read or write through it\n")
    assert _snapshot(repo) == before


@pytest.mark.parametrize("name", [".acme.new", ".acme.old", "."])
def test_a_planted_staging_backup_or_out_dir_link_is_refused(repo: Path, name: str) -> None:
    assert _cli(repo, "generate", "-p", "acme")[0] == 0
    (repo / "specs" / "acme" / "b.json").write_text(json.dumps(fragment("/b", operationId="getB")))
    elsewhere = repo / "elsewhere"
    elsewhere.mkdir()
    if name == ".":
        (repo / "generated").rename(repo / "real")
        (repo / "generated").symlink_to(repo / "real")
        link = repo / "generated"
    else:
        link = repo / "generated" / name
        link.symlink_to(elsewhere)
    before = _snapshot(repo)
    code, stdout, stderr = _cli(repo, "generate", "-p", "acme")
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"{link.as_posix()}#: a symbolic link; refusing to read or write through it\n")
    assert _snapshot(repo) == before


def test_generate_does_not_move_files_out_of_a_symlinked_target(repo: Path) -> None:
    (repo / ".git" / "hooks").mkdir()
    (repo / ".git" / ".keep").write_text("x")
    (repo / "generated" / "acme").symlink_to(repo / ".git")
    before = _snapshot(repo)
    assert _cli(repo, "generate", "-p", "acme")[0] == 2
    assert _snapshot(repo) == before


def test_a_fragment_that_links_outside_specs_is_refused(repo: Path) -> None:
    (repo / "specs" / "acme" / "b.json").symlink_to(repo / ".git" / "config")
    code, stdout, stderr = _cli(repo, "validate", "-p", "acme")
    assert (code, stdout) == (2, "") and "SECRET" not in stderr
    assert stderr == (
        "specs/acme/b.json#: a symbolic link to a file outside specs/\n"
        "  hint: copy it into specs/ instead\n1 error\n"
    )


def test_a_provider_folder_or_settings_file_that_links_outside_specs_is_refused(repo: Path) -> None:
    outside = repo / "outside"
    outside.mkdir()
    (outside / "a.json").write_text(json.dumps(fragment("/a")))
    (repo / "specs" / "evil").symlink_to(outside)
    (repo / "specs" / "acme" / "provider.yaml").symlink_to(repo / ".git" / "config")
    code, _, stderr = _cli(repo, "validate")
    assert code == 2 and "SECRET" not in stderr
    assert stderr == (
        "specs/acme/provider.yaml#: a symbolic link to a file outside specs/\n"
        "  hint: copy it into specs/ instead\n"
        "specs/evil#: a symbolic link to a folder outside specs/\n"
        "  hint: copy it into specs/ instead\n2 errors\n"
    )


def test_a_fragment_linked_from_inside_specs_is_still_read(repo: Path) -> None:
    (repo / "specs" / "shared").mkdir()
    (repo / "specs" / "shared" / "b.json").write_text(json.dumps(fragment("/b", operationId="getB")))
    (repo / "specs" / "acme" / "b.json").symlink_to(repo / "specs" / "shared" / "b.json")
    code, stdout, _ = _cli(repo, "validate", "-p", "acme")
    assert (code, stdout) == (0, "ok: acme: 2 paths, 2 operations\n")


# -- 2. import-spec and import-docs validate -p ------------------------------------------------------


@pytest.mark.parametrize("command", ["import-spec", "import-docs"])
@pytest.mark.parametrize("provider", ["../../x", "ABSOLUTE", "a/b", ".hidden"])
def test_import_commands_validate_the_provider_name(repo: Path, command: str, provider: str) -> None:
    source = repo / ("whole.json" if command == "import-spec" else "page.md")
    document = json.dumps(fragment("/a", operationId="getA"))
    source.write_text(document if command == "import-spec" else f"# A\n\n```json\n{document}\n```\n")
    provider = str(repo / "abs") if provider == "ABSOLUTE" else provider
    before = _snapshot(repo)
    code, stdout, stderr = _run("--specs-dir", str(repo / "specs"), command, str(source), "-p", provider)
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"specs/{provider}#: provider name {provider!r} is not a plain folder name\n")
    assert _snapshot(repo) == before


def test_import_spec_does_not_write_through_a_symlinked_provider_folder(repo: Path) -> None:
    whole = repo / "whole.json"
    whole.write_text(json.dumps(fragment("/a", operationId="getA")))
    (repo / "specs" / "evil").symlink_to(repo / ".git")
    before = _snapshot(repo)
    code, _, stderr = _run("--specs-dir", str(repo / "specs"), "import-spec", str(whole), "-p", "evil")
    assert code == 2
    assert stderr.startswith(f"{repo.as_posix()}/specs/evil#: a symbolic link; refusing to read or write")
    assert _snapshot(repo) == before


# -- 3. I/O errors are messages -----------------------------------------------------------------------


def test_an_out_dir_that_is_a_file_is_an_error(repo: Path) -> None:
    (repo / "generated").rmdir()
    (repo / "generated").write_text("not a folder")
    code, stdout, stderr = _cli(repo, "generate", "-p", "acme")
    assert (code, stdout) == (2, "")
    assert stderr == (f"{repo.as_posix()}/generated/acme#: cannot write {repo.as_posix()}/generated/.acme.new: "
                      "Not a directory\n1 error\n")
    assert (repo / "generated").read_text() == "not a folder"


def test_merge_output_naming_a_folder_is_an_error(repo: Path) -> None:
    code, stdout, stderr = _cli(repo, "merge", "-p", "acme", "-o", str(repo / "generated"))
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"{repo.as_posix()}/generated#: cannot write {repo.as_posix()}/.generated.")
    assert stderr.endswith(": Is a directory\n1 error\n")
    assert list((repo / "generated").iterdir()) == []
