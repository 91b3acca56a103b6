"""The one place that knows OpenAPI's structure: JSON pointers, ``$ref``, ``allOf``, media types.

Every later stage asks this module instead of indexing the raw document on its own, so that the
client (``model``) and the API review (``review.diff_api``) cannot disagree on what a spec means:
- :func:`resolve` reads the node at any JSON pointer (RFC 6901), also inside a component
  (``#/components/schemas/Template/allOf/1/properties/created_by``);
- :func:`follow` follows a chain of local ``$ref``s to the node it stands for, with the pointer of
  that node (cycles and dangling refs end the chain; validation reports them);
- :func:`walk_refs` lists the references of a subtree and nothing that is data: values under
  ``x-`` extensions, ``example``, ``examples`` (except an Example Object's own ``$ref``),
  ``default``, ``const`` and ``enum`` may hold a ``$ref`` key that is just data;
- :func:`merge_all_of` merges ``allOf`` parts the way the generated client types them: parts in
  order, then the schema's own keys, a later definition of a property refining an earlier one;
- :func:`choose_media` picks the media type a client uses: JSON, then ``text/*``, then the first;
  :func:`event_stream_media` finds a ``text/event-stream`` response (read as server-sent events).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from generator.diagnostics import join_pointer, split_pointer

__all__ = [
    "MISSING",
    "Followed",
    "EVENT_STREAM",
    "choose_media",
    "event_stream_media",
    "first_difference",
    "follow",
    "is_json_media",
    "merge_all_of",
    "path_variables",
    "ref_pointer",
    "resolve",
    "walk_refs",
    "without_data_refs",
    "without_docs",
]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
_TEMPLATE_VAR = re.compile(r"\{([^{}]+)\}")
MAX_REF_CHAIN = 64  # a chain of refs longer than this is treated as a cycle
MAX_ALL_OF_DEPTH = 32
MAX_ALL_OF_PARTS = 10_000

# Keywords whose value is data (any JSON, where a "$ref" key is not a reference).
_DATA_KEYWORDS = frozenset({"example", "default", "const", "enum"})
# Keywords whose value maps names (not keywords) to objects.
_NAME_MAPS = frozenset({
    "properties", "patternProperties", "definitions", "$defs", "dependentSchemas", "paths", "webhooks",
    "responses", "content", "encoding", "headers", "links", "callbacks", "schemas", "parameters",
    "requestBodies", "securitySchemes", "pathItems", "variables", "mapping", "scopes",
})  # fmt: skip


def path_variables(path: str) -> list[str]:
    """The template variables of a path key, ignoring a ``?query`` or ``#fragment`` part."""
    return _TEMPLATE_VAR.findall(re.split(r"[?#]", path, maxsplit=1)[0])


def ref_pointer(ref: Any) -> str | None:
    """The JSON pointer of a local reference (``#/a/b`` -> ``/a/b``); None for any other value."""
    if isinstance(ref, str) and (ref == "#" or ref.startswith("#/")):
        return ref[1:]
    return None


def resolve(document: Any, pointer: str) -> Any:
    """The node at ``pointer``, or :data:`MISSING` when there is none."""
    node = document
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


@dataclass(frozen=True, slots=True)
class Followed:
    """Where a chain of ``$ref``s ends: the node (``{}`` when dangling or cyclic), its pointer
    (None when the start was no reference), and the refs' pointers in the order followed."""

    node: Any
    pointer: str | None
    refs: tuple[str, ...]

    @property
    def component(self) -> tuple[str, str] | None:
        """(section, name) when the chain ends exactly at a component (``/components/<s>/<n>``)."""
        tokens = split_pointer(self.pointer) if self.pointer else []
        if len(tokens) == 3 and tokens[0] == "components":
            return tokens[1], tokens[2]
        return None


