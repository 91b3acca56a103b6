"""A hostile pull request against the generator: symlinks, paths, deep or huge specs, odd numbers.

The generator runs in CI on pull requests, so everything below the specs folder and the generated
tree may be written by an attacker. Each case must end in exit code 0 with a correct package, or
exit code 2 with a message naming the file (and JSON pointer), never a traceback, never a read or
write through a symbolic link, never a write outside ``generated/<provider>/`` or
``specs/<provider>/``. An internal error that is nobody's input exits 3 and asks for a report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.diagnostics import SpecError
from generator.pipeline import build_package
from tests.conftest import ROOT, MakeProvider, fragment

SECRET = "[credential]\n\ttoken = SECRET-TOKEN-1234\n"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _snapshot(root: Path) -> dict[str, bytes | str | None]:
    """Every path below ``root`` without following links: bytes, a link's target, or None for a folder."""
    found: dict[str, bytes | str | None] = {}
    for directory, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = Path(directory) / name
            key = path.relative_to(root).as_posix()
            found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else (
                path.read_bytes() if path.is_file() else None)  # fmt: skip
    return found


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout: specs/acme with one valid fragment, generated/, and a .git/config holding a token."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(SECRET)
    (tmp_path / "specs" / "acme").mkdir(parents=True)
    (tmp_path / "specs" / "acme" / "a.json").write_text(json.dumps(fragment("/a", operationId="getA")))
    (tmp_path / "generated").mkdir()
    return tmp_path


def _cli(repo: Path, *args: str) -> tuple[int, str, str]:
    return _run("--specs-dir", str(repo / "specs"), "--out-dir", str(repo / "generated"), *args)


# -- 1. symbolic links --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "generate", "diff-api"])
def test_a_generated_provider_folder_that_is_a_symlink_is_refused(repo: Path, command: str) -> None:
    (repo / "generated" / "acme").symlink_to(repo / ".git")
    before = _snapshot(repo)
    code, stdout, stderr = _cli(repo, command, "-p", "acme")
    assert (code, stdout) == (2, "") and "SECRET" not in stderr
    assert stderr.startswith(f"{repo.as_posix()}/generated/acme#: a symbolic link; refusing to read or write "
                             "through it\n")  # fmt: skip
    assert _snapshot(repo) == before


@pytest.mark.parametrize("command", ["check", "generate"])
def test_a_symlinked_file_inside_the_generated_tree_is_never_read(repo: Path, command: str) -> None:
    assert _cli(repo, "generate", "-p", "acme")[0] == 0
    target = repo / "generated" / "acme" / "API.md"
    target.unlink()
    target.symlink_to(repo / ".git" / "config")
    before = _snapshot(repo)
    code, stdout, stderr = _cli(repo, command, "-p", "acme")
    assert (code, stdout) == (2, "") and "SECRET" not in stderr
    assert stderr.startswith(f"{target.as_posix()}#: a symbolic link; refusing to read or write through it\n")
    assert _snapshot(repo) == before


@pytest.mark.parametrize("name", [".acme.new", ".acme.old", "."])
def test_a_planted_staging_backup_or_out_dir_link_is_refused(repo: Path, name: str) -> None:
    assert _cli(repo, "generate", "-p", "acme")[0] == 0
    (repo / "specs" / "acme" / "b.json").write_text(json.dumps(fragment("/b", operationId="getB")))
    elsewhere = repo / "elsewhere"
    elsewhere.mkdir()
    if name == ".":
        (repo / "generated").rename(repo / "real")
        (repo / "generated").symlink_to(repo / "real")
        link = repo / "generated"
    else:
        link = repo / "generated" / name
        link.symlink_to(elsewhere)
    before = _snapshot(repo)
    code, stdout, stderr = _cli(repo, "generate", "-p", "acme")
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"{link.as_posix()}#: a symbolic link; refusing to read or write through it\n")
    assert _snapshot(repo) == before


def test_generate_does_not_move_files_out_of_a_symlinked_target(repo: Path) -> None:
    (repo / ".git" / "hooks").mkdir()
    (repo / ".git" / ".keep").write_text("x")
    (repo / "generated" / "acme").symlink_to(repo / ".git")
    before = _snapshot(repo)
    assert _cli(repo, "generate", "-p", "acme")[0] == 2
    assert _snapshot(repo) == before


