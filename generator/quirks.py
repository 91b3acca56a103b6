"""Known vendor quirks, normalized before validation, each with a warning naming file and pointer.

The documented list (docs/quirks.md) is the whole list: anything else that is wrong is an error
from ``validate``, never a silent fix. With ``strict=True`` every quirk is an error instead.

1. ``swagger2-media-keys``: a Swagger 2.0 ``consumes`` or ``produces`` key inside an OpenAPI 3.x
   operation (MariaDB publishes two). It has no meaning in 3.x (media types live under
   ``requestBody.content`` and ``responses.*.content``), so it moves to ``x-consumes`` /
   ``x-produces`` where it is kept for reference.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace

from generator.diagnostics import Diagnostic, Origin
from generator.load import Fragment

__all__ = ["HTTP_METHODS", "apply_quirks"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SWAGGER2_KEYS = ("consumes", "produces")


def _media_keys(fragment: Fragment, strict: bool) -> tuple[Fragment, list[Diagnostic]]:
    document = fragment.document
    found: list[Diagnostic] = []
    moved = copy.deepcopy(document)
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            for key in _SWAGGER2_KEYS:
                if key not in operation:
                    continue
                origin = Origin(fragment.file).child("paths", path, method, key)
                target = moved["paths"][path][method]
                if f"x-{key}" in operation:
                    found.append(Diagnostic(origin, f"swagger 2.0 key {key!r} next to 'x-{key}'"))
                    continue
                target[f"x-{key}"] = target.pop(key)
                found.append(
                    Diagnostic(
                        origin,
                        f"swagger 2.0 key {key!r} in an openapi 3.x operation; moved to 'x-{key}'",
                        hint="media types belong under requestBody.content and responses.*.content",
                        severity="error" if strict else "warning",
                    )
                )
    return (replace(fragment, document=moved) if found else fragment), found


def apply_quirks(
    fragments: Sequence[Fragment], *, strict: bool = False
) -> tuple[tuple[Fragment, ...], list[Diagnostic]]:
    """Normalize the documented quirks of every fragment; return the fragments and the findings."""
    result: list[Fragment] = []
    findings: list[Diagnostic] = []
    for fragment in fragments:
        fixed, found = _media_keys(fragment, strict)
        result.append(fixed)
        findings += found
    return tuple(result), findings
