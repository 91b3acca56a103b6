"""Generation benchmarks: whole processes, timed from the outside, peak RSS from ``wait4``.

Ours is ``python -m generator --specs-dir S --out-dir O generate|check`` on scratch copies under
bench/.work/gen (never specs/ or generated/). *Cold* means an empty format cache (a fresh
``XDG_CACHE_HOME``) and an empty out-dir; *warm* reuses the cache and out-dir of the run before,
either with nothing changed or after editing the ``summary`` of one fragment (a different text
each run). The peers generate from ``python -m generator merge`` of the same fragments; they
keep no cache, so every peer run is a whole generation.

A provider our generator rejects is recorded (exit code, first error lines), never fatal. For the
big specs the operations named in the errors are then left out (their fragments keep their
components, ``paths`` is emptied) until it generates, and the same reduced spec goes to the peer.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peers
from common import PROJECT_PY, ROOT, BIG_SPECS, WORK, Figure, Timed, env_with, run_timed, say, show

GEN = WORK / "gen"
SEED_EDIT = ("mariadb_cloud", "get_organization_v1_invites.json")
MAX_ROUNDS = 4  # leave-out rounds before a big spec is declared ungeneratable


@dataclass
class Failure:
    """A generation that exited non-zero, for the report."""

    what: str
    command: str
    returncode: int
    seconds: float
    first_lines: list[str]

    @classmethod
    def of(cls, what: str, args: list[str], result: Timed) -> Failure:
        return cls(what, show(args), result.returncode, result.seconds, result.first_lines())


@dataclass
class Series:
    """Figures measured side by side, plus what failed and the commands used."""

    figures: dict[str, Figure] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    commands: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, label: str, result: Timed) -> None:
        figure = self.figures.setdefault(key, Figure(label, []))
        figure.runs.append(result.seconds)
        figure.peak_rss_mib.append(result.peak_rss_mib)

    def to_json(self) -> dict[str, Any]:
        return {
            "figures": {key: figure.to_json() for key, figure in self.figures.items()},
            "failures": [vars(failure) for failure in self.failures],
            "commands": self.commands,
            "notes": self.notes,
        }


def ours_args(specs: Path, out: Path, *command: str) -> list[str]:
    return [str(PROJECT_PY), "-m", "generator", "--specs-dir", str(specs), "--out-dir", str(out), *command]


def run_ours(specs: Path, out: Path, cache: Path, *command: str) -> Timed:
    env = env_with(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(cache))
    return run_timed(ours_args(specs, out, *command), cwd=ROOT, env=env)


def fresh(path: Path) -> Path:
    """An empty directory at ``path``."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def edit_summary(fragment: Path, tag: str) -> None:
    """Give the first operation of a JSON fragment a new summary ending in ``[bench edit TAG]``."""
    document = json.loads(fragment.read_text(encoding="utf-8"))
    for item in document["paths"].values():
        for key, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                base = re.sub(r" \[bench edit [^]]*\]$", "", operation.get("summary", ""))
                operation["summary"] = f"{base} [bench edit {tag}]"
                fragment.write_text(
                    json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
                )
                return
    raise ValueError(f"{fragment}: no operation")


# --------------------------------------------------------------------------- seeds


def seeds(runs: int) -> Series:
    """Both seed providers: ours cold / warm unchanged / warm one edit / check, vs opc and OAG."""
    work = fresh(GEN / "seeds")
    specs, out = work / "specs", work / "out"
    shutil.copytree(ROOT / "specs", specs)
    providers = sorted(p.name for p in specs.iterdir() if p.is_dir())
    merged = {p: work / f"{p}.json" for p in providers}
    series = Series()
    for provider, path in merged.items():
        result = peers.merge_spec(provider, path, specs)
        if not result.ok:
            series.failures.append(Failure.of(f"merge {provider}", [], result))
            return series
    _seed_commands(series, specs, out, merged)
    for run in range(runs):
        say(f"generation, seeds: round {run + 1}/{runs}")
        _seed_round(series, specs, out, work / f"cache{run}", run)
        _peer_round(series, merged, work)
    return series


