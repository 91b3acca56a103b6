"""The only stage that writes: files into a folder, atomically; and the diff for ``check``.

``write_tree`` replaces a generated package folder with exactly the files given (stale files
disappear) by building the new tree beside it and swapping it in, so a failure leaves the
previous tree intact. What the generator never writes and ``read_tree`` ignores (``__pycache__``,
``*.egg-info`` of an editable install, ``build/``, dot files other than the generated top-level
``.gitignore``) moves across the swap, so a regeneration does not undo ``pip install -e``. ``write_files`` writes a few files next to existing ones (``import-docs``,
``merge -o``), each through a temporary file and a rename. ``diff_tree`` compares without
writing. Paths are checked to stay inside the target folder.

Nothing is read or written through a symbolic link: the out folder, the package folder, its
staging (``.<name>.new``) and backup (``.<name>.old``) names, and every entry of the tree that is
not ignored must be real files and folders, or :class:`~generator.diagnostics.SpecError` says
which one is a link. A pull request could otherwise commit ``generated/<provider>`` as a link to
``../.git`` and have ``check`` print ``.git/config`` or ``generate`` move files into it.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic, Origin, SpecError

__all__ = [
    "TreeChange",
    "compare_tree",
    "diff_tree",
    "read_tree",
    "refuse_links",
    "sync_files",
    "write_file",
    "write_files",
    "write_tree",
]


def refuse_links(*paths: Path) -> None:
    """Raise SpecError naming every one of ``paths`` that is a symbolic link."""
    links = [path for path in paths if path.is_symlink()]
    if links:
        raise SpecError([Diagnostic(Origin(path.as_posix()), "a symbolic link; refusing to read or write "
                                    "through it", hint="remove the link: the generator reads and writes only "
                                    "real files and folders") for path in links])  # fmt: skip


def write_file(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically; return False when it already held those bytes."""
    data = text.encode("utf-8")
    refuse_links(path)
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
    refuse_links(folder)
    return sorted(name for name in sorted(files) if write_file(folder / name, files[name]))


