"""Normalize a validated document into the intermediate model (IR): the ``normalize`` stage.

Takes the merged document and the provider settings, returns :class:`~generator.model.ir.Package`
with every name, type, default and docstring decided, so templates only print. One pass each:
``collect`` (schemas and operations into specs), then ``models`` (model modules), ``resources``
(methods and webhooks), ``client`` (credentials and servers) and ``clashes`` (names generated
code cannot take); schema rules are in ``schemas``, operation rules in ``operations``, naming in
``names``, the names already given in ``history``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from generator.diagnostics import Diagnostic, SpecError
from generator.model.clashes import (
    client_name_clashes,
    reserved_names,
    top_level_names,
)
from generator.model.client import request_id_headers_of, schemes_of, server_arguments, servers_of
from generator.model.collect import collect, spec_text
from generator.model.errors import errors_imports, typed_errors
from generator.model.history import NameHistory, dump_history
from generator.model.ir import (
    Client,
    ModelModule,
    Operation,
    Package,
)
from generator.model.models import model_module
from generator.model.release import release_of
from generator.model.resources import resources_of, webhooks_of
from generator.spec.config import ProviderConfig
from generator.spec.merge import Merged
from generator.spec.splitting import dump_json

__all__ = ["normalize"]


def _exports(modules: Iterable[ModelModule]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, module.module) for module in modules for name in module.exports))


def normalize(merged: Merged, config: ProviderConfig, history: NameHistory | None = None) -> Package:
    """The IR of one provider's package; ``history`` holds the names its committed package gave."""
    specs = collect(merged, config, history)
    errors: list[Diagnostic] = []
    document = merged.document
    modules = [
        model_module(specs.classes[name], specs.params, specs.classes, specs.kinds)
        for name in sorted(specs.classes)
    ]
    seen: dict[str, str] = {}
    for module, name in ((m.module, m.exports[0]) for m in modules):
        if module in seen:
            errors.append(Diagnostic(specs.classes[name].origin, f"classes {seen[module]!r} and {name!r} both map "
                                     f"to models/{module}.py", hint="rename one in provider.yaml 'schemas:'"))  # fmt: skip
        seen[module] = name
    schemes = schemes_of(document, config, errors, merged)
    servers = servers_of(document)
    client = Client(config.client, "Async" + config.client, config.env_prefix, schemes, servers,
                    resources_of(specs, document, config), any(s.is_basic for s in schemes),
                    any(not s.is_basic for s in schemes), server_arguments(servers, schemes, merged, errors),
                    request_id_headers_of(document))  # fmt: skip
    errors += reserved_names(specs, client) + client_name_clashes(config, client)
    example, shown = _example(client, config, errors, history or NameHistory())
    webhooks, webhook_imports = webhooks_of(specs)
    if errors:
        raise SpecError(errors)
    info = document.get("info") or {}
    typed = typed_errors(specs)
    return Package(
        folder=config.origin.file.rsplit("/", 1)[0], package=config.package, distribution=config.distribution,
        title=spec_text(info.get("title")) or config.client, api_version=spec_text(str(info.get("version", ""))),
        version=package_version(spec_text(str(info.get("version", "")))),
        description=spec_text(info.get("description")), client=client, model_modules=tuple(modules),
        exports=_exports(modules), top_exports=tuple(e for e in _exports(modules) if e[0] not in top_level_names(client)),
        openapi_json=dump_json(document), **example, webhooks=webhooks, webhook_imports=webhook_imports,
        warnings=specs.warnings, names_json=dump_history(replace(specs.names, example=shown)),
        typed_errors=typed, errors_imports=errors_imports(typed),
        release=release_of(document, spec_text(info.get("title")) or config.client),
    )  # fmt: skip


# PEP 440's version scheme (its appendix B), case-insensitive: what pip accepts in pyproject.toml.
_PEP440 = re.compile(
    r"""v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
    (?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?""",
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)


def package_version(api_version: str) -> str:
    """The distribution version for ``info.version``: as it is when PEP 440 accepts it (``2.1.0``,
    ``v2``, ``1.0.0-beta.1``), else its numbers joined by dots (``2024-05-01`` -> ``2024.5.1``,
    ``Build 7 (β)`` -> ``7``), else ``0``. pip refuses anything else, and it is ASCII, so it can
    go into the User-Agent header too."""
    if _PEP440.fullmatch(api_version):
        return api_version
    numbers = re.findall(r"[0-9]+", api_version, flags=re.ASCII)[:4]
    return ".".join(str(int(n)) for n in numbers) or "0"


def _example(
    client: Client, config: ProviderConfig, errors: list[Diagnostic], history: NameHistory
) -> tuple[dict[str, str], str]:
    """The call the package README shows: ``example:`` of provider.yaml, else a derived one; and
    the derived one's route, which names.json records.

    Derived: the one names.json recorded while it exists, so that adding an endpoint never
    rewrites README.md; else the first GET without required arguments in (resource, method)
    order, else the first operation, its arguments as placeholders (methods returning a body
    before methods streaming events).
    """
    empty = {"example_resource": "", "example_method": "", "example_arguments": ""}
    if config.example is None:
        every = sorted(
            ((r.attribute, op) for r in client.resources for op in r.operations),
            key=lambda e: (e[0], e[1].name),
        )
        recorded = [(r, op) for r, op in every if _route(op) == history.example and not op.streams]
        every = [(r, op) for r, op in every if not op.streams] or every  # a result to print, not a stream
        plain = [(r, op) for r, op in every if op.http_method == "GET" and not op.positional
                 and all(p.default is not None for p in op.keyword + op.body_fields)]  # fmt: skip
        candidates = recorded or plain or every
        if not candidates:
            return empty, ""
        return _call(*candidates[0]), _route(candidates[0][1])
    resource, _, method = config.example.partition(".")
    found = [
        op for r in client.resources if r.attribute == resource for op in r.operations if op.name == method
    ]
    if not found:
        known = sorted(f"{r.attribute}.{op.name}" for r in client.resources for op in r.operations)
        errors.append(Diagnostic(config.origin.child("example"), f"no method {config.example!r}",
                                 hint="one of: " + ", ".join(known[:12])))  # fmt: skip
        return empty, ""
    return _call(resource, found[0]), ""


def _route(op: Operation) -> str:
    return f"{op.http_method} {op.path}"


def _call(resource: str, op: Operation) -> dict[str, str]:
    arguments = [repr(p.wire) for p in op.positional]
    arguments += [f"{p.name}=..." for p in op.keyword + op.body_fields if p.default is None]
    return {
        "example_resource": resource,
        "example_method": op.name,
        "example_arguments": ", ".join(arguments),
    }