def test_a_fragment_that_links_outside_specs_is_refused(repo: Path) -> None:
    (repo / "specs" / "acme" / "b.json").symlink_to(repo / ".git" / "config")
    code, stdout, stderr = _cli(repo, "validate", "-p", "acme")
    assert (code, stdout) == (2, "") and "SECRET" not in stderr
    assert stderr == (
        "specs/acme/b.json#: a symbolic link to a file outside specs/\n"
        "  hint: copy it into specs/ instead\n1 error\n"
    )


def test_a_provider_folder_or_settings_file_that_links_outside_specs_is_refused(repo: Path) -> None:
    outside = repo / "outside"
    outside.mkdir()
    (outside / "a.json").write_text(json.dumps(fragment("/a")))
    (repo / "specs" / "evil").symlink_to(outside)
    (repo / "specs" / "acme" / "provider.yaml").symlink_to(repo / ".git" / "config")
    code, _, stderr = _cli(repo, "validate")
    assert code == 2 and "SECRET" not in stderr
    assert stderr == (
        "specs/acme/provider.yaml#: a symbolic link to a file outside specs/\n"
        "  hint: copy it into specs/ instead\n"
        "specs/evil#: a symbolic link to a folder outside specs/\n"
        "  hint: copy it into specs/ instead\n2 errors\n"
    )


def test_a_fragment_linked_from_inside_specs_is_still_read(repo: Path) -> None:
    (repo / "specs" / "shared").mkdir()
    (repo / "specs" / "shared" / "b.json").write_text(json.dumps(fragment("/b", operationId="getB")))
    (repo / "specs" / "acme" / "b.json").symlink_to(repo / "specs" / "shared" / "b.json")
    code, stdout, _ = _cli(repo, "validate", "-p", "acme")
    assert (code, stdout) == (0, "ok: acme: 2 paths, 2 operations\n")


# -- 2. import-spec and import-docs validate -p ------------------------------------------------------


@pytest.mark.parametrize("command", ["import-spec", "import-docs"])
@pytest.mark.parametrize("provider", ["../../x", "ABSOLUTE", "a/b", ".hidden"])
def test_import_commands_validate_the_provider_name(repo: Path, command: str, provider: str) -> None:
    source = repo / ("whole.json" if command == "import-spec" else "page.md")
    document = json.dumps(fragment("/a", operationId="getA"))
    source.write_text(document if command == "import-spec" else f"# A\n\n```json\n{document}\n```\n")
    provider = str(repo / "abs") if provider == "ABSOLUTE" else provider
    before = _snapshot(repo)
    code, stdout, stderr = _run("--specs-dir", str(repo / "specs"), command, str(source), "-p", provider)
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"specs/{provider}#: provider name {provider!r} is not a plain folder name\n")
    assert _snapshot(repo) == before


def test_import_spec_does_not_write_through_a_symlinked_provider_folder(repo: Path) -> None:
    whole = repo / "whole.json"
    whole.write_text(json.dumps(fragment("/a", operationId="getA")))
    (repo / "specs" / "evil").symlink_to(repo / ".git")
    before = _snapshot(repo)
    code, _, stderr = _run("--specs-dir", str(repo / "specs"), "import-spec", str(whole), "-p", "evil")
    assert code == 2
    assert stderr.startswith(f"{repo.as_posix()}/specs/evil#: a symbolic link; refusing to read or write")
    assert _snapshot(repo) == before


# -- 3. I/O errors are messages -----------------------------------------------------------------------


def test_an_out_dir_that_is_a_file_is_an_error(repo: Path) -> None:
    (repo / "generated").rmdir()
    (repo / "generated").write_text("not a folder")
    code, stdout, stderr = _cli(repo, "generate", "-p", "acme")
    assert (code, stdout) == (2, "")
    assert stderr == (
        f"{repo.as_posix()}/generated/acme#: cannot write {repo.as_posix()}/generated/.acme.new: "
        "Not a directory\n1 error\n"
    )
    assert (repo / "generated").read_text() == "not a folder"


def test_merge_output_naming_a_folder_is_an_error(repo: Path) -> None:
    code, stdout, stderr = _cli(repo, "merge", "-p", "acme", "-o", str(repo / "generated"))
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"{repo.as_posix()}/generated#: cannot write {repo.as_posix()}/.generated.")
    assert stderr.endswith(": Is a directory\n1 error\n")
    assert list((repo / "generated").iterdir()) == []


