"""Issue 11: what real specs do that our own never did. One minimal spec per class of problem,
generated and called as a user would (``generated_package`` + ``httpx.MockTransport``)."""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.test_features import _client, _doc, _get, _json_response, _ref, _replying

Generate = Callable[..., Any]
Handler = Callable[[httpx.Request], httpx.Response]


# -- 1. references that point inside a component ------------------------------------------------

_TEMPLATE = {
    "allOf": [
        {"type": "object", "properties": {"id": {"type": "string"}}},
        {"type": "object", "properties": {"created_by": {"oneOf": [
            {"type": "string"},
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        ]}}},
    ]
}  # fmt: skip
_INSIDE = "#/components/schemas/Template/allOf/1/properties/created_by/oneOf/1"


def test_a_ref_inside_a_component_schema_is_one_class_named_after_its_place(
    generated_package: Generate,
) -> None:
    paths = {
        "/templates": _get(_ref("Template")),
        "/users": {"get": {"operationId": "users", "tags": ["things"],
                           "responses": _json_response({"$ref": _INSIDE})}},
        "/owners": {"get": {"operationId": "owners", "tags": ["things"],
                            "responses": _json_response({"type": "array", "items": {"$ref": _INSIDE}})}},
    }  # fmt: skip
    package = generated_package({"a.json": _doc(paths, {"Template": _TEMPLATE})})
    created_by = package.TemplateCreatedByVariant2
    client = _client(package, _replying({"name": "ada"}), [])
    user = client.things.users()
    assert type(user) is created_by and user.name == "ada"
    client = _client(package, _replying([{"name": "bob"}]), [])
    assert [type(u) for u in client.things.owners()] == [created_by]
    client = _client(package, _replying({"id": "t", "created_by": {"name": "cy"}}), [])
    assert type(client.things.fetch().created_by) is created_by  # the same class as the inline place


def test_a_ref_to_the_schema_inside_a_component_response(generated_package: Generate) -> None:
    conflict = {"description": "Conflict", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"reason": {"type": "string"}}}}}}  # fmt: skip
    ref = {"$ref": "#/components/responses/Conflict/content/application~1json/schema"}
    document = _doc({"/things": _get(ref)}, responses={})
    document["components"] = {"responses": {"Conflict": conflict}}
    package = generated_package({"a.json": document})
    result = _client(package, _replying({"reason": "taken"}), []).things.fetch()
    assert type(result).__name__ == "ConflictResponse" and result.reason == "taken"


def test_a_ref_into_a_path_parameter_of_another_operation(generated_package: Generate) -> None:
    shared = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    paths = {
        "/a": {"get": {"operationId": "a", "tags": ["things"], "parameters": [shared],
                       "responses": {"204": {"description": "none"}}}},
        "/b": {"get": {"operationId": "b", "tags": ["things"],
                       "parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}],
                       "responses": {"204": {"description": "none"}}}},
    }  # fmt: skip
    package = generated_package({"a.json": _doc(paths)})
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen).things.b(limit=3)
    assert seen[0].url.params["limit"] == "3"


# -- 2. $ref inside data is data ---------------------------------------------------------------------


def test_refs_inside_examples_defaults_and_extensions_are_data(generated_package: Generate) -> None:
    data = {"$ref": "https://elsewhere.test/x.json#/nothing"}
    schema = {"type": "object", "x-topics": [data], "example": data, "examples": [data],
              "properties": {"meta": {"type": "object", "default": data, "x-more": {"$ref": "#/nowhere"}},
                             "kind": {"const": {"$ref": "#/nowhere"}}}}  # fmt: skip
    operation = _get(schema)
    operation["get"]["responses"]["200"]["content"]["application/json"]["examples"] = {"one": {"value": data}}
    package = generated_package({"a.json": _doc({"/things": operation}, **{"x-topics": [data]})})
    result = _client(package, _replying({"meta": {"a": 1}}), []).things.fetch()
    assert result.meta == {"a": 1}


# -- 9. a discriminated oneOf decodes in every position ------------------------------------------

