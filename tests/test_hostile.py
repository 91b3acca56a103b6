"""Hostile specs: text and names that try to break out of docstrings, strings, files and folders.

Spec text reaches generated code only through ``repr`` and the one docstring escaper, and names
only through the naming rules, so every case here must either generate a package whose every
``.py`` file compiles, is black-formatted, and imports without side effects (and writes nothing
outside ``generated/<provider>/``), or be rejected with a clear error naming file and pointer
(exit code 2 from the CLI, never a traceback). Where the text matters it must also survive the
round trip: an enum value with quotes and backslashes decodes to its member, a description is
the ``__doc__`` of its class, a default is the default of its argument.

The subprocess tests (import in a fresh interpreter, the CLI end to end) and the property-based
test over random specs are marked slow.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import cli
from generator.diagnostics import SpecError
from generator.emit.format import format_python
from generator.spec.load import load_provider
from generator.pipeline import build_package
from generator.emit.render import pydoc
from generator.emit.write import write_tree
from tests.conftest import ROOT, MakeProvider

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10: tomli, the package tomllib came from
    tomllib = pytest.importorskip("tomli")

MARKER = "PWNED_MARKER"  # a file an injection would create; its path is put into the hostile text

# Everything that has broken a generator: quotes of every kind, a docstring closed and followed by
# code, template syntax, backslashes (one trailing), controls, line separators, RTL and emoji.
HOSTILE = (
    "Says \"\"\"hi\"\"\" and '''bye'''; C:\\path\\ {{ config }} {% raw %} ${HOME} `id` \x00\x01\x08\x0b\x0c"
    "\x1b\x1f\x7f \u2028 \u2029 \u0085 tab\there\r\nCRLF\rCR é 😀 שלום עולם\n"
    '"""; import os; os.system("touch MARKER"); """\n'
    "'''; __import__('os').system('touch MARKER'); '''\n"
    'end with a quote and a backslash "\\'
)
TRICKY_VALUES = ["a\"b'c\\", '"""', "'''", "\\", "x\\", '"', "", "\x00", "\u2028", "😀", "{{ x }}"]


@pytest.fixture(autouse=True)
def _private_black_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep formatted hostile sources out of the user's black cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


def _hostile(marker: Path) -> str:
    return HOSTILE.replace("MARKER", str(marker))


