"""Format rendered sources with black, in memory: the ``format`` stage.

Takes ``{path: text}`` and returns the same keys with every ``.py`` file black-formatted (other
files untouched). black is the formatter of record; the mode here is the one in the root and
generated ``pyproject.toml`` files (line length 110, Python 3.10), so ``black --check generated/``
agrees. Formatting is a pure function of the text, so results are cached by content hash
(in memory, and on disk under ``$XDG_CACHE_HOME/openapi-fragments`` or ``~/.cache``, outside
the repository) and only changed files are formatted; the cache key includes black's version.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version

from generator.cache import cache_key, read_entry, write_entry

__all__ = ["format_python", "format_sources"]

LINE_LENGTH = 110
_PARALLEL_MIN = 24  # below this many uncached files a process pool costs more than it saves
_NAMESPACE = f"black-{version('black')}-{LINE_LENGTH}"


def format_python(text: str) -> str:
    """One Python source through black (imported here: a warm run with every file cached never
    pays for importing it)."""
    import black
    from black.mode import Mode, TargetVersion

    return black.format_str(text, mode=Mode(line_length=LINE_LENGTH, target_versions={TargetVersion.PY310}))


def format_sources(
    sources: Mapping[str, str], *, use_cache: bool = True, progress: Callable[[int, int], None] | None = None
) -> dict[str, str]:
    """Every ``.py`` source formatted by black; other files returned as they are.

    ``progress(done, total)`` is called as files are formatted (the CLI shows it on a terminal).
    """
    python = {p: t for p, t in sources.items() if p.endswith(".py")}
    keys = {p: cache_key(t) for p, t in python.items()}
    done = {
        p: text for p, key in keys.items() if use_cache and (text := read_entry(_NAMESPACE, key)) is not None
    }
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
                write_entry(_NAMESPACE, keys[path], text)
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
