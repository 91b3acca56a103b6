"""The client of the IR: credentials (security schemes), servers and their variables (part of
``normalize``)."""

import re
from typing import Any

from generator.diagnostics import Diagnostic, Origin, join_pointer
from generator.model.collect import spec_text
from generator.model.ir import (
    Scheme,
    Server,
    ServerArgument,
    ServerVariable,
)
from generator.model.names import env_var, snake, words
from generator.spec.config import CredentialNames, ProviderConfig
from generator.spec.merge import Merged
from generator.spec.views import follow

_CLIENT_ARGUMENTS = frozenset({"base_url", "server", "timeout", "total_timeout", "max_retries", "default_headers",
                               "http_client", "retry_non_idempotent", "max_response_bytes", "keep_unknown_fields", "self", "super",
                               "resolve_base_url", "resolve_basic", "resolve_credential"})  # fmt: skip


def _preferred_arguments(name: str, scheme: dict[str, Any]) -> tuple[str, ...]:
    kind, http = scheme.get("type"), str(scheme.get("scheme", "")).lower()
    if kind == "apiKey":
        argument = snake(str(scheme.get("name", name)))
        return (argument.removeprefix("x_") or argument,)
    if kind == "http" and http == "basic":
        return ("username", "password")
    return ("bearer_token",) if kind == "http" else ("access_token",)


def schemes_of(
    document: dict[str, Any], config: ProviderConfig, errors: list[Diagnostic], merged: Merged
) -> tuple[Scheme, ...]:
    declared = (document.get("components") or {}).get("securitySchemes") or {}
    preferred = {
        name: _preferred_arguments(name, s) for name, s in sorted(declared.items()) if isinstance(s, dict)
    }
    counts: dict[str, int] = {}
    for arguments in preferred.values():
        for argument in arguments:
            counts[argument] = counts.get(argument, 0) + 1
    errors += [Diagnostic(config.origin.child("credentials", name), f"no security scheme {name!r}",
                          hint="known: " + (", ".join(map(repr, preferred)) or "none"))
               for name in sorted(config.credentials) if name not in preferred]  # fmt: skip
    schemes = []
    full = frozenset(
        f"{config.env_prefix}_{a.upper()}" for arguments in preferred.values() for a in arguments
    )
    for name, arguments in preferred.items():
        scheme = declared[name]
        kind = {"apiKey": "apiKey", "http": "basic" if str(scheme.get("scheme", "")).lower() == "basic" else "bearer"}.get(
            scheme.get("type"), "bearer")  # fmt: skip
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() not in ("basic", "bearer"):
            errors.append(Diagnostic(merged.origin_of(f"/components/securitySchemes/{name}/scheme"),
                                     f"http scheme {scheme.get('scheme')!r} is not supported", hint="supported: basic, bearer"))  # fmt: skip
        if any(counts[a] > 1 or a in _CLIENT_ARGUMENTS for a in arguments):
            arguments = tuple(
                f"{snake(name)}_{a}" if len(arguments) > 1 else snake(name, _CLIENT_ARGUMENTS)
                for a in arguments
            )
        names = config.credentials.get(name, CredentialNames())
        where = config.origin.child("credentials", name)
        arguments = _given(names.arguments, arguments, where.child("argument"), errors)
        env = _given(
            names.env,
            tuple(env_var(config.env_prefix, a, full) for a in arguments),
            where.child("env"),
            errors,
        )
        schemes.append(Scheme(name, kind, str(scheme.get("in", "header")), str(scheme.get("name", "")),
                              arguments, env, spec_text(scheme.get("description")), kind == "basic"))  # fmt: skip
    errors += _argument_clashes(schemes, merged, config)
    return tuple(schemes)


def _given(
    names: tuple[str, ...], derived: tuple[str, ...], where: Origin, errors: list[Diagnostic]
) -> tuple[str, ...]:
    """The names provider.yaml gives instead of the derived ones, when it gives as many."""
    if not names:
        return derived
    if len(names) != len(derived):
        errors.append(Diagnostic(where, f"expected {len(derived)} name{'s' if len(derived) > 1 else ''} "
                                 f"(like {', '.join(map(repr, derived))}), got {len(names)}"))  # fmt: skip
        return derived
    return names


def _argument_clashes(schemes: list[Scheme], merged: Merged, config: ProviderConfig) -> list[Diagnostic]:
    """Two schemes whose credentials would be one client argument or environment variable (the
    fallback names clash too), or a name provider.yaml gives that the client already uses."""
    found: list[Diagnostic] = []
    owners: dict[tuple[str, str], str] = {}
    for scheme in schemes:
        given = config.credentials.get(scheme.name, CredentialNames())
        where = merged.origin_of(join_pointer("components", "securitySchemes", scheme.name))
        checks = (("argument", "client argument", scheme.arguments, given.arguments, _CLIENT_ARGUMENTS),
                  ("env", "environment variable", scheme.env_vars, given.env, {config.env_prefix + "_BASE_URL"}))  # fmt: skip
        for key, what, names, chosen, reserved in checks:
            origin = config.origin.child("credentials", scheme.name, key) if chosen else where
            hint = "rename one in provider.yaml 'credentials:'" if chosen else _RENAME
            before = len(found)
            for name in names:
                first = owners.setdefault((key, name), scheme.name)
                if name in reserved:
                    found.append(Diagnostic(origin, f"the {what} {name!r} of security scheme {scheme.name!r} is "
                                            "taken by the client itself", hint="choose another name in provider.yaml 'credentials:'"))  # fmt: skip
                elif first != scheme.name:
                    found.append(Diagnostic(origin, f"security schemes {first!r} and {scheme.name!r} both take the "
                                            f"{what} {name!r}", hint=hint))  # fmt: skip
            if len(found) > before and not given.env:
                break  # the environment variables of clashing arguments clash too: said once
    return found


