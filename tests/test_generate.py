"""generate and check: the committed tree is current, output is deterministic and formatted,
writing is atomic and removes stale files, and the generated packages type-check strictly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.pipeline import build_package
from generator.emit.render import RUNTIME_SOURCE
from generator.emit.write import read_tree, write_tree
from tests.conftest import GENERATED, ROOT

SPECS = ROOT / "specs"
PROVIDERS = ("akinon_appmaker", "mariadb_cloud")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_passes_on_the_committed_tree() -> None:
    code, out, _ = _run("--specs-dir", str(SPECS), "--out-dir", str(GENERATED), "check")
    assert code == 0, out
    assert out.splitlines() == [f"{p}: up to date" for p in PROVIDERS]


def test_generating_twice_gives_identical_bytes(tmp_path: Path) -> None:
    for attempt in ("one", "two"):
        code, _, _ = _run("--specs-dir", str(SPECS), "--out-dir", str(tmp_path / attempt), "generate")
        assert code == 0
    assert read_tree(tmp_path / "one") == read_tree(tmp_path / "two") == read_tree(GENERATED)


def test_check_reports_drift_as_a_unified_diff_and_exit_1(tmp_path: Path) -> None:
    out_dir = tmp_path / "generated"
    shutil.copytree(GENERATED, out_dir)
    api = out_dir / "mariadb_cloud" / "API.md"
    api.write_text(api.read_text().replace("invites", "invitez", 1))
    (out_dir / "mariadb_cloud" / "stale.py").write_text("x = 1\n")
    (out_dir / "akinon_appmaker" / "akinon_appmaker" / "models" / "invitation.py").unlink()
    code, out, err = _run("--specs-dir", str(SPECS), "--out-dir", str(out_dir), "check")
    assert code == 1
    assert f"--- a/{out_dir.as_posix()}/mariadb_cloud/API.md" in out
    assert f"+++ b/{out_dir.as_posix()}/mariadb_cloud/API.md" in out
    assert f"--- a/{out_dir.as_posix()}/mariadb_cloud/stale.py\n+++ /dev/null" in out
    assert (
        f"--- /dev/null\n+++ b/{out_dir.as_posix()}/akinon_appmaker/akinon_appmaker/models/invitation.py"
        in out
    )
    assert "stale; run `make generate`" in err


def test_generate_deletes_files_it_no_longer_produces(tmp_path: Path) -> None:
    out_dir = tmp_path / "generated"
    shutil.copytree(GENERATED, out_dir)
    (out_dir / "mariadb_cloud" / "mariadb_cloud" / "models" / "gone.py").write_text("x = 1\n")
    code, out, _ = _run(
        "--specs-dir", str(SPECS), "--out-dir", str(out_dir), "generate", "-p", "mariadb_cloud"
    )
    assert code == 0 and out.startswith("mariadb_cloud: 0 written, ")
    assert "1 deleted" in out
    assert read_tree(out_dir / "mariadb_cloud") == read_tree(GENERATED / "mariadb_cloud")


def test_a_failure_half_way_leaves_the_previous_tree_intact(tmp_path: Path) -> None:
    target = tmp_path / "generated" / "mariadb_cloud"
    shutil.copytree(GENERATED / "mariadb_cloud", target)
    before = read_tree(target)
    _, _, files = build_package(SPECS, "mariadb_cloud")
    files = {**files, "API.md": "changed\n"}
    with pytest.raises(OSError, match="injected failure after 5 files"):
        write_tree(target, files, fail_after=5)
    assert read_tree(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["mariadb_cloud"]


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    broken = specs / "mariadb_cloud" / "get_organization_v1_invites.json"
    broken.write_text(
        broken.read_text().replace('"#/components/schemas/dto.Invitee"', '"#/components/schemas/dto.Nope"', 1)
    )
    out_dir = tmp_path / "generated"
    shutil.copytree(GENERATED, out_dir)
    code, _, err = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "generate")
    assert code == 2 and "component schemas/dto.Invite differs from the one in" in err
    assert read_tree(out_dir) == read_tree(GENERATED)


def test_writing_outside_the_package_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="refusing to write"):
        write_tree(tmp_path / "p", {"../escape.py": "x = 1\n"})
    assert not (tmp_path / "escape.py").exists()


def test_every_file_starts_with_the_header_and_the_runtime_is_shared() -> None:
    for provider in PROVIDERS:
        tree = read_tree(GENERATED / provider)
        runtime = {name: tree[f"{provider}/_runtime/{name}"].decode() for name in RUNTIME_SOURCE}
        assert runtime == RUNTIME_SOURCE
        assert {n for n in tree if n.startswith(f"{provider}/_runtime/")} == {
            f"{provider}/_runtime/{name}" for name in RUNTIME_SOURCE
        }
        for name, data in tree.items():
            if name.endswith((".py", ".toml")) and "/_runtime/" not in name:
                assert (
                    data.decode().split("\n")[0]
                    == f"# Generated by openapi-fragments from specs/{provider}/. Do not edit."
                )
            elif name.endswith(".md"):
                assert data.decode().startswith(
                    f"<!-- Generated by openapi-fragments from specs/{provider}/."
                )
        assert json.loads(tree["openapi.json"])["paths"]


def test_no_absolute_paths_or_dates_in_the_output() -> None:
    for provider in PROVIDERS:
        for name, data in read_tree(GENERATED / provider).items():
            text = data.decode()
            assert str(ROOT) not in text and "/tmp/" not in text, name
            assert "2026" not in text, name


@pytest.mark.slow
def test_black_check_passes_on_generated() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "black", "--check", "generated/"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("provider", PROVIDERS)
def test_mypy_strict_on_the_generated_package(provider: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", provider],
        cwd=GENERATED / provider, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("Success: no issues found")


@pytest.mark.slow
@pytest.mark.parametrize("provider", PROVIDERS)
def test_pyright_strict_on_the_generated_package(provider: str, tmp_path: Path) -> None:
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"}))
    pyright = Path(sys.executable).parent / "pyright"
    result = subprocess.run(
        [str(pyright), "-p", str(config), "--pythonpath", sys.executable, provider],
        cwd=GENERATED / provider, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert "0 errors, 0 warnings, 0 informations" in result.stdout


@pytest.mark.slow
def test_mypy_strict_on_the_generator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "generator"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_black_check_on_the_generator_and_tests() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "black", "--check", "generator", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_generated_package_is_pip_installable(provider: str, tmp_path: Path) -> None:
    target = tmp_path / "site"
    source = tmp_path / "source"
    shutil.copytree(GENERATED / provider, source)  # building writes build/ beside the sources
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    installed = sorted(p.name for p in (target / provider).iterdir() if p.name != "__pycache__")
    assert installed == sorted(
        p.name for p in (GENERATED / provider / provider).iterdir() if p.name != "__pycache__"
    )
    probe = f"import {provider}, sys; print({provider}.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout.startswith(str(target)), result.stderr


def _with_ignored_entries(target: Path) -> dict[str, bytes]:
    """Put what an editable install, Python and mypy leave in a package folder; return it."""
    extra = {
        "mariadb_cloud.egg-info/PKG-INFO": b"Name: mariadb-cloud\n",
        "mariadb_cloud/__pycache__/_client.cpython-311.pyc": b"\x00pyc",
        "mariadb_cloud/models/__pycache__/invite.cpython-311.pyc": b"\x00pyc",
        ".mypy_cache/3.11/cache.db": b"db",
        ".envrc": b"export ACME=1\n",  # a dot file of the user's (.gitignore at the top is generated)
    }
    for name, data in extra.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(data)
    return extra


def _everything(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_regenerating_keeps_what_the_generator_does_not_write(tmp_path: Path) -> None:
    target = tmp_path / "generated" / "mariadb_cloud"
    shutil.copytree(GENERATED / "mariadb_cloud", target)
    extra = _with_ignored_entries(target)
    gone = target / "mariadb_cloud" / "old" / "__pycache__" / "x.pyc"  # its folder is not generated any more
    gone.parent.mkdir(parents=True)
    gone.write_bytes(b"\x00pyc")
    _, _, files = build_package(SPECS, "mariadb_cloud")
    write_tree(target, {**files, "API.md": "changed\n"})
    after = _everything(target)
    assert {name: after.get(name) for name in extra} == extra
    assert after["API.md"] == b"changed\n" and not gone.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["mariadb_cloud"]


def test_a_failure_just_before_the_swap_puts_everything_back(tmp_path: Path) -> None:
    target = tmp_path / "generated" / "mariadb_cloud"
    shutil.copytree(GENERATED / "mariadb_cloud", target)
    _with_ignored_entries(target)
    before = _everything(target)
    _, _, files = build_package(SPECS, "mariadb_cloud")
    files = {**files, "API.md": "changed\n"}
    with pytest.raises(OSError, match="injected failure before the swap"):
        write_tree(target, files, fail_after=len(files))
    assert _everything(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["mariadb_cloud"]


def test_compiled_templates_are_kept_in_the_cache_folder() -> None:
    """A run loads compiled templates instead of compiling them again (a third of a warm
    ``check`` on the seeds went to compiling templates)."""
    import jinja2

    from generator.emit import render

    cache = render._ENV.bytecode_cache
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    render._ENV.get_template("resource.py.j2")
    assert any(Path(cache.directory).glob("__jinja2_*.cache"))
