"""The README examples run: each python block of README.md and of the generated packages'
READMEs is executed in a fresh interpreter against a small local server that answers like the
vendors' APIs, with base URL and credentials given through the documented environment variables."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import GENERATED, ROOT

ORG = {"_id": "a" * 24, "name": "Org", "slug": "org", "description": "An org", "owner": "b" * 24,
       "isExecutive": False, "status": 1, "privileges": []}  # fmt: skip
INVITATION = {"email": "ada@example.com", "token": "t", "organization": ORG, "status": "pending"}
PAGE = {"totalDocs": 1, "limit": 50, "page": 1, "totalPages": 1, "pagingCounter": 1, "hasPrevPage": False,
        "hasNextPage": False, "prevPage": 0, "nextPage": 0, "docs": [INVITATION]}  # fmt: skip
ROUTES: dict[str, tuple[int, object]] = {
    "/organization/v1/invites": (200, [{"id": "inv-1", "invitees": [{"email": "ada@example.com"}]}]),
    "/organization/v1/invites/check": (
        404,
        {"code": 404, "errors": [{"type": "error", "message": "gone"}]},
    ),
    "/public/invitations/invitation-token/check": (200, "valid"),
    "/public/invitations/token/check": (200, "expired"),
    f"/organizations/5f1d7a2b9c8e4f0a1b2c3d4e/invitations": (200, PAGE),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        status, body = ROUTES.get(self.path.split("?")[0], (404, {"message": "no route"}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def _run(code: str, base_url: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(GENERATED / p) for p in ("mariadb_cloud", "akinon_appmaker")),
           "MARIADB_CLOUD_BASE_URL": base_url, "MARIADB_CLOUD_API_KEY": "key-readme",
           "AKINON_APPMAKER_BASE_URL": base_url, "AKINON_APPMAKER_ACCESS_TOKEN": "token-readme"}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_readme_examples_run(server: str) -> None:
    mariadb, akinon = _blocks(ROOT / "README.md")
    assert _run(mariadb, server).splitlines() == ["inv-1 ['ada@example.com']", "404 " + repr_error()]
    assert _run(akinon, server).splitlines() == ["True valid", "ada@example.com InvitationStatus.PENDING"]


def repr_error() -> str:
    return ("ErrorResponse(code=404, errors=[ErrorDetails(error=None, location=None, message='gone', metadata=None, "
            "solution=None, type=<Type.ERROR: 'error'>)], exception=None, metadata=None, path=None, timestamp=None, "
            "trace_id=None)")  # fmt: skip


@pytest.mark.parametrize("provider", ["mariadb_cloud", "akinon_appmaker"])
def test_generated_readme_examples_run(provider: str, server: str) -> None:
    call, streamed = _blocks(GENERATED / provider / "README.md")
    output = _run(call, server)
    assert output.strip() and "Traceback" not in output
    lines = _run(streamed, server).splitlines()
    assert lines[0] == "200 None" and len(lines) >= 2 and "Traceback" not in lines
