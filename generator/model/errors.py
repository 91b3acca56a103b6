"""Typed ``.model`` on a package's error classes (part of ``normalize``).

For each status the runtime raises a class for (400 ``BadRequestError`` ... 429
``RateLimitError``), when every operation that declares an error body for that status (by its
code, its ``4XX`` range, or ``default``) declares the same model, the package's ``_errors.py``
defines a subclass whose ``model`` is typed ``Model | None``, and the client raises it."""

from generator.model.collect import Specs
from generator.model.ir import TypedError
from generator.model.models import import_block, module_name

# What _errors.py re-exports from the runtime (its own classes replace the typed ones).
RUNTIME_ERRORS = (
    "APIConnectionError", "APIError", "APIResponseTooLarge", "APIStatusError", "APITimeoutError",
    "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "MissingCredentialsError",
    "NotFoundError", "PermissionDeniedError", "RateLimitError", "ResponseValidationError",
    "UnprocessableEntityError",
)  # fmt: skip

# The runtime's status classes (``_runtime/errors.py`` STATUS_ERRORS), in that order.
STATUS_CLASSES = (
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
)


def typed_errors(specs: Specs) -> tuple[TypedError, ...]:
    """The status classes whose error body has one model across the package's operations."""
    found = []
    for code, name in STATUS_CLASSES:
        types = set()
        for op in specs.operations:
            declared = {status.upper(): type_ for status, type_ in op.errors}
            type_ = next(
                (declared[k] for k in (str(code), f"{code // 100}XX", "DEFAULT") if k in declared), None
            )
            if type_ is not None:
                types.add(type_)
        only = next(iter(types)) if len(types) == 1 else None
        if (
            only is not None and only.kind == "model" and only.name not in RUNTIME_ERRORS
        ):  # no clash in _errors.py
            found.append(TypedError(name, code, only.name, module_name(only.name)))
    return tuple(found)


def errors_imports(typed: tuple[TypedError, ...]) -> tuple[str, ...]:
    """The import lines of ``_errors.py``."""
    names = {error.name for error in typed}
    imported = [n if n not in names else f"{n} as _{n}" for n in RUNTIME_ERRORS]  # typed: subclassed here
    lines = ["from ._runtime import " + ", ".join(imported)]
    lines += [f"from .models.{error.module} import {error.model}" for error in typed]
    return import_block(lines)
