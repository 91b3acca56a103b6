"""Property-based fuzzing of the whole generator with hostile, half-valid specs (``make fuzz``).

Random OpenAPI documents -- schemas nested and cross-referenced (cycles, missing targets, ``$ref``
to odd places), every type, format, ``enum``/``const``/``default`` with wrong, huge or mixed
values, compositions, discriminators, parameters in every location, odd media types and status
codes, security schemes and servers, any of them replaced by junk -- written as JSON or YAML
into a provider folder (half of them with a second fragment to merge, as a JSON file or a block
of a Markdown page) and run through the whole pipeline (load, quirks, merge, validate,
normalize, render, format). Each must either raise ``SpecError`` whose every diagnostic names a
file below ``specs/<provider>/``, or give a package whose every ``.py`` file compiles (every
50th example's package, when it builds, is also imported). Anything else -- a traceback -- fails the test with the smallest example hypothesis finds.

``make test`` runs ``FUZZ_EXAMPLES`` (default 40) examples; ``make fuzz`` runs 5,000.
"""

from __future__ import annotations

import copy
import functools
import importlib
import itertools
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.diagnostics import SpecError
from generator.emit.write import write_tree
from generator.pipeline import build_package

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_HUGE = [2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, 10**30]
_ODD = "\"'\\{}%$ ./;()_-#~\t\n\r\x00\x7f\u2028é😀"


