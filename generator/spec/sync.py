"""Sync mode of the import commands: which fragment files an import owns, and what a new import changes.

``import-docs``, ``import-spec`` and ``update`` record the files each source gave in
``specs/<provider>/.imported.json`` (the manifest: sorted, deterministic, committed with the
fragments)::

    {"sources": {"page.md": {"files": ["get_pets.json", "post_pets.json"]},
                 "https://acme.dev/openapi.yaml": {"files": [...], "etag": "\\"7c1\\""}}}

A source is named by the page or spec file name (``import-docs``/``import-spec``) or by its URL
(``update``, which also keeps the ``etag``/``last_modified`` the server sent). Re-importing a
source deletes the files it gave last time and gives no longer: the vendor removed those
operations. A file no source lists (written by hand) is never deleted, nor one another source
still lists. Pure functions: the CLI reads the manifest and ``write`` writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.spec.quirks import HTTP_METHODS

__all__ = [
    "MANIFEST_FILE",
    "Manifest",
    "SourceRecord",
    "SyncPlan",
    "dump_manifest",
    "parse_manifest",
    "plan_sync",
]

MANIFEST_FILE = ".imported.json"
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.json")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """What one source gave at its last import, and the validators its server sent."""

    files: tuple[str, ...] = ()
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class Manifest:
    sources: Mapping[str, SourceRecord] = field(default_factory=dict)

    def owners(self, name: str) -> list[str]:
        return [source for source, record in self.sources.items() if name in record.files]


def dump_manifest(manifest: Manifest) -> str:
    data: dict[str, Any] = {"sources": {}}
    for source in sorted(manifest.sources):
        record = manifest.sources[source]
        entry: dict[str, Any] = {"files": sorted(record.files)}
        entry.update({"etag": record.etag} if record.etag else {})
        entry.update({"last_modified": record.last_modified} if record.last_modified else {})
        data["sources"][source] = entry
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_manifest(text: str, shown: str) -> Manifest:
    """The manifest in ``text``; anything not written by us is an error naming the file and pointer."""
    origin = Origin(shown)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(origin, f"not JSON: {exc.msg} (line {exc.lineno})") from None
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict):
        raise _bad(origin, 'expected {"sources": {...}}')
    records = {}
    for source, entry in sources.items():
        where = origin.child("sources", source)
        files = entry.get("files") if isinstance(entry, dict) else None
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise _bad(where, 'expected {"files": [file names]}')
        for index, name in enumerate(files):
            if not _FILE_NAME.fullmatch(name):
                raise _bad(
                    where.child("files", index), f"{name!r} is not a fragment file name of this folder"
                )
        etag, modified = entry.get("etag", ""), entry.get("last_modified", "")
        if not isinstance(etag, str) or not isinstance(modified, str):
            raise _bad(where, "etag and last_modified must be strings")
        records[str(source)] = SourceRecord(tuple(sorted(files)), etag, modified)
    return Manifest(records)


def _bad(where: Origin, message: str) -> SpecError:
    hint = "restore it from version control, or delete it (then nothing is deleted until the next import)"
    return SpecError([Diagnostic(where, message, hint=hint)])


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What importing one source does to a provider folder."""

    files: Mapping[str, str]  # every file the source gives now
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    operations: Mapping[str, tuple[str, ...]]  # added / changed / removed -> "METHOD /path", sorted
    manifest: Manifest | None  # the manifest to write; None when not syncing


def operations_of(files: Mapping[str, bytes | str]) -> dict[str, str]:
    """``{"METHOD /path": text of the file holding it}`` for fragment files we wrote (JSON)."""
    found: dict[str, str] = {}
    for name in sorted(files):
        raw = files[name]
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            continue
        paths = document.get("paths") if isinstance(document, dict) else None
        for path, item in paths.items() if isinstance(paths, dict) else ():
            for method in (m for m in HTTP_METHODS if isinstance(item, dict) and m in item):
                found[f"{method.upper()} {path}"] = text
    return found


def plan_sync(
    source: str,
    files: Mapping[str, str],
    current: Mapping[str, bytes],
    manifest: Manifest | None,
    validators: tuple[str, str] = ("", ""),
) -> SyncPlan:
    """Import ``files`` from ``source`` into a folder holding ``current``; ``manifest`` None keeps
    every file (no sync). ``validators`` is the (etag, last_modified) pair to record."""
    new = {name: text.encode("utf-8") for name, text in files.items()}
    before = manifest.sources.get(source, SourceRecord()) if manifest is not None else SourceRecord()
    removed: tuple[str, ...] = ()
    if manifest is not None:
        removed = tuple(sorted(name for name in before.files if name not in new and name in current
                               and manifest.owners(name) == [source]))  # fmt: skip
    old_files = {n: current[n] for n in sorted(set(before.files) | set(new)) if n in current}
    old_ops, new_ops = operations_of(old_files), operations_of(files)
    operations = {
        "added": tuple(sorted(op for op in new_ops if op not in old_ops)),
        "changed": tuple(sorted(op for op in new_ops if op in old_ops and old_ops[op] != new_ops[op])),
        "removed": tuple(sorted(op for op in old_ops if op not in new_ops)),
    }
    updated = None
    if manifest is not None:
        record = SourceRecord(tuple(sorted(new)), *validators)
        updated = Manifest(dict(sorted({**manifest.sources, source: record}.items())))
    return SyncPlan(
        files=dict(files),
        added=tuple(sorted(n for n in new if n not in current)),
        changed=tuple(sorted(n for n in new if n in current and current[n] != new[n])),
        unchanged=tuple(sorted(n for n in new if current.get(n) == new[n])),
        removed=removed,
        operations=operations,
        manifest=updated,
    )
