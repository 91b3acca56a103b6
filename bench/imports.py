"""Import time of each generated package, in fresh processes, with ``python -X importtime``.

Every figure is the sum of the cumulative times of the top-level imports made by one statement
(startup imports such as ``site`` are excluded), in a new interpreter each run, all runs by the
bench venv's Python so that httpx, pydantic and friends are the same files for everybody. Each
statement is run once first and discarded, so bytecode caches are written before timing.

A case may first import its runtime dependencies untimed (``pre``): then the figure is what the
package costs beyond them, measured in one process, which is what the target is about
(``import mariadb_cloud`` after ``import httpx, msgspec``); differences between two processes
would carry the noise of both.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from common import PEERS_PY, Figure, env_with, error_lines

MARK = "-- bench import starts --"
COMMAND = (
    "PYTHONPATH=<client dir> bench/.peers/venv/bin/python -X importtime -c "
    "\"[PRE;] import sys; sys.stderr.write('-- bench import starts --\\\\n'); STATEMENT\""
)


@dataclass(frozen=True)
class Case:
    """One statement to time, with the directories its packages are imported from."""

    label: str
    statement: str
    paths: tuple[Path, ...] = ()
    pre: str = ""


OURS_DEPS = "import httpx, msgspec"
OPC_DEPS = "import httpx, attrs, dateutil.parser"
OAG_DEPS = "import urllib3, pydantic, dateutil.parser, typing_extensions"


def mariadb_cases(clients: dict[str, Path]) -> list[Case]:
    """Baseline; each package alone, beyond its dependencies, and with what one call needs."""
    ours, opc, oag = (clients["ours"],), (clients["opc"],), (clients["oag"],)
    return [
        Case("import httpx, msgspec (baseline)", OURS_DEPS),
        Case("ours: import mariadb_cloud", "import mariadb_cloud", ours),
        Case("opc: import opc_mariadb", "import opc_mariadb", opc),
        Case("OAG: import oag_mariadb", "import oag_mariadb", oag),
        Case("ours: import mariadb_cloud, beyond httpx + msgspec", "import mariadb_cloud", ours, OURS_DEPS),
        Case("opc: import opc_mariadb, beyond httpx + attrs + dateutil", "import opc_mariadb", opc, OPC_DEPS),
        Case(
            "OAG: import oag_mariadb, beyond urllib3 + pydantic + dateutil",
            "import oag_mariadb",
            oag,
            OAG_DEPS,
        ),
        Case(
            "ours: + client, resource, model",
            "import mariadb_cloud; from mariadb_cloud.resources.invites import InvitesResource;"
            " from mariadb_cloud.models.invite import Invite",
            ours,
        ),
        Case(
            "opc: + client, endpoint, model",
            "import opc_mariadb; from opc_mariadb.client import AuthenticatedClient;"
            " from opc_mariadb.api.invites import get_organization_v1_invites;"
            " from opc_mariadb.models import DtoInvite",
            opc,
        ),
        Case(
            "OAG: + client, API, model",
            "import oag_mariadb; from oag_mariadb.api.invites_api import InvitesApi;"
            " from oag_mariadb.models.dto_invite import DtoInvite",
            oag,
        ),
    ]


def big_cases(package: str, ours: Path, opc: Path | None) -> list[Case]:
    """The same for a big generated package (ours ``package``, opc's ``opc_<package>``)."""
    cases = [
        Case("import httpx, msgspec (baseline)", OURS_DEPS),
        Case(f"ours: import {package}", f"import {package}", (ours,)),
        Case(f"ours: import {package}, beyond httpx + msgspec", f"import {package}", (ours,), OURS_DEPS),
    ]
    if opc is not None:
        cases.append(Case(f"opc: import opc_{package}", f"import opc_{package}", (opc,)))
        cases.append(
            Case(f"opc: import opc_{package}, beyond its deps", f"import opc_{package}", (opc,), OPC_DEPS)
        )
    return cases


def parse_importtime(stderr: str) -> float:
    """Seconds: sum of cumulative times of depth-0 imports after ``MARK``."""
    _, _, after = stderr.partition(MARK)
    total_us = 0
    for line in after.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue  # the header line
        name = parts[2]
        if len(name) - len(name.lstrip(" ")) == 1:  # depth 0: exactly one space after the bar
            total_us += int(parts[1])
    return total_us / 1e6


class ImportFailed(Exception):
    """The statement raised: the package does not import."""


def time_case(case: Case) -> float:
    """One fresh interpreter importing ``case.statement``; seconds."""
    mark = f"import sys; sys.stderr.write({MARK!r} + '\\n')"
    code = "; ".join(part for part in (case.pre, mark, case.statement) if part)
    env = env_with(PYTHONPATH=":".join(str(p) for p in case.paths))
    proc = subprocess.run(
        [str(PEERS_PY), "-X", "importtime", "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    if proc.returncode != 0:
        text = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("import time:"))
        raise ImportFailed("\n".join(error_lines(text, 4)))
    return parse_importtime(proc.stderr)


def measure(cases: list[Case], runs: int) -> tuple[list[Figure], dict[str, str]]:
    """``runs`` fresh processes per case, cases interleaved; one discarded warm-up each.

    A case whose statement fails is dropped and returned with its error instead.
    """
    failures: dict[str, str] = {}
    for case in cases:
        try:
            time_case(case)
        except ImportFailed as exc:
            failures[case.label] = str(exc)
    working = [case for case in cases if case.label not in failures]
    seconds: dict[str, list[float]] = {case.label: [] for case in working}
    for _ in range(runs):
        for case in working:
            seconds[case.label].append(time_case(case))
    return [Figure(label, values) for label, values in seconds.items()], failures