def _norm(text: str) -> str:
    """Text as a docstring shows it: line ends unified, each line and the whole stripped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.strip() for line in lines).strip()


def _ok(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    content = {"content": {"application/json": {"schema": schema}}} if schema is not None else {}
    return {"200": {"description": "OK", **content}}


def _document(text: str) -> dict[str, Any]:
    """One spec with ``text`` in every place a text can be: titles, descriptions, values, examples."""
    return {
        "openapi": "3.1.0",
        "info": {"title": text, "version": "1", "description": text},
        "servers": [
            {"url": "https://{region}.example.com/v1", "description": text,
             "variables": {"region": {"default": "eu", "enum": ["eu", text], "description": text}}},
        ],  # fmt: skip
        "tags": [{"name": "pets", "description": text}],
        "paths": {
            "/pets/{petId}": {
                "get": {
                    "operationId": "getPet", "tags": ["pets"], "summary": text, "description": text,
                    "parameters": [
                        {"name": "petId", "in": "path", "required": True, "description": text,
                         "schema": {"type": "string"}, "example": text},
                        {"name": "q", "in": "query", "description": text,
                         "schema": {"type": "string", "default": text, "example": text}},
                        {"name": "X-Note", "in": "header", "description": text, "schema": {"type": "string"}},
                    ],
                    "responses": {**_ok({"$ref": "#/components/schemas/Pet"}),
                                  "404": {"description": text, "content": {"application/json": {
                                      "schema": {"$ref": "#/components/schemas/Problem"}}}}},
                },  # fmt: skip
            },
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object", "title": text, "description": text, "example": {"name": text},
                    "properties": {
                        "name": {"type": "string", "description": text, "default": text, "example": text},
                        "kind": {"$ref": "#/components/schemas/Kind"},
                        "size": {"type": "number", "default": 1.5, "description": text},
                        "shape": {"const": text, "description": text},
                    },
                    "additionalProperties": {"type": "string", "description": text},
                },  # fmt: skip
                "Kind": {"type": "string", "description": text, "enum": [text, *TRICKY_VALUES]},
                "Problem": {
                    "type": "object",
                    "description": text,
                    "properties": {"detail": {"type": "string"}},
                },
            },
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key", "description": text}
            },
        },
        "security": [{"key": []}],
    }


def _build(specs: Path, name: str = "acme") -> dict[str, str]:
    return build_package(specs, name)[2]


def _errors(specs: Path, name: str = "acme") -> list[str]:
    with pytest.raises(SpecError) as error:
        build_package(specs, name)
    return [d.format() for d in error.value.diagnostics]


def _check_sources(files: dict[str, str]) -> None:
    """Every Python file compiles and is black-formatted; the TOML and JSON files parse."""
    for path, text in files.items():
        if path.endswith(".py"):
            compile(text, path, "exec")
            assert format_python(text) == text, path
    assert tomllib.loads(files["pyproject.toml"])["project"]["name"]
    json.loads(files["openapi.json"])


# -- hostile text ---------------------------------------------------------------------------------


def test_hostile_text_in_every_text_slot_generates_formatted_code(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    text = _hostile(tmp_path / MARKER)
    files = _build(make_provider({"a.json": _document(text), "provider.yaml": "client: Api\n"}))
    _check_sources(files)
    project = tomllib.loads(files["pyproject.toml"])["project"]
    one_line = " ".join(
        re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split()
    )  # a Summary has one line
    assert project["description"] == "Typed Python client for the " + one_line
    assert json.loads(files["openapi.json"])["info"]["title"] == text
    assert not (tmp_path / MARKER).exists()


def test_hostile_text_round_trips_into_docs_defaults_and_enum_values(
    generated_package: Callable[..., Any], tmp_path: Path
) -> None:
    text = _hostile(tmp_path / MARKER)
    package = generated_package({"a.json": _document(text)})
    assert not (tmp_path / MARKER).exists()
    assert _norm(package.Pet.__doc__) == _norm(text)
    assert _norm(package.Kind.__doc__).startswith(_norm(text))
    assert _norm(text) in _norm(package.Api.__doc__)
    assert package.Pet().name == text and package.Pet().size == 1.5
    resource = importlib.import_module(package.__name__ + ".resources.pets")
    assert _norm(text) in _norm(resource.__doc__) and _norm(resource.PetsResource.__doc__) == _norm(text)
    method = resource.PetsResource.get_pet
    assert inspect.signature(method).parameters["q"].default == text
    assert "``GET /pets/{petId}``" in method.__doc__ and _norm(method.__doc__).startswith(_norm(text))
    client = importlib.import_module(package.__name__ + "._client")
    assert dict(client.SERVERS) == {
        "says_hi_and": "https://{region}.example.com/v1"
    }  # named after its description
    assert package.Api(key="k").base_url == "https://eu.example.com/v1"
    assert package.Api(key="k", region=text).base_url == f"https://{text}.example.com/v1"
    shaped = msgspec.json.decode(json.dumps({"shape": text, text: text}).encode(), type=package.Pet)
    assert shaped.shape == text  # a Literal of the text itself
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(json.dumps({"shape": text + "x"}).encode(), type=package.Pet)
    assert f"region: {_norm(text)}" in _norm(package.Api.__doc__)  # the variable's description
    values = [member.value for member in package.Kind]
    assert values == [text, *TRICKY_VALUES]
    for value in values:
        decoded = msgspec.json.decode(json.dumps({"kind": value}).encode(), type=package.Pet)
        assert decoded.kind.value == value and decoded.kind.is_known
        assert msgspec.json.decode(msgspec.json.encode(decoded)) == {"kind": value}  # defaults omitted


@pytest.mark.parametrize(
    "text",
    [
        '"""',
        'x"""',
        '\\"""',
        'a"',
        'a\\"',
        "a\\",
        "a\\\\",
        '""""',
        '"',
        "\\",
        "'''",
        "x'''",
        "\r\n\r",
        " \t\n ",
    ],
)
def test_a_docstring_that_ends_in_quotes_or_backslashes_still_closes(text: str) -> None:
    for source, prefix in (
        (f'class A:\n    """{pydoc(text)}"""\n', ""),
        (f'"""x {pydoc(text, 0)}"""\n', "x "),
    ):
        namespace: dict[str, Any] = {}
        exec(compile(format_python(source), "<doc>", "exec"), namespace)  # noqa: S102 - our own output
        doc = namespace["A"].__doc__ if prefix == "" else namespace["__doc__"]
        assert _norm(doc) == _norm(prefix + text)


_DOC_ALPHABET = st.sampled_from(
    list("\"'\\{}%$` \n\r\tab\x00\x01\x0b\x0c\x1c\x1f\x7f\x85\u2028\u2029é😀ש#;()")
)


@settings(max_examples=300, deadline=None)
@given(st.text(_DOC_ALPHABET, max_size=30))
def test_the_docstring_escaper_always_closes_and_round_trips(text: str) -> None:
    source = f'class A:\n    """{pydoc(text)}"""\n'
    formatted = format_python(source)
    assert format_python(formatted) == formatted
    namespace: dict[str, Any] = {}
    exec(compile(formatted, "<doc>", "exec"), namespace)  # noqa: S102 - our own output
    assert _norm(namespace["A"].__doc__) == _norm(text)


# -- hostile names ---------------------------------------------------------------------------------

