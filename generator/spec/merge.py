"""Merge a provider's fragments into one OpenAPI document, whatever order they arrive in.

Takes the fragments (after ``quirks``) and returns :class:`Merged`: the document plus an origin
map from which :meth:`Merged.origin_of` finds, for any JSON pointer of the merged document, the
fragment file and the pointer inside that fragment.

Rules (docs/merging.md):
- paths: the union. The same path and method in two fragments is an error naming both, even
  when the two are identical; path-level keys (``parameters``, ``summary``, ...) must agree.
- components (every section) and webhooks: the union by name. Identical definitions merge;
  copies that differ only in documentation (``description``, ``summary``, ``title``,
  ``example(s)``, ``externalDocs``, ``x-*``) merge with a warning naming both files, keeping the
  copy whose JSON text sorts first; any other difference is an error showing the first
  differing pointer and both values, unless provider.yaml ``prefer:`` names the file whose copy
  wins (a warning then). The same for every key below that must agree. Nothing is renamed.
- openapi: fragments must share major.minor (3.0 or 3.1); the highest patch version is kept.
- info, servers, externalDocs, jsonSchemaDialect, x- extensions: every fragment that has one
  must agree; a disagreement is an error naming both files (fragments without them inherit).
- security: when all fragments declare the same root ``security`` (absent counts as a value), it
  stays at the root. Otherwise the root has none and every operation without its own
  ``security`` gets its fragment's root requirement (``[]`` when that fragment had none), so no
  operation changes meaning.
- tags: the union by name, sorted by name; one name with two different definitions is an error.
Identical means equal as JSON (key order aside, ``1`` and ``true`` differ); of equal variants
the one whose text sorts first is kept, so the output bytes never depend on file names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostic, Origin, join_pointer, raise_if_errors
from generator.spec.load import Fragment
from generator.spec.quirks import HTTP_METHODS
from generator.spec.views import MISSING, first_difference, without_docs

__all__ = ["Merged", "merge"]

_AGREE_KEYS = ("info", "jsonSchemaDialect", "servers", "externalDocs")
_ROOT_ORDER = ("openapi", "info", "jsonSchemaDialect", "servers", "security", "tags", "paths",
               "webhooks", "components", "externalDocs")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Merged:
    """The merged document and where each of its nodes came from."""

    document: dict[str, Any]
    origins: Mapping[str, Origin] = field(default_factory=dict)
    warnings: tuple[Diagnostic, ...] = ()

    def origin_of(self, pointer: str) -> Origin:
        """The fragment file and pointer of the node at ``pointer`` in the merged document."""
        probe = pointer
        while True:
            origin = self.origins.get(probe)
            if origin is not None:
                return Origin(origin.file, origin.pointer + pointer[len(probe) :])
            if not probe:
                return Origin("<merged>", pointer)
            probe = probe[: probe.rfind("/")]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass
class _Slot:
    """The candidates for one node of the merged document."""

    entries: list[tuple[Origin, Any]] = field(default_factory=list)

    def settle(self, what: str, errors: list[Diagnostic], prefer: Sequence[str] = ()) -> tuple[Any, Origin]:
        """The agreed value and its origin. Copies that differ only in documentation merge with a
        warning (the one whose JSON text sorts first is kept); a copy from a file ``prefer``
        names (provider.yaml ``prefer:``) wins over other copies, with a warning; any other
        difference is an error showing the first differing pointer and both values."""
        entries = sorted(self.entries, key=lambda e: e[0])
        first_origin, first = entries[0]
        differing = [(o, v) for o, v in entries[1:] if _canonical(v) != _canonical(first)]
        chosen = min(((v, o) for o, v in entries), key=lambda p: (json.dumps(p[0]), p[1]))
        if not differing:
            return chosen
        preferred = [(v, o) for name in prefer for o, v in entries if _is_file(o.file, name)]
        if preferred:
            value, origin = preferred[0]
            others = sorted({o.file for o, v in entries if _canonical(v) != _canonical(value)})
            errors.append(Diagnostic(origin, f"{what} differs in {', '.join(others)}; this copy is kept "
                                     "(provider.yaml 'prefer:')", severity="warning"))  # fmt: skip
            return value, origin
        for origin, value in differing:
            found = first_difference(without_docs(first), without_docs(value))
            if found is None:
                where = first_difference(first, value)
                shown = f" (first at {where[0] or '/'})" if where else ""
                errors.append(Diagnostic(origin, f"{what} differs from the one in {first_origin} only in "
                                         f"documentation{shown}; the copy from {chosen[1].file} is kept",
                                         hint="copies that differ only in description, summary, title, "
                                         "example(s), externalDocs or x- keys merge", severity="warning"))  # fmt: skip
                continue
            pointer, mine, theirs = found
            errors.append(Diagnostic(origin, f"{what} differs from the one in {first_origin} at {pointer or '/'}: "
                                     f"{_shown(theirs)} here, {_shown(mine)} there",
                                     hint="make the fragments agree, or name the file whose copy wins in "
                                     "provider.yaml: prefer: [...]"))  # fmt: skip
        return chosen


def _is_file(shown: str, name: str) -> bool:
    return shown == name or shown.endswith("/" + name)


def _shown(value: Any) -> str:
    if value is MISSING:
        return "nothing"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _version(fragments: Sequence[Fragment], errors: list[Diagnostic]) -> tuple[str, Origin]:
    def key(version: str) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))

    found = sorted((Origin(f.file, "/openapi"), f.document["openapi"]) for f in fragments)
    first_origin, first = found[0]
    for origin, version in found[1:]:
        if key(version)[:2] != key(first)[:2]:
            errors.append(Diagnostic(origin, f"openapi {version!r} does not match {first!r} "
                                     f"in {first_origin}", hint="use one of 3.0 or 3.1 per provider"))  # fmt: skip
    version, origin = max(((v, o) for o, v in found), key=lambda p: (key(p[0]), p[1]))
    return version, origin


def _agreeing_keys(
    fragments: Sequence[Fragment], out: dict[str, Any], origins: dict[str, Origin],
    errors: list[Diagnostic], prefer: Sequence[str],
) -> None:  # fmt: skip
    slots: dict[str, _Slot] = {}
    for fragment in fragments:
        for key, value in fragment.document.items():
            if key in _AGREE_KEYS or key.startswith("x-"):
                slots.setdefault(key, _Slot()).entries.append((Origin(fragment.file, "/" + key), value))
    for key in sorted(slots):
        out[key], origins[join_pointer(key)] = slots[key].settle(repr(key), errors, prefer)


def _security(
    fragments: Sequence[Fragment], out: dict[str, Any], origins: dict[str, Origin]
) -> dict[str, tuple[Any, Origin]]:
    """Set the root security when all agree; else return what each fragment pushes down."""
    variants = {_canonical(f.document.get("security")) for f in fragments}
    if len(variants) == 1:
        if "security" in fragments[0].document:
            slot = _Slot([(Origin(f.file, "/security"), f.document["security"]) for f in fragments])
            out["security"], origins["/security"] = slot.settle("'security'", [])
        return {}
    return {f.file: (f.document.get("security", []), Origin(f.file, "/security")) for f in fragments}


def _tags(
    fragments: Sequence[Fragment], errors: list[Diagnostic], prefer: Sequence[str]
) -> list[tuple[Any, Origin]]:
    slots: dict[str, _Slot] = {}
    for fragment in fragments:
        for index, tag in enumerate(fragment.document.get("tags") or []):
            name = tag.get("name") if isinstance(tag, dict) else None
            if isinstance(name, str):
                slots.setdefault(name, _Slot()).entries.append(
                    (Origin(fragment.file).child("tags", index), tag)
                )
            else:
                errors.append(Diagnostic(Origin(fragment.file).child("tags", index), "a tag without a name"))
    return [slots[name].settle(f"tag {name!r}", errors, prefer) for name in sorted(slots)]


@dataclass
class _Paths:
    """Path items under construction: operations claimed once, path-level keys agreed."""

    operations: dict[tuple[str, str], tuple[Origin, dict[str, Any]]] = field(default_factory=dict)
    path_keys: dict[tuple[str, str], _Slot] = field(default_factory=dict)

    def add(self, fragment: Fragment, pushed: tuple[Any, Origin] | None, errors: list[Diagnostic]) -> None:
        paths = fragment.document.get("paths") or {}
        if not isinstance(paths, dict):
            errors.append(Diagnostic(Origin(fragment.file, "/paths"), "'paths' is not a mapping"))
            return
        for path, item in paths.items():
            where = Origin(fragment.file).child("paths", path)
            if not isinstance(item, dict):
                errors.append(Diagnostic(where, "a path item that is not a mapping"))
                continue
            for key, value in item.items():
                if key in HTTP_METHODS and isinstance(value, dict):
                    self._operation(path, key, value, where.child(key), pushed, errors)
                else:
                    self.path_keys.setdefault((path, key), _Slot()).entries.append((where.child(key), value))

    def _operation(
        self, path: str, method: str, operation: dict[str, Any], origin: Origin,
        pushed: tuple[Any, Origin] | None, errors: list[Diagnostic],
    ) -> None:  # fmt: skip
        seen = self.operations.get((path, method))
        if seen is not None:
            first, second = sorted((seen[0], origin))
            errors.append(Diagnostic(second, f"operation {method.upper()} {path} is also defined in {first}",
                                     hint="keep one of the two fragments"))  # fmt: skip
            return
        if pushed is not None and "security" not in operation:
            operation = {**operation, "security": pushed[0]}
        self.operations[(path, method)] = (origin, operation)

    def build(
        self, pushed: Mapping[str, tuple[Any, Origin]], origins: dict[str, Origin],
        errors: list[Diagnostic], prefer: Sequence[str],
    ) -> dict[str, Any]:  # fmt: skip
        out: dict[str, dict[str, Any]] = {}
        for path, key in sorted(self.path_keys):
            value, origins[join_pointer("paths", path, key)] = self.path_keys[path, key].settle(
                f"path-level {key!r} of {path}", errors, prefer)  # fmt: skip
            out.setdefault(path, {})[key] = value
        order = {m: i for i, m in enumerate(HTTP_METHODS)}
        for path, method in sorted(self.operations, key=lambda k: (k[0], order[k[1]])):
            origin, operation = self.operations[path, method]
            pointer = join_pointer("paths", path, method)
            origins[pointer] = origin
            if origin.file in pushed and operation.get("security") is pushed[origin.file][0]:
                origins[pointer + "/security"] = pushed[origin.file][1]
            out.setdefault(path, {})[method] = operation
        return {path: out[path] for path in sorted(out)}


def _named_sections(
    fragments: Sequence[Fragment], origins: dict[str, Origin], errors: list[Diagnostic], prefer: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Union of every components section and of webhooks, by name."""
    slots: dict[tuple[str, ...], _Slot] = {}
    for fragment in fragments:
        sections: list[tuple[tuple[str, ...], Any]] = [
            (("webhooks",), fragment.document.get("webhooks") or {})
        ]
        components = fragment.document.get("components") or {}
        sections += (
            [(("components", s), v) for s, v in components.items()] if isinstance(components, dict) else []
        )
        for prefix, section in sections:
            if not isinstance(section, dict) or prefix[-1].startswith("x-"):
                slots.setdefault(prefix, _Slot()).entries.append(
                    (Origin(fragment.file, join_pointer(*prefix)), section)
                )
                continue
            for name, value in section.items():
                origin = Origin(fragment.file, join_pointer(*prefix, name))
                slots.setdefault((*prefix, name), _Slot()).entries.append((origin, value))
    tree: dict[str, Any] = {}
    for key in sorted(slots):
        value, origins[join_pointer(*key)] = slots[key].settle(_describe(key), errors, prefer)
        node = tree
        for token in key[:-1]:
            node = node.setdefault(token, {})
        node[key[-1]] = value
    return tree.get("components", {}), tree.get("webhooks", {})