_RENAME = "rename one of the security schemes, or name them in provider.yaml 'credentials:'"


def servers_of(document: dict[str, Any]) -> tuple[Server, ...]:
    """The named servers of a document (used by the client and by diff-api)."""
    servers = []
    used: set[str] = set()
    declared = [(i, s) for i, s in enumerate(document.get("servers") or []) if isinstance(s, dict)]
    for index, (position, server) in enumerate(declared):
        template = url = str(server.get("url", ""))
        variables = []
        for variable, spec in (server.get("variables") or {}).items():
            spec = spec if isinstance(spec, dict) else {}
            default = spec_text(str(spec.get("default", "")))
            url = url.replace("{" + variable + "}", default)
            enum = tuple(
                spec_text(str(v)) for v in spec.get("enum") or [] if isinstance(v, (str, int, float))
            )
            pointer = join_pointer("servers", str(position), "variables", variable)
            variables.append(
                ServerVariable(variable, default, enum, spec_text(spec.get("description")), pointer)
            )
        label = [
            w
            for w in words(spec_text(server.get("description")))
            if w.lower() not in ("server", "environment", "api")
        ]
        name = snake("_".join(label[:3])) if label else ("default" if index == 0 else f"server_{index + 1}")
        name = name if name not in used else f"{name}_{index + 1}"
        used.add(name)
        servers.append(Server(name, url, spec_text(server.get("description")), template, tuple(variables)))
    return tuple(servers) or (Server("default", "", "No server is declared: pass base_url.", ""),)


def server_arguments(
    servers: tuple[Server, ...], schemes: tuple[Scheme, ...], merged: Merged, errors: list[Diagnostic]
) -> tuple[ServerArgument, ...]:
    """One client argument per server variable name, typed by the values its servers allow."""
    declared: dict[str, list[ServerVariable]] = {}
    for variable in (v for server in servers for v in server.variables):
        declared.setdefault(variable.name, []).append(variable)
    taken = _CLIENT_ARGUMENTS | {a for s in schemes for a in s.arguments} | {"ServerName"}
    found: dict[str, ServerArgument] = {}
    for name in sorted(declared):
        argument = snake(name, frozenset(taken))
        if argument in found:
            errors.append(Diagnostic(merged.origin_of(declared[name][0].pointer), f"server variables {found[argument].variable!r} "
                                     f"and {name!r} both map to the client argument {argument!r}",
                                     hint="rename one of the server variables"))  # fmt: skip
            continue
        variants = declared[name]
        values = list(dict.fromkeys(v for variable in variants for v in variable.enum))
        literal = all(variable.enum for variable in variants)
        annotation = f"Literal[{', '.join(repr(v) for v in values)}]" if literal else "str"
        defaults = ", ".join(dict.fromkeys(repr(v.default) for v in variants))
        doc = next((v.doc for v in variants if v.doc), "") or f"the server URL's ``{{{name}}}``"
        found[argument] = ServerArgument(argument, name, annotation, f"{doc} (default {defaults})")
    return tuple(found[a] for a in sorted(found))


_REQUEST_ID = re.compile(r"(?:x-)?(?:[a-z0-9]+-)?(?:request|req|trace|correlation)-?id", re.IGNORECASE)
_RUNTIME_REQUEST_ID_HEADERS = ("x-request-id", "request-id")  # the runtime's REQUEST_ID_HEADERS


def request_id_headers_of(document: dict[str, Any]) -> tuple[str, ...]:
    """Response headers the spec declares that carry the server's id of a request
    (``X-Amzn-RequestId``, ``Twilio-Request-Id``, ``X-Correlation-ID``), besides the runtime's
    defaults; sorted, lower-cased."""
    responses: list[Any] = []
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and isinstance(operation.get("responses"), dict):
                responses += operation["responses"].values()
    components = document.get("components") or {}
    responses += (components.get("responses") or {}).values() if isinstance(components, dict) else []
    found = set()
    for response in responses:
        headers = follow(document, response).node.get("headers") if isinstance(response, dict) else None
        for name in headers if isinstance(headers, dict) else ():
            if _REQUEST_ID.fullmatch(str(name)) and str(name).lower() not in _RUNTIME_REQUEST_ID_HEADERS:
                found.add(str(name).lower())
    return tuple(sorted(found))