NAMES = [
    "class", "def", "import", "None", "True", "self", "type", "list", "1abc", "with space", "it's", "../up",
    "sl/ash", "do.t", "ünïcødé😀", "__import__('os').system('x')", "a;b", "a)(", "_", "importlib", "request",
    "close", "options", "body", "paginate", "x" * 500,
]  # fmt: skip
COMPONENT_NAMES = [
    "class", "def", "import", "None", "True", "self", "type", "list", "1abc", "do.t", "_", "importlib",
    "request", "options", "a-b", "x" * 150,
]  # fmt: skip


def _base() -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}


def _schema_names(names: list[str]) -> dict[str, Any]:
    document = _base()
    refs = {f"p{i}": {"$ref": "#/components/schemas/" + n} for i, n in enumerate(names)}
    document["paths"]["/a"] = {
        "get": {"operationId": "getA", "responses": _ok({"type": "object", "properties": refs})}
    }
    object_ = {"type": "object", "properties": {"x": {"type": "string"}}}
    document["components"] = {"schemas": {n: copy.deepcopy(object_) for n in names}}
    return document


def _property_names(names: list[str]) -> dict[str, Any]:
    document = _base()
    document["paths"]["/a"] = {"post": {"operationId": "postA", "responses": _ok({"$ref": "#/components/schemas/M"}),
                                        "requestBody": {"required": True, "content": {"application/json": {
                                            "schema": {"$ref": "#/components/schemas/M"}}}}}}  # fmt: skip
    properties = {n: {"type": "string", "description": n} for n in names}
    document["components"] = {
        "schemas": {"M": {"type": "object", "required": names[:3], "properties": properties}}
    }
    return document


def _parameter_names(names: list[str]) -> dict[str, Any]:
    document = _base()
    parameters = [{"name": n, "in": where, "schema": {"type": "string"}} for n in names
                  for where in ("query", "header", "cookie")]  # fmt: skip
    parameters.append(
        {"name": "__import__('os')", "in": "path", "required": True, "schema": {"type": "string"}}
    )
    document["paths"]["/a/{__import__('os')}"] = {"get": {"operationId": "getA", "parameters": parameters,
                                                        "responses": _ok()}}  # fmt: skip
    return document


def _tags(names: list[str]) -> dict[str, Any]:
    document = _base()
    document["tags"] = [{"name": n, "description": n} for n in names]
    for i, name in enumerate(names):
        document["paths"][f"/p{i}"] = {"get": {"operationId": f"op{i}", "tags": [name], "responses": _ok()}}
    return document


def _operation_ids(names: list[str]) -> dict[str, Any]:
    document = _base()
    for i, name in enumerate(names):
        document["paths"][f"/p{i}"] = {"get": {"operationId": name, "tags": ["t"], "responses": _ok()}}
    return document


def _security_schemes(names: list[str]) -> dict[str, Any]:
    document = _base()
    document["paths"]["/a"] = {"get": {"operationId": "getA", "responses": _ok()}}
    schemes = {n: {"type": "apiKey", "in": "header", "name": n} for n in names}
    document["components"] = {"securitySchemes": schemes}
    document["security"] = [{n: []} for n in names]
    return document


def _server_variables(names: list[str]) -> dict[str, Any]:
    document = _base()
    document["paths"]["/a"] = {"get": {"operationId": "getA", "responses": _ok()}}
    url = "https://" + ".".join("{" + n + "}" for n in names) + "/v1"
    document["servers"] = [{"url": url, "variables": {n: {"default": n} for n in names}}]
    return document


def _enum_values(names: list[str]) -> dict[str, Any]:
    document = _base()
    document["paths"]["/a"] = {
        "get": {"operationId": "getA", "responses": _ok({"$ref": "#/components/schemas/E"})}
    }
    document["components"] = {"schemas": {"E": {"type": "string", "enum": names}}}
    return document


