"""The only stage that writes: files into a folder, atomically.

``write_files`` writes a few files next to existing ones (``import-docs``, ``merge -o``): each
goes to a temporary file in the same folder first and is renamed into place, so a reader never
sees half a file. Files whose bytes are unchanged are not touched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_file", "write_files"]


def write_file(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically; return False when it already held those bytes."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def write_files(folder: Path, files: Mapping[str, str]) -> list[str]:
    """Write ``{relative name: text}`` below ``folder``; return the names that changed, sorted."""
    return sorted(name for name in sorted(files) if write_file(folder / name, files[name]))
