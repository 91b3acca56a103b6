"""diff-api: one pair of documents per area, every kind of change, reports pinned as Markdown.

Each scenario is an old and a new OpenAPI 3.1 document (both valid) and the exact report. A
further test checks that together the scenarios produce every kind in RULES, and that
docs/reviewing.md lists every rule with the same verdict. Then the command: exit codes, --base,
bad input, and the summary line of ``generate``.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openapi_spec_validator import validate as validate_with_library

from generator.cli import cli
from generator.diagnostics import SpecError
from generator.review.diff_api import RULES, Change, diff_api, parse_document, render_report, summary
from tests.conftest import GENERATED, ROOT, MakeProvider, fragment

SPECS = ROOT / "specs"
Doc = dict[str, Any]


def api(operations: dict[str, dict[str, Any]], schemas: Doc | None = None, **root: Any) -> Doc:
    """A document from ``{"GET /path": operation}``; each operation gets a 200 unless it has responses."""
    paths: Doc = {}
    for route, operation in operations.items():
        method, path = route.split(" ", 1)
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"\{([^}]+)\}", path)
        ]
        operation = {"responses": {"200": {"description": "OK"}}, **operation}
        if parameters:
            operation["parameters"] = parameters + operation.get("parameters", [])
        paths.setdefault(path, {})[method.lower()] = operation
    document: Doc = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, **root, "paths": paths}
    if schemas:
        document.setdefault("components", {})["schemas"] = schemas
    return document


def ref(name: str) -> Doc:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: Doc, required: bool = True) -> Doc:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def returns(schema: Doc, status: str = "200", media: str = "application/json") -> Doc:
    return {"responses": {status: {"description": "OK", "content": {media: {"schema": schema}}}}}


def obj(required: list[str] | None = None, **properties: Any) -> Doc:
    schema: Doc = {"type": "object", "properties": properties}
    return {**schema, "required": required} if required else schema


STRING, INTEGER = {"type": "string"}, {"type": "integer"}
NULLABLE_STRING = {"type": ["string", "null"]}


def query(name: str, schema: Doc, required: bool = False, where: str = "query") -> Doc:
    return {"name": name, "in": where, "required": required, "schema": schema}


def report(old: Doc, new: Doc, name: str = "acme") -> str:
    return render_report([(name, diff_api(old, new))])


# ----------------------------------------------------------------------------------- scenarios


def operations_pair() -> tuple[Doc, Doc]:
    old = api({
        "GET /pets": {}, "POST /pets": {"deprecated": True}, "GET /pets/{id}": {}, "DELETE /pets/{id}": {},
        "GET /toys": {"operationId": "listToys"},
    })  # fmt: skip
    new = api({
        "GET /pets": {"deprecated": True}, "POST /pets": {}, "GET /pets/{id}": {},
        "GET /toys": {"operationId": "listAllToys"}, "GET /owners": {},
    })  # fmt: skip
    return old, new


OPERATIONS = """\
## acme

2 breaking, 3 non-breaking changes

- **breaking** pets.delete (DELETE /pets/{id}): operation removed
- **breaking** toys.list_all_toys (GET /toys): renamed from toys.list_toys
- non-breaking owners.list (GET /owners): operation added
- non-breaking pets.create (POST /pets): operation no longer deprecated
- non-breaking pets.list (GET /pets): operation deprecated
"""


def parameters_pair() -> tuple[Doc, Doc]:
    page = {"Page": query("page", INTEGER)}
    old = api({"GET /pets": {"parameters": [
        {"$ref": "#/components/parameters/Page"}, query("limit", INTEGER), query("cursor", STRING, True),
        query("owner", STRING), query("tag", NULLABLE_STRING), query("X-Trace", STRING, where="header"),
        query("sort", {"type": "string", "enum": ["asc", "desc"]}),
        query("kind", {"type": "string", "enum": ["cat", "dog"]}),
    ]}}, components={"parameters": page})  # fmt: skip
    new = api({"GET /pets": {"parameters": [
        {"$ref": "#/components/parameters/Page"}, query("limit", STRING), query("cursor", STRING),
        query("owner", NULLABLE_STRING), query("tag", STRING), query("q", STRING, True),
        query("expand", {"type": "boolean"}),
        query("sort", {"type": "string", "enum": ["asc", "desc", "random"]}),
        query("kind", {"type": "string", "enum": ["cat"]}),
    ]}}, components={"parameters": {"Page": query("page", INTEGER, True)}})  # fmt: skip
    return old, new


PARAMETERS = """\
## acme