ACCEPTED = {
    "schema names": _schema_names(COMPONENT_NAMES),
    "property names": _property_names(NAMES),
    "parameter names": _parameter_names(NAMES),
    "tags": _tags(NAMES[:-1]),
    "operation ids": _operation_ids(NAMES),
    "security scheme names": _security_schemes(
        COMPONENT_NAMES[:-1] + ["timeout", "super", "http_client", "total_timeout"]
    ),
    "server variable names": _server_variables(NAMES + ["total_timeout", "base_url", "server"]),
    "enum values": _enum_values(NAMES + TRICKY_VALUES + ["CLASS", "Class", "a-b", "a_b", "A B"]),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_hostile_names_generate_formatted_code(make_provider: MakeProvider, case: str) -> None:
    _check_sources(_build(make_provider({"a.json": ACCEPTED[case], "provider.yaml": "client: Api\n"})))


def test_keyword_builtin_and_punctuation_names_map_to_safe_identifiers(
    generated_package: Callable[..., Any],
) -> None:
    package = generated_package({"a.json": ACCEPTED["property names"]})
    fields = package.M.__struct_fields__
    assert {"class_", "def_", "import_", "none", "true", "self", "type", "list_", "n_1abc", "with_space", "it_s",
            "up", "sl_ash", "do_t", "n_c_d", "import_os_system_x", "a_b", "a", "empty"} <= set(fields)  # fmt: skip
    decoded = msgspec.json.decode(json.dumps({n: n for n in NAMES}).encode(), type=package.M)
    assert decoded.class_ == "class" and decoded.import_os_system_x == "__import__('os').system('x')"
    assert getattr(decoded, "x" * 500) == "x" * 500
    assert msgspec.json.decode(msgspec.json.encode(decoded)) == {n: n for n in NAMES}


def test_resource_names_never_shadow_the_clients_own_members(generated_package: Callable[..., Any]) -> None:
    package = generated_package({"a.json": _tags(["request", "close", "with_options", "base_url", "pets"])})
    client = package.Api(base_url="https://x.example")
    assert client.base_url == "https://x.example" and callable(client.close) and callable(client.request)
    assert {"request_", "close_", "with_options_", "base_url_", "pets"} <= set(dir(client))
    client.close()


def test_enum_values_that_collide_after_naming_are_numbered_and_each_decodes_to_its_own_member(
    generated_package: Callable[..., Any],
) -> None:
    values = ["a-b", "a_b", "A B", "a.b", '"a b"', "", " ", "é", "1", "-1"]
    package = generated_package({"a.json": _enum_values(values)})
    assert [(m.name, m.value) for m in package.E] == [
        ("A_B", "a-b"), ("A_B_2", "a_b"), ("A_B_3", "A B"), ("A_B_4", "a.b"), ("A_B_5", '"a b"'),
        ("EMPTY", ""), ("EMPTY_2", " "), ("EMPTY_3", "é"), ("VALUE_1", "1"), ("VALUE_1_2", "-1"),
    ]  # fmt: skip
    for member in package.E:
        assert msgspec.json.decode(json.dumps(member.value).encode(), type=package.E) is member


# -- rejections, with their exact messages ------------------------------------------------------------


def _fragment_with_schemas(schemas: dict[str, Any]) -> dict[str, Any]:
    document = _base()
    refs = {f"p{i}": {"$ref": "#/components/schemas/" + n} for i, n in enumerate(schemas)}
    document["paths"]["/a"] = {
        "get": {"operationId": "getA", "responses": _ok({"type": "object", "properties": refs})}
    }
    document["components"] = {"schemas": schemas}
    return document


_OBJECT = {"type": "object", "properties": {"x": {"type": "string"}}}
REJECTED: dict[str, tuple[Any, list[str]]] = {
    "component name outside the pattern": (
        _fragment_with_schemas({"a b": _OBJECT}),
        ["specs/acme/a.json#/components/schemas/a b: component name 'a b' does not match ^[a-zA-Z0-9._-]+$"
         "\n  hint: rename it (and its references)"],
    ),  # fmt: skip
    "a property name msgspec cannot rename": (
        _property_names(['say "hi"', "back\\slash", "nul\x00"]),
        ["specs/acme/a.json#/components/schemas/M/properties/back\\slash: property name 'back\\\\slash' holds a "
         "quote, a backslash or a control character, which msgspec cannot map to an attribute"
         "\n  hint: rename the property in the spec",
         "specs/acme/a.json#/components/schemas/M/properties/nul\x00: property name 'nul\\x00' holds a quote, a "
         "backslash or a control character, which msgspec cannot map to an attribute"
         "\n  hint: rename the property in the spec",
         "specs/acme/a.json#/components/schemas/M/properties/say \"hi\": property name 'say \"hi\"' holds a quote, "
         "a backslash or a control character, which msgspec cannot map to an attribute"
         "\n  hint: rename the property in the spec"],
    ),  # fmt: skip
    "two security schemes, one client argument": (
        {**_security_schemes([]), "components": {"securitySchemes": {
            "token": {"type": "http", "scheme": "bearer"}, "other": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Token"}}}},
        ["specs/acme/a.json#/components/securitySchemes/token: security schemes 'key' and 'token' both take the "
         "client argument 'token'\n  hint: rename one of the security schemes, or name them in provider.yaml "
         "'credentials:'"],
    ),  # fmt: skip
    "two server variables, one client argument": (
        {**_server_variables(["a-b"]), "servers": [{"url": "https://{a-b}.{a_b}.test",
                                                    "variables": {"a-b": {"default": "x"}, "a_b": {"default": "y"}}}]},
        ["specs/acme/a.json#/servers/0/variables/a_b: server variables 'a-b' and 'a_b' both map to the client "
         "argument 'a_b'\n  hint: rename one of the server variables"],
    ),  # fmt: skip
    "a lone surrogate": (
        '{"openapi": "3.1.0", "info": {"title": "T\\ud83d", "version": "1"}, "paths": {}}',
        ["specs/acme/a.json#/info/title: lone surrogate '\\ud83d' in a string: not Unicode text"
         "\n  hint: an escape like \\ud83d needs its pair (\\ud83d\\ude00), or use the character itself"],
    ),  # fmt: skip
    "nesting deeper than 100 levels": (
        '{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}, "x-deep": '
        + "[" * 120 + "]" * 120 + "}",
        ["specs/acme/a.json#/x-deep" + "/0" * 100 + ": nested more than 100 levels deep"],
    ),
    "nesting too deep to parse": (
        '{"openapi": "3.1.0", "x": ' + "[" * 100_000,
        ["specs/acme/a.json#: invalid JSON: nested too deeply to read at line 1, column 1"],
    ),
    "a YAML tag that is not JSON": (
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\nx-data: !!binary aGk=\n",
        ["specs/acme/a.json#/x-data: a value of type 'bytes' has no JSON equivalent"
         "\n  hint: drop the explicit YAML tag (!!binary, !!timestamp, !!set, !!omap)"],
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_hostile_specs_are_rejected_with_file_pointer_and_message(
    make_provider: MakeProvider, case: str
) -> None:
    document, expected = REJECTED[case]
    name = "a.yaml" if isinstance(document, str) and document.startswith("openapi:") else "a.json"
    specs = make_provider({name: document})
    assert _errors(specs) == [message.replace("a.json", name) for message in expected]


def test_infinite_and_huge_defaults_are_left_out_not_printed_as_names(
    generated_package: Callable[..., Any],
) -> None:
    text = (
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    M:\n"
        "      type: object\n      properties:\n        a: {type: number, default: .inf}\n"
        "        b: {type: number, default: .nan}\n        c: {type: number, default: " + "9" * 400 + "}\n"
        "        d: {type: number, default: -1e400}\n        e: {type: number, default: 2}\n"
    )
    package = generated_package({"a.yaml": text})
    assert (package.M().a, package.M().b, package.M().c, package.M().d, package.M().e) == (
        None,
        None,
        None,
        None,
        2.0,
    )


def test_an_enum_mixing_strings_and_integers_is_not_an_enum(generated_package: Callable[..., Any]) -> None:
    document = _fragment_with_schemas({"M": {"type": "object", "properties": {"e": {"enum": ["1", 1, "a"]}}}})
    package = generated_package({"a.json": document})
    assert "ME" not in package.__all__  # msgspec cannot decode an enum of str and int values
    assert [msgspec.json.decode(b'{"e": %s}' % v, type=package.M).e for v in (b"1", b'"1"')] == [1, "1"]


def test_an_iterator_method_that_would_replace_an_operation_gets_another_name(
    generated_package: Callable[..., Any],
) -> None:
    document = _base()
    page = {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "string"}},
                                             "next": {"type": "string"}}}  # fmt: skip
    after = [{"name": "after", "in": "query", "schema": {"type": "string"}}]
    document["paths"] = {
        "/pets": {
            "get": {"operationId": "listPets", "tags": ["pets"], "parameters": after, "responses": _ok(page)}
        },
        "/pets/all": {"get": {"operationId": "iterPets", "tags": ["pets"], "responses": _ok()}},
    }
    settings = (
        "client: Api\npagination: {style: cursor, cursor_param: after, items: data, next_cursor: next}\n"
    )
    package = generated_package({"a.json": document}, settings)
    resource = package.Api(base_url="https://x.example").pets
    assert callable(resource.iter_pets) and callable(resource.iter_pets_all)  # the operation keeps its name


def test_names_too_long_for_a_file_get_a_shortened_module(generated_package: Callable[..., Any]) -> None:
    document = _fragment_with_schemas({"S" * 300: _OBJECT})
    document["paths"]["/a"]["get"]["tags"] = ["t" * 500]
    package = generated_package({"a.json": document})
    assert getattr(package, "S" * 300).__module__.rsplit(".", 1)[-1].startswith("s" * 191 + "_")
    assert hasattr(package.Api(base_url="https://x.example"), "t" * 500)


def test_a_spec_without_operations_still_generates_a_client(generated_package: Callable[..., Any]) -> None:
    package = generated_package({"a.json": _base()})
    assert package.Api(base_url="https://x.example").base_url == "https://x.example"


def test_a_yaml_integer_too_long_to_convert_is_a_parse_error(make_provider: MakeProvider) -> None:
    specs = make_provider(
        {"a.yaml": "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nx-n: " + "9" * 5000 + "\n"}
    )
    (message,) = _errors(specs)
    assert message.startswith("specs/acme/a.yaml#: invalid YAML: Exceeds the limit (4300 digits)")


def test_a_self_referencing_yaml_alias_is_a_parse_error(make_provider: MakeProvider) -> None:
    specs = make_provider({"a.yaml": "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nx-loop: &a [*a]\n"})
    assert _errors(specs) == [
        "specs/acme/a.yaml#: invalid YAML: found unconstructable recursive node at line 3, column 9"
    ]


def test_a_yaml_alias_bomb_is_refused_by_size(
    make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.spec.load.MAX_NODES", 10_000)
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 6)]
    text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\nx-bomb:\n" + "".join(
        f"  {line}\n" for line in levels
    )
    assert _errors(make_provider({"a.yaml": text})) == [
        "specs/acme/a.yaml#: more than 10000 nodes (YAML aliases expanded)"
        "\n  hint: a YAML alias that refers to itself, or aliases nested to blow up"
    ]


# -- where things are written: provider names and provider.yaml ---------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path below ``root`` (directories as None) with its bytes."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("provider", ["../evil", "..", "a/../../evil", "ABSOLUTE", ".hidden", "sp ace"])
def test_a_provider_name_that_is_not_a_plain_folder_is_refused_before_reading_or_writing(
    tmp_path: Path, provider: str
) -> None:
    (tmp_path / "work" / "specs").mkdir(parents=True)
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "a.json").write_text(json.dumps({**_base(), "paths": {"/a": {"get": {"responses": _ok()}}}}))
    provider = str(evil) if provider == "ABSOLUTE" else provider
    before = _snapshot(tmp_path)
    specs, out = tmp_path / "work" / "specs", tmp_path / "work" / "generated"
    code, stdout, stderr = _run("--specs-dir", str(specs), "--out-dir", str(out), "generate", "-p", provider)
    assert code == 2 and stdout == "" and "Traceback" not in stderr
    assert stderr.startswith(
        f"specs/{provider}#: provider name {provider!r} is not a plain folder name\n"
        "  hint: use letters, digits, '_', '.' and '-', starting with a letter, digit or '_'\n"
    )
    assert _snapshot(tmp_path) == before