def _often(common: list[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of ``common`` (uniformly) most of the time, else ``rare``."""
    return st.integers(0, len(common) + 1).flatmap(lambda i: st.just(common[i]) if i < len(common) else rare)


_TEXT = st.text(st.one_of(st.sampled_from(list(_ODD)), st.characters(codec="utf-8")), max_size=6)
_NAME = _often(["a", "id", "class", "None", "self", "type", "_", "1a", "a-b", "a b", "x" * 60, "ünï"], _TEXT)
_COMPONENT = _often(["A", "B", "C", "Pet", "list", "a.b", "a-b", "1", "Iterator"], _TEXT)
_INT = _often([0, 1, -1, 2, *_HUGE], st.integers())
_SCALAR = _often([None, True, False, 0, 1.5, "", "nope", "2024-13-45T99:00:00Z", "2024-01-01", "2024-01-01T00:00:00Z",
                  "123e4567-e89b-12d3-a456-426614174000", 2**64, -(2**63) - 1, 1e308], _TEXT)  # fmt: skip
_JUNK = _often([None, True, 0, "x", [], {}, [1, "a"], {"a": 1}, {"$ref": "#"}], _SCALAR)
_TYPE = _often(
    ["string", "integer", "number", "boolean", "array", "object"], st.sampled_from(["null", "file", "any"])
)
_FORMAT = st.sampled_from(["uuid", "date-time", "date", "binary", "byte", "int64", "email", "uri"])


def _ref(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    targets = [f"#/components/schemas/{n}" for n in names]
    odd = ["#/components/schemas/Missing", "#", "#/paths", "#/components/schemas", "other.json#/A", "#/x~2y"]
    return st.builds(lambda ref: {"$ref": ref}, _often(targets, st.sampled_from(odd)))


def _leaf(names: tuple[str, ...]) -> st.SearchStrategy[Any]:
    typed = st.fixed_dictionaries(
        {"type": _often([_TYPE], st.lists(_TYPE, min_size=1, max_size=3)).flatmap(
            lambda t: t if isinstance(t, st.SearchStrategy) else st.just(t))},
        optional={"format": _FORMAT, "default": _SCALAR, "nullable": st.booleans(), "const": _SCALAR,
                  "enum": _often([["a", "b"], [1, 2], [1, 2**64], ["a", 1], [None, "a"], [-(2**63) - 1]],
                                 st.lists(st.one_of(_INT, _TEXT), max_size=3))},
    )  # fmt: skip
    return st.one_of(typed, _ref(names), st.sampled_from([{}, True, {"description": "d"}]), _JUNK)


@functools.lru_cache(maxsize=256)
def _schema(names: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Schemas that refer to the components ``names`` (built once per tuple: building is slow)."""

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        props = st.dictionaries(_NAME, inner, max_size=3)
        branches = st.lists(inner, max_size=3)
        return st.one_of(
            st.fixed_dictionaries(
                {"type": st.just("object"), "properties": props},
                optional={"required": st.lists(_NAME, max_size=2), "additionalProperties": st.one_of(st.booleans(), inner),
                          "default": _JUNK},
            ),  # fmt: skip
            st.builds(lambda items: {"type": "array", "items": items}, inner),
            st.builds(lambda k, b: {k: b}, st.sampled_from(["allOf", "oneOf", "anyOf"]), branches),
            st.builds(lambda b, p, m: {"oneOf": b, "discriminator": {"propertyName": p, "mapping": m}}, branches,
                      _NAME, st.dictionaries(_NAME, _often([f"#/components/schemas/{n}" for n in names], _TEXT), max_size=2)),
            st.builds(lambda s: {"not": s}, inner),
            st.builds(lambda s: {"type": "object", "additionalProperties": s}, inner),
        )  # fmt: skip

    return st.recursive(_leaf(names), extend, max_leaves=5)


_LOCATIONS = _often(["query", "header", "cookie", "query"], st.sampled_from(["path", "body", "form"]))
_MEDIA = _often(["application/json", "application/json", "multipart/form-data", "application/x-www-form-urlencoded",
                 "text/plain", "application/octet-stream"], st.sampled_from(["*/*", "application/vnd.x+json", "bad"]))  # fmt: skip
_STATUS = _often(
    ["200", "201", "204", "404", "default", "2XX"], st.sampled_from(["301", "500", "999", "abc"])
)


_SECURITY = st.lists(
    st.dictionaries(_often(["key", "token"], st.just("missing")), st.just([]), max_size=2), max_size=2
)


@functools.lru_cache(maxsize=256)
def _operation_parts(names: tuple[str, ...]) -> tuple[st.SearchStrategy[Any], ...]:
    """The strategies of an operation's parts that refer to the components ``names``."""
    schema = _schema(names)
    parameter = st.builds(lambda n, i, s, r: {"name": n, "in": i, "schema": s, "required": r},
                          _NAME, _LOCATIONS, schema, st.booleans())  # fmt: skip
    content = st.dictionaries(_MEDIA, st.builds(lambda s: {"schema": s}, schema), max_size=2)
    responses = st.dictionaries(_STATUS, st.builds(lambda c: {"description": "d", "content": c}, content),
                                min_size=1, max_size=2)  # fmt: skip
    optional = st.fixed_dictionaries({}, optional={
        "operationId": _NAME, "tags": st.lists(_NAME, max_size=2), "summary": _TEXT, "deprecated": st.booleans(),
        "requestBody": st.builds(lambda c, r: {"content": c, "required": r}, content, st.booleans()),
        "security": _SECURITY})  # fmt: skip
    return st.lists(parameter, max_size=2), responses, optional


def _operation(draw: st.DrawFn, names: tuple[str, ...], variables: list[str]) -> dict[str, Any]:
    parameters, responses, optional = _operation_parts(names)
    declared = [{"name": v, "in": "path", "required": True, "schema": {"type": "string"}} for v in variables]
    return {"responses": draw(responses), "parameters": draw(parameters) + declared, **draw(optional)}


_SCHEMES = _often([
    {"type": "apiKey", "in": "header", "name": "X-Key"}, {"type": "apiKey", "in": "query", "name": "key"},
    {"type": "apiKey", "in": "cookie", "name": "sid"}, {"type": "http", "scheme": "bearer"},
    {"type": "http", "scheme": "basic"},
    {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t.example/token", "scopes": {}}}},
], st.sampled_from([{"type": "http", "scheme": "digest"}, {"type": "mutualTLS"}, {"type": "apiKey", "in": "body", "name": "x"},
                    {"type": "openIdConnect", "openIdConnectUrl": "https://x.example"}]))  # fmt: skip


_VARIABLES = st.lists(_often(["id", "petId"], st.sampled_from(["a-b", "x y", ""])), max_size=2, unique=True)
_PATH_END = _often([""], st.sampled_from(["/", "?x=1"]))
_METHODS = st.lists(
    st.sampled_from(["get", "post", "put", "delete", "patch", "head"]), min_size=1, max_size=2, unique=True
)
_SERVER = st.builds(lambda url, d, e: [{"url": url, "variables": {"v": {"default": d, "enum": e}}}],
                    _often(["https://{v}.test/x", "https://api.test"], _TEXT), _TEXT, st.lists(_TEXT, max_size=2))  # fmt: skip
_SCHEME_MAP = st.dictionaries(_often(["key", "token"], st.just("a b")), _SCHEMES, max_size=2)


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    names = tuple(draw(st.lists(_COMPONENT, max_size=4, unique=True)))
    schemas = {name: draw(_schema(names)) for name in names}
    paths: dict[str, Any] = {}
    for index in range(draw(st.integers(0, 3))):
        variables = draw(_VARIABLES)
        path = f"/p{index}" + "".join("/{" + v + "}" for v in variables) + draw(_PATH_END)
        paths[path] = {m: _operation(draw, names, variables) for m in draw(_METHODS)}
    version = draw(st.sampled_from(["3.1.0", "3.0.3"]))
    document: dict[str, Any] = {
        "openapi": version,
        "info": {"title": draw(_TEXT), "version": "1"},
        "paths": paths,
    }
    document["components"] = {"schemas": schemas, "securitySchemes": draw(_SCHEME_MAP)}
    if draw(st.booleans()):
        document["servers"] = draw(_SERVER)
    if draw(st.booleans()):
        document["security"] = [{draw(_often(["key", "token"], st.just("missing"))): []}]
    # Strategies like st.just({}) hand out one shared object: copy before changing anything, or a
    # replacement mutates that object for every later example (and can make it contain itself).
    document = copy.deepcopy(document)
    if draw(st.integers(0, 9)) == 7:  # junk in one random place
        _replace_somewhere(document, copy.deepcopy(draw(_JUNK)), draw(st.integers(0, 10**6)))
    return document


def _replace_somewhere(document: dict[str, Any], junk: Any, seed: int) -> None:
    """Replace the value at one container slot (chosen by ``seed``) with ``junk``."""
    slots: list[tuple[Any, Any]] = []
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
        for key in keys:
            slots.append((node, key))
            stack.append(node[key])
    if slots:
        node, key = slots[seed % len(slots)]
        node[key] = junk


def _alongside(second: dict[str, Any], first: dict[str, Any]) -> dict[str, Any]:
    """``second`` made to merge with ``first`` where it can: the same info, version and servers, and
    its own paths (``/q0``...); its components may still clash with the first's."""
    paths = second.get("paths")
    renamed = {"/q" + p[2:]: item for p, item in paths.items()} if isinstance(paths, dict) else paths
    shared = {key: first[key] for key in ("openapi", "info", "servers") if key in first}
    return {**{k: v for k, v in second.items() if k != "servers"}, **shared, "paths": renamed}


_examples = itertools.count()


def _import(folder: Path, package: str) -> None:
    sys.path.insert(0, str(folder))
    try:
        for path in sorted((folder / package).rglob("*.py")):
            importlib.import_module(
                ".".join(path.relative_to(folder).with_suffix("").parts).removesuffix(".__init__")
            )
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])  # fmt: skip
@given(_documents(), st.sampled_from(["json", "yaml"]), _often([None, None], _documents()), st.booleans())
def test_any_spec_fails_cleanly_or_generates_code_that_compiles(
    document: dict[str, Any], syntax: str, second: dict[str, Any] | None, page: bool
) -> None:
    count = next(_examples)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        name = f"fuzz_{os.getpid()}_{count}"
        folder = root / "specs" / name
        folder.mkdir(parents=True)
        text = (
            json.dumps(document)
            if syntax == "json"
            else yaml.dump(document, Dumper=_DUMPER, allow_unicode=True)
        )
        (folder / f"a.{syntax}").write_text(text, encoding="utf-8", errors="surrogatepass")
        if second is not None:  # a second fragment to merge: a JSON file, or a block of a Markdown page
            block = json.dumps(_alongside(second, document), indent=1)
            (folder / ("b.md" if page else "b.json")).write_text(
                f"# Page\n\n```json\n{block}\n```\n" if page else block,
                encoding="utf-8",
                errors="surrogatepass",
            )
        try:
            files = build_package(root / "specs", name)[2]
        except SpecError as error:
            assert error.diagnostics and all(
                d.format().startswith(f"specs/{name}/") for d in error.diagnostics
            )
            return
        for path, source in files.items():
            if path.endswith(".py"):
                compile(source, path, "exec")
        if count % 50 == 0:
            write_tree(root / "generated" / name, files)
            _import(root / "generated" / name, name)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the formatted random sources out of the user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