6 breaking, 4 non-breaking changes

- **breaking** pets.list (GET /pets): header parameter 'X-Trace' removed
- **breaking** pets.list (GET /pets): query parameter 'kind': enum value 'dog' removed
- **breaking** pets.list (GET /pets): query parameter 'limit' changed type from 'integer' to 'string'
- **breaking** pets.list (GET /pets): query parameter 'page' is now required
- **breaking** pets.list (GET /pets): query parameter 'q' added (required)
- **breaking** pets.list (GET /pets): query parameter 'tag' is no longer nullable
- non-breaking pets.list (GET /pets): query parameter 'cursor' is now optional
- non-breaking pets.list (GET /pets): query parameter 'expand' added (optional)
- non-breaking pets.list (GET /pets): query parameter 'owner' is now nullable
- non-breaking pets.list (GET /pets): query parameter 'sort': enum value 'random' added
"""


def request_bodies_pair() -> tuple[Doc, Doc]:
    body, optional = json_body(obj(x=STRING)), json_body(obj(x=STRING), required=False)
    xml = {"required": True, "content": {"application/xml": {"schema": obj(x=STRING)}}}
    old = api({"POST /a": {}, "POST /b": {}, "POST /c": {"requestBody": body},
               "POST /d": {"requestBody": optional}, "POST /e": {"requestBody": body},
               "POST /f": {"requestBody": body}})  # fmt: skip
    new = api({"POST /a": {"requestBody": body}, "POST /b": {"requestBody": optional}, "POST /c": {},
               "POST /d": {"requestBody": body}, "POST /e": {"requestBody": optional},
               "POST /f": {"requestBody": xml}})  # fmt: skip
    return old, new


REQUEST_BODIES = """\
## acme

4 breaking, 2 non-breaking changes

- **breaking** a.create (POST /a): request body added (required)
- **breaking** c.create (POST /c): request body removed
- **breaking** d.create (POST /d): request body is now required
- **breaking** f.create (POST /f): request body media type changed from 'application/json' to 'application/xml'
- non-breaking b.create (POST /b): request body added (optional)
- non-breaking e.create (POST /e): request body is now optional
"""


def request_fields_pair() -> tuple[Doc, Doc]:
    old_invite = obj(
        ["name"], email=STRING, name=STRING, role={"type": "string", "enum": ["admin", "member", "owner"]},
        age=INTEGER, note=NULLABLE_STRING, nickname=STRING, team=obj(id=STRING), legacy=STRING,
        id={"type": "string", "readOnly": True}, version={"const": "v1"},
    )  # fmt: skip
    new_invite = obj(
        ["email"], email=STRING, name=STRING, role={"type": "string", "enum": ["admin", "member", "guest"]},
        age=STRING, note=STRING, nickname=NULLABLE_STRING, team=obj(["slug"], slug=STRING), expires=INTEGER,
        id={"type": "integer", "readOnly": True}, version={"const": "v2"},
    )  # fmt: skip
    route = "POST /organization/v1/invites"
    old = api({route: {"tags": ["Invites"], "requestBody": json_body(ref("Invite"))}}, {"Invite": old_invite})
    new = api({route: {"tags": ["Invites"], "requestBody": json_body(ref("Invite"))}}, {"Invite": new_invite})
    return old, new


REQUEST_FIELDS = """\
## acme

