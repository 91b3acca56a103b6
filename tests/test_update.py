"""update: the sources: of provider.yaml are fetched from a local HTTP server whose pages and
specs change between runs, and imported in sync mode."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import fragment


class _Site:
    """What the server answers: path -> (status, body, etag); and the requests it saw."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, str]] = {}
        self.seen: list[tuple[str, str]] = []  # (path, If-None-Match)
        self.since: list[str] = []  # If-Modified-Since of each request


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_Site, str]]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    state = _Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            state.seen.append((self.path, self.headers.get("If-None-Match", "")))
            state.since.append(self.headers.get("If-Modified-Since", ""))
            status, body, etag = state.routes.get(self.path, (404, "not found", ""))
            if body == "sleep":
                time.sleep(3)
            modified = etag.startswith("date:") and self.headers.get("If-Modified-Since") == etag[5:]
            if modified or etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Type", "text/plain")
            if etag.startswith("date:"):
                self.send_header("Last-Modified", etag[5:])
            elif etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # the client gave up on a slow answer: a broken pipe here is expected

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _spec(*routes: str) -> str:
    document: dict[str, Any] = fragment("/x")
    document["paths"] = {}
    for route in routes:
        method, path = route.split(" ")
        document["paths"].setdefault(path, {})[method.lower()] = {"responses": {"200": {"description": "OK"}}}
    return json.dumps(document)


def _page(*routes: str) -> str:
    return "# Users\n" + "".join(f"\n```json\n{_spec(route)}\n```\n" for route in routes)


def _setup(tmp_path: Path, *sources: str) -> Path:
    folder = tmp_path / "specs" / "acme"
    folder.mkdir(parents=True)
    (folder / "provider.yaml").write_text("sources:\n" + "".join(f"  - {s}\n" for s in sources))
    return folder


