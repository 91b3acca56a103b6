"""``make bench``: run every benchmark side by side with the peers and write docs/benchmarks.md.

Stages, in order: install the peers (bench/.peers/venv, once), build the MariaDB clients, decode,
per-call overhead, import time, generation (seeds, then the big specs), the scaling plot, and
cProfile reports for the targets that were missed. Raw results go to bench/.work/results.json.
``--only STAGE`` (repeatable) runs a part, for working on the bench itself; the report then says
which stages did not run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generation  # noqa: E402
import imports  # noqa: E402
import peers  # noqa: E402
import profiles  # noqa: E402
import report  # noqa: E402
import scaling  # noqa: E402
from common import PEERS_PY, ROOT, WORK, machine, run_json, say, show  # noqa: E402

STAGES = ("decode", "calls", "imports", "seeds", "big", "scaling", "profiles")
BIG_SPECS = ("openai", "discord", "box")  # the first is measured; the others get a status line
PNG = ROOT / "docs" / "generation-time.png"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per generation figure (default 5)")
    parser.add_argument("--decode-runs", type=int, default=9)
    parser.add_argument("--call-runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=10_000, help="calls per run on MockTransport")
    parser.add_argument(
        "--loopback-calls", type=int, default=4_000, help="calls per run on the loopback server"
    )
    parser.add_argument("--import-runs", type=int, default=11)
    parser.add_argument("--scale-runs", type=int, default=1, help="runs per subset point of the plot")
    parser.add_argument("--only", action="append", choices=STAGES, help="run only these stages")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the report from bench/.work/results.json"
    )
    return parser.parse_args()


class Bench:
    """Runs the stages and keeps their results (saved after each stage)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stages = set(args.only or STAGES)
        settings = {k: v for k, v in vars(args).items() if k not in ("report", "render_only")}
        self.results: dict[str, Any] = {"settings": settings}
        self.clients: dict[str, Path] = {}
        self.big: generation.BigSpec | None = None
        self.big_series: generation.Series | None = None

    def save(self) -> None:
        WORK.mkdir(parents=True, exist_ok=True)
        (WORK / "results.json").write_text(json.dumps(self.results, indent=1, default=str), encoding="utf-8")

    def run(self) -> None:
        start = time.perf_counter()
        self.results["machine"] = machine()
        self.results["load_start"] = os.getloadavg()
        peers.ensure_installed()
        self.results["versions"] = peers.versions()
        say("building the MariaDB clients (ours: copy of generated/; peers: from the merged spec)")
        self.clients = peers.build_clients()
        for stage in STAGES:
            if stage in self.stages:
                self._stage(stage)
                self.save()
        self.results["load_end"] = os.getloadavg()
        self.results["duration"] = time.perf_counter() - start
        self.results["stages_run"] = [s for s in STAGES if s in self.stages]
        self.save()

    def _stage(self, stage: str) -> None:
        """Run one stage; an exception is recorded for the report instead of ending the bench."""
        try:
            getattr(self, f"stage_{stage}")()
        except Exception as exc:  # noqa: BLE001 - any failure of a stage is reported, not fatal
            say(f"stage {stage} failed: {exc!r}")
            detail = "".join(traceback.format_exception(exc)[-3:])
            self.results.setdefault("errors", {})[stage] = detail[-3000:]

    def _paths(self) -> list[str]:
        return [arg for path in self.clients.values() for arg in ("--path", str(path))]

    def stage_decode(self) -> None:
        say("decode: 10,000 invites")
        args = [str(PEERS_PY), "bench/decode.py", "--runs", str(self.args.decode_runs), *self._paths()]
        self.results["decode"] = run_json(args)
        self.results["decode"]["command"] = show(args)

    def stage_calls(self) -> None:
        a = self.args
        say(
            f"calls: {a.call_runs} runs per client of {a.calls} (mock) and {a.loopback_calls} (loopback) calls"
        )
        args = [str(PEERS_PY), "bench/calls.py", "--runs", str(a.call_runs), "--calls", str(a.calls)]
        args += ["--loopback-calls", str(a.loopback_calls)]
        self.results["calls"] = run_json([*args, *self._paths()], timeout=3600)
        self.results["calls"]["command"] = show([*args, *self._paths()])

    def stage_imports(self) -> None:
        say("imports: MariaDB packages")
        figures, failed = imports.measure(imports.mariadb_cases(self.clients), self.args.import_runs)
        self.results["imports"] = {
            "mariadb": [f.to_json() for f in figures],
            "mariadb_failures": failed,
            "command": imports.COMMAND,
        }

    def stage_seeds(self) -> None:
        self.results["seeds"] = generation.seeds(self.args.runs).to_json()

    def stage_big(self) -> None:
        """The first big spec is measured; the others are tried only when it needs operations left out."""
        statuses: list[dict[str, Any]] = []
        for index, name in enumerate(BIG_SPECS):
            if index > 0 and statuses[0]["failure"] is None:
                break
            say(f"generation, {name}: import-spec and a first cold run")
            big = generation.prepare(name, reduce=index == 0)
            first = big.first_cold.seconds if big.first_cold else None
            statuses.append(big.to_json() | {"first_cold_seconds": first})
            self.results["big_status"] = statuses
            if index == 0 and big.first_cold is not None:
                self.big, self.big_series = big, generation.big_spec(big, self.args.runs)
                self.results["big"] = {"spec": big.to_json(), "series": self.big_series.to_json()}
                self._import_big(big)

    def _import_big(self, big: generation.BigSpec) -> None:
        dirs = generation.package_dirs(big)
        opc = dirs["opc"] if (dirs["opc"] / f"opc_{big.name}").is_dir() else None
        cases = imports.big_cases(big.name, dirs["ours"], opc)
        say(f"imports: {big.name} packages")
        figures, failed = imports.measure(cases, max(5, self.args.import_runs // 2))
        self.results.setdefault("imports", {}).update(
            {"big": [f.to_json() for f in figures], "big_failures": failed}
        )

    def stage_scaling(self) -> None:
        if self.big is None or self.big_series is None:
            self.results["scaling"] = {"skipped": "no big spec generated, so no subsets to plot"}
            return
        data = scaling.measure(self.big, self.big_series, self.args.scale_runs)
        data["title"] = f"Generation time vs operations: {self.big.name} spec subsets, cold"
        data["notes"] = report.scaling_notes(self.big.to_json(), data)
        self.results["scaling"] = data
        source = WORK / "scaling.json"
        source.write_text(json.dumps(data), encoding="utf-8")
        run_json_free([str(PEERS_PY), "bench/plot.py", str(source), str(PNG)])
        self.results["scaling"]["png"] = str(PNG.relative_to(ROOT))

    def stage_profiles(self) -> None:
        for stale in (ROOT / "docs").glob("profile-*.txt"):
            stale.unlink()
        missed = report.missed_targets(self.results)
        written: dict[str, str] = {}
        for key in missed:
            say(f"profiling the missed target: {key}")
            try:
                path = self._profile(key)
            except RuntimeError as exc:
                written[key] = f"profiling failed: {exc}"
                continue
            if path is not None:
                written[key] = str(path.relative_to(ROOT))
        self.results["profiles"] = written

    def _profile(self, key: str) -> Path | None:
        if key == "calls":
            return profiles.profile_calls(list(self.clients.values()))
        if key == "imports":
            return profiles.profile_imports("mariadb_cloud", self.clients["ours"])
        if key == "imports_big" and self.big is not None:
            return profiles.profile_imports(self.big.name, generation.package_dirs(self.big)["ours"])
        if key == "check" and "seeds" in self.results:
            specs, out = generation.GEN / "seeds" / "specs", generation.GEN / "seeds" / "out"
            cache = generation.GEN / "seeds" / f"cache{self.args.runs - 1}"  # the last round's, warm
            title = "`check` on the seed providers, warm format cache"
            return profiles.profile_generator(
                "check-seeds", title, generation.ours_args(specs, out, "check")[3:], cache
            )
        if key in ("big_cold", "big_warm") and self.big is not None:
            return self._profile_big(key, self.big)
        return None

    def _profile_big(self, key: str, big: generation.BigSpec) -> Path:
        if key == "big_cold":
            # A 100-operation subset keeps the profiler's overhead affordable; cProfile sees the main
            # process only, so black's worker processes show up as waiting on a lock.
            files = scaling.fragments_with_operations(big.specs / big.name)
            specs = scaling.subset(big, files, 100)
            out = specs.parent / "profile-out"
            shutil.rmtree(out, ignore_errors=True)
            args = generation.ours_args(specs, out, "generate", "-p", big.name)[3:]
            title = (
                f"`generate -p {big.name}` cold (empty format cache), first {min(100, len(files))} operations"
            )
            return profiles.profile_generator(
                f"{big.name}-cold", title, args, generation.fresh(specs.parent / "profile-cache")
            )
        args = generation.ours_args(big.specs, big.out, "generate", "-p", big.name)[3:]
        cache = big.specs.parent / (f"cache{self.args.runs - 1}" if self.args.runs > 1 else "cache-first")
        generation.edit_summary(generation.edit_target(big), "profile")
        title = f"`generate -p {big.name}`, warm, one fragment edited (all {big.operations} operations)"
        return profiles.profile_generator(f"{big.name}-warm", title, args, cache)


def run_json_free(args: list[str]) -> None:
    """Run a helper that prints nothing we need; raise with its stderr on failure."""
    import subprocess

    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")


def main() -> None:
    args = parse_args()
    if args.render_only:
        results = json.loads((WORK / "results.json").read_text(encoding="utf-8"))
        args.report.resolve().write_text(report.render(results), encoding="utf-8")
        return
    bench = Bench(args)
    bench.run()
    path = args.report.resolve()
    path.write_text(report.render(bench.results), encoding="utf-8")
    say(f"wrote {path} in {bench.results['duration'] / 60:.1f} min")


if __name__ == "__main__":
    main()
