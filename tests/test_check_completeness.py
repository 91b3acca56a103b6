"""check cannot be fooled (issue 16 item 2): a provider without its committed package, or a
committed package without its provider, fails check (exit 1) with a message naming it."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import GENERATED, ROOT, fragment


def _workspace(tmp_path: Path) -> tuple[Path, Path]:
    specs, out = tmp_path / "specs", tmp_path / "generated"
    for provider in ("mariadb_cloud", "akinon_appmaker"):
        shutil.copytree(ROOT / "specs" / provider, specs / provider)
        shutil.copytree(GENERATED / provider, out / provider)
    return specs, out


def _check(specs: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--specs-dir", str(specs), "--out-dir", str(out), "check"])
    return result.exit_code, result.stderr


def test_check_passes_on_a_complete_copy(tmp_path: Path) -> None:
    code, stderr = _check(*_workspace(tmp_path))
    assert code == 0 and "no committed package" not in stderr and "no provider folder" not in stderr


def test_a_provider_without_its_package_fails_check(tmp_path: Path) -> None:
    specs, out = _workspace(tmp_path)
    (specs / "acme").mkdir()
    (specs / "acme" / "a.json").write_text(__import__("json").dumps(fragment("/a")))
    code, stderr = _check(specs, out)
    assert code == 1 and "acme: no committed package in" in stderr


def test_a_package_without_its_provider_fails_check(tmp_path: Path) -> None:
    specs, out = _workspace(tmp_path)
    shutil.rmtree(specs / "akinon_appmaker")
    code, stderr = _check(specs, out)
    assert code == 1 and "/akinon_appmaker: a generated package with no provider folder" in stderr


def test_the_pre_commit_hook_runs_check_through_the_installed_command() -> None:
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    command, *arguments = hook["entry"].split()
    assert f'{command} = "generator.cli:main"' in (ROOT / "pyproject.toml").read_text()  # [project.scripts]
    assert arguments == ["check"] and hook["pass_filenames"] is False


def test_cli_conventions_version_quiet_no_color_and_did_you_mean(tmp_path: Path) -> None:
    specs, out = _workspace(tmp_path)
    base = ["--specs-dir", str(specs), "--out-dir", str(out)]
    version = CliRunner().invoke(cli, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("openapi-fragments, version ")
    loud = CliRunner().invoke(cli, [*base, "check", "-p", "mariadb_cloud"])
    quiet = CliRunner().invoke(cli, [*base, "-q", "check", "-p", "mariadb_cloud"])
    assert "warning:" in loud.stderr and quiet.stderr == "" and quiet.exit_code == loud.exit_code == 0
    coloured = CliRunner().invoke(
        cli, [*base, "check", "-p", "mariadb_clod"], color=True, env={"NO_COLOR": ""}
    )
    plain = CliRunner().invoke(cli, [*base, "check", "-p", "mariadb_clod"], color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" in coloured.stderr and "\x1b[" not in plain.stderr
    assert (
        plain.exit_code == 2
        and "no such provider folder\n  hint: did you mean 'mariadb_cloud'?" in plain.stderr
    )
