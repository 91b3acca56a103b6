"""Format rendered sources with black, in memory: the ``format`` stage.

Takes ``{path: text}`` and returns the same keys with every ``.py`` file black-formatted (other
files untouched). black is the formatter of record; the mode here is the one in the root and
generated ``pyproject.toml`` files (line length 110, Python 3.10), so ``black --check generated/``
agrees. Formatting is a pure function of the text, so results are cached by content hash
(in memory, and on disk under ``$XDG_CACHE_HOME/openapi-fragments`` or ``~/.cache``, outside
the repository) and only changed files are formatted; the cache key includes black's version.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

import black
from black.mode import Mode, TargetVersion
from black.report import NothingChanged

__all__ = ["MODE", "format_sources"]

MODE = Mode(line_length=110, target_versions={TargetVersion.PY310})
_PARALLEL_MIN = 24  # below this many uncached files a process pool costs more than it saves


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "openapi-fragments" / f"black-{version('black')}-110"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_python(text: str) -> str:
    """One Python source through black."""
    try:
        return black.format_str(text, mode=MODE)
    except NothingChanged:  # pragma: no cover - format_str does not raise it
        return text


def _cached(keys: Mapping[str, str], cache: Path) -> dict[str, str]:
    found = {}
    for path, key in keys.items():
        entry = cache / key[:2] / key
        if entry.is_file():
            found[path] = entry.read_text(encoding="utf-8")
    return found


def _store(cache: Path, key: str, text: str) -> None:
    entry = cache / key[:2] / key
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(entry)
    except OSError:  # a read-only or full cache only costs speed
        pass


def format_sources(sources: Mapping[str, str], *, use_cache: bool = True) -> dict[str, str]:
    """Every ``.py`` source formatted by black; other files returned as they are."""
    python = {p: t for p, t in sources.items() if p.endswith(".py")}
    keys = {p: _key(t) for p, t in python.items()}
    cache = _cache_dir()
    done = _cached(keys, cache) if use_cache else {}
    todo = sorted(p for p in python if p not in done)
    if len(todo) >= _PARALLEL_MIN and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor() as pool:
            formatted = list(pool.map(format_python, [python[p] for p in todo], chunksize=8))
    else:
        formatted = [format_python(python[p]) for p in todo]
    for path, text in zip(todo, formatted):
        done[path] = text
        if use_cache:
            _store(cache, keys[path], text)
    return {p: done.get(p, t) for p, t in sources.items()}
