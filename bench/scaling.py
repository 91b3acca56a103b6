"""Generation time against the number of operations: subsets of the OpenAI spec, ours vs opc.

A subset of N operations is the first N fragment files (sorted by name) that ``import-spec``
wrote, each of which carries the components its operation reaches. ``_shared.json`` is left out
of the subsets: it holds the components no operation reaches, and those refer to components
that live in the other fragments, so "first N files + _shared.json" has unresolved references
(311 of them at N=25). The rightmost point is the whole spec, measured by generation.py.
Each point is a cold run of ours (fresh format cache) and one opc run on ``merge`` of the subset.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import peers
from common import Figure, say
from generation import GEN, BigSpec, Failure, Series, file_operations, fresh, operations, ours_args, run_ours

SIZES = (25, 50, 100, 200)


def fragments_with_operations(folder: Path) -> list[Path]:
    """The fragment files that hold an operation, sorted by name (``_shared.json`` excluded)."""
    return sorted(p for p in folder.glob("*.json") if p.name != "_shared.json" and file_operations(p))


def subset(big: BigSpec, files: list[Path], size: int) -> Path:
    """A specs dir holding the first ``size`` operation fragments of ``big``."""
    specs = fresh(GEN / "scale" / str(size) / "specs")
    folder = specs / big.name
    folder.mkdir()
    for path in files[:size]:
        shutil.copy(path, folder / path.name)
    return specs


def measure_point(big: BigSpec, specs: Path, size: int, runs: int) -> tuple[dict[str, Any], list[Failure]]:
    """Ours cold and opc on one subset, ``runs`` times each, interleaved."""
    work = specs.parent
    out, merged = work / "out", work / "merged.json"
    series = Series()
    merge = peers.merge_spec(big.name, merged, specs)
    for run in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        result = run_ours(specs, out, fresh(work / "cache"), "generate", "-p", big.name)
        if not result.ok:
            args = ours_args(specs, out, "generate", "-p", big.name)
            return {"size": size}, [Failure.of(f"ours, {size} operations", args, result)]
        series.add("ours", "ours", result)
        if merge.ok:
            opc = peers.opc_generate(merged, work / "opc", f"opc_{big.name}")
            if opc.ok:
                series.add("opc", "opc", opc)
            else:
                series.failures.append(Failure.of(f"opc, {size} operations", [], opc))
    point = {"size": size, **{key: fig.to_json() for key, fig in series.figures.items()}}
    return point, series.failures


def measure(big: BigSpec, whole: Series, runs: int) -> dict[str, Any]:
    """Every subset size below the whole spec, then the whole spec's figures from ``whole``."""
    files = fragments_with_operations(big.specs / big.name)
    points: list[dict[str, Any]] = []
    failures: list[Failure] = []
    for size in (s for s in SIZES if s < len(files)):
        say(f"scaling: {size} operations")
        specs = subset(big, files, size)
        point, failed = measure_point(big, specs, operations(specs / big.name), runs)
        points.append(point)
        failures += failed
    last: dict[str, Any] = {"size": big.operations, "whole": True}
    for key, name in (("cold", "ours"), ("opc", "opc")):
        if key in whole.figures:
            last[name] = whole.figures[key].to_json()
    points.append(last)
    return {"points": points, "failures": [vars(f) for f in failures], "runs": runs}


def medians(points: list[dict[str, Any]], key: str) -> tuple[list[int], list[float]]:
    """x (operations) and y (median seconds) of the points that have ``key``."""
    xs = [p["size"] for p in points if key in p]
    ys = [Figure.from_json(p[key]).median for p in points if key in p]
    return xs, ys
