"""The peers: install them into bench/.peers/venv and generate their clients from our merged specs.

* openapi-python-client (opc): httpx + attrs clients, `openapi-python-client generate`.
* OpenAPI Generator (OAG), `python` generator: urllib3 + pydantic clients. The PyPI package
  openapi-generator-cli ships the jar inside its wheel and runs it with the system `java`, so once
  pip has installed it nothing else is fetched.

Both get the spec that ``python -m generator merge -p PROVIDER`` prints: the fragments merged,
with our quirk fixes applied, i.e. the same API our generator turns into code.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from common import (
    PEERS,
    PEERS_PY,
    PEERS_VENV,
    PROJECT_PY,
    ROOT,
    WORK,
    Timed,
    env_with,
    peers_env,
    run_timed,
    say,
)

REQUIREMENTS = ROOT / "bench" / "requirements-peers.txt"
CONSTRAINTS = ROOT / "constraints.txt"
STAMP = PEERS_VENV / ".installed"
OPC = PEERS_VENV / "bin" / "openapi-python-client"
OAG = PEERS_VENV / "bin" / "openapi-generator-cli"
CLIENTS = WORK / "clients"


def _wanted_stamp() -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + CONSTRAINTS.read_bytes()).hexdigest()
    return f"{sys.version_info[:3]} {digest}"


def ensure_installed() -> None:
    """Create or refresh the bench venv when the requirements (or the constraints) changed."""
    if STAMP.is_file() and STAMP.read_text() == _wanted_stamp() and PEERS_PY.exists():
        return
    say(f"installing the peers into {PEERS_VENV.relative_to(ROOT)} (once)")
    PEERS.mkdir(parents=True, exist_ok=True)
    if not PEERS_PY.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEERS_VENV)], check=True)
    pip = [str(PEERS_PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-c", str(CONSTRAINTS), "-r", str(REQUIREMENTS)], check=True)
    STAMP.write_text(_wanted_stamp())


def merge_spec(provider: str, out: Path, specs_dir: Path | None = None) -> Timed:
    """``python -m generator merge -p PROVIDER -o OUT`` (from ``specs_dir``, default specs/)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [str(PROJECT_PY), "-m", "generator"]
    if specs_dir is not None:
        args += ["--specs-dir", str(specs_dir)]
    args += ["merge", "-p", provider, "-o", str(out)]
    return run_timed(args, cwd=ROOT, env=env_with(PYTHONPATH=str(ROOT)))


def opc_generate(spec: Path, out: Path, package: str) -> Timed:
    """openapi-python-client, whole process (including its ruff post-hooks), into ``out/package``."""
    shutil.rmtree(out, ignore_errors=True)
    config = out.parent / f"{out.name}.opc.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"project_name_override: {out.name}\npackage_name_override: {package}\n")
    args = [str(OPC), "generate", "--path", str(spec), "--output-path", str(out), "--config", str(config)]
    return run_timed(args, cwd=out.parent, env=peers_env())


def oag_generate(spec: Path, out: Path, package: str) -> Timed:
    """OpenAPI Generator's ``python`` generator, whole process (JVM start included)."""
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    properties = f"packageName={package},projectName={package.replace('_', '-')}"
    args = [str(OAG), "generate", "-g", "python", "-i", str(spec), "-o", str(out)]
    args += ["--skip-validate-spec", "--additional-properties", properties]
    return run_timed(args, cwd=out.parent, env=peers_env())


def build_clients() -> dict[str, Path]:
    """MariaDB clients for the decode, call and import benchmarks: ``{name: directory for sys.path}``.

    Ours is a copy of the committed generated/mariadb_cloud package, so that a regeneration by
    someone else during the run cannot change it half-way.
    """
    shutil.rmtree(CLIENTS, ignore_errors=True)
    ours = CLIENTS / "ours"
    shutil.copytree(ROOT / "generated" / "mariadb_cloud" / "mariadb_cloud", ours / "mariadb_cloud")
    spec = CLIENTS / "mariadb_cloud.json"
    _check(merge_spec("mariadb_cloud", spec), "merge -p mariadb_cloud")
    _check(opc_generate(spec, CLIENTS / "opc_mariadb", "opc_mariadb"), "openapi-python-client")
    _check(oag_generate(spec, CLIENTS / "oag_mariadb", "oag_mariadb"), "openapi-generator-cli")
    return {"ours": ours, "opc": CLIENTS / "opc_mariadb", "oag": CLIENTS / "oag_mariadb"}


def _check(result: Timed, what: str) -> None:
    if not result.ok:
        raise RuntimeError(f"{what} failed ({result.returncode}): " + "\n".join(result.first_lines(20)))


def versions() -> dict[str, str]:
    """Versions of every tool and library the figures depend on."""
    found = {
        "openapi-fragments (ours)": _project_version(),
        "openapi-python-client": _output([str(OPC), "--version"]).split()[-1],
        "openapi-generator-cli (OpenAPI Generator)": _output([str(OAG), "version"]).strip(),
        "java": _output(["java", "-version"]).splitlines()[0],
    }
    script = (
        "import importlib.metadata as m\n"
        "for n in ('httpx','msgspec','attrs','pydantic','urllib3','ruff','matplotlib'):\n"
        "    print(n, m.version(n))\n"
    )
    for line in _output([str(PEERS_PY), "-c", script]).splitlines():
        name, version = line.split()
        found[f"{name} (bench venv)"] = version
    black = _output([str(PROJECT_PY), "-c", "import importlib.metadata as m; print(m.version('black'))"])
    found["black (project venv, used by our generator)"] = black.strip()
    return found


def _project_version() -> str:
    commit = _output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip()
    dirty = _output(["git", "-C", str(ROOT), "status", "--porcelain", "--", "generator", "templates"])
    return f"commit {commit}" + (
        " + uncommitted changes to generator/ or templates/" if dirty.strip() else ""
    )


def _output(args: list[str]) -> str:
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    return proc.stdout or proc.stderr
