"""Read a provider folder: ``specs/<provider>/`` -> :class:`ProviderSource`.

The only stage that reads files. A fragment is a ``.json``, ``.yaml`` or ``.yml`` file holding one
OpenAPI 3.x document, or a ``.md`` documentation page in which every fenced json/yaml block that is
an OpenAPI document counts (such a block is shown as ``page.md:LINE``, its first line). Files are
read in sorted order of their relative path; ``provider.yaml`` holds the settings. Every problem
found is collected; :class:`~generator.diagnostics.SpecError` carries them all.

A document must also be safe for the later stages, which recurse and print text: it may nest at
most ``MAX_DEPTH`` levels, hold at most ``MAX_NODES`` nodes and ``MAX_BYTES`` bytes of text (strings
and keys) once YAML aliases are expanded (so neither an alias bomb of many nodes, nor one that
repeats a long string, nor a self-referencing alias gets further), hold only JSON values (no
``!!binary`` bytes or ``!!timestamp`` dates), and no string may hold a lone surrogate (a
``\\ud800`` escape without its pair), which no file can be written with.

Nothing is read through a symbolic link that leaves the specs folder: a fragment, ``provider.yaml``
or provider folder linking outside ``specs/`` is an error (a pull request could otherwise make the
generator print ``.git/config``); links to folders below a provider folder are not followed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.spec.config import ProviderConfig, check_folder, parse_config
from generator.spec.shape import check_shape
from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.spec.documents import (
    ParseError,
    is_openapi,
    looks_like_openapi,
    markdown_blocks,
    parse_error_diagnostic,
    parse_text,
)

__all__ = [
    "Fragment",
    "ProviderSource",
    "discover_providers",
    "load_provider",
    "page_fragments",
    "parse_whole_spec",
    "read_config",
    "read_text",
    "read_whole_spec",
]

CONFIG_FILE = "provider.yaml"
MAX_DEPTH = 100  # real specs nest about 25 levels; the validator's recursion gives out near 140
MAX_NODES = 2_000_000
MAX_BYTES = 64_000_000  # text (strings and keys) once aliases are expanded; OpenAI's spec: about 3 MB
_SURROGATE = re.compile("[\ud800-\udfff]")
_SYNTAX = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True, slots=True)
class Fragment:
    """One OpenAPI document and the file (as shown in messages) it came from."""

    file: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ProviderSource:
    """Everything read from one provider folder."""

    name: str
    config: ProviderConfig
    fragments: tuple[Fragment, ...]
    warnings: tuple[Diagnostic, ...] = ()


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 file (a BOM is allowed); undecodable bytes are a diagnostic."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError([Diagnostic(Origin(shown), f"not UTF-8 text: byte {exc.start}")]) from None
    except OSError as exc:
        raise SpecError([Diagnostic(Origin(shown), f"cannot read: {exc.strerror}")]) from None


def discover_providers(specs_dir: Path) -> list[str]:
    """The provider folders below ``specs_dir``, sorted."""
    if not specs_dir.is_dir():
        return []
    return sorted(p.name for p in specs_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def _check_document(document: Any, shown: str) -> list[Diagnostic]:
    origin = Origin(shown)
    if not isinstance(document, dict):
        return [Diagnostic(origin, f"not an OpenAPI document: a {type(document).__name__}")]
    if "swagger" in document and "openapi" not in document:
        return [Diagnostic(origin.child("swagger"), "swagger 2.0 documents are not supported",
                           hint="convert it to OpenAPI 3.x first")]  # fmt: skip
    if "openapi" not in document:
        return [Diagnostic(origin, "not an OpenAPI document: no 'openapi' key")]
    version = document["openapi"]
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.")):
        return [Diagnostic(origin.child("openapi"), f"unsupported OpenAPI version {version!r}",
                           hint="3.0.x and 3.1.x are supported")]  # fmt: skip
    return _check_tree(document, origin) or check_shape(document, origin)


def _check_tree(document: dict[str, Any], origin: Origin) -> list[Diagnostic]:
    """Depth, size and lone surrogates, walked without recursion (the tree may be hostile)."""
    problems: list[Diagnostic] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    count = size = 0
    while stack:
        node, path = stack.pop()
        count += 1
        size += _text_bytes(node)
        if count > MAX_NODES:
            return [Diagnostic(origin, f"more than {MAX_NODES} nodes (YAML aliases expanded)",
                               hint="a YAML alias that refers to itself, or aliases nested to blow up")]  # fmt: skip
        if size > MAX_BYTES:
            return [Diagnostic(origin.child(*path), f"more than {MAX_BYTES} bytes of text (YAML aliases expanded)",
                               hint="a YAML alias repeats its value wherever it is used; split the document "
                               "or use $ref")]  # fmt: skip
        if len(path) > MAX_DEPTH:
            return [Diagnostic(origin.child(*path), f"nested more than {MAX_DEPTH} levels deep")]
        if isinstance(node, str) and _SURROGATE.search(node):
            problems.append(_surrogate(node, origin.child(*path)))
        elif isinstance(node, dict):
            for key in reversed(node):
                if _SURROGATE.search(key):
                    problems.append(_surrogate(key, origin.child(*path, key)))
                size += _text_bytes(key)
                stack.append((node[key], (*path, key)))
        elif isinstance(node, list):
            stack.extend((item, (*path, index)) for index, item in reversed(list(enumerate(node))))
        elif node is not None and not isinstance(node, (str, int, float)):
            problems.append(Diagnostic(origin.child(*path), f"a value of type {type(node).__name__!r} has no "
                                       "JSON equivalent", hint="drop the explicit YAML tag (!!binary, "
                                       "!!timestamp, !!set, !!omap)"))  # fmt: skip
    return problems


def _text_bytes(node: Any) -> int:
    """The UTF-8 size of a string (a lone surrogate counts as its 3 bytes); 0 for anything else."""
    return len(node.encode("utf-8", "surrogatepass")) if isinstance(node, str) else 0


def _surrogate(text: str, where: Origin) -> Diagnostic:
    char = _SURROGATE.search(text)
    return Diagnostic(where, f"lone surrogate {char.group() if char else ''!r} in a string: not Unicode text",
                      hint="an escape like \\ud83d needs its pair (\\ud83d\\ude00), or use the character itself")  # fmt: skip


def _file_fragments(text: str, syntax: str, shown: str) -> tuple[list[Fragment], list[Diagnostic]]:
    try:
        document = parse_text(text, syntax)
    except ParseError as exc:
        return [], [parse_error_diagnostic(shown, exc)]
    problems = _check_document(document, shown)
    return ([] if problems else [Fragment(shown, document)]), problems


def page_fragments(text: str, shown: str) -> tuple[list[Fragment], list[Diagnostic]]:
    """The OpenAPI documents of a Markdown page (``import-docs`` uses it too)."""
    fragments: list[Fragment] = []
    problems: list[Diagnostic] = []
    for block in markdown_blocks(text):
        where = f"{shown}:{block.line}"
        try:
            document = parse_text(block.text, block.syntax)
        except ParseError as exc:
            if looks_like_openapi(block.text):
                problems.append(parse_error_diagnostic(shown, exc, block.line - 1))
            continue
        if is_openapi(document):
            found = _check_document(document, where)
            problems.extend(found)
            if not found:
                fragments.append(Fragment(where, document))
    if not fragments and not problems:
        problems.append(Diagnostic(Origin(shown), "no OpenAPI document in this page", severity="warning"))
    return fragments, problems


def _linked_outside(path: Path, root: Path, shown: str) -> list[Diagnostic]:
    """A symbolic link whose target is not below ``root`` (the specs folder) is refused."""
    if not path.is_symlink() or path.resolve().is_relative_to(root):
        return []
    kind = "folder" if path.is_dir() else "file"
    return [Diagnostic(Origin(shown), f"a symbolic link to a {kind} outside specs/",
                       hint="copy it into specs/ instead")]  # fmt: skip


def _files(folder: Path) -> list[Path]:
    """The files below ``folder``, sorted; links to folders are not followed (loops, escapes)."""
    found = []
    for directory, _, names in os.walk(folder):
        found += [Path(directory) / name for name in names]
    return sorted(found)


def _read_fragments(folder: Path, prefix: str, root: Path) -> tuple[list[Fragment], list[Diagnostic]]:
    fragments: list[Fragment] = []
    problems: list[Diagnostic] = []
    for path in _files(folder):
        relative = path.relative_to(folder).as_posix()
        shown = f"{prefix}/{relative}"
        if relative == CONFIG_FILE or any(part.startswith(".") for part in Path(relative).parts):
            continue
        outside = _linked_outside(path, root, shown)
        if outside or not path.is_file():
            problems += outside
            continue
        suffix = path.suffix.lower()
        if suffix == ".md":
            found, diags = page_fragments(read_text(path, shown), shown)
        elif suffix in _SYNTAX:
            found, diags = _file_fragments(read_text(path, shown), _SYNTAX[suffix], shown)
        else:
            found, diags = [], [Diagnostic(Origin(shown), "ignored: not a .json, .yaml, .yml "
                                           "or .md fragment", severity="warning")]  # fmt: skip
        fragments += found
        problems += diags
    return fragments, problems


def _read_config(folder: Path, name: str, prefix: str, root: Path) -> tuple[ProviderConfig, list[Diagnostic]]:
    path = folder / CONFIG_FILE
    shown = f"{prefix}/{CONFIG_FILE}"
    data: object = None
    outside = _linked_outside(path, root, shown)
    if outside:
        return parse_config(name, None, Origin(shown))[0], outside
    if path.is_file():
        try:
            data = parse_text(read_text(path, shown), "yaml")
        except ParseError as exc:
            config, _ = parse_config(name, None, Origin(shown))
            return config, [parse_error_diagnostic(shown, exc)]
    return parse_config(name, data, Origin(shown))


def load_provider(specs_dir: Path, name: str) -> ProviderSource:
    """Read ``specs_dir/name``: its settings and fragments, or raise SpecError with every problem."""
    folder = specs_dir / name
    prefix = f"{specs_dir.name}/{name}"
    bad_name = check_folder(name, Origin(prefix))  # before touching the file system
    if bad_name:
        raise SpecError(bad_name)
    root = specs_dir.resolve()
    outside = _linked_outside(folder, root, prefix)
    if outside:
        raise SpecError(outside)
    if not folder.is_dir():
        raise SpecError([Diagnostic(Origin(prefix), "no such provider folder")])
    config, problems = _read_config(folder, name, prefix, root)
    fragments, found = _read_fragments(folder, prefix, root)
    problems += found
    if not fragments and not [p for p in problems if p.severity == "error"]:
        problems.append(Diagnostic(Origin(prefix), "no OpenAPI fragments in this folder",
                                   hint="add .json, .yaml, .yml or .md files"))  # fmt: skip
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SpecError(errors)
    warnings = tuple(sorted(p for p in problems if p.severity == "warning"))
    return ProviderSource(name, config, tuple(fragments), warnings)


def read_whole_spec(path: Path) -> tuple[dict[str, Any], str]:
    """Read one whole OpenAPI document (``import-spec``); return it and the name shown for it."""
    syntax = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_whole_spec(read_text(path, path.name), path.name, syntax), path.name


def parse_whole_spec(text: str, shown: str, syntax: str) -> dict[str, Any]:
    """One whole OpenAPI document from ``text`` (a file, or a spec ``update`` fetched)."""
    fragments, problems = _file_fragments(text, syntax, shown)
    if problems:
        raise SpecError(problems)
    return fragments[0].document


def read_config(specs_dir: Path, name: str) -> ProviderConfig:
    """Only the settings of ``specs_dir/name`` (``update`` needs no fragments), or SpecError."""
    prefix = f"{specs_dir.name}/{name}"
    bad_name = check_folder(name, Origin(prefix))
    if bad_name:
        raise SpecError(bad_name)
    config, problems = _read_config(specs_dir / name, name, prefix, specs_dir.resolve())
    if problems:
        raise SpecError(problems)
    return config
