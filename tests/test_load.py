"""load + documents: fragment formats, parse errors with positions, provider.yaml, empty folders."""

from __future__ import annotations

import pytest

from generator.diagnostics import SpecError
from generator.spec.load import load_provider
from tests.conftest import MakeProvider, fragment


def _messages(error: pytest.ExceptionInfo[SpecError]) -> list[str]:
    return [d.format() for d in error.value.diagnostics]


def test_every_fragment_format_is_read(make_provider: MakeProvider) -> None:
    page = (
        "# Page\n\nSome text.\n\n```json\n"
        '{"openapi": "3.1.0", "info": {"title": "T", "version": "1"},'
        ' "paths": {"/md-json": {"get": {"responses": {"200": {"description": "OK"}}}}}}\n'
        '```\n\nAn example payload, not a fragment:\n\n```json\n{"id": 1}\n```\n\n'
        "```yaml\nopenapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n"
        "  /md-yaml:\n    get:\n      responses:\n        200: {description: OK}\n```\n"
    )
    yaml_text = (
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /yaml:\n    get:\n"
        "      responses:\n        '200': {description: OK}\n"
    )
    specs = make_provider(
        {
            "a.json": fragment("/json"),
            "b.yaml": yaml_text,
            "c.yml": yaml_text.replace("/yaml", "/yml"),
            "d.md": page,
            "sub/e.json": fragment("/nested"),
        }
    )
    source = load_provider(specs, "acme")
    found = {(f.file, next(iter(f.document["paths"]))) for f in source.fragments}
    assert found == {
        ("specs/acme/a.json", "/json"),
        ("specs/acme/b.yaml", "/yaml"),
        ("specs/acme/c.yml", "/yml"),
        ("specs/acme/d.md:6", "/md-json"),
        ("specs/acme/d.md:16", "/md-yaml"),
        ("specs/acme/sub/e.json", "/nested"),
    }


def test_yaml_keeps_dates_as_strings_and_status_codes_as_strings(make_provider: MakeProvider) -> None:
    text = (
        "openapi: 3.1.0\ninfo: {title: T, version: 2024-01-01}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        200: {description: OK}\n"
    )
    source = load_provider(make_provider({"a.yaml": text}), "acme")
    document = source.fragments[0].document
    assert document["info"]["version"] == "2024-01-01"
    assert list(document["paths"]["/a"]["get"]["responses"]) == ["200"]


def test_malformed_json_names_line_and_column(make_provider: MakeProvider) -> None:
    specs = make_provider({"bad.json": '{\n  "openapi": "3.1.0",\n  "info": }\n'})
    with pytest.raises(SpecError) as error:
        load_provider(specs, "acme")
    assert _messages(error) == ["specs/acme/bad.json#: invalid JSON: expecting value at line 3, column 11"]


def test_malformed_yaml_names_line_and_column(make_provider: MakeProvider) -> None:
    specs = make_provider({"bad.yaml": "openapi: 3.1.0\ninfo:\n  title: [unclosed\n"})
    with pytest.raises(SpecError) as error:
        load_provider(specs, "acme")
    (message,) = _messages(error)
    assert message.startswith(
        "specs/acme/bad.yaml#: invalid YAML: expected ',' or ']', but got '<stream end>' at line 4"
    )


def test_malformed_block_in_page_names_page_line(make_provider: MakeProvider) -> None:
    page = '# P\n\n```json\n{"openapi": "3.1.0",\n "info": }\n```\n'
    with pytest.raises(SpecError) as error:
        load_provider(make_provider({"p.md": page}), "acme")
    assert _messages(error) == ["specs/acme/p.md#: invalid JSON: expecting value at line 5, column 10"]


def test_duplicate_keys_are_errors(make_provider: MakeProvider) -> None:
    text = "openapi: 3.1.0\nopenapi: 3.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
    with pytest.raises(SpecError) as error:
        load_provider(make_provider({"a.yaml": text}), "acme")
    assert _messages(error) == [
        "specs/acme/a.yaml#: invalid YAML: duplicate key 'openapi' at line 2, column 1"
    ]


