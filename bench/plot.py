"""Draw docs/generation-time.png from the scaling results (run with the bench venv's matplotlib).

``python bench/plot.py RESULTS.json OUT.png``: RESULTS is what scaling.measure returned, plus
``title`` and ``notes``. Medians are the lines, min-max the error bars.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

import matplotlib  # type: ignore[import-not-found, unused-ignore]

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]  # noqa: E402

STYLE = {
    "ours": ("openapi-fragments (ours), cold", "tab:blue", "o"),
    "opc": ("openapi-python-client", "tab:orange", "s"),
}


def series(points: list[dict[str, Any]], key: str) -> tuple[list[int], list[float], list[list[float]]]:
    """x, median y and [below, above] error bar lengths of the points that have ``key``."""
    xs, ys, low, high = [], [], [], []
    for point in points:
        if key not in point:
            continue
        runs = point[key]["runs"]
        median = statistics.median(runs)
        xs.append(point["size"])
        ys.append(median)
        low.append(median - min(runs))
        high.append(max(runs) - median)
    return xs, ys, [low, high]


def draw(data: dict[str, Any], out: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    for key, (label, color, marker) in STYLE.items():
        xs, ys, err = series(data["points"], key)
        if xs:
            ax.errorbar(xs, ys, yerr=err, label=label, color=color, marker=marker, capsize=3)
        else:
            label += ": failed, see docs/benchmarks.md"
            ax.plot([], [], label=label, color=color, marker=marker)
    ax.set_xlabel("operations (subsets of the OpenAI spec; rightmost point: the whole spec)")
    ax.set_ylabel("generation time, whole process [s]")
    ax.set_title(data.get("title", "Generation time against spec size"))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left")
    notes = data.get("notes") or []
    if notes:
        fig.text(0.01, 0.01, "\n".join(notes), fontsize=7, va="bottom", ha="left", color="dimgray")
        fig.subplots_adjust(bottom=0.1 + 0.03 * len(notes))
    fig.savefig(out)


def main() -> None:
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    draw(data, Path(sys.argv[2]))


if __name__ == "__main__":
    main()