def _seed_commands(series: Series, specs: Path, out: Path, merged: dict[str, Path]) -> None:
    cache = "XDG_CACHE_HOME=bench/.work/gen/seeds/cacheN "
    series.commands["ours"] = cache + show(ours_args(specs, out, "generate"))
    series.commands["ours check"] = cache + show(ours_args(specs, out, "check"))
    first = next(iter(merged.values()))
    series.commands["merged spec"] = show(
        [
            str(PROJECT_PY),
            "-m",
            "generator",
            "--specs-dir",
            str(specs),
            "merge",
            "-p",
            first.stem,
            "-o",
            str(first),
        ]
    )
    series.commands["opc"] = (
        f"{show([str(peers.OPC)])} generate --path {show([str(first)])} --output-path DIR --config CFG"
    )
    series.commands["OAG"] = (
        f"{show([str(peers.OAG)])} generate -g python -i {show([str(first)])} -o DIR --skip-validate-spec "
        "--additional-properties packageName=...,projectName=..."
    )


def _seed_round(series: Series, specs: Path, out: Path, cache: Path, run: int) -> None:
    fresh(cache)
    shutil.rmtree(out, ignore_errors=True)
    steps = [
        ("cold", "ours: cold (empty cache)", "generate"),
        ("warm_same", "ours: warm, nothing changed", "generate"),
        ("warm_one", "ours: warm, one fragment edited", "generate"),
        ("check", "ours: check, warm", "check"),
    ]
    for key, label, command in steps:
        if key == "warm_one":
            edit_summary(specs.joinpath(*SEED_EDIT), f"run {run}")
        result = run_ours(specs, out, cache, command)
        if not result.ok:
            series.failures.append(Failure.of(label, ours_args(specs, out, command), result))
            return
        series.add(key, label, result)


def _peer_round(series: Series, merged: dict[str, Path], work: Path) -> None:
    """opc and OAG once per provider; the figure is the sum over providers (peak: the largest)."""
    for key, label, generate in (("opc", "opc: both providers", peers.opc_generate),
                                 ("oag", "OAG: both providers", peers.oag_generate)):  # fmt: skip
        total, peak = 0.0, 0.0
        for provider, spec in merged.items():
            result = generate(spec, work / f"{key}_{provider}", f"{key}_{provider}")
            if not result.ok:
                series.failures.append(Failure.of(f"{label} ({provider})", [], result))
                return
            total, peak = total + result.seconds, max(peak, result.peak_rss_mib)
        series.add(key, label, Timed(0, total, peak, "", ""))


# --------------------------------------------------------------------------- big specs


def import_spec(name: str, specs: Path) -> Timed:
    """``python -m generator import-spec tests/data/big/NAME-openapi.json -p NAME``."""
    spec = BIG_SPECS / f"{name}-openapi.json"
    args = [
        str(PROJECT_PY),
        "-m",
        "generator",
        "--specs-dir",
        str(specs),
        "import-spec",
        str(spec),
        "-p",
        name,
    ]
    return run_timed(args, cwd=ROOT, env=env_with(PYTHONPATH=str(ROOT)))


def rejected(result: Timed, provider: str) -> set[str]:
    """Fragment files named by the errors (not warnings) of a failed run; never ``_shared.json``."""
    names = set()
    for line in (result.stderr + result.stdout).splitlines():
        match = re.match(rf"^\S*?/{re.escape(provider)}/([^/#:\s]+)[#:]", line)
        if match and "warning:" not in line:
            names.add(match.group(1))
    return names - {"_shared.json"}


def leave_out(folder: Path, names: set[str]) -> None:
    """Empty ``paths`` of these fragments; their components stay, since other files refer to them."""
    for name in names:
        document = json.loads((folder / name).read_text(encoding="utf-8"))
        document["paths"] = {}
        (folder / name).write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def file_operations(path: Path) -> int:
    """Operations in one JSON fragment."""
    paths = json.loads(path.read_text(encoding="utf-8")).get("paths", {})
    return sum(
        1 for item in paths.values() for op in item.values() if isinstance(op, dict) and "responses" in op
    )


def operations(folder: Path) -> int:
    """Operations in a folder of JSON fragments."""
    return sum(file_operations(path) for path in folder.glob("*.json"))


@dataclass
class BigSpec:
    """A big spec prepared for measuring: where it is and what had to be left out."""

    name: str
    specs: Path
    out: Path
    full_operations: int
    operations: int = 0
    left_out: list[str] = field(default_factory=list)
    first_cold: Timed | None = None
    failure: Failure | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "full_operations": self.full_operations,
            "operations": self.operations,
            "left_out": self.left_out,
            "failure": vars(self.failure) if self.failure else None,
        }


