"""Shared helpers for the Prism contract tests: the spec, the operation table, seeded sampling.

What the tests expect is read from each provider's merged spec
(``generated/<provider>/openapi.json``): which operations exist, which is
deprecated, the type a 2xx body decodes into and the error statuses with their
models.  A schema is matched to its generated model through the JSON pointer
the generator writes into every model's docstring (``The schema at ``#/...````).
Only the *inputs* of each operation (valid argument values) are written here,
in ``CASES``; a test checks that ``CASES`` covers every operation of the spec.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import re
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import msgspec.inspect as mi
from wire_compare import Declared, to_wire, wire_diff

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
PROVIDERS = ("mariadb_cloud", "akinon_appmaker")
CREDENTIAL_ENV = (
    "MARIADB_CLOUD_API_KEY",
    "MARIADB_CLOUD_BASE_URL",
    "AKINON_APPMAKER_ACCESS_TOKEN",
    "AKINON_APPMAKER_BEARER_TOKEN",
    "AKINON_APPMAKER_BASE_URL",
)
API_KEY = "sk-contract-3f9a2c7e51d84b06"
BEARER_TOKEN = "jwt-contract-8e1d4a7c2b905f36"
ORG_ID = "64b7f0c2a1d3e4f5a6b7c8d9"  # a MongoId: 24 hex characters
ROLE_ID = "64b7f0c2a1d3e4f5a6b7c8da"
WHEN = datetime.datetime(2024, 5, 1, 10, 30, tzinfo=datetime.timezone.utc)
ENOUGH = 50  # different dynamic bodies wanted per operation and client kind
MAX_SEEDS = 150  # seeds tried at most to get them
STATUS_ERRORS = {400: "BadRequestError", 401: "AuthenticationError", 403: "PermissionDeniedError",
                 404: "NotFoundError", 409: "ConflictError", 422: "UnprocessableEntityError",
                 429: "RateLimitError"}  # fmt: skip
_POINTER = re.compile(r"The schema at ``(#/[^`]+)``")


# --------------------------------------------------------------------------- the spec


@cache
def spec(provider: str) -> dict[str, Any]:
    """The merged spec the generator wrote next to the package."""
    document: dict[str, Any] = json.loads((GENERATED / provider / "openapi.json").read_text("utf-8"))
    return document


def escape(token: str) -> str:
    """One JSON-pointer reference token."""
    return token.replace("~", "~0").replace("/", "~1")


def resolve(provider: str, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
    """Follow ``$ref`` (local only) from ``node`` at ``pointer``; return the target and its pointer."""
    while "$ref" in node:
        pointer = node["$ref"]
        node = spec(provider)
        for token in pointer[2:].split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
    return node, pointer


def operation(provider: str, method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = spec(provider)["paths"][path][method.lower()]
    return found


def spec_operations(provider: str) -> set[tuple[str, str]]:
    """Every (METHOD, path) the spec declares."""
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return {
        (method.upper(), path)
        for path, item in spec(provider)["paths"].items()
        for method in item
        if method in methods
    }


def response_schema(provider: str, method: str, path: str, status: str) -> tuple[dict[str, Any], str] | None:
    """The JSON schema of one declared response and its pointer; None if it has no JSON body."""
    pointer = f"#/paths/{escape(path)}/{method.lower()}/responses/{status}"
    response, pointer = resolve(provider, operation(provider, method, path)["responses"][status], pointer)
    media = response.get("content", {}).get("application/json")
    if media is None or "schema" not in media:
        return None
    return resolve(provider, media["schema"], f"{pointer}/content/application~1json/schema")


def success_status(provider: str, method: str, path: str) -> str:
    statuses: list[str] = [s for s in operation(provider, method, path)["responses"] if s.startswith("2")]
    (status,) = statuses
    return status


def error_statuses(provider: str, method: str, path: str) -> list[int]:
    """The 4xx/5xx statuses the operation declares."""
    statuses = operation(provider, method, path)["responses"]
    return sorted(int(s) for s in statuses if s.isdigit() and int(s) >= 400)


# --------------------------------------------------------------------------- spec -> Python types


def package(provider: str) -> Any:
    return importlib.import_module(provider)


@cache
def models_by_pointer(provider: str) -> dict[str, Any]:
    """Generated model classes keyed by the schema pointer in their docstring."""
    models = importlib.import_module(f"{provider}.models")
    found: dict[str, Any] = {}
    for name in models.__all__:
        cls = getattr(models, name)
        match = _POINTER.search(cls.__doc__ or "")
        if match:
            found[match.group(1)] = cls
    return found


def schema_properties(provider: str, node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The (resolved) property schemas an object schema declares, through allOf too, and openness."""
    properties = {name: resolve(provider, sub, "#")[0] for name, sub in node.get("properties", {}).items()}
    is_open = node.get("additionalProperties", True) is not False
    for member in node.get("allOf", []):
        more, member_open = schema_properties(provider, resolve(provider, member, "#")[0])
        properties = {**more, **properties}
        is_open = is_open and member_open
    return properties, is_open