def test_provider_yaml_names_used_verbatim_are_validated(make_provider: MakeProvider) -> None:
    settings = (
        "package: ../evil\ndistribution: 'a b'\nclient: 'X(Y)'\nenv_prefix: acme\n"
        "schemas: {Pet: 'X; import os'}\noperations: {getA: {name: 'a;b'}}\n"
    )
    specs = make_provider({"a.json": _base(), "provider.yaml": settings})
    identifier = "letters, digits and '_', not starting with a digit, and not a Python keyword"
    letter = "letters, digits and '_', starting with a letter, and not a Python keyword"
    with pytest.raises(SpecError) as error:
        load_provider(specs, "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        f"specs/acme/provider.yaml#/client: client 'X(Y)' is not a valid Python class name\n  hint: use {identifier}",
        "specs/acme/provider.yaml#/distribution: distribution 'a b' is not a valid distribution name (PEP 508)"
        "\n  hint: use letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
        "specs/acme/provider.yaml#/env_prefix: env_prefix 'acme' is not a valid environment variable prefix"
        "\n  hint: use upper-case letters, digits and '_', not starting with a digit",
        f"specs/acme/provider.yaml#/operations/getA/name: method 'a;b' is not a valid method name\n  hint: use {letter}",
        f"specs/acme/provider.yaml#/package: package '../evil' is not a valid Python package name\n  hint: use {identifier}",
        f"specs/acme/provider.yaml#/schemas/Pet: class 'X; import os' is not a valid Python class name"
        f"\n  hint: use {letter}",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("my-api", ["specs/my-api/provider.yaml#/package: package 'my-api' (derived from the folder name 'my-api') "
                    "is not a valid Python package name\n  hint: set 'package:' in provider.yaml to letters, digits "
                    "and '_', not starting with a digit, and not a Python keyword"]),
        ("class", ["specs/class/provider.yaml#/package: package 'class' (derived from the folder name 'class') is "
                   "not a valid Python package name\n  hint: set 'package:' in provider.yaml to letters, digits and "
                   "'_', not starting with a digit, and not a Python keyword"]),
        ("types", ["specs/types/provider.yaml#/package: package 'types' (derived from the folder name 'types') would "
                   "shadow the module 'types' that generated code imports\n  hint: set 'package:' in provider.yaml "
                   "to another name"]),
        ("httpx", ["specs/httpx/provider.yaml#/package: package 'httpx' (derived from the folder name 'httpx') would "
                   "shadow the module 'httpx' that generated code imports\n  hint: set 'package:' in provider.yaml "
                   "to another name"]),
        ("_x", ["specs/_x/provider.yaml#/distribution: distribution '-x' (derived from the package name '_x') is not "
                "a valid distribution name (PEP 508)\n  hint: set 'distribution:' in provider.yaml to letters, "
                "digits, '.', '_' and '-', starting and ending with a letter or digit"]),
    ],
)  # fmt: skip
def test_names_derived_from_the_folder_are_validated_too(
    make_provider: MakeProvider, folder: str, expected: list[str]
) -> None:
    specs = make_provider({"a.json": _base()}, name=folder)
    with pytest.raises(SpecError) as error:
        load_provider(specs, folder)
    assert [d.format() for d in error.value.diagnostics] == expected