def _update(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--specs-dir", str(tmp_path / "specs"), "update", *args])
    return result.exit_code, result.stdout, result.stderr


def test_update_follows_the_vendor_between_runs(tmp_path: Path, site: tuple[_Site, str]) -> None:
    state, base = site
    folder = _setup(tmp_path, f"{base}/openapi", f"{base}/docs/users.md")
    shown = folder.as_posix()
    state.routes["/openapi"] = (200, _spec("GET /pets", "DELETE /pets/{id}"), "")
    state.routes["/docs/users.md"] = (200, _page("GET /users"), '"v1"')
    code, out, err = _update(tmp_path)
    assert (code, err) == (0, "")
    assert out.endswith(
        f"{shown} from {base}/openapi: 2 added, 0 changed, 0 removed, 0 unchanged\n"
        f"added: {shown}/get_users.json\n"
        "operation added: GET /users\n"
        f"{shown} from {base}/docs/users.md: 1 added, 0 changed, 0 removed, 0 unchanged\n"
    )
    manifest = json.loads((folder / ".imported.json").read_text())
    assert manifest["sources"][f"{base}/docs/users.md"] == {"etag": '"v1"', "files": ["get_users.json"]}

    state.routes["/openapi"] = (200, _spec("GET /pets", "POST /pets"), "")  # DELETE gone, POST new
    code, out, err = _update(tmp_path)
    assert (code, err) == (0, "")
    assert out == (
        f"added: {shown}/post_pets.json\n"
        f"removed: {shown}/delete_pets_id.json\n"
        "operation added: POST /pets\n"
        "operation removed: DELETE /pets/{id}\n"
        f"{shown} from {base}/openapi: 1 added, 0 changed, 1 removed, 1 unchanged\n"
        f"{shown} from {base}/docs/users.md: not modified\n"
    )
    assert ("/docs/users.md", '"v1"') in state.seen  # a conditional request, answered 304
    assert sorted(p.name for p in folder.iterdir()) == [
        ".imported.json", "get_pets.json", "get_users.json", "post_pets.json", "provider.yaml"
    ]  # fmt: skip


def test_failed_sources_are_one_error_each_and_nothing_is_written(
    tmp_path: Path, site: tuple[_Site, str]
) -> None:
    state, base = site
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    folder = _setup(tmp_path, f"{base}/good.json", f"{base}/broken", f"http://127.0.0.1:{closed}/spec.yaml")
    state.routes["/good.json"] = (200, _spec("GET /pets"), "")
    state.routes["/broken"] = (500, "oops", "")
    code, out, err = _update(tmp_path)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert (
        lines[0]
        == f"specs/acme/provider.yaml#/sources/1: cannot fetch {base}/broken: HTTP 500 Internal Server Error"
    )
    assert lines[1].startswith(
        f"specs/acme/provider.yaml#/sources/2: cannot fetch http://127.0.0.1:{closed}/spec.yaml: ConnectError"
    )
    assert lines[2:] == ["2 errors"]
    assert sorted(p.name for p in folder.iterdir()) == ["provider.yaml"]


def test_bad_content_is_an_error_naming_the_url_and_nothing_is_written(
    tmp_path: Path, site: tuple[_Site, str]
) -> None:
    state, base = site
    folder = _setup(tmp_path, f"{base}/a.json", f"{base}/b.json")
    state.routes["/a.json"] = (200, _spec("GET /pets"), "")
    state.routes["/b.json"] = (200, '{"openapi": "2.0"}', "")
    code, _, err = _update(tmp_path)
    assert code == 2 and err.startswith(f"{base}/b.json#/openapi: unsupported OpenAPI version '2.0'")
    assert sorted(p.name for p in folder.iterdir()) == ["provider.yaml"]


def test_sources_are_validated(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "acme"
    folder.mkdir(parents=True)
    (folder / "provider.yaml").write_text(
        "sources:\n  - ftp://x/spec.json\n  - {url: 'https://x/a', kind: wiki}\n"
    )
    code, _, err = _update(tmp_path)
    assert code == 2 and err.splitlines()[:2] == [
        "specs/acme/provider.yaml#/sources/0: expected an http(s) URL, got 'ftp://x/spec.json'",
        "specs/acme/provider.yaml#/sources/1/kind: expected 'page' or 'spec', got 'wiki'",
    ]


def test_a_provider_without_sources(tmp_path: Path) -> None:
    (tmp_path / "specs" / "acme").mkdir(parents=True)
    assert _update(tmp_path)[:2] == (0, "nothing to update: no provider.yaml lists sources:\n")
    code, _, err = _update(tmp_path, "-p", "acme")
    assert code == 2 and err.startswith("specs/acme/provider.yaml#: no 'sources:' to update from")


def test_last_modified_is_sent_back_and_a_slow_source_times_out(
    tmp_path: Path, site: tuple[_Site, str]
) -> None:
    state, base = site
    folder = _setup(tmp_path, f"{base}/spec.yaml")
    date = "Wed, 02 Dec 2026 10:00:00 GMT"
    state.routes["/spec.yaml"] = (200, _spec("GET /pets"), f"date:{date}")
    assert _update(tmp_path)[0] == 0
    assert (
        json.loads((folder / ".imported.json").read_text())["sources"][f"{base}/spec.yaml"]["last_modified"]
        == date
    )
    code, out, _ = _update(tmp_path)
    assert code == 0 and out == f"{folder.as_posix()} from {base}/spec.yaml: not modified\n"
    assert state.since[-1] == date
    state.routes["/spec.yaml"] = (200, "sleep", "")
    (folder / "get_pets.json").unlink()  # a fragment gone: the request is not conditional
    code, out, err = _update(tmp_path, "--timeout", "0.5")
    assert code == 2 and err.startswith(
        f"specs/acme/provider.yaml#/sources/0: cannot fetch {base}/spec.yaml: timed out after 0.5 s"
    )
    assert state.since[-1] == ""