def test_a_file_that_is_not_openapi(make_provider: MakeProvider) -> None:
    specs = make_provider({"a.json": {"name": "not a spec"}, "b.json": [1, 2], "c.yaml": "swagger: '2.0'\n"})
    with pytest.raises(SpecError) as error:
        load_provider(specs, "acme")
    assert _messages(error) == [
        "specs/acme/a.json#: not an OpenAPI document: no 'openapi' key",
        "specs/acme/b.json#: not an OpenAPI document: a list",
        "specs/acme/c.yaml#/swagger: swagger 2.0 documents are not supported\n  hint: convert it to OpenAPI 3.x first",
    ]


def test_unsupported_openapi_version(make_provider: MakeProvider) -> None:
    document = fragment("/a")
    document["openapi"] = "4.0.0"
    with pytest.raises(SpecError) as error:
        load_provider(make_provider({"a.json": document}), "acme")
    assert _messages(error) == [
        "specs/acme/a.json#/openapi: unsupported OpenAPI version '4.0.0'\n  hint: 3.0.x and 3.1.x are supported"
    ]


def test_empty_provider_folder(make_provider: MakeProvider) -> None:
    with pytest.raises(SpecError) as error:
        load_provider(make_provider({}), "acme")
    assert _messages(error) == [
        "specs/acme#: no OpenAPI fragments in this folder\n  hint: add .json, .yaml, .yml or .md files"
    ]


def test_missing_provider_folder(make_provider: MakeProvider) -> None:
    with pytest.raises(SpecError) as error:
        load_provider(make_provider({}), "nope")
    assert _messages(error) == ["specs/nope#: no such provider folder"]


def test_provider_yaml_defaults_come_from_the_folder_name(make_provider: MakeProvider) -> None:
    config = load_provider(make_provider({"a.json": fragment("/a")}, name="acme_pets"), "acme_pets").config
    assert (config.package, config.distribution, config.client, config.env_prefix) == (
        "acme_pets", "acme-pets", "AcmePets", "ACME_PETS",
    )  # fmt: skip


def test_provider_yaml_values_are_read(make_provider: MakeProvider) -> None:
    settings = (
        "package: pets\nclient: PetStore\nenv_prefix: PETS\nresources: {pet: animals}\n"
        "schemas: {dto.Pet: Animal}\noperations: {'GET /a': {name: fetch}}\n"
        "pagination: {style: cursor, cursor_param: after, items: data, next_cursor: next}\n"
    )
    config = load_provider(
        make_provider({"a.json": fragment("/a"), "provider.yaml": settings}), "acme"
    ).config
    assert config.package == "pets" and config.client == "PetStore" and config.env_prefix == "PETS"
    assert config.resources == {"pet": "animals"} and config.schemas == {"dto.Pet": "Animal"}
    assert config.operations["GET /a"].name == "fetch"
    assert config.pagination is not None and config.pagination.next_cursor == "next"


def test_bad_provider_yaml(make_provider: MakeProvider) -> None:
    settings = (
        "client: 3\nflavour: mint\noperations: {getA: {nmae: x}}\npagination: {style: page, items: docs}\n"
    )
    specs = make_provider({"a.json": fragment("/a"), "provider.yaml": settings})
    with pytest.raises(SpecError) as error:
        load_provider(specs, "acme")
    assert _messages(error) == [
        "specs/acme/provider.yaml#/client: expected a non-empty string, got 3",
        "specs/acme/provider.yaml#/flavour: unknown key 'flavour'\n  hint: known keys: package, distribution, "
        "client, env_prefix, credentials, resources, schemas, properties, operations, pagination, example, "
        "prefer, idempotency_header, sources",
        "specs/acme/provider.yaml#/operations/getA/nmae: unknown key 'nmae'\n  hint: known keys: name, resource",
        "specs/acme/provider.yaml#/pagination: missing 'page_param', 'has_next'",
    ]


def test_provider_yaml_that_is_not_yaml(make_provider: MakeProvider) -> None:
    specs = make_provider({"a.json": fragment("/a"), "provider.yaml": "client: [x\n"})
    with pytest.raises(SpecError) as error:
        load_provider(specs, "acme")
    (message,) = _messages(error)
    assert message.startswith("specs/acme/provider.yaml#: invalid YAML: ")
    assert "at line 2, column 1" in message


def test_other_files_are_reported_as_warnings(make_provider: MakeProvider) -> None:
    source = load_provider(make_provider({"a.json": fragment("/a"), "notes.txt": "hello"}), "acme")
    assert [w.format() for w in source.warnings] == [
        "specs/acme/notes.txt#: warning: ignored: not a .json, .yaml, .yml or .md fragment"
    ]