# -- 3. deep or exploding schemas: an error naming the pointer, fast -----------------------------------


def _chain(kind: str, count: int) -> dict[str, Any]:
    """``count`` component schemas, each reaching the next through ``kind``."""
    schemas: dict[str, Any] = {}
    for i in range(count):
        following = {"$ref": f"#/components/schemas/S{i + 1}"} if i + 1 < count else {"type": "string"}
        schemas[f"S{i}"] = {
            "properties": {"type": "object", "properties": {"n": following}},
            "additionalProperties": {"type": "object", "additionalProperties": following},
            "items": {"type": "array", "items": following},
            "oneOf": {"oneOf": [following, {"type": "integer"}]},
            "allOf": {"allOf": [following, {"type": "object", "properties": {f"p{i}": {"type": "string"}}}]},
        }[kind]
    document = fragment("/a", operationId="getA")
    document["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}
    }
    return {**document, "components": {"schemas": schemas}}


_LEVEL_151 = {"properties": ("S71", "properties"), "additionalProperties": ("S142", "additionalProperties"),
              "items": ("S142", "items"), "oneOf": ("S71", "oneOf"), "allOf": ("S71", "allOf")}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(_LEVEL_151))
def test_a_chain_of_700_schemas_is_an_error_naming_where_it_gets_too_deep(
    make_provider: MakeProvider, kind: str
) -> None:
    specs = make_provider({"a.json": _chain(kind, 700)})
    started = time.monotonic()
    with pytest.raises(SpecError) as error:
        build_package(specs, "acme")
    assert time.monotonic() - started < 10
    name, key = _LEVEL_151[kind]
    assert [d.format() for d in error.value.diagnostics] == [
        f"specs/acme/a.json#/components/schemas/{name}/{key}: nested more than 150 levels deep through $ref "
        "(from #/paths/~1a/get/responses/200/content/application~1json/schema)"
        "\n  hint: a chain of schemas this deep is not supported; flatten it"
    ]


@pytest.mark.parametrize("kind", ["items", "allOf"])
def test_a_chain_just_within_the_limit_generates(make_provider: MakeProvider, kind: str) -> None:
    count = 142 if kind == "items" else 70  # one more schema is one level too many
    files = build_package(make_provider({"a.json": _chain(kind, count)}), "acme")[2]
    assert f"acme/models/s{count - 1}.py" in files or kind == "items"
    returned = "->" + "List[" * count + "str" + "]" * count + ":"
    assert returned in "".join(files["acme/resources/a.py"].split()) or kind == "allOf"
    with pytest.raises(SpecError, match="nested more than 150 levels deep"):
        build_package(make_provider({"a.json": _chain(kind, count + 1)}, name="more"), "more")


def test_shared_allof_branches_that_explode_are_an_error(make_provider: MakeProvider) -> None:
    schemas: dict[str, Any] = {
        f"S{i}": {"allOf": [{"$ref": f"#/components/schemas/S{i + 1}"}] * 2} for i in range(20)
    }
    schemas["S20"] = {"type": "object"}
    document = {**fragment("/a", operationId="getA"), "components": {"schemas": schemas}}
    started = time.monotonic()
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert time.monotonic() - started < 10
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#/components/schemas/S0/allOf/0: allOf branches that expand to more than 20000 "
        "subschemas through $ref\n  hint: share fewer subschemas"
    ]


def test_an_allof_branch_that_reaches_itself_is_an_error_at_its_pointer(make_provider: MakeProvider) -> None:
    json_value = {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/components/schemas/Json"}}]
    }
    schemas = {"Json": json_value, "M": {"allOf": [{"$ref": "#/components/schemas/Json"}]}}
    document = {**fragment("/a", operationId="getA"), "components": {"schemas": schemas}}
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#/components/schemas/M/allOf/0: an allOf branch that refers back to itself through "
        "allOf, anyOf, oneOf, items or not: openapi-spec-validator cannot check it"
        "\n  hint: break the loop, e.g. through a property"
    ]


class _Panic(BaseException):
    """Like pyo3's PanicException: a BaseException, not an Exception."""


