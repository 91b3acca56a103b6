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
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def format_sources(
    sources: Mapping[str, str], *, use_cache: bool = True, progress: Callable[[int, int], None] | None = None
) -> dict[str, str]:
    """Every ``.py`` source formatted by black; other files returned as they are.

    ``progress(done, total)`` is called as files are formatted (the CLI shows it on a terminal).
    """
    python = {p: t for p, t in sources.items() if p.endswith(".py")}
    keys = {p: _key(t) for p, t in python.items()}
    cache = _cache_dir()
    done = _cached(keys, cache) if use_cache else {}
    todo = sorted(p for p in python if p not in done)
    report = progress or (lambda done, total: None)
    cached = len(done)
    with (
        ProcessPoolExecutor() if len(todo) >= _PARALLEL_MIN and (os.cpu_count() or 1) > 1 else _Serial()
    ) as pool:
        for count, (path, text) in enumerate(
            zip(todo, pool.map(format_python, [python[p] for p in todo], chunksize=8))
        ):
            done[path] = text
            if use_cache:
                _store(cache, keys[path], text)
            report(cached + count + 1, len(python))
    return {p: done.get(p, t) for p, t in sources.items()}


class _Serial:
    """The part of an executor ``format_sources`` uses, in this process (for few files)."""

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def map(self, func: Callable[[str], str], items: Iterable[str], chunksize: int = 1) -> Iterator[str]:
        return map(func, items)
