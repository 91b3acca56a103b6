"""A content-addressed cache outside the repository, for results that are pure functions of text.

Used by ``format`` (black's output for a source) and ``validate`` (openapi-spec-validator's
findings for a merged document); ``render`` keeps Jinja's compiled templates in its ``jinja``
folder (checked by Jinja against each template's source). Entries live under ``$XDG_CACHE_HOME/openapi-fragments`` (or
``~/.cache/openapi-fragments``), keyed by a SHA-256 of the input and of the tool's version, so a
stale entry can never be read. A read-only or full cache only costs speed: errors are ignored.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["cache_key", "cache_root", "read_entry", "write_entry"]


def cache_root() -> Path:
    """The cache folder (it may not exist yet)."""
    return _root()


def _root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "openapi-fragments"


def cache_key(*parts: str) -> str:
    """The key of an entry: a SHA-256 over its parts."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", errors="surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def read_entry(namespace: str, key: str) -> str | None:
    """The cached text for ``key``, or None."""
    try:
        return (_root() / namespace / key[:2] / key).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_entry(namespace: str, key: str, text: str) -> None:
    """Store ``text`` under ``key`` (atomically: a reader never sees half an entry)."""
    entry = _root() / namespace / key[:2] / key
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{key}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(entry)
    except OSError:
        pass