def test_a_panic_inside_the_validator_is_a_diagnostic(
    make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openapi_spec_validator

    def panic(*args: Any, **kwargs: Any) -> Any:
        raise _Panic("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(openapi_spec_validator.OpenAPIV31SpecValidator, "iter_errors", panic)
    monkeypatch.setenv("XDG_CACHE_HOME", str(make_provider({}).parent / "fresh-cache"))
    specs = make_provider({"a.json": fragment("/a", operationId="getA")})
    with pytest.raises(SpecError) as error:
        build_package(specs, "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#: openapi-spec-validator failed: _Panic: called `Option::unwrap()` on a `None` value"
    ]


def test_an_internal_error_asks_for_a_report_and_exits_3(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import cli as cli_module
    from generator.cli import build

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise _Panic("boom")

    monkeypatch.setattr(build, "build_package", broken)
    with pytest.raises(SystemExit) as exit_:
        cli_module.main(["--specs-dir", str(repo / "specs"), "--out-dir", str(repo / "generated"), "check"])
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert (
        err.startswith("internal error: _Panic: boom\nThis is a bug in the generator")
        and "Traceback" not in err
    )


# -- 6. the validator's findings point at the value ----------------------------------------------------


def test_invalid_format_defaults_point_at_the_default(make_provider: MakeProvider) -> None:
    document = fragment("/a", operationId="getA", parameters=[
        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time", "default": "yesterday"}}])  # fmt: skip
    properties = {"id": {"type": "string", "format": "uuid", "default": "nope"}, "name": {"type": "string", "default": "nope"},
                  "when": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}},
                           "default": {"at": "2024-13-45T99:00:00Z"}}}  # fmt: skip
    document["components"] = {
        "schemas": {"M": {"type": "object", "properties": properties}, "B": {"type": 12}}
    }
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#/components/schemas/B/type: 12 is not valid under any of the given schemas",
        "specs/acme/a.json#/components/schemas/M/properties/id/default: 'nope' is not a 'uuid'",
        "specs/acme/a.json#/components/schemas/M/properties/when/default/at: '2024-13-45T99:00:00Z' is not a "
        "'date-time'",
        "specs/acme/a.json#/paths/~1a/get/parameters/0/schema/default: 'yesterday' is not a 'date-time'",
    ]


# -- 4. a document's expanded size is bounded in bytes ------------------------------------------------


def _alias_bomb(copies: int, size: int) -> str:
    text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
    text += f"x-big: &big '{'x' * size}'\nx-copies:\n"
    return text + "".join(f"  - *big\n" for _ in range(copies))


def test_a_yaml_alias_bomb_of_few_nodes_is_refused_by_its_bytes(make_provider: MakeProvider) -> None:
    specs = make_provider({"a.yaml": _alias_bomb(300, 1_000_000)})
    started = time.monotonic()
    assert [d.format() for d in pytest.raises(SpecError, build_package, specs, "acme").value.diagnostics] == [
        "specs/acme/a.yaml#/x-copies/62: more than 64000000 bytes of text (YAML aliases expanded)"
        "\n  hint: a YAML alias repeats its value wherever it is used; split the document or use $ref"
    ]
    assert time.monotonic() - started < 10


def test_a_document_within_the_byte_limit_loads(
    make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.spec.load.MAX_BYTES", 3_000)
    text = _alias_bomb(2, 900)  # 3 x 900 characters and the keys and values around them
    assert build_package(make_provider({"a.yaml": text}), "acme")[2]
    with pytest.raises(SpecError, match=r"a.yaml#/x-copies/2: more than 3000 bytes of text"):
        build_package(make_provider({"a.yaml": _alias_bomb(3, 900)}, name="more"), "more")


# -- 5. integers beyond 64 bits in enum and const ------------------------------------------------------


def test_integers_beyond_64_bits_in_enum_or_const_decode_as_plain_int(
    generated_package: Any, make_provider: MakeProvider
) -> None:
    huge, low = 18446744073709551615, -(2**63) - 1
    properties = {"e": {"type": "integer", "enum": [1, huge]}, "c": {"const": huge},
                  "n": {"type": "integer", "enum": [low, 2]}, "ok": {"type": "integer", "enum": [-(2**63), 2**63 - 1]}}  # fmt: skip
    document = fragment("/a", operationId="getA")
    document["components"] = {"schemas": {"M": {"type": "object", "properties": properties}}}
    spec = build_package(make_provider({"a.json": document}, name="probe"), "probe")[0]
    assert [d.format() for d in spec.warnings] == [
        f"specs/probe/a.json#/components/schemas/M/properties/c/const: warning: integer {huge} does not fit in "
        "64 bits, which msgspec needs for an enum or a literal; it is typed as a plain int",
        f"specs/probe/a.json#/components/schemas/M/properties/e/enum/1: warning: integer {huge} does not fit in "
        "64 bits, which msgspec needs for an enum or a literal; it is typed as a plain int",
        f"specs/probe/a.json#/components/schemas/M/properties/n/enum/0: warning: integer {low} does not fit in "
        "64 bits, which msgspec needs for an enum or a literal; it is typed as a plain int",
    ]
    package = generated_package({"a.json": document})
    body = {"e": huge, "c": huge, "n": low, "ok": 2**63 - 1}
    decoded = msgspec.json.decode(json.dumps(body).encode(), type=package.M)
    assert (decoded.e, decoded.c, decoded.n, decoded.ok.value) == (huge, huge, low, 2**63 - 1)
    assert msgspec.json.decode(msgspec.json.encode(decoded)) == body


def test_a_ref_that_leads_back_to_itself_is_an_error_not_a_validator_crash(
    make_provider: MakeProvider,
) -> None:
    schemas = {"Pet": {"$ref": "#/components/schemas/Pet"}, "A": {"$ref": "#/components/schemas/B"},
               "B": {"$ref": "#/components/schemas/A"}}  # fmt: skip
    document = {**fragment("/a", operationId="getA"), "components": {"schemas": schemas}}
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        f"specs/acme/a.json#/components/schemas/{name}/$ref: reference '#/components/schemas/{target}' leads back "
        "to itself through $ref only\n  hint: a chain of $ref must end at a definition"
        for name, target in (("A", "B"), ("B", "A"), ("Pet", "Pet"))
    ]


# -- found by tests/test_fuzz.py ---------------------------------------------------------------------


def test_a_skeleton_node_of_the_wrong_kind_is_an_error_not_a_crash(make_provider: MakeProvider) -> None:
    document = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "tags": "x",
                "paths": {"/a": {"get": {"parameters": [1], "responses": {"200": True, "x-y": 1}}, "parameters": "p"},
                          "/b": [], "x-ok": 1},
                "components": {"schemas": {"A": True}, "parameters": {"p": 1}, "x-z": 3},
                "servers": [{"url": "https://x.test", "variables": []}]}  # fmt: skip
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#/components/parameters/p: a component must be a mapping, not int",
        "specs/acme/a.json#/paths/~1a/get/parameters/0: a parameter must be a mapping, not int",
        "specs/acme/a.json#/paths/~1a/get/responses/200: a response must be a mapping, not bool",
        "specs/acme/a.json#/paths/~1a/parameters: 'parameters' must be a list, not str",
        "specs/acme/a.json#/paths/~1b: a path item must be a mapping, not list",
        "specs/acme/a.json#/servers/0/variables: 'variables' must be a mapping, not list",
        "specs/acme/a.json#/tags: 'tags' must be a list, not str",
    ]
    with pytest.raises(SpecError, match=r"a.json#/paths: 'paths' must be a mapping, not bool"):
        build_package(make_provider({"a.json": {**document, "paths": True}}, name="other"), "other")