def model_schema(provider: str, cls: type) -> dict[str, Any]:
    """The schema a generated model class was made from (by the pointer in its docstring)."""
    pointers = {model: pointer for pointer, model in models_by_pointer(provider).items()}
    if cls not in pointers:
        raise LookupError(f"{provider}: {cls.__name__} names no schema in its docstring")
    return resolve(provider, {"$ref": pointers[cls]}, pointers[cls])[0]


def declared(provider: str) -> Declared:
    """For ``wire_diff``: a model class -> (its schema's property names, is the schema open)."""

    def lookup(cls: type) -> tuple[frozenset[str], bool]:
        properties, is_open = schema_properties(provider, model_schema(provider, cls))
        return frozenset(properties), is_open

    return lookup


def python_type(provider: str, schema: tuple[dict[str, Any], str] | None) -> Any:
    """The Python type a body with this (resolved schema, pointer) should decode into."""
    if schema is None:
        return type(None)
    node, pointer = schema
    known = models_by_pointer(provider)
    if pointer in known:
        return known[pointer]
    if node.get("type") == "array":
        item = python_type(provider, resolve(provider, node["items"], f"{pointer}/items"))
        return types.GenericAlias(list, (item,))
    raise LookupError(f"{provider}: no generated model for the schema at {pointer}")


def result_type(provider: str, method: str, path: str) -> Any:
    status = success_status(provider, method, path)
    return python_type(provider, response_schema(provider, method, path, status))


def is_instance(value: object, expected: Any) -> bool:
    """isinstance for a class or a ``list[Model]``."""
    if getattr(expected, "__origin__", None) is list:
        (item,) = expected.__args__
        return isinstance(value, list) and all(isinstance(v, item) for v in value)
    return isinstance(value, expected)


def distinct_bodies_possible(expected: Any) -> int:
    """How many different bodies the response type allows, capped at ENOUGH."""
    if expected is type(None):
        return 1
    if isinstance(mi.type_info(expected), mi.EnumType):
        return min(ENOUGH, len(expected.__members__))
    return ENOUGH


# --------------------------------------------------------------------------- the operations


Call = Callable[[Any, Any, dict[str, Any]], Any]  # (resource or raw resource, package, options)
MakeClient = Callable[..., Any]  # make_client(provider, mode, **client_kwargs), see conftest.py


@dataclass(frozen=True)
class Case:
    """How to call one operation with valid arguments."""

    provider: str
    method: str
    path: str
    resource: str
    call: Call = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.provider}:{self.method} {self.path}"


def _invites(pkg: Any) -> list[Any]:
    return [pkg.InvitesCreateRequestItem(email="new.user@example.com", roles=["admin", "viewer"])]


CASES = [
    Case("mariadb_cloud", "GET", "/organization/v1/invites", "invites",
         lambda r, p, o: r.list(options=o)),
    Case("mariadb_cloud", "POST", "/organization/v1/invites", "invites",
         lambda r, p, o: r.create(body=_invites(p), options=o)),
    Case("mariadb_cloud", "PUT", "/organization/v1/invites", "invites",
         lambda r, p, o: r.update(body=_invites(p), options=o)),
    Case("mariadb_cloud", "POST", "/organization/v1/invites/check", "invites",
         lambda r, p, o: r.check(options=o)),
    Case("mariadb_cloud", "GET", "/organization/v1/invites/{invite_id}", "invites",
         lambda r, p, o: r.retrieve("inv-42", options=o)),
    Case("mariadb_cloud", "GET", "/organization/v1/invitees/{invitee_id}", "invites",
         lambda r, p, o: r.retrieve_invitee("invitee-7", options=o)),
    Case("mariadb_cloud", "DELETE", "/organization/v1/invitees/{invitee_id}", "invites",
         lambda r, p, o: r.delete_invitee("invitee-7", options=o)),
    Case("mariadb_cloud", "GET", "/public/services/ous/public-key/{key_version}", "invites",
         lambda r, p, o: r.retrieve_public_key("v1", options=o)),
    Case("akinon_appmaker", "GET", "/organizations/{organizationId}/invitations", "invitation",
         lambda r, p, o: r.get_org_invitations(ORG_ID, limit=20, page=2, sort="-createdAt",
                                               status="pending", options=o)),
    Case("akinon_appmaker", "POST", "/organizations/{organizationId}/invitations", "invitation",
         lambda r, p, o: r.create_org_invitation(ORG_ID, email="new.user@example.com", validated_at=WHEN,
                                                 roles=[ROLE_ID], options=o)),
    Case("akinon_appmaker", "GET", "/public/invitations/{token}/check", "invitation",
         lambda r, p, o: r.get_invitation("tok-123", options=o)),
]  # fmt: skip


