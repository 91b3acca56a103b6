"""A loopback HTTP/1.1 server for the per-call benchmark: every GET gets the same small JSON body.

Run as its own process (``python bench/loopback.py``) so that its work does not share the GIL
with the clients being measured; it prints its port on the first line of stdout, then serves
until stdin closes. Keep-alive is on and every accepted socket gets ``TCP_NODELAY``: without it
Nagle's algorithm and delayed ACKs add about 40 ms to each response written in two parts.
"""

from __future__ import annotations

import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dataset

BODY = dataset.small_invite_json()


class Handler(BaseHTTPRequestHandler):
    """Answers every GET with ``BODY``; no logging."""

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks up
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # the parent closes our stdin to stop us
    server.shutdown()


if __name__ == "__main__":
    main()
