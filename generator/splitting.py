"""Split documentation pages and whole specs into one fragment file per endpoint.

Pure functions behind ``import-docs``: they take parsed documents and return
``{file name: file text}``; the CLI reads the page and ``write`` writes the files. A file is
named after the first operation it holds, ``<method>_<path words>.json`` (for example
``get_organization_v1_invitees_invitee_id.json``), so re-importing a page gives the same names
and the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.load import Fragment
from generator.quirks import HTTP_METHODS

__all__ = ["dump_json", "fragment_file_name", "split_fragments"]


def dump_json(document: Any) -> str:
    """The JSON text we write: two-space indent, key order kept, UTF-8, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def fragment_file_name(method: str, path: str) -> str:
    """``GET /a/{b_id}/c`` -> ``get_a_b_id_c.json``; ``{organizationId}`` gives ``organization_id``."""
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", path))
    return "_".join([method.lower(), *(w.lower() for w in words)]) + ".json"


def _first_operation(document: dict[str, Any]) -> tuple[str, str] | None:
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and method in item:
                return method, path
    return None


def split_fragments(fragments: Sequence[Fragment]) -> dict[str, str]:
    """One file per fragment, named after its first operation; a name used twice is an error."""
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    errors: list[Diagnostic] = []
    for fragment in fragments:
        first = _first_operation(fragment.document)
        if first is None:
            errors.append(Diagnostic(Origin(fragment.file, "/paths"), "no operation in this document"))
            continue
        name = fragment_file_name(*first)
        if name in files:
            errors.append(Diagnostic(Origin(fragment.file), f"{first[0].upper()} {first[1]} is also "
                                     f"the first operation of {owners[name]}; both would be {name}"))  # fmt: skip
            continue
        files[name] = dump_json(fragment.document)
        owners[name] = fragment.file
    if errors:
        raise SpecError(errors)
    return files