8 breaking, 4 non-breaking changes

- **breaking** invites.create (POST /organization/v1/invites): request field 'age' changed type from 'integer' to 'string'
- **breaking** invites.create (POST /organization/v1/invites): request field 'email' is now required
- **breaking** invites.create (POST /organization/v1/invites): request field 'legacy' removed
- **breaking** invites.create (POST /organization/v1/invites): request field 'note' is no longer nullable
- **breaking** invites.create (POST /organization/v1/invites): request field 'role': enum value 'owner' removed
- **breaking** invites.create (POST /organization/v1/invites): request field 'team.id' removed
- **breaking** invites.create (POST /organization/v1/invites): request field 'team.slug' added (required)
- **breaking** invites.create (POST /organization/v1/invites): request field 'version' changed type from 'string = "v1"' to 'string = "v2"'
- non-breaking invites.create (POST /organization/v1/invites): request field 'expires' added (optional)
- non-breaking invites.create (POST /organization/v1/invites): request field 'name' is now optional
- non-breaking invites.create (POST /organization/v1/invites): request field 'nickname' is now nullable
- non-breaking invites.create (POST /organization/v1/invites): request field 'role': enum value 'guest' added
"""


def _error(schema: Doc) -> Doc:
    return {"description": "error", "content": {"application/json": {"schema": schema}}}


def responses_pair() -> tuple[Doc, Doc]:
    status = {"type": "string", "enum": ["available", "sold"]}
    old_pet = obj(["id", "name"], id=STRING, name=STRING, tag=STRING, status=status, born=INTEGER, nick=STRING,
                  color=NULLABLE_STRING, legacy=STRING, secret={"type": "string", "writeOnly": True})  # fmt: skip
    new_pet = obj(["id", "tag"], id=STRING, name=STRING, tag=STRING, weight={"type": "number"},
                  status={"type": "string", "enum": ["available", "pending"]},
                  born={"type": "string", "format": "date-time"}, nick=NULLABLE_STRING, color=STRING)  # fmt: skip
    errors = {"404": _error(obj(code=INTEGER, message=STRING)), "500": _error(obj(message=STRING))}
    old_get = returns(ref("Pet"))
    old_get["responses"].update(errors)
    new_get = returns(ref("Pet"))
    new_get["responses"].update({"404": _error(obj(message=STRING)), "429": _error(obj(message=STRING))})
    old = api({"GET /pets/{id}": old_get, "GET /a": {}, "GET /b": returns(STRING), "GET /c": returns(STRING),
               "GET /d": returns(STRING)}, {"Pet": old_pet})  # fmt: skip
    new = api({"GET /pets/{id}": new_get, "GET /a": returns(STRING), "GET /b": {"responses": {"204": {"description": "none"}}},
               "GET /c": returns(STRING, media="text/plain"), "GET /d": returns(STRING, "201")}, {"Pet": new_pet})  # fmt: skip
    return old, new


RESPONSES = """\
## acme

7 breaking, 10 non-breaking changes