def _describe(key: tuple[str, ...]) -> str:
    if key[0] == "webhooks":
        return f"webhook {key[-1]!r}" if len(key) > 1 else "'webhooks'"
    return f"component {key[1]}/{key[2]}" if len(key) > 2 else f"'components/{key[1]}'"


def merge(fragments: Sequence[Fragment], prefer: Sequence[str] = ()) -> Merged:
    """Merge the fragments into one document (the result does not depend on their order); its
    ``warnings`` say where copies drifted in documentation or ``prefer`` chose a copy."""
    fragments = sorted(fragments, key=lambda f: f.file)
    errors: list[Diagnostic] = []
    out: dict[str, Any] = {}
    origins: dict[str, Origin] = {"": Origin(fragments[0].file, "")}
    out["openapi"], origins["/openapi"] = _version(fragments, errors)
    _agreeing_keys(fragments, out, origins, errors, prefer)
    pushed = _security(fragments, out, origins)
    tags = _tags(fragments, errors, prefer)
    if tags:
        out["tags"] = [tag for tag, _ in tags]
        origins.update({f"/tags/{i}": origin for i, (_, origin) in enumerate(tags)})
    paths = _Paths()
    for fragment in fragments:
        paths.add(fragment, pushed.get(fragment.file), errors)
    out["paths"] = paths.build(pushed, origins, errors, prefer)
    components, webhooks = _named_sections(fragments, origins, errors, prefer)
    if webhooks:
        out["webhooks"] = webhooks
    if components:
        out["components"] = {section: components[section] for section in sorted(components)}
    raise_if_errors(errors)
    ordered = {key: out[key] for key in _ROOT_ORDER if key in out}
    ordered.update({key: out[key] for key in sorted(out) if key not in ordered})
    return Merged(ordered, origins, tuple(sorted(errors)))