def test_boolean_schemas_are_any(generated_package: Any) -> None:
    document = fragment("/a", operationId="getA", parameters=[{"name": "q", "in": "query", "schema": True}])
    document["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Yes"}}
    }
    document["components"] = {"schemas": {"Yes": True, "No": False,
                                          "M": {"type": "object", "properties": {"y": {"$ref": "#/components/schemas/Yes"}}}}}  # fmt: skip
    package = generated_package({"a.json": document})
    decoded = msgspec.json.decode(b'{"y": [1, {"a": null}]}', type=package.M)
    assert decoded.y == [1, {"a": None}]


def test_diff_api_on_shared_subschemas_is_bounded(tmp_path: Path) -> None:
    from generator.review.diff_api import diff_api
    from generator.spec.config import parse_config
    from generator.diagnostics import Origin

    def document(title: str) -> dict[str, Any]:
        schemas = {f"S{i}": {"type": "object", "properties": {"a": {"$ref": f"#/components/schemas/S{i + 1}"},
                                                            "b": {"$ref": f"#/components/schemas/S{i + 1}"}}}
                   for i in range(30)}  # fmt: skip
        schemas["S30"] = {"type": "string"}
        found = fragment("/a", operationId="getA")
        found["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
            "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}
        }
        return {**found, "info": {"title": title, "version": "1"}, "components": {"schemas": schemas}}

    started = time.monotonic()
    assert diff_api(document("a"), document("b"), parse_config("acme", None, Origin(""))[0]) == ()
    assert time.monotonic() - started < 10