def sync_files(folder: Path, files: Mapping[str, str], removed: Sequence[str] = ()) -> list[str]:
    """Write ``files`` below ``folder`` and delete ``removed``, all or nothing as far as the file
    system allows: every changed file is staged as a temporary file first (an error removes them
    all and leaves the folder as it was), then renamed into place, then ``removed`` are deleted.
    Returns the names written, sorted."""
    refuse_links(folder, *(folder / name for name in [*files, *removed]))
    _check_paths(folder, {name: "" for name in [*files, *removed]})
    changed = [
        n
        for n in sorted(files)
        if not (folder / n).is_file() or (folder / n).read_bytes() != files[n].encode()
    ]
    staged: list[tuple[Path, Path]] = []
    try:
        for name in changed:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((Path(staging), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(files[name].encode("utf-8"))
    except BaseException:
        for staged_path, _ in staged:
            staged_path.unlink(missing_ok=True)
        raise
    for staged_path, target in staged:
        os.replace(staged_path, target)
    for name in sorted(removed):
        (folder / name).unlink(missing_ok=True)
    return changed


IGNORED = ("__pycache__", ".pytest_cache", ".mypy_cache", "build", "dist")
# Dot files the generator writes at a package's top level: read, compared and replaced like any
# generated file (every other dot file is the user's and is carried across a regeneration).
GENERATED_DOT_FILES = (".gitignore",)


def _ignored_name(part: str, top: bool = False) -> bool:
    """Whether an entry named ``part`` is left alone (``top``: directly in the package folder)."""
    if top and part in GENERATED_DOT_FILES:
        return False
    return part in IGNORED or part.endswith(".egg-info") or part.startswith(".")


def _carry_ignored(folder: Path, staging: Path, moves: list[tuple[Path, Path]]) -> None:
    """Move the ignored entries of ``folder`` to the same place in ``staging`` where that place's
    folder still exists, recording each move done (source, destination) so that it can be undone."""
    found = []
    for directory, subdirectories, names in os.walk(folder):
        here = Path(directory)
        for name in [*subdirectories, *names]:
            source = here / name
            target = staging / source.relative_to(folder)
            if _ignored_name(name, here == folder) and target.parent.is_dir() and not target.exists():
                found.append((source, target))
        subdirectories[:] = [d for d in subdirectories if not _ignored_name(d, here == folder)]
    for source, target in found:
        os.replace(source, target)
        moves.append((source, target))


def read_tree(folder: Path) -> dict[str, bytes]:
    """The files below ``folder`` (caches, build output and dot files left out), by relative path."""
    refuse_links(folder)
    if not folder.is_dir():
        return {}
    found = {}
    for directory, subdirectories, names in os.walk(folder):
        here = Path(directory)
        top = here == folder
        subdirectories[:] = [d for d in subdirectories if not _ignored_name(d, top)]
        refuse_links(*(here / name for name in [*subdirectories, *names] if not _ignored_name(name, top)))
        for name in names:
            path = here / name
            if not _ignored_name(name, top) and path.is_file():
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return dict(sorted(found.items()))


def _check_paths(folder: Path, files: Mapping[str, str]) -> None:
    root = folder.resolve()
    for name in files:
        target = (folder / name).resolve()
        if name.startswith("/") or ".." in Path(name).parts or root not in target.parents:
            raise ValueError(f"refusing to write {name!r} outside {folder}")


@dataclass(frozen=True, slots=True)
class TreeChange:
    """What writing a tree did, by relative path."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    deleted: tuple[str, ...]


def compare_tree(folder: Path, files: Mapping[str, str]) -> TreeChange:
    """What writing ``files`` to ``folder`` would change."""
    current = read_tree(folder)
    new = {name: text.encode("utf-8") for name, text in files.items()}
    return TreeChange(
        written=tuple(sorted(n for n in new if current.get(n) != new[n])),
        unchanged=tuple(sorted(n for n in new if current.get(n) == new[n])),
        deleted=tuple(sorted(n for n in current if n not in new)),
    )


def write_tree(folder: Path, files: Mapping[str, str], *, fail_after: int | None = None) -> TreeChange:
    """Replace ``folder`` with exactly ``files``, atomically.

    The new tree is built in ``.<name>.new`` beside it and swapped in by two renames, so an error
    before the swap leaves the previous tree as it was (``fail_after`` injects one, for tests).
    """
    staging = folder.with_name(f".{folder.name}.new")
    retired = folder.with_name(f".{folder.name}.old")
    refuse_links(folder.parent, folder, staging, retired)
    change = compare_tree(folder, files)  # refuses a link inside the tree before _check_paths resolves one
    _check_paths(folder, files)
    if not change.written and not change.deleted and folder.is_dir():
        return change
    for leftover in (staging, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    moves: list[tuple[Path, Path]] = []
    try:
        for count, name in enumerate(sorted(files)):
            if fail_after is not None and count >= fail_after:
                raise OSError(f"injected failure after {count} files")
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name].encode("utf-8"))
        if folder.exists():
            _carry_ignored(folder, staging, moves)
            if fail_after is not None and fail_after >= len(files):
                raise OSError("injected failure before the swap")
            os.replace(folder, retired)
        os.replace(staging, folder)
    except BaseException:
        if retired.exists() and not folder.exists():
            os.replace(retired, folder)
        for source, target in reversed(moves):
            if target.exists() and not source.exists():
                os.replace(target, source)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return change


def diff_tree(folder: Path, files: Mapping[str, str], shown: str) -> str:
    """A unified diff from the tree in ``folder`` to ``files``; empty when they agree."""
    refuse_links(folder.parent)
    current = read_tree(folder)
    chunks = []
    for name in sorted(set(current) | set(files)):
        old = current.get(name, b"").decode("utf-8", errors="replace").splitlines(keepends=True)
        new = files.get(name, "").splitlines(keepends=True)
        if name in current and name in files and current[name] == files[name].encode("utf-8"):
            continue
        before = f"a/{shown}/{name}" if name in current else "/dev/null"
        after = f"b/{shown}/{name}" if name in files else "/dev/null"
        chunks.append("".join(difflib.unified_diff(old, new, before, after)))
    return "".join(chunks)