- **breaking** b.list (GET /b): response body removed
- **breaking** c.list (GET /c): response media type changed from 'application/json' to 'text/plain'
- **breaking** pets.retrieve (GET /pets/{id}): error response 404 field 'code' removed
- **breaking** pets.retrieve (GET /pets/{id}): response field 'born' changed type from 'integer' to 'string (date-time)'
- **breaking** pets.retrieve (GET /pets/{id}): response field 'legacy' removed
- **breaking** pets.retrieve (GET /pets/{id}): response field 'name' is now optional
- **breaking** pets.retrieve (GET /pets/{id}): response field 'nick' is now nullable
- non-breaking a.list (GET /a): response body added
- non-breaking b.list (GET /b): success status changed from 200 to 204
- non-breaking d.list (GET /d): success status changed from 200 to 201
- non-breaking pets.retrieve (GET /pets/{id}): error response 429 added
- non-breaking pets.retrieve (GET /pets/{id}): error response 500 removed
- non-breaking pets.retrieve (GET /pets/{id}): response field 'color' is no longer nullable
- non-breaking pets.retrieve (GET /pets/{id}): response field 'status': enum value 'pending' added
- non-breaking pets.retrieve (GET /pets/{id}): response field 'status': enum value 'sold' removed
- non-breaking pets.retrieve (GET /pets/{id}): response field 'tag' is now required
- non-breaking pets.retrieve (GET /pets/{id}): response field 'weight' added
"""


def auth_pair() -> tuple[Doc, Doc]:
    schemes = {
        "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "Basic": {"type": "http", "scheme": "basic"},
        "Legacy": {"type": "apiKey", "in": "query", "name": "key"},
    }
    new_schemes = {
        "ApiKey": {**schemes["ApiKey"], "description": "described now"},
        "Basic": {"type": "http", "scheme": "bearer"},
        "Token": {"type": "http", "scheme": "bearer"},
    }
    old = api({"GET /pets": {}, "GET /public": {"security": []}, "GET /admin": {"security": [{"Basic": []}]}},
              security=[{"ApiKey": []}], components={"securitySchemes": schemes})  # fmt: skip
    new = api({"GET /pets": {"security": [{"ApiKey": []}, {"Token": []}]}, "GET /public": {},
               "GET /admin": {"security": [{"Basic": [], "ApiKey": []}]}},
              security=[{"ApiKey": []}], components={"securitySchemes": new_schemes})  # fmt: skip
    return old, new


AUTH = """\
## acme

4 breaking, 4 non-breaking changes

- **breaking** client: security scheme 'Basic' changed: scheme 'basic' -> 'bearer'
- **breaking** client: security scheme 'Legacy' removed
- **breaking** admin.list (GET /admin): security requirement 'Basic' removed
- **breaking** public.list (GET /public): security requirement none (anonymous access) removed
- non-breaking client: security scheme 'Token' added
- non-breaking admin.list (GET /admin): security requirement 'ApiKey' + 'Basic' added
- non-breaking pets.list (GET /pets): security requirement 'Token' added
- non-breaking public.list (GET /public): security requirement 'ApiKey' added
"""


def servers_pair() -> tuple[Doc, Doc]:
    def servers(*pairs: tuple[str, str]) -> list[Doc]:
        return [{"url": f"https://{host}.example.com", "description": label} for host, label in pairs]

    old = api({"GET /pets": {}}, servers=servers(("api", "Production"), ("staging", "Staging"),
                                                  ("eu", "Europe"), ("old", "Legacy")))  # fmt: skip
    new = api({"GET /pets": {}}, servers=servers(("sandbox", "Sandbox"), ("api", "Production"),
                                                  ("staging2", "Staging"), ("eu", "EU")))  # fmt: skip
    return old, new


SERVERS = """\
## acme

2 breaking, 3 non-breaking changes

