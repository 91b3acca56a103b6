"""The intermediate model: every name, type, default and docstring of a package, decided.

``normalize`` builds it from a validated document; templates print it and decide nothing.
Frozen dataclasses holding tuples; every node that comes from the spec carries its Origin.
Texts from the spec (``doc``, ``summary``) are raw here: templates print them only through the
``pydoc`` (docstrings), ``md`` (Markdown) and ``py`` (``repr``) filters of ``render``.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.diagnostics import Diagnostic, Origin

__all__ = [
    "Client", "EnumMember", "EnumModel", "Field", "Model", "ModelModule", "Operation", "Package",
    "Pager", "Param", "Release", "Resource", "Scheme", "Server", "ServerArgument", "ServerVariable", "TypedError",
    "Webhook",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Field:
    """One attribute of a model: Python name, wire name, annotation and default source."""

    name: str
    wire: str
    annotation: str
    default: str | None  # Python source of the default; None when required
    doc: str
    origin: Origin
    coerce_as: str = ""  # the run-time type expression __post_init__ coerces with, when not annotation

    @property
    def renamed(self) -> bool:
        """Whether the Python name differs from the wire name."""
        return self.name != self.wire


@dataclass(frozen=True, slots=True)
class Model:
    """A msgspec Struct."""

    name: str
    fields: tuple[Field, ...]
    renames: tuple[tuple[str, str], ...]  # (python name, wire name) where they differ
    doc: str
    origin: Origin
    # fields msgspec cannot decode directly: (field, alias, annotation, run-time type); the alias
    # is the annotation for type checkers and Any at run time; __post_init__ coerces the value
    coerced: tuple[tuple[str, str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class EnumMember:
    name: str
    value: str  # Python source of the value (repr)


@dataclass(frozen=True, slots=True)
class EnumModel:
    """An OpenEnum: known members, unknown values tolerated."""

    name: str
    members: tuple[EnumMember, ...]
    doc: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class ModelModule:
    """One file of ``models/``: a schema's model, and its request variant when it needs one."""

    module: str
    imports: tuple[str, ...]  # import lines at the top
    late_imports: tuple[str, ...]  # model imports, placed last so recursive models resolve
    enum: EnumModel | None
    models: tuple[Model, ...]
    exports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Param:
    """A method argument: a path, query, header or cookie parameter, or a body field."""

    name: str
    wire: str
    location: str  # path | query | header | cookie | body
    annotation: str
    default: str | None  # Python source; None when required
    doc: str


@dataclass(frozen=True, slots=True)
class Pager:
    """How an operation pages: the iterator method that walks every page."""

    method: str
    is_page: bool  # page-number style; else cursor style
    param: str  # the Python name of the page or cursor argument
    items: str  # Python attribute of the page model holding the items
    next: str  # Python attribute: has-next flag (page) or next cursor (cursor)
    item_annotation: str


@dataclass(frozen=True, slots=True)
class Operation:
    """One API operation, as a resource method."""

    name: str
    constant: str  # module-level Operation constant, e.g. _LIST
    http_method: str
    path: str
    summary: str
    description: str
    deprecated: bool
    positional: tuple[Param, ...]  # path parameters, in path order
    keyword: tuple[Param, ...]  # everything else, required first
    query: tuple[Param, ...]
    headers: tuple[Param, ...]
    cookies: tuple[Param, ...]
    body_param: str | None  # name of the body argument when the body is not flattened
    body_model: str | None  # model built from flattened body fields
    body_fields: tuple[Param, ...]
    returns: str  # annotation of the parsed result
    response_type: str  # runtime type expression passed to Operation
    errors: tuple[tuple[str, str], ...]  # (status key, type expression)
    security: tuple[tuple[str, ...], ...]
    pager: Pager | None
    body_optional: bool
    body_spec: tuple[str, str] | None  # (media type, encoding) when not application/json
    delimited: tuple[tuple[str, str], ...]  # array query parameters sent as one value: (wire, delimiter)
    origin: Origin
    open_body: bool = False  # the body holds a model keeping additionalProperties
    idempotency_header: str | None = None  # a key per call in this header makes retries safe
    events: str | None = None  # runtime type of each server-sent event's data, when it can stream events
    streams: bool = False  # the method returns Stream[event_annotation] (it calls _events)
    event_annotation: str = ""
    shares_constant: bool = False  # the streaming twin of a method: it uses that method's constant
    fixed_body: tuple[tuple[str, str], ...] = ()  # body fields the method sets: (name, Python source)


