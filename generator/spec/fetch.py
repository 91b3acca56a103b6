"""Fetch the ``sources:`` of provider.yaml over HTTP(S) for ``update``: URLs -> texts, or one problem each.

Every source is fetched before anything is written, so a failure leaves ``specs/`` alone. A
request times out (``timeout`` seconds per connect and per read), follows redirects, and is
conditional when the manifest kept the source's ``ETag`` or ``Last-Modified``: a ``304 Not
Modified`` answer means the fragments are current. A body larger than ``MAX_BODY`` bytes or not
UTF-8 is a problem too. Nothing else in the generator talks to the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when fetching: every other command starts without httpx
    import httpx

__all__ = ["Fetched", "MAX_BODY", "Request", "fetch_all"]

MAX_BODY = 64_000_000  # the most text load accepts in one document


@dataclass(frozen=True, slots=True)
class Request:
    url: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class Fetched:
    """The answer for one source: ``text`` (None when not modified) or a ``problem``."""

    text: str | None = None
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    problem: str = ""


def _headers(request: Request) -> dict[str, str]:
    headers = {"Accept": "application/json, application/yaml, text/markdown, text/plain, */*;q=0.5"}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


def _fetch_one(client: httpx.Client, request: Request) -> Fetched:
    import httpx

    try:
        with client.stream("GET", request.url, headers=_headers(request)) as response:
            if response.status_code == 304:
                return Fetched(None, request.etag, request.last_modified)
            if response.status_code != 200:
                return Fetched(problem=f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY:
                    return Fetched(problem=f"the answer is larger than {MAX_BODY} bytes")
            headers = response.headers
    except httpx.TimeoutException:
        return Fetched(problem=f"timed out after {client.timeout.read} s")
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        return Fetched(problem=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    try:
        text = bytes(body).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Fetched(problem=f"not UTF-8 text: byte {exc.start}")
    return Fetched(
        text, headers.get("etag", ""), headers.get("last-modified", ""), headers.get("content-type", "")
    )


def fetch_all(requests: Sequence[Request], timeout: float) -> list[Fetched]:
    """Fetch every request in order with one connection pool; never raises for a failed source."""
    import httpx

    settings = httpx.Timeout(timeout)
    with httpx.Client(
        timeout=settings, follow_redirects=True, headers={"User-Agent": "openapi-fragments"}
    ) as client:
        return [_fetch_one(client, request) for request in requests]