- **breaking** client: server 'legacy' (https://old.example.com) removed
- **breaking** client: server https://eu.example.com renamed from 'europe' to 'eu'
- non-breaking client: default server is now 'sandbox' (was 'production')
- non-breaking client: server 'sandbox' (https://sandbox.example.com) added
- non-breaking client: server 'staging' now points to https://staging2.example.com (was https://staging.example.com)
"""


def server_variables_pair() -> tuple[Doc, Doc]:
    def server(variables: Doc) -> list[Doc]:
        return [{"url": "https://{region}.{zone}.example.com/{version}", "description": "Production",
                 "variables": variables}]  # fmt: skip

    old = api({"GET /pets": {}}, servers=server({
        "region": {"default": "eu", "enum": ["eu", "us", "ap"]}, "zone": {"default": "a"}, "version": {"default": "v1"},
        "tier": {"default": "free"}}))  # fmt: skip
    new = api({"GET /pets": {}}, servers=server({
        "region": {"default": "us", "enum": ["eu", "us", "sa"]}, "zone": {"default": "a", "enum": ["a", "b"]},
        "version": {"default": "v1"}, "port": {"default": "443"}}))  # fmt: skip
    return old, new


SERVER_VARIABLES = """\
## acme

3 breaking, 3 non-breaking changes

- **breaking** client: server 'production': variable 'region' no longer accepts 'ap'
- **breaking** client: server 'production': variable 'tier' removed
- **breaking** client: server 'production': variable 'zone' now accepts only 'a', 'b'
- non-breaking client: server 'production': variable 'port' added (default '443')
- non-breaking client: server 'production': variable 'region' accepts 'sa'
- non-breaking client: server 'production': variable 'region' defaults to 'us' (was 'eu')
"""


def references_pair() -> tuple[Doc, Doc]:
    """Recursive schemas end, ``allOf`` parts merge, ``X | null`` as ``oneOf`` is a nullable X."""

    def schemas(name_type: Doc, pet: Doc, owner: Doc) -> Doc:
        return {
            "Node": obj(name=name_type, children={"type": "array", "items": ref("Node")}, parent=ref("Node")),
            "Pet": pet, "Dog": {"allOf": [ref("Pet"), obj(bark={"type": "boolean"})]}, "Owner": obj(id=STRING),
            "Tree": obj(root=ref("Node"), dog=ref("Dog"), owner=owner),
        }  # fmt: skip

    old = api(
        {"GET /tree": returns(ref("Tree"))}, schemas(STRING, obj(name=STRING, age=INTEGER), ref("Owner"))
    )
    new_owner = {"oneOf": [ref("Owner"), {"type": "null"}]}
    new = api({"GET /tree": returns(ref("Tree"))}, schemas(INTEGER, obj(age=INTEGER), new_owner))
    return old, new


REFERENCES = """\
## acme

3 breaking, 0 non-breaking changes

- **breaking** tree.list (GET /tree): response field 'dog.name' removed
- **breaking** tree.list (GET /tree): response field 'owner' is now nullable
- **breaking** tree.list (GET /tree): response field 'root.name' changed type from 'string' to 'integer'
"""


def models_pair() -> tuple[Doc, Doc]:
    """A new schema sharing a class name renames the existing class when no names.json says
    which one was there first (with one, nothing is renamed: see the test below)."""
    user = obj(id=STRING)
    old = api({"GET /users": returns(ref("dto.User"))}, {"dto.User": user})
    new = api({"GET /users": returns(ref("dto.User")), "GET /audit": returns(ref("audit.User"))},
              {"dto.User": user, "audit.User": obj(at=INTEGER)})  # fmt: skip
    return old, new


MODELS = """\
## acme

1 breaking, 1 non-breaking changes

- **breaking** client: model User renamed to DtoUser (schema 'dto.User')
- non-breaking audit.list (GET /audit): operation added
"""


SCENARIOS = {
    "operations": (operations_pair, OPERATIONS),
    "parameters": (parameters_pair, PARAMETERS),
    "request_bodies": (request_bodies_pair, REQUEST_BODIES),
    "request_fields": (request_fields_pair, REQUEST_FIELDS),
    "responses": (responses_pair, RESPONSES),
    "auth": (auth_pair, AUTH),
    "servers": (servers_pair, SERVERS),
    "server_variables": (server_variables_pair, SERVER_VARIABLES),
    "references": (references_pair, REFERENCES),
    "models": (models_pair, MODELS),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_report(name: str) -> None:
    pair, expected = SCENARIOS[name]
    old, new = pair()
    assert report(old, new) == expected


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_documents_are_valid_openapi(name: str) -> None:
    for document in SCENARIOS[name][0]():
        validate_with_library(copy.deepcopy(document))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_no_changes_both_ways_is_no_changes(name: str) -> None:
    for document in SCENARIOS[name][0]():
        assert diff_api(document, copy.deepcopy(document)) == ()


def test_the_scenarios_cover_every_rule() -> None:
    seen = {change.kind for pair, _ in SCENARIOS.values() for change in diff_api(*pair())}
    assert seen == set(RULES)


def test_every_change_is_marked_by_its_rule() -> None:
    for pair, _ in SCENARIOS.values():
        for change in diff_api(*pair()):
            assert change.breaking is RULES[change.kind].breaking


def test_reversing_a_scenario_swaps_added_and_removed() -> None:
    old, new = operations_pair()
    kinds = sorted(change.kind for change in diff_api(new, old))
    assert kinds == [
        "operation-added", "operation-deprecated", "operation-removed", "operation-renamed",
        "operation-undeprecated",
    ]  # fmt: skip


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


def test_output_does_not_depend_on_key_order() -> None:
    for pair, _ in SCENARIOS.values():
        old, new = pair()
        assert diff_api(old, new) == diff_api(_reversed_keys(old), _reversed_keys(new))


def test_cyclic_references_end() -> None:
    loop = {"A": ref("B"), "B": ref("A"), "C": {"allOf": [ref("C")]}, "D": obj(d=ref("D"))}
    old = api({"GET /x": returns(obj(a=ref("A"), c=ref("C"), d=ref("D")))}, loop)
    new = api({"GET /x": returns(obj(a=ref("A"), c=ref("C"), d=ref("D"), e=STRING))}, loop)
    assert [c.message for c in diff_api(old, new)] == ["response field 'e' added"]


def test_the_brief_example_line() -> None:
    old, new = request_fields_pair()
    assert (
        "- **breaking** invites.create (POST /organization/v1/invites): request field 'email' is now required"
        in report(old, new).splitlines()
    )


def test_render_summary_forms_and_escaping() -> None:
    one = Change("request-field-enum-value-removed", True, "a.create (POST /a)", "request field 'x': enum value 'a*b<c>' removed")  # fmt: skip
    assert summary([]) == "no API changes"
    assert summary([one]) == "1 breaking, 0 non-breaking change"
    assert render_report([("one", [one]), ("two", [])]) == (
        "## one\n\n1 breaking, 0 non-breaking change\n\n"
        "- **breaking** a.create (POST /a): request field 'x': enum value 'a\\*b\\<c>' removed\n"
        "\n## two\n\nno API changes\n"
    )


def test_parse_document_errors_name_the_file() -> None:
    with pytest.raises(SpecError) as error:
        parse_document("{", "generated/acme/openapi.json")
    assert [d.format() for d in error.value.diagnostics] == [
        "generated/acme/openapi.json#: not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1 column 2"
    ]
    with pytest.raises(SpecError, match="not an OpenAPI document"):
        parse_document('{"paths": {"/a": 1}}', "x.json")


def test_docs_table_lists_every_rule_with_its_verdict() -> None:
    text = (ROOT / "docs" / "reviewing.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (breaking|non-breaking) \|", text, flags=re.MULTILINE))
    assert rows == {kind: "breaking" if rule.breaking else "non-breaking" for kind, rule in RULES.items()}


# ----------------------------------------------------------------------------------- the command


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _provider(make_provider: MakeProvider, tmp_path: Path, document: Doc) -> tuple[Path, Path]:
    """specs/acme/ holding ``document``, and an out dir holding the old ``openapi.json``."""
    specs = make_provider({"api.json": document})
    return specs, tmp_path / "generated"


def _commit_old(out_dir: Path, document: Doc) -> None:
    (out_dir / "acme").mkdir(parents=True, exist_ok=True)
    (out_dir / "acme" / "openapi.json").write_text(json.dumps(document))


def test_the_committed_tree_has_no_api_changes() -> None:
    code, out, _ = _run(
        "--specs-dir", str(SPECS), "--out-dir", str(GENERATED), "diff-api", "--fail-on-breaking"
    )
    assert code == 0
    assert out == "## akinon_appmaker\n\nno API changes\n\n## mariadb_cloud\n\nno API changes\n"


def test_fail_on_breaking_exits_1_and_prints_the_report(make_provider: MakeProvider, tmp_path: Path) -> None:
    old, new = request_fields_pair()
    specs, out_dir = _provider(make_provider, tmp_path, new)
    _commit_old(out_dir, old)
    args = ["--specs-dir", str(specs), "--out-dir", str(out_dir), "diff-api", "-p", "acme"]
    assert _run(*args) == (0, REQUEST_FIELDS, "")
    assert _run(*args, "--fail-on-breaking") == (1, REQUEST_FIELDS, "")


def test_non_breaking_changes_pass_fail_on_breaking(make_provider: MakeProvider, tmp_path: Path) -> None:
    specs, out_dir = _provider(make_provider, tmp_path, fragment("/a", "post"))
    _commit_old(out_dir, fragment("/b", "post") | {"paths": {}})
    code, out, _ = _run(
        "--specs-dir", str(specs), "--out-dir", str(out_dir), "diff-api", "--fail-on-breaking"
    )
    assert code == 0
    assert (
        out
        == "## acme\n\n0 breaking, 1 non-breaking change\n\n- non-breaking a.create (POST /a): operation added\n"
    )


def test_without_a_generated_openapi_json_everything_is_new(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    specs, out_dir = _provider(make_provider, tmp_path, fragment("/a"))
    code, out, _ = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "diff-api")
    assert (code, out) == (0, "## acme\n\n0 breaking, 1 non-breaking change\n\n- non-breaking a.list (GET /a): operation added\n")  # fmt: skip


def test_bad_input_exits_2(make_provider: MakeProvider, tmp_path: Path) -> None:
    specs, out_dir = _provider(make_provider, tmp_path, fragment("/a"))
    (out_dir / "acme").mkdir(parents=True)
    (out_dir / "acme" / "openapi.json").write_text("[1, 2")
    code, out, err = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "diff-api")
    assert code == 2 and out == ""
    assert err == (
        f"{out_dir.as_posix()}/acme/openapi.json#: not valid JSON: Expecting ',' delimiter at line 1 column 6\n"
        "1 error\n"
    )
    broken = fragment("/a")
    broken["paths"]["/a"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": ref("Nope")}
    }
    specs = make_provider({"api.json": broken})
    code, _, err = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "diff-api")
    assert code == 2 and err.startswith("specs/acme/api.json#/paths/~1a/get/responses/200/")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   check=True, capture_output=True)  # fmt: skip


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_base_reads_openapi_json_at_a_git_revision(make_provider: MakeProvider, tmp_path: Path) -> None:
    old, new = auth_pair()
    specs, out_dir = _provider(make_provider, tmp_path, new)
    _git(tmp_path, "init", "-q")
    _commit_old(out_dir, old)
    _git(tmp_path, "add", "generated")
    _git(tmp_path, "commit", "-q", "-m", "old")
    _commit_old(out_dir, new)  # the working tree is current: only --base sees a difference
    args = ["--specs-dir", str(specs), "--out-dir", str(out_dir), "diff-api"]
    assert _run(*args)[:2] == (0, "## acme\n\nno API changes\n")
    assert _run(*args, "--base", "HEAD", "--fail-on-breaking")[:2] == (1, AUTH)
    code, out, err = _run(*args, "--base", "no-such-ref")
    assert (code, out) == (2, "")
    assert err.startswith(f"{out_dir.as_posix()}/acme/openapi.json#: unknown git revision 'no-such-ref'\n")
    specs = make_provider({"api.json": new}, name="newcomer")
    code, out, _ = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "diff-api", "-p", "newcomer",
                        "--base", "HEAD")  # fmt: skip
    assert code == 0 and out.startswith("## newcomer\n\n0 breaking, 6 non-breaking changes\n")


def test_generate_summary_counts_operations_and_breaking_changes(
    make_provider: MakeProvider, tmp_path: Path
) -> None:
    old, new = operations_pair()
    specs = make_provider({"api.json": old})
    out_dir = tmp_path / "generated"
    code, out, _ = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "generate")
    assert code == 0
    assert re.fullmatch(r"acme: \d+ written, 0 unchanged, 0 deleted; \+5 operations, -0 operations\n", out)
    (specs / "acme" / "api.json").write_text(json.dumps(new))
    code, out, _ = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "generate")
    assert code == 0
    assert re.fullmatch(
        r"acme: \d+ written, \d+ unchanged, 0 deleted; \+1 operation, -1 operation; "
        r"2 breaking changes \(run diff-api for details\)\n",
        out,
    )
    code, out, _ = _run("--specs-dir", str(specs), "--out-dir", str(out_dir), "generate")
    assert re.fullmatch(r"acme: 0 written, \d+ unchanged, 0 deleted; \+0 operations, -0 operations\n", out)


def test_the_media_type_compared_is_the_one_the_client_uses() -> None:
    """Content {application/xml, text/plain}: the client reads text/plain, so adding an XML
    variant next to it changes nothing a caller sees (diff-api compared the XML one before)."""
    text = {"description": "OK", "content": {"text/plain": {"schema": STRING}}}
    both = {"description": "OK", "content": {"application/xml": {"schema": obj(a=STRING)}, "text/plain": {"schema": STRING}}}  # fmt: skip
    old = api({"GET /x": {"responses": {"200": text}}})
    new = api({"GET /x": {"responses": {"200": both}}})
    assert diff_api(old, new) == ()


def test_a_property_redefined_next_to_all_of_has_the_type_the_client_gives_it() -> None:
    """Own ``x: string`` plus ``allOf: [{x: integer}]``: the client types ``x`` as ``str``, so a
    change of the ``allOf`` part's ``x`` is no change of the client (diff-api believed integer)."""
    old = api({"GET /x": returns({**obj(x=STRING), "allOf": [obj(x={"type": "integer"})]})})
    new = api({"GET /x": returns({**obj(x=STRING), "allOf": [obj(x={"type": "boolean"})]})})
    assert diff_api(old, new) == ()
    changed = api({"GET /x": returns({**obj(x={"type": "number"}), "allOf": [obj(x={"type": "integer"})]})})
    assert [c.message for c in diff_api(old, changed)] == [
        "response field 'x' changed type from 'string' to 'number'"
    ]


def test_with_names_json_a_new_schema_renames_no_model() -> None:
    from generator.model.history import NameHistory

    old, new = models_pair()
    kept = NameHistory(schemas={"dto.User": "User"})
    assert [c.kind for c in diff_api(old, new, None, kept)] == ["operation-added"]


def test_the_json_report_has_the_documented_schema() -> None:
    from generator.review.diff_api import render_json

    old, new = operations_pair()
    data = json.loads(render_json([("acme", diff_api(old, new))]))
    assert data["version"] == 1 and [p["provider"] for p in data["providers"]] == ["acme"]
    (provider,) = data["providers"]
    assert provider["breaking"] == 2 and provider["changes"][0] == {
        "kind": "operation-removed", "breaking": True, "operation": "pets.delete (DELETE /pets/{id})",
        "message": "operation removed",
    }  # fmt: skip


def test_validate_and_diff_api_speak_json(make_provider: MakeProvider, tmp_path: Path) -> None:
    specs = make_provider(
        {"a.json": fragment("/a", operationId="same"), "b.json": fragment("/b", operationId="same")}
    )
    args = ["--specs-dir", str(specs), "--out-dir", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, [*args, "validate", "--format", "json"])
    assert result.exit_code == 2
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert diagnostic == {"file": "specs/acme/b.json", "pointer": "/paths/~1b/get/operationId", "severity": "error",
                          "message": "operationId 'same' is also used by specs/acme/a.json#/paths/~1a/get/operationId",
                          "hint": "operationIds must be unique"}  # fmt: skip