_PET = {"oneOf": [_ref("Cat"), _ref("Dog")], "discriminator": {"propertyName": "kind",
        "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}}  # fmt: skip
_ANIMALS = {
    "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "name": {"type": "string"}}},
    "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}}},
}  # fmt: skip


@pytest.mark.parametrize(
    ("prop", "required", "body", "expected"),
    [
        (_PET, True, {"pet": {"kind": "dog", "barks": True}}, "Dog"),
        (_PET, False, {"pet": {"kind": "cat"}}, "Cat"),
        (_PET, False, {}, None),
        ({**_PET, "nullable": True}, True, {"pet": None}, None),
        ({"anyOf": [_PET, {"type": "null"}]}, True, {"pet": {"kind": "cat"}}, "Cat"),
        ({"type": "array", "items": _PET}, False, {"pet": [{"kind": "dog"}]}, ["Dog"]),
        (
            {"type": "object", "additionalProperties": _PET},
            False,
            {"pet": {"a": {"kind": "cat"}}},
            {"a": "Cat"},
        ),
    ],
    ids=["required", "optional", "optional-absent", "nullable", "or-null", "list", "dict"],
)
def test_a_discriminated_union_decodes_in_every_position(
    generated_package: Generate, prop: Any, required: bool, body: Any, expected: Any
) -> None:
    schema = {"type": "object", "properties": {"pet": prop}, **({"required": ["pet"]} if required else {})}
    package = generated_package({"a.json": _doc({"/things": _get(schema)}, _ANIMALS)})
    pet = _client(package, _replying(body), []).things.fetch().pet
    if isinstance(expected, list):
        assert [type(p).__name__ for p in pet] == expected
    elif isinstance(expected, dict):
        assert {k: type(v).__name__ for k, v in pet.items()} == expected
    elif expected is None:
        assert pet is None or type(pet).__name__ == "UnsetType"
    else:
        assert type(pet).__name__ == expected


# -- 6. YAML means what JSON means ---------------------------------------------------------------

_COUNTRIES_YAML = """
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /things:
    get:
      operationId: fetch
      tags: [things]
      parameters:
        - {name: country, in: query, schema: {type: string, enum: [NO, SE, DK, on, off, yes]}}
        - {name: level, in: query, schema: {type: string, enum: [1, 2, 012]}}
      responses:
        '204': {description: none}
"""


def test_yaml_enum_values_are_read_as_json_means_them(generated_package: Generate) -> None:
    package = generated_package({"a.yaml": _COUNTRIES_YAML})
    country = package.FetchCountry
    assert [m.value for m in country] == ["NO", "SE", "DK", "on", "off", "yes"]
    assert [m.value for m in package.FetchLevel] == ["1", "2", "12"]  # numbers under type: string
    seen: list[httpx.Request] = []
    _client(package, _replying(status=204), seen).things.fetch(
        country=country.NO, level=package.FetchLevel.VALUE_12
    )
    assert seen[0].url.params["country"] == "NO" and seen[0].url.params["level"] == "12"


def test_an_enum_of_another_type_is_a_warning_naming_the_pointer(make_provider: Any) -> None:
    from generator.pipeline import load_valid_spec

    spec = load_valid_spec(make_provider({"a.yaml": _COUNTRIES_YAML}), "acme")
    assert [d.format() for d in spec.warnings if "enum" in d.message] == [
        "specs/acme/a.yaml#/paths/~1things/get/parameters/1/schema/enum: warning: enum values 1, 2, 12 are not "
        "strings as 'type: string' says; read as strings"
    ]


# -- 8. pyright strict and mypy --strict on what real specs generate ------------------------------

_BARE = """
openapi: 3.1.0
info: {title: t, version: '1'}
paths: {/ping: {get: {operationId: ping, responses: {'204': {description: none}}}}}
"""
_TYPING_CASES = """
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /invoices:
    post:
      operationId: createInvoice
      tags: [invoices]
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Invoice'}}}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Invoice'}}}}}
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}}}
components:
  schemas:
    Invoice:
      type: object
      additionalProperties: true
      properties:
        id: {type: string, readOnly: true}
        payments: {type: array, readOnly: true, items: {$ref: '#/components/schemas/Payment'}}
        tags: {type: object, additionalProperties: {type: string}}
    Payment:
      type: object
      properties:
        id: {type: string, readOnly: true}
        invoice: {$ref: '#/components/schemas/Invoice'}
    Owner:
      type: object
      properties:
        pet: {$ref: '#/components/schemas/Pet'}
        pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
      discriminator: {propertyName: kind}
    Cat:
      type: object
      required: [kind]
      properties: {kind: {type: string}, owner: {$ref: '#/components/schemas/Owner'}}
    Dog:
      type: object
      required: [kind]
      properties: {kind: {type: string}, extra: {type: object, additionalProperties: {type: integer}}}
"""


# -- 7. data errors are repaired as quirks ---------------------------------------------------------

_UNDECLARED_PATH = """
openapi: 3.0.1
info: {title: t, version: '1'}
paths:
  /export/{job_identifier}:
    get:
      operationId: export
      tags: [jobs]
      parameters:
        - {name: job_identifier, in: query, required: true, schema: {type: string}}
      responses: {'204': {description: ok}}
  /download/{job_identifier}:
    get:
      operationId: download
      tags: [jobs]
      responses: {'204': {description: ok}}
"""


def test_a_path_variable_without_a_path_parameter_is_repaired_with_a_warning(
    generated_package: Generate, make_provider: Any
) -> None:
    from generator.pipeline import load_valid_spec

    spec = load_valid_spec(make_provider({"a.yaml": _UNDECLARED_PATH}), "acme")
    assert [d.format() for d in spec.warnings] == [
        "specs/acme/a.yaml#/paths/~1download~1{job_identifier}/get/parameters: warning: path variable "
        "'job_identifier' has no parameter; a required string path parameter is added",
        "specs/acme/a.yaml#/paths/~1export~1{job_identifier}/get/parameters/0/in: warning: path variable "
        "'job_identifier' is declared 'in: query'; read as a path parameter",
    ]
    package = generated_package({"a.yaml": _UNDECLARED_PATH})
    seen: list[httpx.Request] = []
    client = _client(package, _replying(status=204), seen)
    client.jobs.export("j1")
    client.jobs.download("j2")
    assert [r.url.path for r in seen] == ["/export/j1", "/download/j2"] and not seen[0].url.params


# -- 2. webhooks ---------------------------------------------------------------------------------

_WEBHOOKS = """
openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
webhooks:
  thing.created:
    post:
      summary: A thing was created.
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
      responses: {'200': {description: ok}}
  thing.deleted:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [id], properties: {id: {type: string}, at: {type: string, format: date-time}}}
      responses: {'200': {description: ok}}
  ping:
    post:
      requestBody: {content: {text/plain: {schema: {type: string}}}}
      responses: {'200': {description: ok}}
components:
  schemas:
    Thing:
      type: object
      properties: {id: {type: string}, extra: {type: object, additionalProperties: true}}
"""


def test_webhook_payloads_become_models_with_decode_functions(
    generated_package: Generate, make_provider: Any
) -> None:
    import datetime

    import msgspec

    from generator.pipeline import build_package

    package = generated_package({"a.yaml": _WEBHOOKS})
    hooks = __import__(package.__name__ + ".webhooks", fromlist=["x"])
    created = hooks.decode_thing_created(b'{"id": "t1", "extra": {"a": 1}}')
    assert type(created) is package.Thing and created.id == "t1" and created.extra == {"a": 1}
    deleted = hooks.decode_thing_deleted('{"id": "t2", "at": "2024-01-02T03:04:05Z"}')
    assert type(deleted).__name__ == "ThingDeletedWebhook" and deleted.at.year == 2024
    assert isinstance(deleted.at, datetime.datetime)
    with pytest.raises(msgspec.ValidationError):
        hooks.decode_thing_deleted(b'{"at": "2024-01-02T03:04:05Z"}')  # id is required
    assert not hasattr(hooks, "decode_ping")
    spec = build_package(make_provider({"a.yaml": _WEBHOOKS}), "acme")[0]
    assert [d.format() for d in spec.warnings] == [
        "specs/acme/a.yaml#/webhooks/ping/post: warning: webhook 'ping' has no JSON payload; no decode function is generated"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("checker", ["pyright", "mypy"])
@pytest.mark.parametrize("case", ["shapes", "webhooks-only", "bare"])
def test_real_world_typing_shapes_are_strictly_type_clean(
    checker: str, case: str, make_provider: Any, tmp_path: Any
) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    from generator.emit.write import write_tree
    from generator.pipeline import build_package

    specs = make_provider(
        {"a.yaml": {"shapes": _TYPING_CASES, "webhooks-only": _WEBHOOKS, "bare": _BARE}[case]}
    )
    write_tree(tmp_path / "out", build_package(specs, "acme")[2])
    if checker == "pyright":
        (tmp_path / "pyrightconfig.json").write_text(
            json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"})
        )
        command = [str(Path(sys.executable).parent / "pyright"), "-p", str(tmp_path / "pyrightconfig.json"),
                   "--pythonpath", sys.executable, "acme"]  # fmt: skip
    else:
        command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "acme"]
    result = subprocess.run(command, cwd=tmp_path / "out", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# -- 3. no refusal where a deterministic name exists; 4. names never move -----------------------------

_FILTERS = """
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /calls:
    get:
      operationId: listCalls
      tags: [calls]
      parameters:
        - {name: DateCreated, in: query, description: Exactly then., schema: {type: string}}
        - {name: DateCreated<, in: query, description: Before then., schema: {type: string}}
        - {name: DateCreated>=, in: query, description: Then or after., schema: {type: string}}
      responses: {'204': {description: none}}
"""


def test_parameters_differing_by_a_symbol_get_meaningful_names(generated_package: Generate) -> None:
    package = generated_package({"a.yaml": _FILTERS})
    seen: list[httpx.Request] = []
    calls = _client(package, _replying(status=204), seen).calls
    calls.list_calls(date_created="a", date_created_lt="b", date_created_gte="c")
    assert list(seen[0].url.params.multi_items()) == [
        ("DateCreated", "a"),
        ("DateCreated<", "b"),
        ("DateCreated>=", "c"),
    ]
    doc = type(calls).list_calls.__doc__
    assert (
        "Before then. (sent as ``DateCreated<``)" in doc
        and "Then or after. (sent as ``DateCreated>=``)" in doc
    )


def _things(properties: str, extra_schema: str = "", extra_path: str = "") -> str:
    return f"""
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things:
    get:
      operationId: thing
      tags: [things]
      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/card'}}}}}}}}}}
{extra_path}
components:
  schemas:
    card:
      type: object
      properties: {{{properties}}}
{extra_schema}
"""


def _generate_twice(
    tmp_path: Any, first: str, second: str
) -> tuple[Any, dict[str, bytes], dict[str, bytes], str]:
    """Generate ``first``, then ``second`` over it with the CLI, as a user would; both trees."""
    from click.testing import CliRunner

    from generator.cli import cli
    from generator.emit.write import read_tree

    folder = tmp_path / "twice" / "specs" / "acme"
    folder.mkdir(parents=True)
    args = ["--specs-dir", str(tmp_path / "twice" / "specs"), "--out-dir", str(tmp_path / "out"), "generate"]
    (folder / "a.yaml").write_text(first)
    assert CliRunner().invoke(cli, args).exit_code == 0
    before = read_tree(tmp_path / "out" / "acme")
    (folder / "a.yaml").write_text(second)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result, before, read_tree(tmp_path / "out" / "acme"), result.stderr


def test_properties_mapping_to_one_attribute_get_two_and_keep_them(tmp_path: Any, make_provider: Any) -> None:
    from generator.model.normalize import normalize
    from generator.pipeline import load_valid_spec

    fresh = normalize(*(lambda s: (s.merged, s.config))(load_valid_spec(make_provider(
        {"a.yaml": _things("'@type': {type: string}, type: {type: integer}, id: {type: string}, '@id': {type: string}")}),
        "acme")))  # fmt: skip
    fields = {(f.wire, f.name) for m in fresh.model_modules for model in m.models for f in model.fields}
    assert {("type", "type"), ("@type", "at_type"), ("id", "id"), ("@id", "at_id")} <= fields
    assert any("'@type' is the attribute 'at_type'" in d.message for d in fresh.warnings)
    # Established first as `type` (the only one), `@type` keeps its attribute when `type` arrives.
    _, before, after, stderr = _generate_twice(
        tmp_path,
        _things("'@type': {type: string}"),
        _things("type: {type: integer}, '@type': {type: string}"),
    )
    model = after["acme/models/card.py"].decode()
    assert "    type: str | None = None" in before["acme/models/card.py"].decode()
    assert "    type: str | None = None" in model and "    type_2: int | None = None" in model
    assert "'type' is the attribute 'type_2'" in stderr


def test_a_colliding_schema_and_inline_schema_never_rename_what_exists(tmp_path: Any) -> None:
    first = _things("kind: {type: string, enum: [a, b]}")
    newcomers = """    issuing.card:
      type: object
      properties: {id: {type: string}}
    CardKind: {type: string, enum: [x, y]}
"""
    path = """  /issuing:
    get:
      operationId: issuing
      tags: [things]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/issuing.card'}}}}}
  /kinds:
    get:
      operationId: kinds
      tags: [things]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/CardKind'}}}}}
"""
    _, before, after, stderr = _generate_twice(
        tmp_path, first, _things("kind: {type: string, enum: [a, b]}", newcomers, path)
    )
    for name, content in before.items():  # every class, module and attribute that existed is as it was
        if name.startswith("acme/models/") and name != "acme/models/__init__.py":
            assert after[name] == content, name
    assert "class Card(" in after["acme/models/card.py"].decode()
    assert "class CardKind(" in after["acme/models/card_kind.py"].decode()  # the inline enum, established
    assert "class IssuingCard(" in after["acme/models/issuing_card.py"].decode()
    assert "class CardKind2(" in after["acme/models/card_kind2.py"].decode()  # the newcomer yields
    assert "'card' and 'issuing.card' all map to the class 'Card'" in stderr


def test_two_operations_deriving_one_method_are_told_apart_and_keep_their_names(tmp_path: Any) -> None:
    def spec(*paths: str) -> str:
        items = "".join(f"""  {path}:
    get:
      tags: [reporting]
      parameters: [{{name: job_identifier, in: path, required: true, schema: {{type: string}}}}]
      responses: {{'204': {{description: ok}}}}
""" for path in paths)
        return f"openapi: 3.0.1\ninfo: {{title: t, version: '1'}}\npaths:\n{items}"

    export, download = "/export/reporting_data/{job_identifier}", "/download/reporting_data/{job_identifier}"
    _, before, after, stderr = _generate_twice(tmp_path, spec(export), spec(export, download))
    assert "def retrieve_reporting_data(" in before["acme/resources/reporting.py"].decode()
    methods = json.loads(after["names.json"])["methods"]
    assert methods == {f"GET {export}": "reporting.retrieve_reporting_data",
                       f"GET {download}": "reporting.retrieve_reporting_data_download"}  # fmt: skip
    assert "this operation is reporting.retrieve_reporting_data_download" in stderr


def test_a_repair_of_a_copied_component_is_reported_once(make_provider: Any) -> None:
    from generator.pipeline import load_valid_spec

    def page(path: str) -> str:
        return f"""
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  {path}:
    get:
      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Flag'}}}}}}}}}}
components:
  schemas:
    Flag: {{type: object, properties: {{on: {{type: boolean, default: 'false'}}, limit: {{type: integer, default: '20 - incident_summary'}}}}}}
"""

    spec = load_valid_spec(
        make_provider({"a.yaml": page("/a"), "b.yaml": page("/b"), "c.yaml": page("/c")}), "acme"
    )
    assert [d.format() for d in spec.warnings] == [
        "specs/acme/a.yaml#/components/schemas/Flag/properties/limit/default: warning: default '20 - incident_summary' "
        "is not allowed by its own schema; moved to 'x-default' (also in 2 other fragments)",
        "specs/acme/a.yaml#/components/schemas/Flag/properties/on/default: warning: default 'false' is not allowed "
        "by its own schema; moved to 'x-default' (also in 2 other fragments)",
    ]


# -- issue 15.4: request ids --------------------------------------------------------------------


def test_status_errors_and_raw_responses_carry_the_request_id(generated_package: Generate) -> None:
    declared = {"description": "OK", "headers": {"Twilio-Request-Id": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"type": "object"}}}}  # fmt: skip
    operation = _get({"type": "object"})
    operation["get"]["responses"] = {"200": declared, "404": {"description": "missing"}}
    package = generated_package({"a.json": _doc({"/things": operation})})
    fails = _replying({"error": "no"}, status=404, headers={"x-request-id": "req_123"})
    with pytest.raises(package.NotFoundError) as error:
        _client(package, fails, []).things.fetch()
    assert error.value.request_id == "req_123" and "(request id req_123)" in str(error.value)
    answers = _replying({}, headers={"Twilio-Request-Id": "RQ9"})  # declared by the spec
    raw = _client(package, answers, []).things.with_raw_response.fetch()
    assert raw.request_id == "RQ9"
    plain = _client(package, _replying({"error": "no"}, status=404), [])
    with pytest.raises(package.NotFoundError) as error:
        plain.things.fetch()
    assert error.value.request_id is None and "request id" not in str(error.value)


def test_a_new_identical_inline_schema_in_an_operation_joins_the_established_class(tmp_path: Any) -> None:
    """Identical inline schemas of one operation are one class named by the use that sorts
    first; a new use that sorts earlier (a request body next to the response) must not rename it."""
    status = "{type: object, properties: {status: {type: string, enum: [a, b]}}}"
    response = (
        f"responses: {{'200': {{description: ok, content: {{application/json: {{schema: {status}}}}}}}}}"
    )
    body = f"requestBody: {{content: {{application/json: {{schema: {status}}}}}}}"

    def spec(*parts: str) -> str:
        inner = "\n".join(f"      {p}" for p in parts)
        return f"openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /things:\n    post:\n      operationId: fetch\n      tags: [things]\n{inner}\n"

    _, before, after, _ = _generate_twice(tmp_path, spec(response), spec(body, response))
    models = sorted(name for name in after if name.startswith("acme/models/"))
    assert models == sorted(name for name in before if name.startswith("acme/models/"))  # no new class
    assert "class FetchResponse(" in after["acme/models/fetch_response.py"].decode()
    assert "class FetchResponseStatus(" in after["acme/models/fetch_response_status.py"].decode()
    assert "body=FetchResponse(status=status)" in after["acme/resources/things.py"].decode()


# -- issue 15.3: per-call escape hatches and endpoints the spec lacks -----------------------------


def test_extra_query_extra_body_and_a_per_call_base_url(generated_package: Generate) -> None:
    create = {"post": {"operationId": "create", "tags": ["things"], "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}},
        "responses": {"204": {"description": "none"}}}}  # fmt: skip
    package = generated_package({"a.json": _doc({"/things": {**_get({"type": "object"}), **create}})})
    seen: list[httpx.Request] = []
    client = _client(
        package, lambda r: httpx.Response(204) if r.method == "POST" else httpx.Response(200, json={}), seen
    )
    client.things.create(name="a", options={"extra_body": {"beta": True}, "extra_query": {"dry_run": "1"}})
    client.things.fetch(options={"base_url": "https://eu.example.test/v2", "extra_body": {"why": "x"}})
    assert json.loads(seen[0].content) == {"name": "a", "beta": True} and seen[0].url.params["dry_run"] == "1"
    assert str(seen[1].url) == "https://eu.example.test/v2/things" and json.loads(seen[1].content) == {
        "why": "x"
    }


def test_call_reaches_an_endpoint_the_spec_lacks_with_the_clients_credentials(
    generated_package: Generate,
) -> None:
    document = _doc({"/things": _get({"type": "object"})}, security=[{"key": []}])
    document["components"] = {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}}
    package = generated_package({"a.json": document})
    seen: list[httpx.Request] = []
    client = _client(package, _replying([{"id": 1}]), seen, key="k1")
    result = client.call("GET", "/v9/beta-things", cast_to=list[dict[str, int]], query={"limit": 2})
    assert (
        result == [{"id": 1}] and seen[0].url.path == "/v9/beta-things" and seen[0].headers["X-Key"] == "k1"
    )
    client = _client(package, _replying(status=404), seen, key="k1")
    with pytest.raises(package.NotFoundError):
        client.call("POST", "/v9/beta-things", body={"a": 1}, cast_to=None)
    assert json.loads(seen[-1].content) == {"a": 1}
    with pytest.raises(ValueError):
        client.call("GET", "https://elsewhere.test/steal")


