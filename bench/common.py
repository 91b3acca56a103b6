"""Shared helpers for the benchmarks: paths, statistics, timed child processes, machine facts.

Every benchmark module imports this one; nothing here measures anything by itself. Figures are
kept as plain lists of seconds (one per run) so the report can give the median and the min-max
of each and the ratio of medians against the peers measured in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / ".work"
PEERS = BENCH / ".peers"
PEERS_VENV = PEERS / "venv"
PEERS_PY = PEERS_VENV / "bin" / "python"
PROJECT_PY = ROOT / ".venv" / "bin" / "python"
BIG_SPECS = ROOT / "tests" / "data" / "big"  # copies of ../shared/bench/specs, with their licences


@dataclass
class Figure:
    """One measured quantity: the value of each run, in ``unit`` (seconds unless told)."""

    label: str
    runs: list[float]
    unit: str = "s"
    peak_rss_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def low(self) -> float:
        return min(self.runs)

    @property
    def high(self) -> float:
        return max(self.runs)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "runs": self.runs, "unit": self.unit, "peak_rss_mib": self.peak_rss_mib}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(
            data["label"], list(data["runs"]), data.get("unit", "s"), list(data.get("peak_rss_mib", []))
        )


@dataclass
class Timed:
    """A finished child process: exit code, wall time, peak RSS of its largest process, output."""

    returncode: int
    seconds: float
    peak_rss_mib: float
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def first_lines(self, count: int = 6) -> list[str]:
        """The first error lines (or, for a Python traceback, its last lines), for the report."""
        return error_lines(self.stderr.strip() or self.stdout.strip(), count)


def error_lines(text: str, count: int = 6) -> list[str]:
    """What to quote of a failed command's output: errors before warnings; a traceback's end."""
    lines = [line[:240] for line in text.splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        return lines[-count:]
    errors = [line for line in lines if "warning:" not in line and not line.lstrip().startswith("hint:")]
    return (errors or lines)[:count]


def run_timed(
    args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 900
) -> Timed:
    """Run ``args`` to completion; wall time and ``ru_maxrss`` come from ``os.wait4`` on that child.

    ``ru_maxrss`` of a reaped child is the peak resident set of the largest process in its tree
    (the child or any of its own reaped children, e.g. black worker processes), not their sum.
    """
    out_path = WORK / f".out.{os.getpid()}"
    err_path = WORK / f".err.{os.getpid()}"
    WORK.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        status, usage = _wait(proc, timeout)
        seconds = time.perf_counter() - start
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    err_path.unlink()
    return Timed(status, seconds, usage / 1024, stdout, stderr)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, float]:
    """Reap ``proc`` with a blocking wait4; a timer kills it (exit code -9) after ``timeout`` s."""
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, float(usage.ru_maxrss)


def env_with(**extra: str) -> dict[str, str]:
    """The current environment plus ``extra``; PYTHONPATH and friends from the caller are dropped.

    So is PYTHONDONTWRITEBYTECODE: with it set, no bytecode cache is ever written, and every
    "import" figure would be the time to compile the package, which no user pays twice."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(extra)
    return env


def peers_env(**extra: str) -> dict[str, str]:
    """Environment for the peer tools: their venv's bin first on PATH (opc runs ruff from there)."""
    path = f"{PEERS_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return env_with(PATH=path, **extra)


def run_json(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 900) -> Any:
    """Run a benchmark script that prints one JSON document on stdout; raise with its stderr on failure."""
    proc = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout)


def machine() -> dict[str, str]:
    """CPU model, core count, memory, Python and OS of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "os": _os_name(),
        "kernel": platform.release(),
    }


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def ratio(a: float, b: float) -> float:
    """``a / b``, or infinity when ``b`` is zero."""
    return a / b if b else float("inf")


def show(args: list[str]) -> str:
    """A command line with paths relative to the repository root."""
    return " ".join(a.replace(f"{ROOT}/", "") for a in args)


def say(message: str) -> None:
    """Progress on stderr, so stdout stays free for JSON results."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