def prepare(name: str, reduce: bool) -> BigSpec:
    """Import the spec and try a cold generation; with ``reduce``, leave out rejected operations."""
    work = fresh(GEN / name)
    specs, out = work / "specs", work / "out"
    imported = import_spec(name, specs)
    folder = specs / name
    big = BigSpec(name, specs, out, operations(folder) if imported.ok else 0)
    if not imported.ok:
        big.failure = Failure.of(f"import-spec {name}", [], imported)
        return big
    for _ in range(MAX_ROUNDS):
        shutil.rmtree(out, ignore_errors=True)
        result = run_ours(specs, out, fresh(work / "cache-first"), "generate", "-p", name)
        if result.ok:
            big.first_cold, big.operations = result, operations(folder)
            return big
        if big.failure is None:
            big.failure = Failure.of(
                f"generate {name}", ours_args(specs, out, "generate", "-p", name), result
            )
        names = rejected(result, name) - set(big.left_out)
        if not reduce or not names:
            break
        say(f"{name}: leaving out {len(names)} rejected operation file(s) and retrying")
        leave_out(folder, names)
        big.left_out += sorted(names)
    big.operations = 0
    return big


def edit_target(big: BigSpec) -> Path:
    """The fragment whose summary the warm runs edit: the first one (by name) with an operation."""
    folder = big.specs / big.name
    return next(p for p in sorted(folder.glob("*.json")) if p.name != "_shared.json" and file_operations(p))


def big_spec(big: BigSpec, runs: int) -> Series:
    """Ours cold and warm (one fragment edited) vs opc on the same merged spec, ``runs`` rounds."""
    series = Series()
    work = big.specs.parent
    merged = work / f"{big.name}-merged.json"
    merge = peers.merge_spec(big.name, merged, big.specs)
    if not merge.ok:
        series.notes.append(f"`merge -p {big.name}` failed, so opc got the published spec file")
        merged = BIG_SPECS / f"{big.name}-openapi.json"
    edited = edit_target(big)
    series.commands["ours cold"] = "XDG_CACHE_HOME=<fresh dir> " + show(
        ours_args(big.specs, big.out, "generate", "-p", big.name)
    )
    series.commands["ours warm"] = (
        f"(edit the summary of {edited.name}) then the same with the cache of the cold run"
    )
    series.commands["ours validate"] = show(ours_args(big.specs, big.out, "validate", "-p", big.name))
    series.commands["opc"] = (
        f"{show([str(peers.OPC)])} generate --path {show([str(merged)])} --output-path DIR --config CFG"
    )
    for run in range(runs):
        say(f"generation, {big.name}: round {run + 1}/{runs}")
        cache = work / "cache-first" if run == 0 else fresh(work / f"cache{run}")
        if run == 0 and big.first_cold is not None:
            series.add("cold", "ours: cold", big.first_cold)
        else:
            shutil.rmtree(big.out, ignore_errors=True)
            if not _add_ours(series, big, cache, "cold", "ours: cold"):
                return series
        edit_summary(edited, f"run {run}")
        if not _add_ours(series, big, cache, "warm_one", "ours: warm, one fragment edited"):
            return series
        if not _add_ours(series, big, cache, "validate", "ours: `validate` only (load, merge, validate)"):
            return series
        result = peers.opc_generate(merged, work / "opc", f"opc_{big.name}")
        if not result.ok:
            series.failures.append(Failure.of("opc", [], result))
            return series
        series.add("opc", "opc", result)
    return series


def _add_ours(series: Series, big: BigSpec, cache: Path, key: str, label: str) -> bool:
    command = ("validate",) if key == "validate" else ("generate",)
    args = (*command, "-p", big.name)
    result = run_ours(big.specs, big.out, cache, *args)
    if not result.ok:
        series.failures.append(Failure.of(label, ours_args(big.specs, big.out, *args), result))
        return False
    series.add(key, label, result)
    return True


def package_dirs(big: BigSpec) -> dict[str, Path]:
    """Where the generated big-spec packages are, for the import benchmark (ours, opc)."""
    return {"ours": big.out / big.name, "opc": big.specs.parent / "opc"}
