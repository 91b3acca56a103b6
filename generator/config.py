"""``specs/<provider>/provider.yaml``: the per-provider settings, every key optional.

Takes the parsed YAML mapping and returns a frozen :class:`ProviderConfig`, with defaults derived
from the folder name, or diagnostics for unknown keys and values of the wrong type. Names are
checked later by ``normalize`` (which owns every naming rule); this module checks shape only.

    package: mariadb_cloud          # import package; default: the folder name
    distribution: mariadb-cloud     # pip distribution name; default: package with '-'
    client: MariaDBCloud            # client class; default: PascalCase of the folder name
    env_prefix: MARIADB_CLOUD       # environment variables; default: the folder name upper-cased
    resources: {Invites: invites}   # tag -> resource attribute
    schemas: {dto.Invite: Invite}   # component schema -> class name
    operations:                     # operationId or "METHOD /path" -> method name / resource
      GET /organization/v1/invites: {name: list}
    pagination: {style: page, page_param: page, items: docs, has_next: hasNextPage}
    example: invites.list           # the call the package README shows (resource.method)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostic, Origin

__all__ = ["OperationOverride", "Pagination", "ProviderConfig", "parse_config"]

_TOP_KEYS = (
    "package", "distribution", "client", "env_prefix",
    "resources", "schemas", "operations", "pagination", "example",
)  # fmt: skip
_PAGINATION_KEYS = {
    "page": ("style", "page_param", "items", "has_next"),
    "cursor": ("style", "cursor_param", "items", "next_cursor"),
}


@dataclass(frozen=True, slots=True)
class OperationOverride:
    """Naming overrides for one operation."""

    name: str | None = None
    resource: str | None = None


@dataclass(frozen=True, slots=True)
class Pagination:
    """How list operations page: ``page`` (page number) or ``cursor`` style."""

    style: str
    items: str
    page_param: str = ""
    has_next: str = ""
    cursor_param: str = ""
    next_cursor: str = ""


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """Settings of one provider folder, defaults filled in."""

    folder: str
    package: str
    distribution: str
    client: str
    env_prefix: str
    resources: Mapping[str, str] = field(default_factory=dict)
    schemas: Mapping[str, str] = field(default_factory=dict)
    operations: Mapping[str, OperationOverride] = field(default_factory=dict)
    pagination: Pagination | None = None
    example: str | None = None
    origin: Origin = Origin("")


def _pascal(folder: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in folder.replace("-", "_").split("_"))


def _check_keys(
    data: Mapping[str, Any], allowed: tuple[str, ...], origin: Origin, errors: list[Diagnostic]
) -> None:
    for key in data:
        if key not in allowed:
            errors.append(
                Diagnostic(
                    origin.child(key),
                    f"unknown key {key!r}",
                    hint="known keys: " + ", ".join(allowed),
                )
            )


def _string(data: Mapping[str, Any], key: str, origin: Origin, errors: list[Diagnostic]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        errors.append(Diagnostic(origin.child(key), f"expected a non-empty string, got {value!r}"))
        return None
    return value


def _string_map(
    data: Mapping[str, Any], key: str, origin: Origin, errors: list[Diagnostic]
) -> dict[str, str]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        errors.append(Diagnostic(origin.child(key), f"expected a mapping, got {value!r}"))
        return {}
    result: dict[str, str] = {}
    for name in value:
        item = _string(value, name, origin.child(key), errors)
        if item is not None:
            result[str(name)] = item
    return result


def _operations(
    data: Mapping[str, Any], origin: Origin, errors: list[Diagnostic]
) -> dict[str, OperationOverride]:
    value = data.get("operations", {})
    if not isinstance(value, dict):
        errors.append(Diagnostic(origin.child("operations"), f"expected a mapping, got {value!r}"))
        return {}
    result: dict[str, OperationOverride] = {}
    for key, item in value.items():
        where = origin.child("operations", key)
        if not isinstance(item, dict):
            errors.append(Diagnostic(where, f"expected a mapping, got {item!r}"))
            continue
        _check_keys(item, ("name", "resource"), where, errors)
        name = _string(item, "name", where, errors)
        result[str(key)] = OperationOverride(name, _string(item, "resource", where, errors))
    return result


def _pagination(data: Mapping[str, Any], origin: Origin, errors: list[Diagnostic]) -> Pagination | None:
    value = data.get("pagination")
    if value is None:
        return None
    where = origin.child("pagination")
    if not isinstance(value, dict) or value.get("style") not in _PAGINATION_KEYS:
        errors.append(Diagnostic(where, "expected a mapping with 'style: page' or 'style: cursor'"))
        return None
    keys = _PAGINATION_KEYS[value["style"]]
    _check_keys(value, keys, where, errors)
    found = {k: _string(value, k, where, errors) for k in keys}
    missing = [k for k in keys if found[k] is None]
    if missing:
        errors.append(Diagnostic(where, "missing " + ", ".join(repr(k) for k in missing)))
        return None
    return Pagination(**{k: v for k, v in found.items() if v is not None})


def parse_config(folder: str, data: object, origin: Origin) -> tuple[ProviderConfig, list[Diagnostic]]:
    """Build the settings of provider ``folder`` from parsed ``provider.yaml`` data (or None)."""
    errors: list[Diagnostic] = []
    if data is None:
        data = {}
    if not isinstance(data, dict):
        errors.append(Diagnostic(origin, f"expected a mapping, got {type(data).__name__}"))
        data = {}
    _check_keys(data, _TOP_KEYS, origin, errors)
    package = _string(data, "package", origin, errors) or folder
    config = ProviderConfig(
        folder=folder,
        package=package,
        distribution=_string(data, "distribution", origin, errors) or package.replace("_", "-"),
        client=_string(data, "client", origin, errors) or _pascal(folder),
        env_prefix=_string(data, "env_prefix", origin, errors) or folder.upper().replace("-", "_"),
        resources=_string_map(data, "resources", origin, errors),
        schemas=_string_map(data, "schemas", origin, errors),
        operations=_operations(data, origin, errors),
        pagination=_pagination(data, origin, errors),
        example=_string(data, "example", origin, errors),
        origin=origin,
    )
    return config, errors
