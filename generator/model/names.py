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
- ``spelled``: the symbols a name holds, as words, for when two names differ only by them
  (``DateCreated<`` -> ``DateCreated lt``, ``@type`` -> ``at type``; docs/naming.md).
- Collisions are decided by the callers by documented rules that name both origins in a
  warning (see ``schemas`` and ``operations``); a counted suffix is the last resort, in the
  order the spec declares the names.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping

__all__ = [
    "RESERVED",
    "MODEL_MEMBERS",
    "RUNTIME_NAMES",
    "constant",
    "distinct_snakes",
    "is_identifier",
    "pascal",
    "safe_identifier",
    "singular",
    "snake",
    "spelled",
    "words",
]

# Names that generated annotations and bodies use; a field or parameter must not shadow them.
RESERVED = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "object", "datetime", "date",
     "uuid", "msgspec", "enum", "typing", "builtins", "warnings", "httpx",
     "Any", "List", "Dict", "Literal", "Union", "Optional", "None", "True", "False"}
)  # fmt: skip

# The runtime base model's own members (``_runtime/model.py``): a property named like one gets ``_``.
MODEL_MEMBERS = frozenset({"to_dict", "to_json", "from_dict", "from_json", "unknown_fields", "fields_set"})

# Class names that generated modules import from the runtime or typing: a model must not take
# them (a schema deriving one gets ``Model`` appended, see schemas.py).
RUNTIME_NAMES = frozenset({"AsyncResource", "Operation", "RequestOptions", "SyncResource", "NotGiven", "OneOf",
                           "UnsetType", "OpenEnum", "Iterator", "AsyncIterator", "TypeAlias", "Discriminator",
                           "Annotated", "TYPE_CHECKING", "Stream", "AsyncStream", "ServerSentEvent"}) | RESERVED  # fmt: skip


_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[A-Za-z0-9]+")


def words(name: str) -> list[str]:
    """The words of a name: ``"getHTTPResponse_v2"`` -> ``["get", "HTTP", "Response", "v2"]``."""
    return [w for part in _WORD.findall(name) for w in _HUMP.split(part) if w]


_SYMBOLS = (("<=", "lte"), (">=", "gte"), ("!=", "ne"), ("<", "lt"), (">", "gt"), ("=", "eq"), ("@", "at"),
            ("$", "dollar"), ("!", "not"), ("+", "plus"), ("#", "hash"), ("%", "percent"), ("&", "and"),
            ("*", "star"), ("~", "tilde"), ("^", "caret"), ("?", "q"), ("|", "or"))  # fmt: skip


def spelled(name: str) -> str:
    """``name`` with its symbols as words: ``DateCreated<`` -> ``DateCreated lt``, ``@id`` -> ``at id``."""
    for symbol, word in _SYMBOLS:
        name = name.replace(symbol, f" {word} ")
    return name


def distinct_snakes(
    wires: list[str], taken: frozenset[str] = frozenset(), fixed: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Snake names for wire names that must stay apart (the attributes of one model).

    ``fixed`` names come first (provider.yaml, names.json). A name no other wire maps to is plain
    ``snake``. Among wires mapping to one free name, the first without symbols keeps it, the
    others are ``snake(spelled(wire))`` (``@type`` -> ``at_type``, ``DateCreated<`` ->
    ``date_created_lt``), numbered ``_2``, ``_3`` in declared order when that is taken too."""
    result = {wire: name for wire, name in (fixed or {}).items() if wire in wires}
    free = [wire for wire in wires if wire not in result]
    plain = {wire: snake(wire, taken) for wire in free}
    groups: dict[str, list[str]] = {}
    for wire in free:
        groups.setdefault(plain[wire], []).append(wire)
    used = set(result.values()) | taken
    for wire in free:
        if len(groups[plain[wire]]) == 1 and plain[wire] not in used:
            result[wire] = plain[wire]
            used.add(plain[wire])
    for name, group in groups.items():
        rest = [wire for wire in group if wire not in result]
        keeper = (
            next((w for w in rest if snake(spelled(w), taken) == name), None) if name not in used else None
        )
        for wire in rest:
            wanted = name if wire == keeper else snake(spelled(wire), taken)
            candidate, count = wanted, 1
            while candidate in used:
                count += 1
                candidate = f"{wanted}_{count}"
            result[wire] = candidate
            used.add(candidate)
    return result


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


def env_var(prefix: str, argument: str, taken: frozenset[str] = frozenset()) -> str:
    """The environment variable of a client argument: ``ACME`` + ``api_key`` -> ``ACME_API_KEY``;
    an argument that already starts with the prefix does not repeat it (``acme_key`` ->
    ``ACME_KEY``, not ``ACME_ACME_KEY``), unless that name is ``taken`` (another argument's
    variable, or the base URL's)."""
    upper = argument.upper()
    if upper.startswith(prefix + "_") and upper not in taken and upper != prefix + "_BASE_URL":
        return upper
    return f"{prefix}_{upper}"


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
