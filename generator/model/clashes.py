"""Names that would clash in generated code: each check returns diagnostics (part of
``normalize``)."""

from generator.diagnostics import Diagnostic
from generator.model.collect import Specs
from generator.model.ir import (
    Client,
    ModelModule,
)
from generator.model.models import MAX_MODULE_NAME
from generator.model.names import RUNTIME_NAMES
from generator.model.resources import CLIENT_MODULE_NAMES
from generator.spec.config import ProviderConfig


def reserved_names(specs: Specs, client: Client) -> list[Diagnostic]:
    """Model names that would clash with a runtime name or a resource class in a resource module."""
    taken = set(RUNTIME_NAMES) | {p + r.class_name for r in client.resources for p in ("", "Async")}
    taken |= {p + r.class_name + "WithRawResponse" for r in client.resources for p in ("", "Async")}
    return [
        Diagnostic(spec.origin, f"class name {name!r} is reserved by the generated client",
                   hint="rename it in provider.yaml 'schemas:'")  # fmt: skip
        for name, spec in sorted(specs.classes.items())
        if name in taken or specs.params.get(name) in taken
    ]


def client_name_clashes(config: ProviderConfig, client: Client) -> list[Diagnostic]:
    """A client class named like something its own modules define or import would be shadowed."""
    taken = (
        TOP_LEVEL | CLIENT_MODULE_NAMES | {p + r.class_name for r in client.resources for p in ("", "Async")}
    )
    return [
        Diagnostic(config.origin.child("client"), f"client class name {name!r} is reserved by the generated "
                   "package", hint="choose another 'client:' in provider.yaml")  # fmt: skip
        for name in (client.name, client.async_name)
        if name in taken
    ]


def pager_clashes(client: Client) -> list[Diagnostic]:
    """An ``iter_*`` method that would replace an operation's method of the same name."""
    found = []
    for resource in client.resources:
        names = {op.name: op for op in resource.operations}
        for op in resource.operations:
            other = names.get(op.pager.method) if op.pager else None
            if op.pager and other is not None:
                found.append(Diagnostic(other.origin, f"method name {resource.attribute}.{other.name} is also the "
                                        f"iterator of {resource.attribute}.{op.name}", hint="name one in "
                                        f"provider.yaml: operations: {{'{other.http_method} {other.path}': {{name: ...}}}}"))  # fmt: skip
    return found


def long_module_names(modules: list[ModelModule], specs: Specs, client: Client) -> list[Diagnostic]:
    """Module names too long for a file name (writing them would fail half-way)."""
    found = [(specs.classes[m.exports[0]].origin, "class", m.exports[0], m.module) for m in modules]
    found += [(r.operations[0].origin, "resource", r.attribute, r.module) for r in client.resources]
    return [
        Diagnostic(origin, f"{kind} name {name[:40]!r}... is too long for a file name ({len(module)} characters, "
                   f"at most {MAX_MODULE_NAME})", hint="name it in provider.yaml" + (" 'schemas:'" if kind == "class"
                   else " 'resources:'"))  # fmt: skip
        for origin, kind, name, module in found
        if len(module) > MAX_MODULE_NAME
    ]


TOP_LEVEL = frozenset({
    "APIConnectionError", "APIError", "APIResponse", "APIResponseTooLarge", "APIStatusError", "APITimeoutError",
    "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "MissingCredentialsError",
    "NOT_GIVEN", "NotFoundError", "NotGiven", "PermissionDeniedError", "RateLimitError", "RequestOptions",
    "ResponseValidationError", "UNSET", "UnprocessableEntityError", "UnsetType",
})  # fmt: skip


def top_level_names(client: Client) -> frozenset[str]:
    """Names the package's ``__init__`` defines itself: a model of that name stays in ``models``."""
    return TOP_LEVEL | {client.name, client.async_name}
