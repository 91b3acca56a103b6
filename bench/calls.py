"""Per-call overhead: many small GETs (one invite, about 400 bytes) through each client.

Runs in the bench venv, every client in one process, in rotating order, ``--runs`` rounds of
``--calls`` calls each (``--loopback-calls`` on the socket, where a call costs several times
more); prints the seconds of each run per variant as JSON.

* ``mock``: on ``httpx.MockTransport``, so only client-side work is timed: bare httpx
  (``client.get(...).json()``), ours (``client.invites.retrieve(id)``) and opc (``sync(id, ...)``).
* ``loopback``: on a real socket to bench/loopback.py (a separate process, keep-alive,
  TCP_NODELAY): the same three, plus OpenAPI Generator's client (urllib3, no MockTransport) and
  bare urllib3 as its baseline.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dataset

INVITE_ID = "57810ce8-67c8-4f10-8df2-a37f6a44f3cc"
PATH = f"/organization/v1/invites/{INVITE_ID}"
HEADERS = {"X-API-Key": "k", "Accept": "application/json"}
BODY = dataset.small_invite_json()
EXPECTED = json.loads(BODY)["id"]


def _mock_transport() -> Any:
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=BODY, headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def httpx_clients(base_url: str, transport: Any) -> dict[str, Callable[[], Any]]:
    """bare httpx, ours and opc, all on ``transport`` (None: a real connection pool)."""
    import httpx

    from mariadb_cloud import MariaDBCloud  # type: ignore[import-not-found, unused-ignore]

    bare = httpx.Client(base_url=base_url, transport=transport)
    ours_http = httpx.Client(transport=transport) if transport is not None else None
    ours = MariaDBCloud(api_key="k", base_url=base_url, http_client=ours_http)
    opc_get = importlib.import_module("opc_mariadb.api.invites.get_organization_v1_invites_invite_id")
    opc_args = {"transport": transport} if transport is not None else {}
    opc_client = importlib.import_module("opc_mariadb.client").AuthenticatedClient(
        base_url=base_url, token="k", prefix="", auth_header_name="X-API-Key", httpx_args=opc_args
    )
    return {
        "bare httpx": lambda: bare.get(PATH, headers=HEADERS).json(),
        "ours": lambda: ours.invites.retrieve(INVITE_ID),
        "opc": lambda: opc_get.sync(INVITE_ID, client=opc_client),
    }


def urllib3_clients(base_url: str) -> dict[str, Callable[[], Any]]:
    """bare urllib3 and OpenAPI Generator's client on a real connection pool."""
    import urllib3  # type: ignore[import-not-found, unused-ignore]

    pool = urllib3.PoolManager()
    api_client = importlib.import_module("oag_mariadb.api_client")
    configuration = importlib.import_module("oag_mariadb.configuration").Configuration(
        host=base_url, api_key={"BearerAuth": "k"}
    )
    api = importlib.import_module("oag_mariadb.api.invites_api").InvitesApi(
        api_client.ApiClient(configuration)
    )
    return {
        "bare urllib3": lambda: pool.request("GET", base_url + PATH, headers=HEADERS).json(),
        "OAG": lambda: api.organization_v1_invites_invite_id_get(INVITE_ID),
    }


def _id(result: Any) -> str:
    return str(result["id"] if isinstance(result, dict) else result.id)


def measure(funcs: dict[str, Callable[[], Any]], calls: int, runs: int) -> dict[str, list[float]]:
    """Seconds per run of ``calls`` calls; every variant checked and warmed up first."""
    for name, func in funcs.items():
        if _id(func()) != EXPECTED:
            raise SystemExit(f"{name} returned the wrong invite")
        for _ in range(min(calls, 300)):
            func()
    names = list(funcs)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(runs):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            seconds[name].append(_time_calls(funcs[name], calls))
    return seconds


def _time_calls(func: Callable[[], Any], calls: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        func()
    return time.perf_counter() - start


def start_server() -> tuple[subprocess.Popen[str], str]:
    """bench/loopback.py in its own process; returns it and its base URL."""
    script = Path(__file__).with_name("loopback.py")
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, f"http://127.0.0.1:{int(proc.stdout.readline())}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=10_000, help="calls per run on MockTransport")
    parser.add_argument(
        "--loopback-calls", type=int, default=4_000, help="calls per run on the loopback server"
    )
    parser.add_argument("--path", action="append", default=[], help="add to sys.path (client packages)")
    args = parser.parse_args()
    sys.path[:0] = args.path
    mock = measure(httpx_clients("http://bench.invalid", _mock_transport()), args.calls, args.runs)
    server, url = start_server()
    try:
        clients = {**httpx_clients(url, None), **urllib3_clients(url)}
        loopback = measure(clients, args.loopback_calls, args.runs)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)
    counts = {"calls": args.calls, "loopback_calls": args.loopback_calls, "body_bytes": len(BODY)}
    print(json.dumps({**counts, "mock": mock, "loopback": loopback}))


if __name__ == "__main__":
    main()
