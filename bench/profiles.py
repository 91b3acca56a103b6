"""cProfile reports for missed targets, written to docs/profile-*.txt for the generator author.

Each report gives the command, then the own time (tottime) grouped by module, so it is clear
which stage to work on, then the top functions by own time and by cumulative time, each with
its share of the profiled total. cProfile only sees the main process: the black workers that
format.py starts for big batches show up as time waiting on the process pool.

``python bench/profiles.py calls --path DIR...`` (bench venv) profiles 10,000 calls of our client
on MockTransport into a .prof file; everything else runs from run.py.
"""

from __future__ import annotations

import argparse
import pstats
import sys
import sysconfig
from collections import defaultdict
from pathlib import Path

from common import PEERS_PY, PROJECT_PY, ROOT, WORK, env_with, run_timed

DOCS = ROOT / "docs"
STDLIB = sysconfig.get_paths()["stdlib"]


def module_of(filename: str, function: str = "") -> str:
    """The owner of a profiled function, for grouping: generator/x.py, a package, stdlib or C code."""
    if filename == "~":
        return f"C: {function.strip('<>')}" if function else "C code"
    if filename.startswith("<frozen"):
        return "importlib (frozen)"
    path = Path(filename)
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1].removesuffix(".py")
    if filename.startswith(str(ROOT)):
        return str(path.relative_to(ROOT))
    return "stdlib" if filename.startswith(STDLIB) else filename


def where(filename: str, line: int, function: str) -> str:
    """A short location for one function: file relative to site-packages, stdlib or the repo."""
    if filename == "~":
        return f"C: {function.strip('<>')}"
    path = Path(filename)
    if "site-packages" in path.parts:
        short = "/".join(path.parts[path.parts.index("site-packages") + 1 :])
    elif filename.startswith(str(ROOT)):
        short = str(path.relative_to(ROOT))
    elif filename.startswith(STDLIB):
        short = "stdlib/" + str(path.relative_to(STDLIB))
    else:
        short = filename
    return f"{short}:{line}({function})"


def render(prof: Path, title: str, command: str, wall: float | None, top: int = 30) -> str:
    """The text report for one .prof file."""
    stats = pstats.Stats(str(prof))
    entries = stats.stats  # type: ignore[attr-defined]
    own = sum(tt for (_, _, tt, _, _) in entries.values())
    total = max(own, max((ct for (_, _, _, ct, _) in entries.values()), default=0.0)) or 1e-9
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _, function), (_, _, tt, _, _) in entries.items():
        by_module[module_of(filename, function if filename == "~" else "")] += tt
    lines = [title, "=" * len(title), "", f"command: {command}"]
    if wall is not None:
        lines.append(f"wall time under the profiler: {wall:.2f} s; profiled CPU total: {total:.2f} s")
    lines += ["", "own time by module", "------------------", f"{'share':>6} {'seconds':>8}  module"]
    for module, tt in sorted(by_module.items(), key=lambda kv: -kv[1])[:25]:
        lines.append(f"{tt / total:6.1%} {tt:8.3f}  {module}")
    for heading, index in (("top functions by own time", 2), ("top functions by cumulative time", 3)):
        lines += [
            "",
            heading,
            "-" * len(heading),
            f"{'share':>6} {'own s':>8} {'cum s':>8} {'calls':>9}  function",
        ]
        ranked = sorted(entries.items(), key=lambda kv: -kv[1][index])[:top]
        for (filename, line, name), (_, calls, tt, ct, _) in ranked:
            share = (tt if index == 2 else ct) / total
            lines.append(f"{share:6.1%} {tt:8.3f} {ct:8.3f} {calls:9d}  {where(filename, line, name)}")
    return "\n".join(lines) + "\n"


def profile_generator(name: str, title: str, args: list[str], cache: Path) -> Path:
    """cProfile ``python -m generator ARGS`` with XDG_CACHE_HOME=cache; writes docs/profile-NAME.txt."""
    prof = WORK / f"profile-{name}.prof"
    command = [str(PROJECT_PY), "-m", "cProfile", "-o", str(prof), "-m", "generator", *args]
    env = env_with(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(cache))
    result = run_timed(command, cwd=ROOT, env=env)
    shown = " ".join(a.replace(f"{ROOT}/", "") for a in command)
    if not prof.exists():
        raise RuntimeError(f"profiling {name} failed: {result.first_lines()}")
    return _write(name, render(prof, title, shown, result.seconds))


def profile_calls(paths: list[Path], calls: int = 10_000) -> Path:
    """cProfile ``calls`` calls of our client on MockTransport (run in the bench venv)."""
    prof = WORK / "profile-calls.prof"
    args = [str(PEERS_PY), str(Path(__file__)), "calls", "--out", str(prof), "--calls", str(calls)]
    for path in paths:
        args += ["--path", str(path)]
    result = run_timed(args, cwd=ROOT, env=env_with())
    if not result.ok:
        raise RuntimeError(f"profiling calls failed: {result.first_lines()}")
    title = f"Per-call overhead: {calls} x client.invites.retrieve() on httpx.MockTransport"
    return _write("calls", render(prof, title, "bench/profiles.py calls (cProfile.runctx)", result.seconds))


def profile_imports(package: str, path: Path) -> Path:
    """Modules by own import time (``-X importtime`` self column) that ``import PACKAGE`` adds to httpx, msgspec."""
    env = env_with(PYTHONPATH=str(path))
    code = f"import httpx, msgspec; import sys; sys.stderr.write('-- mark --\\n'); import {package}"
    result = run_timed([str(PEERS_PY), "-X", "importtime", "-c", code], cwd=ROOT, env=env)
    if not result.ok:
        raise RuntimeError(f"{package} does not import: {result.first_lines(3)}")
    rows = []
    for line in result.stderr.partition("-- mark --")[2].splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[0].split(":")[1]), int(parts[1]), parts[2].rstrip()))
    total = sum(own for own, _, _ in rows) or 1
    title = f"Import time of {package} beyond httpx + msgspec: modules by own time (python -X importtime)"
    lines = [
        title,
        "=" * len(title),
        "",
        f"command: PYTHONPATH={path.relative_to(ROOT)} python -X importtime -c {code!r}",
    ]
    lines += ["", f"total own time of the imports after httpx, msgspec: {total / 1e3:.1f} ms (one run)", ""]
    lines += [f"{'share':>6} {'own ms':>7} {'cum ms':>7}  module (indent = nesting)"]
    for own, cumulative, name in sorted(rows, key=lambda r: -r[0])[:40]:
        lines.append(f"{own / total:6.1%} {own / 1e3:7.2f} {cumulative / 1e3:7.2f} {name}")
    return _write(f"import-{package}", "\n".join(lines) + "\n")


def _write(name: str, text: str) -> Path:
    path = DOCS / f"profile-{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _calls_main(out: Path, calls: int) -> None:
    import cProfile

    import calls as calls_bench

    funcs = calls_bench.httpx_clients("http://bench.invalid", calls_bench._mock_transport())
    ours = funcs["ours"]
    for _ in range(300):
        ours()
    cProfile.runctx("for _ in range(n): f()", {}, {"n": calls, "f": ours}, str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["calls"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--path", action="append", default=[])
    args = parser.parse_args()
    sys.path[:0] = args.path
    _calls_main(args.out, args.calls)


if __name__ == "__main__":
    main()
