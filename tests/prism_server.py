"""Run a Prism mock server (pinned in ``tests/prism``) for contract tests.

Usage::

    with run_prism(spec_path, seed=1) as base_url:
        httpx.get(f"{base_url}/items/1", headers={"X-API-Key": "k"})

Prism is installed by ``npm ci --prefix tests/prism`` (``make test`` does
that).  :func:`run_prism` never skips: a missing binary is an error.

Behaviour of Prism 5.16.0, checked by hand and by ``test_prism_harness.py``
(sources: ``prism-http-server/dist/{server,getHttpConfigFromRequest}.js``,
``prism-http/dist/mocker/``)::

  Dynamic mode
    -d              bodies are generated from the schema by json-schema-faker.
                    Without -d, Prism returns the spec's examples, or a static
                    placeholder built from the schema ({"id": 0, "name":
                    "string", ...}) -- the same body every time.
    Prefer: dynamic=true|false   overrides -d for one request.
    Objects without ``additionalProperties: false`` may get random extra
    keys (fillProperties); ``--json-schema-faker-fillProperties=false``
    turns that off.

  Seeds
    --seed N        every dynamic request re-seeds the generator with N, so
                    the same request repeated gives the *same* body (also for
                    other path parameter values: /items/1 == /items/2).
    Prefer: seed=S  per-request seed; overrides --seed; deterministic across
                    restarts and servers.  ``?__seed=S`` does the same, but
                    only when the request has no Prefer header at all.
                    Contract tests needing >= 50 bodies per operation should
                    send 50 requests with different seeds to ONE server
                    (~3 ms/request) instead of restarting (~1 s each).
    Pitfalls: seeds are strings fed to seedrandom (RC4), so a seed that
    repeats a shorter one is the same seed ("1" == "11" == "111",
    "12" == "1212"); use fixed-width seeds (e.g. f"{n:06d}").  A seeded
    request leaves the global generator seeded, so later unseeded requests
    continue that sequence (deterministic, not random).  Prefer values must
    be separated by commas ("code=404, seed=7"); after a ";" they are
    silently ignored.  Invalid values (``code=abc``, ``seed=``) give 422.

  Prefer: code=NNN
    Returns the spec's NNN response.  If NNN is not in the spec Prism answers
    404 application/problem+json ("Requested status code ... is not defined")
    -- check the content type, not only the status.

  Invalid requests (bad parameter, missing API key)
    Prism looks for a matching response in the spec: 422/400 (or ``default``)
    for validation errors, 401 (or ``default``) for security.  If there is
    one, it is returned (as 422 / 401 when it is ``default``) WITH an
    ``sl-violations`` header (JSON list of {location, severity, code,
    message}).  If there is none, Prism answers its own
    application/problem+json 422 (with a ``validation`` list in the body) or
    401 and sends NO ``sl-violations`` header.  Response-side violations
    (e.g. a spec example not matching its schema) also go into
    ``sl-violations`` with location ["response", ...]; ``--errors`` turns
    them into 500 problem responses.

The readiness probe requests ``/__prism_harness_ready__``; Prism answers it
with a 404 and logs a NO_PATH_MATCHED error, which is expected.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PRISM_BIN: Path = Path(__file__).resolve().parent / "prism" / "node_modules" / ".bin" / "prism"
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 60.0  # seconds until Prism must answer HTTP
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL
_POLL_INTERVAL = 0.05
_LOG_TAIL_LINES = 40
_PORT_ATTEMPTS = 3  # retries when the picked port was taken in the meantime


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def prism_command(
    spec: Path, port: int, *, seed: int | None, dynamic: bool, errors: bool = False
) -> list[str]:
    """Build the ``prism mock`` command line."""
    command = [str(PRISM_BIN), "mock", "-h", HOST, "-p", str(port)]
    if dynamic:
        command.append("-d")
    if errors:
        command.append("--errors")
    if seed is not None:
        command += ["--seed", str(seed)]
    command.append(str(spec))
    return command


def prefer_header(
    *,
    code: int | None = None,
    dynamic: bool | None = None,
    seed: str | int | None = None,
) -> dict[str, str]:
    """Return a correctly separated ``Prefer`` header for Prism (empty if no values)."""
    parts = []
    if code is not None:
        parts.append(f"code={code}")
    if dynamic is not None:
        parts.append(f"dynamic={'true' if dynamic else 'false'}")
    if seed is not None:
        parts.append(f"seed={seed}")
    return {"Prefer": ", ".join(parts)} if parts else {}


def _log_tail(log_path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines of Prism's log."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"<cannot read {log_path}: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


def _answers_http(port: int) -> bool:
    """Return True if something on ``port`` accepts TCP and answers an HTTP GET."""
    try:
        with socket.create_connection((HOST, port), timeout=1.0):
            pass
    except OSError:
        return False
    conn = http.client.HTTPConnection(HOST, port, timeout=5.0)
    try:
        conn.request("GET", "/__prism_harness_ready__")
        conn.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _wait_until_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    """Block until Prism answers on ``port``; raise RuntimeError if it dies or times out."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"Prism exited with code {proc.returncode} before answering on port {port}."
                f"\n--- last lines of {log_path.name} ---\n{_log_tail(log_path)}"
            )
        # The liveness re-check guards against a foreign server that grabbed the port.
        if _answers_http(port) and proc.poll() is None:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"Prism did not answer on port {port} within {STARTUP_TIMEOUT:.0f} s."
                f"\n--- last lines of {log_path.name} ---\n{_log_tail(log_path)}"
            )
        time.sleep(_POLL_INTERVAL)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate Prism's process group: SIGTERM, wait, then SIGKILL."""
    # start_new_session=True makes the process group id equal to proc.pid.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _start(
    spec: Path, *, seed: int | None, dynamic: bool, errors: bool, log_path: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """Start Prism on a free port and wait until it is ready; return (process, port)."""
    for attempt in range(1, _PORT_ATTEMPTS + 1):
        port = free_port()
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                prism_command(spec, port, seed=seed, dynamic=dynamic, errors=errors),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until_ready(proc, port, log_path)
            return proc, port
        except BaseException as exc:
            _stop(proc)
            port_taken = isinstance(exc, RuntimeError) and "EADDRINUSE" in _log_tail(log_path)
            if not port_taken or attempt == _PORT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@contextlib.contextmanager
def run_prism(
    spec: Path, *, seed: int | None = 1, dynamic: bool = True, errors: bool = False
) -> Iterator[str]:
    """Run ``prism mock`` on ``spec`` and yield its base URL ``http://127.0.0.1:PORT``.

    ``dynamic`` passes ``-d``; ``seed`` passes ``--seed`` (None: unseeded); ``errors`` passes
    ``--errors`` (a response violating the spec becomes a 500 problem response).
    Prism runs in its own process group and is always stopped on exit, also
    when the with-block raises.  Raises RuntimeError if Prism is not
    installed, exits early or does not answer within STARTUP_TIMEOUT.
    """
    if not PRISM_BIN.exists():
        raise RuntimeError(
            f"Prism is not installed ({PRISM_BIN} is missing). Run `make test`, "
            "which runs `npm ci --prefix tests/prism`."
        )
    fd, log_name = tempfile.mkstemp(prefix="prism-", suffix=".log")
    os.close(fd)
    log_path = Path(log_name)
    try:
        proc, port = _start(spec, seed=seed, dynamic=dynamic, errors=errors, log_path=log_path)
        try:
            yield f"http://{HOST}:{port}"
        finally:
            _stop(proc)
    finally:
        log_path.unlink(missing_ok=True)