def test_a_client_name_the_package_already_uses_is_an_error(make_provider: MakeProvider) -> None:
    specs = make_provider({"a.json": _operation_ids(["x"]), "provider.yaml": "client: APIError\n"})
    assert _errors(specs) == [
        "specs/acme/provider.yaml#/client: client class name 'APIError' is reserved by the generated package"
        "\n  hint: choose another 'client:' in provider.yaml"
    ]


def test_a_failing_generate_leaves_every_file_as_it_was(make_provider: MakeProvider, tmp_path: Path) -> None:
    specs = make_provider({"a.json": REJECTED["a property name msgspec cannot rename"][0]})
    out = tmp_path / "generated"
    (out / "acme").mkdir(parents=True)
    (out / "acme" / "old.py").write_text("x = 1\n")
    before = _snapshot(tmp_path)
    code, _, stderr = _run("--specs-dir", str(specs), "--out-dir", str(out), "generate")
    assert code == 2 and "Traceback" not in stderr and stderr.rstrip().endswith("3 errors")
    assert _snapshot(tmp_path) == before


# -- slow: fresh interpreters, the CLI end to end, random specs -------------------------------------


def _import_everything(folder: Path, package: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    modules = sorted(
        ".".join(p.relative_to(folder).with_suffix("").parts).removesuffix(".__init__")
        for p in (folder / package).rglob("*.py")
    )
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
        f"package = importlib.import_module({package!r})\n"
        "for name in package.__all__:\n    getattr(package, name)\n"
        "print(len(sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # let it write __pycache__
    env["PYTHONPATH"] = str(folder)
    return subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True)


