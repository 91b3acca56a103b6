"""Names that would clash in generated code: each check returns diagnostics (part of
``normalize``)."""

from generator.diagnostics import Diagnostic
from generator.model.collect import Specs
from generator.model.ir import (
    Client,
)
from generator.model.names import RUNTIME_NAMES
from generator.model.resources import CLIENT_MODULE_NAMES
from generator.spec.config import ProviderConfig


def reserved_names(specs: Specs, client: Client) -> list[Diagnostic]:
    """Model names that would clash with a runtime name or a resource class in a resource module."""
    taken = set(RUNTIME_NAMES) | {p + r.class_name for r in client.resources for p in ("", "Async")}
    taken |= {p + r.class_name + w for r in client.resources for p in ("", "Async")
              for w in ("WithRawResponse", "WithStreamingResponse")}  # fmt: skip
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


TOP_LEVEL = frozenset({
    "APIConnectionError", "APIError", "APIResponse", "APIResponseTooLarge", "APIStatusError", "APITimeoutError",
    "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "MissingCredentialsError",
    "NOT_GIVEN", "NotFoundError", "NotGiven", "PermissionDeniedError", "RateLimitError", "RequestOptions",
    "ResponseValidationError", "UNSET", "UnprocessableEntityError", "UnsetType",
})  # fmt: skip


def top_level_names(client: Client) -> frozenset[str]:
    """Names the package's ``__init__`` defines itself: a model of that name stays in ``models``."""
    return TOP_LEVEL | {client.name, client.async_name}
