"""Turn the results of bench/run.py into docs/benchmarks.md, and judge the targets of issue 6.

Every figure is shown as median and min-max over its runs; ratios are medians divided by the
median of the reference measured in the same run (``÷ X``: below 1 means faster than X).
Nothing here measures; a stage that did not run, or a figure whose generation failed, shows as
not measured and its target as not judged.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import ROOT, Figure, ratio

DECODE_LOADS_MAX = 0.8
DECODE_PEER_MIN = 3.0
CALLS_BARE_MAX = 1.5
IMPORT_EXTRA_MAX = 0.050
CHECK_MAX = 0.5
WARM_PEER_MIN = 5.0


@dataclass
class Target:
    """One target of issue 6 and its verdict (None: not measured in this run)."""

    key: str
    name: str
    measured: str
    met: bool | None


# --------------------------------------------------------------------------- formatting


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def span(fig: Figure, scale: float = 1.0) -> str:
    return f"{fmt(fig.low * scale)} – {fmt(fig.high * scale)}"


def times(value: float) -> str:
    return f"{value:.2f}x"


def speed(factor: float) -> str:
    """``factor`` = peer time ÷ our time, in words."""
    return f"{factor:.2f}x faster" if factor >= 1 else f"{1 / factor:.2f}x slower"


def verdict(met: bool | None) -> str:
    return {True: "**met**", False: "**missed**", None: "not measured"}[met]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def figures(seconds: dict[str, list[float]]) -> dict[str, Figure]:
    return {name: Figure(name, runs) for name, runs in seconds.items()}


def rss(fig: Figure) -> str:
    return f"{statistics.median(fig.peak_rss_mib):.0f} MiB" if fig.peak_rss_mib else "–"


# --------------------------------------------------------------------------- targets


def targets(results: dict[str, Any]) -> list[Target]:
    found: list[Target] = []
    found += _decode_targets(results.get("decode"))
    found += _calls_targets(results.get("calls"))
    found += _import_targets(results.get("imports", {}))
    found += _generation_targets(results)
    return found


def missed_targets(results: dict[str, Any]) -> list[str]:
    """Keys of the missed targets that a profile can explain."""
    keys = {t.key for t in targets(results) if t.met is False}
    return [k for k in ("calls", "imports", "imports_big", "check", "big_warm", "big_cold") if k in keys]


def _decode_targets(data: dict[str, Any] | None) -> list[Target]:
    if not data:
        return [Target("decode", "decode ≤ 0.8x json.loads, ≥ 3x faster than both peers", "", None)]
    f = figures(data["seconds"])
    ours = f["ours: client"].median
    to_loads = ratio(ours, f["json.loads"].median)
    peers = {"opc": f["opc: client"].median, "OAG": f["OAG: models"].median}
    speedups = {name: ratio(value, ours) for name, value in peers.items()}
    return [
        Target(
            "decode",
            "decode through our client ≤ 0.8x json.loads",
            f"{times(to_loads)} json.loads",
            to_loads <= DECODE_LOADS_MAX,
        ),
        Target(
            "decode",
            "decode ≥ 3x faster than both peers",
            ", ".join(f"{speed(s)} than {n}" for n, s in speedups.items()),
            min(speedups.values()) >= DECODE_PEER_MIN,
        ),
    ]


def _per_call(data: dict[str, Any], kind: str) -> dict[str, Figure]:
    calls = data["calls"] if kind == "mock" else data.get("loopback_calls", data["calls"])
    return {name: Figure(name, [s / calls for s in runs]) for name, runs in data[kind].items()}


def _calls_targets(data: dict[str, Any] | None) -> list[Target]:
    if not data:
        return [Target("calls", "per call within 1.5x of bare httpx, ahead of both peers", "", None)]
    mock, loop = _per_call(data, "mock"), _per_call(data, "loopback")
    to_bare = ratio(mock["ours"].median, mock["bare httpx"].median)
    ahead = {
        "opc (mock)": ratio(mock["ours"].median, mock["opc"].median),
        "opc (loopback)": ratio(loop["ours"].median, loop["opc"].median),
        "OAG (loopback)": ratio(loop["ours"].median, loop["OAG"].median),
    }
    return [
        Target(
            "calls",
            "per call (MockTransport) ≤ 1.5x bare httpx",
            f"{times(to_bare)} bare httpx",
            to_bare <= CALLS_BARE_MAX,
        ),
        Target(
            "calls",
            "per call ahead of both peers",
            ", ".join(f"{speed(1 / v)} than {k}" for k, v in ahead.items()),
            max(ahead.values()) < 1,
        ),
    ]


def _import_kind(label: str) -> str:
    return "beyond" if "beyond" in label else "use" if "+ client" in label else "total"


def _import_targets(data: dict[str, Any]) -> list[Target]:
    found = []
    for key, target, prefix in (
        ("mariadb", "imports", "mariadb_cloud"),
        ("big", "imports_big", "the OpenAI-sized package"),
    ):
        figs = [Figure.from_json(f) for f in data.get(key, [])]
        ours = next(
            (f for f in figs if f.label.startswith("ours:") and _import_kind(f.label) == "beyond"), None
        )
        failed = {
            label: error
            for label, error in data.get(f"{key}_failures", {}).items()
            if label.startswith("ours:")
        }
        name = f"import {prefix} ≤ 50 ms beyond httpx + msgspec"
        if failed:
            error = next(iter(failed.values())).splitlines()[-1]
            found.append(Target(target, name, f"does not import: `{error}`", False))
        elif ours is None:
            found.append(Target(target, name, "", None))
        else:
            found.append(Target(target, name, f"+{fmt(ours.median)}", ours.median <= IMPORT_EXTRA_MAX))
    return found


def _generation_targets(results: dict[str, Any]) -> list[Target]:
    seeds = results.get("seeds", {}).get("figures", {})
    check = Figure.from_json(seeds["check"]) if "check" in seeds else None
    found = [
        Target(
            "check",
            "`check` warm on the seeds ≤ 0.5 s",
            fmt(check.median) if check else "",
            check.median <= CHECK_MAX if check else None,
        )
    ]
    big = results.get("big", {})
    figs = {k: Figure.from_json(v) for k, v in big.get("series", {}).get("figures", {}).items()}
    name = big.get("spec", {}).get("name", "openai")
    opc = figs.get("opc")
    for key, fig_key, title, minimum in (
        ("big_cold", "cold", f"{name}: cold generation faster than opc", 1.0),
        ("big_warm", "warm_one", f"{name}: warm, one fragment changed, ≥ 5x faster than opc", WARM_PEER_MIN),
    ):
        ours = figs.get(fig_key)
        if opc is None or ours is None:
            found.append(Target(key, title, "", None))
            continue
        factor = ratio(opc.median, ours.median)
        measured = f"{speed(factor)} than opc ({fmt(ours.median)} vs {fmt(opc.median)})"
        met = factor > minimum if minimum == 1.0 else factor >= minimum
        found.append(Target(key, title, measured, met))
    return found


# --------------------------------------------------------------------------- sections


def render(results: dict[str, Any]) -> str:
    lines = _header(results)
    lines += _summary(results)
    lines += _machine(results)
    lines += _decode(results.get("decode"))
    lines += _calls(results.get("calls"))
    lines += _imports(results.get("imports", {}))
    lines += _seeds(results.get("seeds"))
    lines += _big(results)
    lines += _scaling(results.get("scaling"))
    lines += _profiles(results.get("profiles"))
    lines += _errors(results.get("errors"))
    lines += _method()
    return "\n".join(lines).rstrip() + "\n"


def _header(results: dict[str, Any]) -> list[str]:
    stages = results.get("stages_run", [])
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py; see [bench/README.md](../bench/README.md)); do not edit by hand.",
        f"Run on {time.strftime('%Y-%m-%d %H:%M %Z')}, {results.get('duration', 0) / 60:.1f} minutes in all.",
        "Every figure is the median of its runs with the min-max beside it; ratios divide medians",
        "measured in the same run, side by side (`÷ X` below 1 means faster than X).",
        "",
    ]
    skipped = [
        s for s in ("decode", "calls", "imports", "seeds", "big", "scaling", "profiles") if s not in stages
    ]
    if skipped:
        lines += [f"Stages not run this time: {', '.join(skipped)}.", ""]
    return lines


def _summary(results: dict[str, Any]) -> list[str]:
    rows = [[t.name, t.measured or "–", verdict(t.met)] for t in targets(results)]
    return ["## Targets (issue 6)", ""] + table(["target", "measured", "verdict"], rows)


def _machine(results: dict[str, Any]) -> list[str]:
    m = results.get("machine", {})
    rows = [[k, v] for k, v in m.items()]
    load = [results.get("load_start"), results.get("load_end")]
    if all(load):
        rows.append(["load average (1, 5, 15 min) at start / end", " / ".join(", ".join(f"{x:.2f}" for x in l) for l in load)])  # type: ignore[union-attr]
    lines = ["## Machine and versions", ""] + table(["", ""], rows)
    lines += table(["tool", "version"], [[k, v] for k, v in results.get("versions", {}).items()])
    settings = results.get("settings", {})
    lines += [f"Settings: {_settings(settings)}.", ""]
    return lines


def _settings(settings: dict[str, Any]) -> str:
    parts = []
    for key, value in settings.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, list):
            parts += [f"{flag} {item}" for item in value]
        elif value is not None:
            parts.append(f"{flag} {value}")
    return "`bench/run.py " + " ".join(parts) + "`"


def _decode(data: dict[str, Any] | None) -> list[str]:
    if not data:
        return []
    f = figures(data["seconds"])
    loads, ours = f["json.loads"].median, f["ours: client"].median
    rows = [
        [n, fmt(x.median), span(x), times(ratio(x.median, loads)), times(ratio(x.median, ours))]
        for n, x in f.items()
    ]
    return [
        "## Decode: 10,000 invites",
        "",
        f"A {data['bytes'] / 1e6:.1f} MB list response of {data['count']:,} invites (issuer with org, 1-4 invitees each),",
        f"built by bench/dataset.py from seed {data['seed']}, decoded {len(next(iter(data['seconds'].values())))} times by each",
        "variant in one process, rotating the order. Command: `"
        + data.get("command", "bench/decode.py")
        + "`.",
        "",
    ] + table(["variant", "median", "min – max", "÷ json.loads", "÷ ours (client)"], rows)


def _calls(data: dict[str, Any] | None) -> list[str]:
    if not data:
        return []
    lines = [
        "## Per-call overhead",
        "",
        f"GETs of one small invite ({data['body_bytes']} bytes): {data['calls']:,} per run per client on MockTransport,",
        f"{data.get('loopback_calls', data['calls']):,} per run per client on the loopback server; figures are per call.",
        "MockTransport times only client-side work; OpenAPI Generator uses urllib3, so it is compared on the",
        "loopback server (bench/loopback.py: separate process, HTTP/1.1 keep-alive, TCP_NODELAY).",
        f"Command: `{data.get('command', 'bench/calls.py')}`.",
        "",
    ]
    for kind, title, base in (
        ("mock", "httpx.MockTransport", "bare httpx"),
        ("loopback", "loopback http.server", "bare httpx"),
    ):
        figs = _per_call(data, kind)
        ours = figs["ours"].median
        rows = [
            [
                n,
                fmt(x.median),
                span(x),
                times(ratio(x.median, figs[base].median)),
                times(ratio(x.median, ours)),
            ]
            for n, x in figs.items()
        ]
        lines += [f"### {title}", ""] + table(
            ["client", "per call", "min – max", f"÷ {base}", "÷ ours"], rows
        )
    return lines


def _imports(data: dict[str, Any]) -> list[str]:
    if not data:
        return []
    lines = [
        "## Import time",
        "",
        "`python -X importtime -c STATEMENT` in a fresh bench-venv interpreter per run (one discarded warm-up",
        'first): the sum of the cumulative times of the statement\'s top-level imports. "beyond X": X was',
        "imported first in the same process, untimed, so the figure is what the package adds to its",
        'dependencies. "+ client, ...": also the modules one call needs (our package imports them lazily).',
        "",
    ]
    for key, title in (("mariadb", "MariaDB Cloud packages"), ("big", "OpenAI-sized packages")):
        figs = [Figure.from_json(f) for f in data.get(key, [])]
        ours = {_import_kind(f.label): f for f in figs if f.label.startswith("ours:")}
        rows = []
        for f in figs:
            mine = ours.get(_import_kind(f.label))
            rows.append(
                [f.label, fmt(f.median), span(f), times(ratio(f.median, mine.median)) if mine else "–"]
            )
        if rows:
            lines += [f"### {title}", ""] + table(
                ["statement", "median", "min – max", "÷ ours (same kind)"], rows
            )
    return lines


def _failures(failures: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for failure in failures:
        lines += [
            f"- **{failure['what']}** failed, exit code {failure['returncode']} after {fmt(failure['seconds'])}:",
            "",
        ]
        if failure.get("command"):
            lines += [f"  `{failure['command']}`", ""]
        lines += ["  ```"] + [f"  {line}" for line in failure["first_lines"]] + ["  ```", ""]
    return lines


def _gen_table(series: dict[str, Any], peers: list[str]) -> list[str]:
    figs = {k: Figure.from_json(v) for k, v in series.get("figures", {}).items()}
    names = {"opc": "opc", "oag": "OAG"}
    rows = []
    for fig in figs.values():
        row = [fig.label, fmt(fig.median), span(fig), rss(fig)]
        row += [times(ratio(fig.median, figs[p].median)) if p in figs else "–" for p in peers]
        rows.append(row)
    return table(["run", "median", "min – max", "peak RSS", *[f"÷ {names[p]}" for p in peers]], rows)


def _commands(series: dict[str, Any]) -> list[str]:
    return [f"- {name}: `{command}`" for name, command in series.get("commands", {}).items()] + [""]


def _seeds(data: dict[str, Any] | None) -> list[str]:
    if not data:
        return []
    lines = [
        "## Generation: the seed providers",
        "",
        "Whole processes on scratch copies (bench/.work/gen/seeds). Ours generates both providers in one",
        "process; the peers' figures are the sum of one process per provider. Peak RSS: the largest process.",
        "",
    ]
    return lines + _gen_table(data, ["opc", "oag"]) + _commands(data) + _failures(data.get("failures", []))


def _big(results: dict[str, Any]) -> list[str]:
    statuses = results.get("big_status")
    if not statuses:
        return []
    lines = [
        "## Generation: large real specs",
        "",
        "Each spec as published, split by `import-spec`, one cold run. Discord and Box are tried only when the",
        "OpenAI spec does not generate whole (then the largest spec that does is of interest):",
        "",
    ]
    rows = []
    for s in statuses:
        failure = s.get("failure")
        first = s.get("first_cold_seconds")
        state = "generates" if failure is None else f"rejected (exit {failure['returncode']})"
        if failure is not None and first is not None:
            state += f"; generates with {len(s['left_out'])} operation(s) left out"
        rows.append([s["name"], str(s["full_operations"]), state, fmt(first) if first else "–"])
    lines += table(["spec", "operations", "our generator", "first cold run"], rows)
    for s in statuses:
        if s.get("failure"):
            lines += _failures([s["failure"] | {"what": f"{s['name']}, as published"}])
    big = results.get("big")
    if not big:
        return lines + ["No large spec generated, so there are no large-spec generation figures.", ""]
    spec = big["spec"]
    lines += [f"### {spec['name']}: ours vs openapi-python-client", ""]
    if spec["left_out"]:
        lines += [
            f"Measured on {spec['operations']} of {spec['full_operations']} operations: our generator rejects the published",
            f"spec, so the operations of {len(spec['left_out'])} fragment(s) named in its errors were left out (their",
            "components kept), and opc got the same reduced spec. Left out: "
            + ", ".join(f"`{n}`" for n in spec["left_out"])
            + ".",
            "",
        ]
    series = big["series"]
    return (
        lines
        + _gen_table(series, ["opc"])
        + _breakdown(series)
        + _commands(series)
        + [f"Note: {n}" for n in series.get("notes", [])]
        + _failures(series.get("failures", []))
    )


def _breakdown(series: dict[str, Any]) -> list[str]:
    """Where our time goes, from medians of whole runs (no profiler): validate / the rest / formatting."""
    figs = {k: Figure.from_json(v) for k, v in series.get("figures", {}).items()}
    if not all(k in figs for k in ("cold", "warm_one", "validate")):
        return []
    cold, warm, check = figs["cold"].median, figs["warm_one"].median, figs["validate"].median
    return [
        "Breakdown from the medians (no profiler): `validate` alone (start-up, load, merge, validate) "
        f"{fmt(check)}; warm generate minus that (normalize, render, format of the changed files, write, "
        f"API diff) {fmt(warm - check)}; cold minus warm (formatting every file with black, in worker "
        f"processes) {fmt(cold - warm)}.",
        "",
    ]


def scaling_notes(spec: dict[str, Any], data: dict[str, Any]) -> list[str]:
    notes = [
        f"subsets: first N operation fragments by file name; whole spec = all {spec['operations']} operations"
    ]
    if spec["left_out"]:
        notes.append(
            f"{len(spec['left_out'])} operations our generator rejects are left out everywhere (for both tools)"
        )
    notes.append(f"subset points: {data['runs']} run(s) each; whole spec: median of the generation benchmark")
    return notes


def _scaling(data: dict[str, Any] | None) -> list[str]:
    if not data:
        return []
    if "skipped" in data:
        return ["## Generation time against spec size", "", f"Not plotted: {data['skipped']}.", ""]
    rows = []
    for p in data["points"]:
        ours = Figure.from_json(p["ours"]) if "ours" in p else None
        opc = Figure.from_json(p["opc"]) if "opc" in p else None
        rows.append([
            f"{p['size']}" + (" (whole spec)" if p.get("whole") else ""),
            fmt(ours.median) if ours else "failed",
            fmt(opc.median) if opc else "failed",
            times(ratio(ours.median, opc.median)) if ours and opc else "–",
        ])  # fmt: skip
    lines = [
        "## Generation time against spec size",
        "",
        f"![generation time against operations]({Path(data.get('png', '')).name})",
        "",
    ]
    lines += [
        "Subsets are the first N operation fragments (by file name) of the imported spec, each carrying the",
        "components it reaches; `_shared.json` is not in the subsets, as its unreachable components refer to",
        "components of other fragments. Cold runs of ours (fresh cache) and opc on `merge` of the same subset.",
        "",
    ]
    return (
        lines
        + table(["operations", "ours, cold", "opc", "ours ÷ opc"], rows)
        + _failures(data.get("failures", []))
    )


def _profiles(data: dict[str, str] | None) -> list[str]:
    if not data:
        return []
    lines = ["## Profiles of the missed targets", ""]
    for key, path in data.items():
        if not path.startswith("docs/"):
            lines += [f"- {key}: {path}", ""]
            continue
        text = (ROOT / path).read_text(encoding="utf-8").splitlines()
        start = text.index("own time by module") + 2 if "own time by module" in text else 0
        lines += (
            [f"### {key}: [{Path(path).name}]({Path(path).name})", "", "```"]
            + text[start : start + 13]
            + ["```", ""]
        )
    return lines


def _errors(errors: dict[str, str] | None) -> list[str]:
    if not errors:
        return []
    lines = ["## Stages that failed", ""]
    for stage, detail in errors.items():
        lines += [f"### {stage}", "", "```"] + detail.rstrip().splitlines() + ["```", ""]
    return lines


def _method() -> list[str]:
    return [
        "## Method and caveats",
        "",
        "- The machine is shared: other work may run at the same time (see the load averages above). Side-by-side",
        "  runs in rotating order and medians with min-max are how this report copes; compare ratios, not absolutes.",
        "- Peak RSS comes from `os.wait4` on the child: the largest single process of its tree (black's worker",
        "  processes included, not summed).",
        "- The peers' MariaDB clients are generated from `python -m generator merge -p mariadb_cloud`, i.e. with our",
        "  quirk fixes applied; our client is a copy of the committed generated/mariadb_cloud.",
        "- opc runs its default post-generation hooks (ruff) with the bench venv's ruff; OpenAPI Generator runs",
        "  with `--skip-validate-spec` and the jar shipped in the openapi-generator-cli wheel on the system Java.",
        "",
    ]