def _new_paths(before: dict[str, bytes | None], after: dict[str, bytes | None]) -> list[str]:
    return sorted(p for p in after if p not in before or after[p] != before[p])


SUBPROCESS_CASES = {"hostile text": "TEXT", **{case: case for case in sorted(ACCEPTED)}}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(SUBPROCESS_CASES))
def test_generated_hostile_packages_import_without_side_effects(tmp_path: Path, case: str) -> None:
    root = tmp_path / "root"
    (root / "cwd").mkdir(parents=True)
    document = _document(_hostile(root / MARKER)) if case == "hostile text" else ACCEPTED[case]
    specs = root / "specs"
    (specs / "acme").mkdir(parents=True)
    (specs / "acme" / "a.json").write_text(json.dumps(document), encoding="utf-8")
    (specs / "acme" / "provider.yaml").write_text("client: Api\n")
    write_tree(root / "generated" / "acme", _build(specs))
    before = _snapshot(root)
    result = _import_everything(root / "generated" / "acme", "acme", root / "cwd")
    assert result.returncode == 0, result.stderr
    created = _new_paths(before, _snapshot(root))
    assert created and all(
        p.startswith("generated/acme/acme/") and "__pycache__" in p for p in created
    ), created
    assert not (root / MARKER).exists() and not (root / "cwd" / MARKER).exists()


