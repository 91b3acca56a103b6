"""Every naming rule in one place: spec names -> Python identifiers.

Rules (docs/naming.md):
- ``snake``: words split at non-alphanumerics and camelCase humps, lower-cased, joined by ``_``
  (``createdAt`` -> ``created_at``, ``_id`` -> ``id``, ``X-API-Key`` -> ``x_api_key``).
- ``pascal``: the same words, each capitalised, the rest of each word kept (``getOrgInvitations``
  -> ``GetOrgInvitations``, ``organization_v1`` -> ``OrganizationV1``).
- ``constant``: upper snake (``not_found`` -> ``NOT_FOUND``), for enum members.
- A name that would start with a digit gets a prefix (``n_`` for snake, ``N`` for Pascal,
  ``VALUE_`` for constants); an empty name becomes ``empty`` / ``Empty`` / ``EMPTY``.
- A name that is a Python keyword, or one of the names generated code uses in annotations
  (``str``, ``list``, ``datetime``...), gets a ``_`` suffix: ``class`` -> ``class_``.
- Names are never made unique by counting in input order: callers decide collisions and report
  both origins (see ``normalize``); the only counted suffixes are for enum members, numbered
  in the order the spec declares them.
"""

from __future__ import annotations

import keyword
import re

__all__ = ["constant", "is_identifier", "pascal", "safe_identifier", "singular", "snake", "words"]

# Names that generated annotations and bodies use; a field or parameter must not shadow them.
RESERVED = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "object", "datetime", "date",
     "uuid", "msgspec", "enum", "typing", "builtins", "warnings", "httpx",
     "Any", "List", "Dict", "Literal", "Union", "Optional", "None", "True", "False"}
)  # fmt: skip

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[A-Za-z0-9]+")


def words(name: str) -> list[str]:
    """The words of a name: ``"getHTTPResponse_v2"`` -> ``["get", "HTTP", "Response", "v2"]``."""
    return [w for part in _WORD.findall(name) for w in _HUMP.split(part) if w]


def is_identifier(name: str) -> bool:
    """A valid, non-keyword Python identifier."""
    return name.isidentifier() and not keyword.iskeyword(name)


def safe_identifier(name: str, taken: frozenset[str] = frozenset()) -> str:
    """Append ``_`` to keywords, soft keywords, reserved names and names in ``taken``."""
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in RESERVED or name in taken:
        return name + "_"
    return name


def snake(name: str, taken: frozenset[str] = frozenset()) -> str:
    """``createdAt`` -> ``created_at``; the result is a safe identifier not in ``taken``."""
    result = "_".join(w.lower() for w in words(name)) or "empty"
    return safe_identifier("n_" + result if result[0].isdigit() else result, taken)


def pascal(name: str) -> str:
    """``invite_status`` -> ``InviteStatus``; the result is a safe identifier."""
    result = "".join(w[:1].upper() + w[1:] for w in words(name)) or "Empty"
    return safe_identifier("N" + result if result[0].isdigit() else result)


def constant(name: str) -> str:
    """``not_found`` -> ``NOT_FOUND``, ``3d`` -> ``VALUE_3D``: enum member names."""
    result = "_".join(w.upper() for w in words(name)) or "EMPTY"
    result = "VALUE_" + result if result[0].isdigit() else result
    return result + "_" if keyword.iskeyword(result) or result.startswith("_") else result


def singular(word: str) -> str:
    """A plain English singular for path nouns: ``invitees`` -> ``invitee``, ``keys`` -> ``key``."""
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "uses", "xes", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