def follow(document: Any, node: Any) -> Followed:
    """Follow local ``$ref``s from ``node`` to what it stands for."""
    refs: list[str] = []
    while isinstance(node, dict) and "$ref" in node:
        pointer = ref_pointer(node["$ref"])
        if pointer is None or pointer in refs or len(refs) >= MAX_REF_CHAIN:
            return Followed({}, pointer, tuple(refs))
        refs.append(pointer)
        node = resolve(document, pointer)
        if node is MISSING:
            return Followed({}, pointer, tuple(refs))
    return Followed(node, refs[-1] if refs else None, tuple(refs))


def walk_refs(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(pointer of the ``$ref`` key, its value) for every reference below ``node``, data skipped."""
    stack: list[tuple[Any, str, bool]] = [(node, pointer, False)]
    while stack:
        item, where, names = stack.pop()
        if isinstance(item, list):
            stack += [(value, f"{where}/{index}", False) for index, value in reversed(list(enumerate(item)))]
            continue
        if not isinstance(item, dict):
            continue
        if not names and "$ref" in item:
            yield where + "/$ref", item["$ref"]
        children: list[tuple[Any, str, bool]] = []
        for key, value in item.items():
            child = where + join_pointer(key)
            if names:
                children.append((value, child, False))
            elif key == "$ref" or key in _DATA_KEYWORDS or key.startswith("x-"):
                continue
            elif key == "examples":
                for example, entry in value.items() if isinstance(value, dict) else ():
                    if isinstance(entry, dict) and "$ref" in entry:  # an Example Object's own ref
                        yield child + join_pointer(example, "$ref"), entry["$ref"]
            else:
                children.append((value, child, key in _NAME_MAPS and isinstance(value, dict)))
        stack += reversed(children)


def _data_children(node: Any, tokens: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(tokens, value) of every data value below ``node`` (the places :func:`walk_refs` skips)."""
    stack: list[tuple[Any, tuple[str, ...], bool]] = [(node, tokens, False)]
    while stack:
        item, where, names = stack.pop()
        if isinstance(item, list):
            stack += [(value, (*where, str(index)), False) for index, value in enumerate(item)]
        elif isinstance(item, dict):
            for key, value in item.items():
                if names:
                    stack.append((value, (*where, key), False))
                elif key in _DATA_KEYWORDS or key.startswith("x-"):
                    yield (*where, key), value
                elif key == "examples" and isinstance(value, dict):
                    for example, entry in value.items():
                        if isinstance(entry, dict):
                            yield from (
                                ((*where, key, example, k), v) for k, v in entry.items() if k != "$ref"
                            )
                elif key == "examples":
                    yield (*where, key), value
                elif key != "$ref":
                    stack.append((value, (*where, key), key in _NAME_MAPS and isinstance(value, dict)))


def _holds_ref(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "$ref" in item:
                return True
            stack += item.values()
        elif isinstance(item, list):
            stack += item
    return False


def _renamed_refs(value: Any) -> Any:
    if isinstance(value, dict):
        return {("x-data-$ref" if k == "$ref" else k): _renamed_refs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed_refs(v) for v in value]
    return value


def without_data_refs(document: Any) -> Any:
    """``document`` with every ``$ref`` key inside data renamed, for tools (openapi-spec-validator)
    that would follow it; the same object when there is none, else a copy sharing what it can."""
    found = [(tokens, value) for tokens, value in _data_children(document, ()) if _holds_ref(value)]
    if not found:
        return document
    result = dict(document)
    for tokens, value in found:
        node: Any = result
        for token in tokens[:-1]:
            key: Any = int(token) if isinstance(node, list) else token
            child = node[key]
            node[key] = copied = list(child) if isinstance(child, list) else dict(child)
            node = copied
        node[int(tokens[-1]) if isinstance(node, list) else tokens[-1]] = _renamed_refs(value)
    return result


_DOC_KEYWORDS = frozenset({"description", "summary", "title", "example", "examples", "externalDocs"})


def without_docs(node: Any) -> Any:
    """``node`` without documentation keywords (``description``, ``summary``, ``title``,
    ``example(s)``, ``externalDocs``, ``x-*``) where they are keywords, not names (a property
    called ``description`` stays): what two copies of a definition must agree on."""
    return _without_docs(node, False)


def _without_docs(node: Any, names: bool) -> Any:
    if isinstance(node, list):
        return [_without_docs(item, False) for item in node]
    if not isinstance(node, dict):
        return node
    if names:
        return {key: _without_docs(value, False) for key, value in node.items()}
    return {
        key: _without_docs(value, key in _NAME_MAPS and isinstance(value, dict))
        for key, value in node.items()
        if key not in _DOC_KEYWORDS and not key.startswith("x-")
    }


def first_difference(a: Any, b: Any, pointer: str = "") -> tuple[str, Any, Any] | None:
    """The first JSON pointer (in key order) where ``a`` and ``b`` differ, with both values there
    (:data:`MISSING` where one has nothing); None when they are equal as JSON."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            found = first_difference(a.get(key, MISSING), b.get(key, MISSING), pointer + join_pointer(key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{pointer}/{index}")
            if found is not None:
                return found
        return None
    same = a is b or (type(a) is type(b) and a == b)
    return None if same else (pointer, a, b)


def merge_all_of(
    document: Any, schema: dict[str, Any], depth: int = 0, budget: list[int] | None = None
) -> dict[str, Any]:
    """``allOf`` parts merged into one schema, as the generated client types it.

    Parts first in order, then the schema's own keys; a later definition of a property refines
    an earlier one (its keys win) unless it is a ``$ref``, which replaces it; ``required`` is the
    union; other keys: the last definition wins. At most ``MAX_ALL_OF_PARTS`` parts are merged in
    all (parts may share parts: an unvalidated document could make this exponential).
    """
    budget = [MAX_ALL_OF_PARTS] if budget is None else budget
    budget[0] -= 1
    parts = schema.get("allOf")
    if not isinstance(parts, list) or depth > MAX_ALL_OF_DEPTH or budget[0] < 0:
        return schema
    result: dict[str, Any] = {"properties": {}, "required": []}
    for part in [*parts, {k: v for k, v in schema.items() if k != "allOf"}]:
        target = follow(document, part).node
        resolved = merge_all_of(document, target, depth + 1, budget) if isinstance(target, dict) else {}
        for key, value in resolved.items():
            if key == "properties" and isinstance(value, dict):
                for prop, prop_schema in value.items():
                    old = result["properties"].get(prop, {})
                    refines = (
                        isinstance(prop_schema, dict) and isinstance(old, dict) and "$ref" not in prop_schema
                    )
                    result["properties"][prop] = {**old, **prop_schema} if refines else prop_schema
            elif key == "required" and isinstance(value, list):
                result["required"] += [r for r in value if r not in result["required"]]
            else:
                result[key] = value
    return result


def is_json_media(media_type: str) -> bool:
    return media_type.split(";")[0].strip() == "application/json" or media_type.endswith("+json")


EVENT_STREAM = "text/event-stream"


def _is_event_stream(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower() == EVENT_STREAM


def choose_media(content: Any) -> tuple[str, Any] | None:
    """The (media type, media object) a client uses from a ``content`` map: JSON first, then
    ``text/*``, then the first by name; ``text/event-stream`` only when it is the only one (it is
    read as events, see :func:`event_stream_media`); None without content."""
    if not isinstance(content, dict) or not content:
        return None
    types = sorted(content)
    json_types = [t for t in types if is_json_media(t)]
    text_types = [t for t in types if t.startswith("text/") and not _is_event_stream(t)]
    chosen = (json_types or text_types or [t for t in types if not _is_event_stream(t)] or types)[0]
    return chosen, content[chosen]


def event_stream_media(content: Any) -> tuple[str, Any] | None:
    """The ``text/event-stream`` (media type, media object) of a ``content`` map, if it has one."""
    if not isinstance(content, dict):
        return None
    return next(((t, content[t]) for t in sorted(content) if _is_event_stream(t)), None)
