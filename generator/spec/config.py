"""``specs/<provider>/provider.yaml``: the per-provider settings, every key optional.

Takes the parsed YAML mapping and returns a frozen :class:`ProviderConfig`, with defaults derived
from the folder name, or diagnostics for unknown keys and values of the wrong type. The names
printed into generated code or used as paths as they are (``package``, ``distribution``,
``client``, ``env_prefix``, class names under ``schemas:`` and method names under
``operations:``) must be valid here, defaults included, so that nothing from this file can write
outside ``generated/<provider>/`` or reach generated code unchecked. Names derived from the spec
are checked later by ``normalize`` (which owns every naming rule).

    package: mariadb_cloud          # import package; default: the folder name
    distribution: mariadb-cloud     # pip distribution name; default: package with '-'
    client: MariaDBCloud            # client class; default: PascalCase of the folder name
    env_prefix: MARIADB_CLOUD       # environment variables; default: the folder name upper-cased
    resources: {Invites: invites}   # tag -> resource attribute
    schemas: {dto.Invite: Invite}   # component schema -> class name
    properties:                     # class -> property wire name -> attribute name
      Invite: {"@type": at_type}
    operations:                     # operationId or "METHOD /path" -> method name / resource
      GET /organization/v1/invites: {name: list}
    pagination: {style: page, page_param: page, items: docs, has_next: hasNextPage}
    example: invites.list           # the call the package README shows (resource.method)
    prefer: [post_invites.json]     # whose copy wins when fragments define a component differently
    idempotency_header: Idempotency-Key  # sent with a fresh key on every POST/PATCH, reused on retries
    credentials:                    # security scheme -> client argument and environment variable
      ApiKeyAuth: {argument: api_key, env: MARIADB_CLOUD_API_KEY}
      Basic: {argument: [user, secret], env: [ACME_USER, ACME_SECRET]}  # basic: two of each
    sources:                        # what `update` fetches: pages and whole specs, by http(s) URL
      - https://docs.mariadb.com/cloud/invites.md
      - {url: https://api.example.com/spec, kind: spec}   # kind: page | spec (default: guessed)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from generator.diagnostics import Diagnostic, Origin
from generator.spec.config_rules import bad_name as _bad_name
from generator.spec.config_rules import check_keys as _check_keys
from generator.spec.config_rules import name_error as _name_error

__all__ = [
    "CredentialNames",
    "OperationOverride",
    "Pagination",
    "ProviderConfig",
    "Source",
    "check_folder",
    "parse_config",
]

_TOP_KEYS = (
    "package", "distribution", "client", "env_prefix", "credentials",
    "resources", "schemas", "properties", "operations", "pagination", "example", "prefer", "idempotency_header",
    "sources",
)  # fmt: skip
TOP_KEYS = _TOP_KEYS  # the keys of provider.yaml, in the order the starter file (``new``) lists them
# Modules a generated package must not be named after: importing it would hide them.
_SHADOWED = frozenset(sys.stdlib_module_names) | {
    "httpx",
    "httpcore",
    "h11",
    "msgspec",
    "anyio",
    "certifi",
    "idna",
    "sniffio",
}
_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
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
class CredentialNames:
    """The client argument(s) and environment variable(s) of one security scheme; () = derived."""

    arguments: tuple[str, ...] = ()
    env: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """A vendor page or whole spec that ``update`` fetches; ``kind`` "" is guessed from the URL or content."""

    url: str
    kind: str = ""  # page | spec | ""
    pointer: str = ""  # where provider.yaml lists it, for messages


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
    properties: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    operations: Mapping[str, OperationOverride] = field(default_factory=dict)
    pagination: Pagination | None = None
    example: str | None = None
    prefer: tuple[str, ...] = ()
    idempotency_header: str | None = None
    sources: tuple[Source, ...] = ()
    credentials: Mapping[str, CredentialNames] = field(default_factory=dict)
    origin: Origin = Origin("")


def _pascal(folder: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in folder.replace("-", "_").split("_"))


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


def _string_list(
    data: Mapping[str, Any], key: str, origin: Origin, errors: list[Diagnostic]
) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(Diagnostic(origin.child(key), f"expected a list of file names, got {value!r}"))
        return ()
    return tuple(value)


def _property_names(
    data: Mapping[str, Any], origin: Origin, errors: list[Diagnostic]
) -> dict[str, dict[str, str]]:
    value = data.get("properties", {})
    if not isinstance(value, dict):
        errors.append(Diagnostic(origin.child("properties"), f"expected a mapping, got {value!r}"))
        return {}
    return {str(name): _string_map(value, name, origin.child("properties"), errors) for name in value}


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


def _names(value: object, where: Origin, errors: list[Diagnostic]) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if value is None:
        return ()
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        errors.append(Diagnostic(where, f"expected a name or a list of names, got {value!r}"))
        return ()
    return tuple(str(n) for n in names)


def _credentials(
    data: Mapping[str, Any], origin: Origin, errors: list[Diagnostic]
) -> dict[str, CredentialNames]:
    value = data.get("credentials", {})
    if not isinstance(value, dict):
        errors.append(Diagnostic(origin.child("credentials"), f"expected a mapping, got {value!r}"))
        return {}
    result: dict[str, CredentialNames] = {}
    for scheme, item in value.items():
        where = origin.child("credentials", scheme)
        if not isinstance(item, dict):
            errors.append(Diagnostic(where, f"expected {{argument: ..., env: ...}}, got {item!r}"))
            continue
        _check_keys(item, ("argument", "env"), where, errors)
        arguments = _names(item.get("argument"), where.child("argument"), errors)
        env = _names(item.get("env"), where.child("env"), errors)
        errors += [
            _name_error("argument", a, where.child("argument")) for a in arguments if _bad_name("argument", a)
        ]
        errors += [_name_error("env", e, where.child("env")) for e in env if _bad_name("env", e)]
        result[str(scheme)] = CredentialNames(arguments, env)
    return result


def _http_url(url: object) -> bool:
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:  # an unclosed [ in the host
        return False
    return (
        parts is not None
        and parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and str(url).isprintable()
        and " " not in str(url)
    )


def _sources(data: Mapping[str, Any], origin: Origin, errors: list[Diagnostic]) -> tuple[Source, ...]:
    value = data.get("sources", [])
    if not isinstance(value, list):
        errors.append(Diagnostic(origin.child("sources"), f"expected a list of URLs, got {value!r}"))
        return ()
    found: list[Source] = []
    for index, item in enumerate(value):
        where = origin.child("sources", index)
        entry = {"url": item} if isinstance(item, str) else item
        if not isinstance(entry, dict):
            errors.append(Diagnostic(where, f"expected a URL or {{url: ..., kind: page|spec}}, got {item!r}"))
            continue
        _check_keys(entry, ("url", "kind"), where, errors)
        url, kind = entry.get("url"), entry.get("kind", "")
        if not _http_url(url):
            errors.append(Diagnostic(where, f"expected an http(s) URL, got {url!r}"))
        elif kind not in ("", "page", "spec"):
            errors.append(Diagnostic(where.child("kind"), f"expected 'page' or 'spec', got {kind!r}"))
        elif url in [s.url for s in found]:
            errors.append(Diagnostic(where, f"{url!r} is listed twice"))
        else:
            found.append(Source(str(url), kind, where.pointer))
    return tuple(found)


def check_folder(folder: str, origin: Origin) -> list[Diagnostic]:
    """A provider name must be one plain folder name: the package goes to ``<out-dir>/<folder>/``."""
    if _FOLDER.fullmatch(folder):
        return []
    return [Diagnostic(origin, f"provider name {folder!r} is not a plain folder name",
                       hint="use letters, digits, '_', '.' and '-', starting with a letter, digit or '_'")]  # fmt: skip


def _check_names(config: ProviderConfig, data: Mapping[str, Any], origin: Origin) -> list[Diagnostic]:
    """Every name used verbatim in paths or generated code, given or derived, must be valid."""
    errors: list[Diagnostic] = []
    sources = {
        "package": f"the folder name {config.folder!r}",
        "distribution": f"the package name {config.package!r}",
        "client": f"the folder name {config.folder!r}",
        "env_prefix": f"the folder name {config.folder!r}",
    }
    for key, source in sources.items():
        value = getattr(config, key)
        derived = "" if isinstance(data.get(key), str) and data[key] else source
        if key == "distribution" and derived and _bad_name("package", config.package):
            continue  # reported once, for the package it comes from
        if _bad_name(key, value):
            errors.append(_name_error(key, value, origin.child(key), derived))
        elif key == "package" and value in _SHADOWED:
            source = f" (derived from {derived})" if derived else ""
            errors.append(Diagnostic(origin.child(key), f"package {value!r}{source} would shadow the module "
                                     f"{value!r} that generated code imports",
                                     hint="set 'package:' in provider.yaml to another name"))  # fmt: skip
    for schema, name in config.schemas.items():
        if _bad_name("class", name):
            errors.append(_name_error("class", name, origin.child("schemas", schema)))
    for class_name, names in config.properties.items():
        for wire, name in names.items():
            if _bad_name("attribute", name):
                errors.append(_name_error("attribute", name, origin.child("properties", class_name, wire)))
    for key, override in config.operations.items():
        if override.name is not None and _bad_name("method", override.name):
            errors.append(_name_error("method", override.name, origin.child("operations", key, "name")))
    return errors


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
        properties=_property_names(data, origin, errors),
        operations=_operations(data, origin, errors),
        pagination=_pagination(data, origin, errors),
        example=_string(data, "example", origin, errors),
        prefer=_string_list(data, "prefer", origin, errors),
        idempotency_header=_string(data, "idempotency_header", origin, errors),
        sources=_sources(data, origin, errors),
        credentials=_credentials(data, origin, errors),
        origin=origin,
    )
    return config, errors + _check_names(config, data, origin)