@pytest.mark.slow
def test_the_cli_writes_only_the_provider_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for folder in ("specs/acme", "specs/other", "generated/other", "cwd"):
        (root / folder).mkdir(parents=True)
    (root / "specs" / "acme" / "a.json").write_text(json.dumps(_document(_hostile(root / MARKER))))
    (root / "specs" / "acme" / "provider.yaml").write_text("client: Api\n")
    (root / "specs" / "other" / "a.json").write_text("{not json")
    (root / "generated" / "other" / "keep.py").write_text("x = 1\n")
    before = _snapshot(root)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
           "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip
    command = [sys.executable, "-m", "generator", "--specs-dir", str(root / "specs"),
               "--out-dir", str(root / "generated"), "generate", "-p", "acme"]  # fmt: skip
    result = subprocess.run(command, cwd=root / "cwd", env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    after = _snapshot(root)
    assert all(p.startswith("generated/acme") for p in _new_paths(before, after))
    assert all(p in after for p in before)  # nothing deleted
    assert not (root / MARKER).exists()
    result = subprocess.run(
        command[:-1] + ["other"], cwd=root / "cwd", env=env, capture_output=True, text=True
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("specs/other/a.json#: invalid JSON: ")
    assert _snapshot(root) == after


@pytest.mark.slow
@pytest.mark.parametrize("case", ["../evil", "a lone surrogate", "a property name msgspec cannot rename"])
def test_the_cli_rejects_hostile_input_with_exit_2_and_no_traceback(tmp_path: Path, case: str) -> None:
    specs = tmp_path / "work" / "specs"
    (specs / "acme").mkdir(parents=True)
    provider = "acme"
    if case == "../evil":
        provider = "../evil"
        (tmp_path / "work" / "evil").mkdir()
        (tmp_path / "work" / "evil" / "a.json").write_text(json.dumps(_base()))
    else:
        document = REJECTED[case][0]
        text = document if isinstance(document, str) else json.dumps(document)
        (specs / "acme" / "a.json").write_text(text)
    before = _snapshot(tmp_path / "work")  # the content-addressed cache (outside the project) may fill
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
           "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip
    command = [sys.executable, "-m", "generator", "--specs-dir", str(specs), "--out-dir",
               str(tmp_path / "work" / "generated"), "generate", "-p", provider]  # fmt: skip
    result = subprocess.run(command, cwd=tmp_path / "work", env=env, capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"specs/{provider}") and "#" in first
    assert _snapshot(tmp_path / "work") == before


# Random specs: names and texts drawn from keywords, punctuation, controls and any Unicode.
_KEYWORDISH = st.sampled_from(
    ["class", "def", "None", "True", "self", "type", "list", "import", "_", "1a", ""]
)
_TEXT = st.text(
    st.one_of(
        st.sampled_from(list("\"'\\{}%$ ./;()_-\t\n\r\x00\x7f\u2028é😀")), st.characters(codec="utf-8")
    ),
    max_size=10,
)
_NAME = st.one_of(_KEYWORDISH, _TEXT)
_VALID_COMPONENT = st.text(st.sampled_from(list("aAbZ09._-")), min_size=1, max_size=8)
_COMPONENT = st.one_of(_KEYWORDISH, _VALID_COMPONENT, _VALID_COMPONENT, _TEXT)  # most pass validation


@st.composite
def _schemas(draw: st.DrawFn) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name in draw(st.lists(_COMPONENT, min_size=1, max_size=3, unique=True)):
        if draw(st.booleans()):
            values = draw(st.lists(st.one_of(_NAME, st.integers(-3, 3)), min_size=1, max_size=4, unique=True))
            schemas[name] = {"type": "string", "enum": values, "description": draw(_TEXT)}
        else:
            names = draw(st.lists(_NAME, max_size=3, unique=True))
            kinds = st.one_of(
                st.sampled_from([{"type": "string"}, {"type": "integer"}, {"type": ["string", "null"]}]),
                st.builds(lambda value: {"const": value}, st.one_of(_TEXT, st.integers(-3, 3))),
            )
            properties = {n: {**draw(kinds), "description": draw(_TEXT)} for n in names}
            extra = draw(st.sampled_from([{}, {"additionalProperties": True},
                                          {"additionalProperties": {"type": "integer"}}]))  # fmt: skip
            schemas[name] = {"type": "object", "properties": properties, "description": draw(_TEXT), **extra}
    return schemas


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    schemas = draw(_schemas())
    paths: dict[str, Any] = {}
    for index in range(draw(st.integers(1, 3))):
        parameters = [{"name": draw(_NAME), "in": draw(st.sampled_from(["query", "header", "cookie"])),
                       "description": draw(_TEXT), "schema": {"type": "string", "default": draw(_TEXT)}}
                      for _ in range(draw(st.integers(0, 2)))]  # fmt: skip
        target = draw(st.sampled_from(sorted(schemas)))
        operation = {"operationId": draw(_NAME), "tags": [draw(_NAME)], "summary": draw(_TEXT),
                     "parameters": parameters, "responses": _ok({"$ref": "#/components/schemas/" + target})}  # fmt: skip
        paths[f"/p{index}"] = {"get": operation}
    variables = {n: {"default": "d", "enum": ["d", *draw(st.lists(_TEXT, max_size=2))], "description": draw(_TEXT)}
                 for n in draw(st.lists(_NAME, max_size=2, unique=True))}  # fmt: skip
    servers = [
        {"url": "https://" + "".join("{" + n + "}" for n in variables) + ".test", "variables": variables}
    ]
    return {"openapi": "3.1.0", "info": {"title": draw(_TEXT), "version": "1"}, "paths": paths, "servers": servers,
            "tags": [{"name": draw(_NAME), "description": draw(_TEXT)}], "components": {"schemas": schemas}}  # fmt: skip


_examples = itertools.count()
_built = itertools.count()


def _import_in_process(folder: Path, package: str) -> None:
    sys.path.insert(0, str(folder))
    try:
        for path in sorted((folder / package).rglob("*.py")):
            name = ".".join(path.relative_to(folder).with_suffix("").parts).removesuffix(".__init__")
            importlib.import_module(name)
        module = importlib.import_module(package)
        for name in module.__all__:
            getattr(module, name)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(_documents())
def test_random_specs_either_fail_cleanly_or_compile_and_import(document: dict[str, Any]) -> None:
    count = next(_examples)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        name = f"hostile_{os.getpid()}_{count}"
        (root / "specs" / name).mkdir(parents=True)
        (root / "specs" / name / "a.json").write_text(json.dumps(document), encoding="utf-8")
        try:
            files = _build(root / "specs", name)
        except SpecError as error:
            assert error.diagnostics and all(
                d.format().startswith(f"specs/{name}") for d in error.diagnostics
            )
            return
        for path, text in files.items():
            if path.endswith(".py"):
                compile(text, path, "exec")
        if next(_built) % 5 == 0:  # every 5th package that builds is imported
            write_tree(root / "generated" / name, files)
            _import_in_process(root / "generated" / name, name)
        assert sorted(p.name for p in root.iterdir()) in (["specs"], ["generated", "specs"])