# -- issue 15.2: retries that are safe for writes ---------------------------------------------------


def _sequence(*responses: httpx.Response, sent: list[dict[str, str]] | None = None) -> Handler:
    """Answer with ``responses`` in turn; ``sent`` gets each request's headers as they were sent
    (a retry re-sends the same Request object)."""
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        if sent is not None:
            sent.append(dict(request.headers))
        return queue.pop(0)

    return answer


def test_an_idempotency_key_is_sent_once_per_call_and_makes_a_post_retry(generated_package: Generate) -> None:
    key = {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
    post = {"post": {"operationId": "charge", "tags": ["things"], "parameters": [key],
                     "responses": {"204": {"description": "none"}}}}  # fmt: skip
    package = generated_package({"a.json": _doc({"/charges": post})})
    sent: list[dict[str, str]] = []
    client = _client(package, _sequence(httpx.Response(503), httpx.Response(204), sent=sent), [])
    client._sleep = lambda seconds: None
    client.things.charge()
    assert len(sent) == 2 and sent[0]["idempotency-key"] == sent[1]["idempotency-key"]
    assert "x-retry-count" not in sent[0] and sent[1]["x-retry-count"] == "1"
    client = _client(package, _sequence(httpx.Response(503), httpx.Response(204), sent=sent), [])
    client._sleep = lambda seconds: None
    client.things.charge(idempotency_key="mine")
    assert [h["idempotency-key"] for h in sent[2:]] == ["mine", "mine"]
    client = _client(package, _sequence(httpx.Response(204), httpx.Response(204), sent=sent), [])
    client.things.charge()
    client.things.charge()
    assert sent[-1]["idempotency-key"] != sent[-2]["idempotency-key"]  # one key per call


def test_provider_yaml_names_the_idempotency_header_for_every_post(generated_package: Generate) -> None:
    post = {
        "post": {"operationId": "charge", "tags": ["things"], "responses": {"204": {"description": "none"}}}
    }
    package = generated_package(
        {"a.json": _doc({"/charges": post})}, "client: Api\nidempotency_header: Idempotency-Key\n"
    )
    seen: list[httpx.Request] = []
    client = _client(package, _sequence(httpx.Response(502), httpx.Response(204)), seen)
    client._sleep = lambda seconds: None
    client.things.charge()
    assert len(seen) == 2 and len(seen[0].headers["Idempotency-Key"]) == 36


def test_retry_after_ms_and_x_should_retry(generated_package: Generate) -> None:
    package = generated_package({"a.json": _doc({"/things": _get({"type": "object"})})})
    seen: list[httpx.Request] = []
    slept: list[float] = []
    client = _client(
        package,
        _sequence(httpx.Response(429, headers={"retry-after-ms": "250"}), httpx.Response(200, json={})),
        seen,
    )
    client._sleep = slept.append
    client.things.fetch()
    assert slept == [0.25]
    client = _client(package, _sequence(httpx.Response(503, headers={"x-should-retry": "false"})), seen)
    with pytest.raises(package.APIStatusError):
        client.things.fetch()
    client = _client(
        package,
        _sequence(httpx.Response(400, headers={"x-should-retry": "true"}), httpx.Response(200, json={})),
        seen,
    )
    client._sleep = slept.append
    assert client.things.fetch() is not None and len(slept) == 2


def test_schemas_nested_past_the_limit_are_an_error_not_a_recursion_error(make_provider: Any) -> None:
    """A safety net below validation's depth check: the model stage counts its own nesting."""
    from generator.model.schemas import MAX_NESTING, SchemaBuilder
    from generator.spec.merge import Merged

    deep: dict[str, Any] = {"type": "string"}
    for level in range(MAX_NESTING + 50):
        deep = (
            {"type": "array", "items": deep}
            if level % 2
            else {"type": "object", "additionalProperties": deep}
        )
    builder = SchemaBuilder(Merged({"openapi": "3.1.0", "paths": {}}), {})
    builder.type_of(deep, "Deep", "/x")
    assert [d.message for d in builder.errors] == [f"schemas nested more than {MAX_NESTING} levels deep here"]