def path_pattern(template: str) -> re.Pattern[str]:
    """A regex matching request paths of ``template`` (each ``{param}`` one non-empty segment)."""
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def raw_resource(client: Any, case: Case) -> Any:
    return getattr(client, case.resource).with_raw_response


async def invoke(case: Case, resource: Any, options: dict[str, Any]) -> Any:
    """Call ``case`` on a sync or async (raw) resource; deprecation warnings are not of interest here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = case.call(resource, package(case.provider), options)
        return await result if inspect.isawaitable(result) else result


def generated_operation(provider: str, method: str, path: str) -> Any:
    """The ``Operation`` constant a generated resource module defines for (method, path)."""
    runtime = importlib.import_module(f"{provider}._runtime")
    resources = importlib.import_module(f"{provider}.resources")
    for module_path in sorted(Path(resources.__path__[0]).glob("*.py")):
        module = importlib.import_module(f"{provider}.resources.{module_path.stem}")
        for value in vars(module).values():
            if isinstance(value, runtime.Operation) and (value.method, value.path) == (method, path):
                return value
    raise LookupError(f"{provider}: no Operation for {method} {path}")


# --------------------------------------------------------------------------- seeded sampling


@dataclass
class Sample:
    """Checks the seeded responses of one operation and collects failures with seed and raw body."""

    case: Case
    first_seed: int
    expected: Any = None
    bodies: set[bytes] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    tried: int = 0

    def __post_init__(self) -> None:
        self.expected = result_type(self.case.provider, self.case.method, self.case.path)

    def seeds(self) -> Iterator[str]:
        """Fixed-width seeds: at least ENOUGH, then more until enough different bodies were seen.

        Stops at MAX_SEEDS; ``verdict`` then reports too few different bodies.
        """
        wanted = distinct_bodies_possible(self.expected)
        while self.tried < ENOUGH or (len(self.bodies) < wanted and self.tried < MAX_SEEDS):
            self.tried += 1
            yield f"{self.first_seed + self.tried - 1:06d}"

    def check(self, seed: str, response: Any, caught: list[warnings.WarningMessage]) -> None:
        problems = response_problems(self.case, self.expected, response, caught)
        self.bodies.add(response.content)
        if problems:
            self.failures.append(
                f"Prefer: seed={seed}: {'; '.join(problems)}\n  raw body: {response.content!r}"
            )

    def verdict(self) -> str:
        """An empty string if all is well, else a report to print and fail with."""
        wanted = distinct_bodies_possible(self.expected)
        lines = list(self.failures)
        if len(self.bodies) < wanted:
            lines.append(f"only {len(self.bodies)} different bodies in {self.tried} seeds, wanted {wanted}")
        return "\n".join([f"{self.case.id}:"] + lines) if lines else ""


def response_problems(
    case: Case, expected: Any, response: Any, caught: list[warnings.WarningMessage]
) -> list[str]:
    """What is wrong with one valid call's response (empty if nothing)."""
    problems: list[str] = []
    request = response.http_response.request
    if request.method != case.method or not path_pattern(case.path).fullmatch(request.url.path):
        problems.append(f"sent {request.method} {request.url.path}")
    if not 200 <= response.status_code < 300 or "sl-violations" in response.headers:
        problems.append(
            f"status {response.status_code}, sl-violations {response.headers.get('sl-violations')}"
        )
    deprecated = bool(operation(case.provider, case.method, case.path).get("deprecated"))
    if deprecated != any(issubclass(w.category, DeprecationWarning) for w in caught):
        problems.append(f"deprecated={deprecated} but warnings were {[str(w.message) for w in caught]}")
    if not is_instance(response.parsed, expected):
        problems.append(f"parsed {response.parsed!r} is not a {expected}")
    elif expected is type(None):
        problems += [] if response.content == b"" else ["a body where none is declared"]
    else:
        raw, wire = json.loads(response.content), to_wire(response.parsed)
        problems += wire_diff(mi.type_info(expected), raw, wire, declared=declared(case.provider))
    return problems