def test_diff_api_on_an_unvalidated_old_document_with_shared_allof_parts_is_bounded() -> None:
    from generator.review.diff_api import diff_api
    from generator.spec.config import parse_config
    from generator.diagnostics import Origin

    old = fragment("/a", operationId="getA")
    old["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}
    }
    schemas: dict[str, Any] = {
        f"S{i}": {"allOf": [{"$ref": f"#/components/schemas/S{i + 1}"}] * 2} for i in range(30)
    }
    old["components"] = {
        "schemas": {**schemas, "S30": {"type": "object", "properties": {"x": {"type": "string"}}}}
    }
    new = fragment("/a", operationId="getA")
    new["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"type": "object", "properties": {"y": {"type": "string"}}}}
    }
    started = time.monotonic()
    changes = diff_api(old, new, parse_config("acme", None, Origin(""))[0])
    assert time.monotonic() - started < 10
    assert [(change.kind, change.message) for change in changes] == [
        ("response-field-removed", "response field 'x' removed"),
        ("response-field-added", "response field 'y' added"),
    ]


def test_a_subschema_of_the_wrong_kind_is_an_error_not_a_crash(make_provider: MakeProvider) -> None:
    document = fragment("/a", operationId="getA")
    document["paths"]["/a"]["get"]["requestBody"] = {"content": {"application/json": {"schema": {
        "allOf": [{"$ref": "#/components/schemas/A"}, None]}}}}  # fmt: skip
    document["components"] = {"schemas": {"A": {"type": "object", "properties": {"x": 1, "y": {"required": "y"}}},
                                          "B": {"oneOf": {"type": "string"}}, "C": True}}  # fmt: skip
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#/components/schemas/A/properties/x: a schema must be a mapping or a boolean, not int",
        "specs/acme/a.json#/components/schemas/A/properties/y/required: 'required' must be a list of property "
        "names, not str",
        "specs/acme/a.json#/components/schemas/B/oneOf: 'oneOf' must be a list, not dict",
        "specs/acme/a.json#/paths/~1a/get/requestBody/content/application~1json/schema/allOf/1: a schema must be "
        "a mapping or a boolean, not NoneType",
    ]


def test_merge_output_that_is_a_symlink_is_refused(repo: Path) -> None:
    (repo / "merged.json").symlink_to(repo / ".git" / "config")
    before = _snapshot(repo)
    code, stdout, stderr = _cli(repo, "merge", "-p", "acme", "-o", str(repo / "merged.json"))
    assert (code, stdout) == (2, "") and "SECRET" not in stderr
    assert stderr.startswith(f"{repo.as_posix()}/merged.json#: a symbolic link; refusing to read or write")
    assert _snapshot(repo) == before


def test_junk_in_a_schema_that_quirks_reads_is_an_error_not_a_crash(make_provider: MakeProvider) -> None:
    schemas = {"A": {"type": ["string", {"a": 1}], "default": 1}, "B": {"oneOf": 5, "default": 1},
               "C": {"type": "object", "properties": {}, "required": [{"a": 1}, {"a": 1}]}}  # fmt: skip
    document = {**fragment("/a", operationId="getA"), "components": {"schemas": schemas}}
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#/components/schemas/B/oneOf: 'oneOf' must be a list, not int",
        "specs/acme/a.json#/components/schemas/C/required: 'required' must be a list of property names, not a "
        "list holding dict",
    ]


def test_a_parameter_name_of_the_wrong_kind_under_a_path_template_is_an_error_not_a_crash(
    make_provider: MakeProvider,
) -> None:
    document = fragment("/a/{id}", operationId="getA", parameters=[{"name": ["id"], "in": "path", "required": True,
                                                                    "schema": {"type": "string"}}])  # fmt: skip
    with pytest.raises(SpecError) as error:
        build_package(make_provider({"a.json": document}), "acme")
    assert [d.format() for d in error.value.diagnostics] == [
        "specs/acme/a.json#/paths/~1a~1{id}/get/parameters/0: path parameter ['id'] is not in '/a/{id}'"
    ]