@dataclass(frozen=True, slots=True)
class Resource:
    """One tag: a module of ``resources/`` with a sync and an async class."""

    attribute: str
    module: str
    class_name: str
    doc: str
    imports: tuple[str, ...]
    operations: tuple[Operation, ...]


@dataclass(frozen=True, slots=True)
class Scheme:
    """A security scheme and the client argument(s) that supply its credential."""

    name: str  # spec name
    kind: str  # apiKey | bearer | basic
    location: str
    param: str
    arguments: tuple[str, ...]  # one, or (username, password) for basic
    env_vars: tuple[str, ...]
    doc: str
    is_basic: bool

    @property
    def supply(self) -> str:
        """How a caller supplies the credential, for error messages."""
        arguments = " + ".join(f"{a}=" for a in self.arguments)
        return f"{arguments} or " + " + ".join(f"${v}" for v in self.env_vars)


@dataclass(frozen=True, slots=True)
class ServerVariable:
    """A ``{name}`` in a server URL: its default and, when declared, the values it may take."""

    name: str
    default: str
    enum: tuple[str, ...]
    doc: str
    pointer: str  # where the spec declares it


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    url: str  # every variable at its default
    doc: str
    template: str = ""  # the URL as declared, ``{variable}`` placeholders kept
    variables: tuple[ServerVariable, ...] = ()


@dataclass(frozen=True, slots=True)
class ServerArgument:
    """A client argument choosing a server variable (``region=``), for every server that has it."""

    argument: str
    variable: str
    annotation: str  # ``Literal[...]`` when every server declaring it lists its values, else ``str``
    doc: str


@dataclass(frozen=True, slots=True)
class Client:
    """The client classes of a package."""

    name: str
    async_name: str
    env_prefix: str
    schemes: tuple[Scheme, ...]
    servers: tuple[Server, ...]
    resources: tuple[Resource, ...]
    has_basic: bool
    has_credential: bool  # a scheme other than basic
    server_arguments: tuple[ServerArgument, ...] = ()
    request_id_headers: tuple[str, ...] = ()  # besides the runtime's REQUEST_ID_HEADERS, from the spec


@dataclass(frozen=True, slots=True)
class Webhook:
    """A decode function of ``webhooks.py``: the payload of one webhook a server sends."""

    name: str  # the key under webhooks
    method: str
    function: str  # decode_<name>
    annotation: str  # the payload's type, for checkers
    value: str  # the same as a run-time expression
    doc: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class Release:
    """pyproject.toml's release metadata, every value checked (``model/release.py``)."""

    summary: str = ""  # the one-line description (core metadata's Summary cannot hold a line break)
    license: str = ""  # a canonical SPDX licence expression; "" when the spec gives none
    urls: tuple[tuple[str, str], ...] = ()  # [project.urls]: (label, http(s) URL), sorted by label
    maintainers: tuple[tuple[str, str], ...] = ()  # (name or "", e-mail address)
    classifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TypedError:
    """A status error class of ``_errors.py`` whose ``model`` has one declared type."""

    name: str  # the runtime class it subclasses, e.g. NotFoundError
    status: int
    model: str  # the model class
    module: str  # its module below models/


@dataclass(frozen=True, slots=True)
class Package:
    """Everything one generated package holds."""

    folder: str  # provider folder, e.g. specs/mariadb_cloud
    package: str
    distribution: str
    title: str
    version: str  # the distribution's PEP 440 version, from api_version
    api_version: str  # info.version as the spec gives it
    description: str
    client: Client
    model_modules: tuple[ModelModule, ...]
    exports: tuple[tuple[str, str], ...]  # (name, module below models/) in models/__init__.py
    top_exports: tuple[tuple[str, str], ...]  # the same, less names the package top level already has
    openapi_json: str
    example_resource: str  # README example: client.<resource>.<method>(<arguments>)
    example_method: str
    example_arguments: str
    webhooks: tuple[Webhook, ...] = ()
    webhook_imports: tuple[str, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()  # naming decisions the user should know of
    names_json: str = ""  # names.json: the names given, so that they never move
    typed_errors: tuple[TypedError, ...] = ()  # status classes _errors.py subclasses with a typed model
    errors_imports: tuple[str, ...] = ()  # the import lines of _errors.py
    release: Release = Release()  # licence, classifiers, project URLs, maintainers
