"""Compare the JSON a server sent with the client's decoded result re-encoded to wire form.

``wire_diff(info, raw, wire)`` walks the declared type (``msgspec.inspect``)
alongside ``raw`` (the server's body, parsed with the standard ``json``
module, independently of msgspec) and ``wire`` (``to_wire(result)``: the
decoded result encoded again with ``msgspec.json.encode`` and parsed back).
It returns one line per difference; an empty list means equal.  Everything is
compared exactly (including ``bool`` vs ``int`` and ``int`` vs ``float``)
except for three documented normalizations (docs/testing.md), and nothing else:

1. Extra keys.  At an object decoded into a Struct, a raw key that is not a
   field of the model is dropped, but only if the schema does not declare it
   (else the model lost a property: a difference) and the object is open (the
   schema's additionalProperties is not false and the Struct does not forbid
   unknown fields).  ``declared(cls)`` tells the schema's property names and
   openness for a model class.  Keys inside a dict-typed value
   (additionalProperties with a schema) are all compared.
2. Date-times.  Where the model says ``datetime``, both sides must be RFC 3339
   date-time strings and are compared as instants, so ``...T09:57:48.0Z`` equals
   ``...T09:57:48Z``.
3. Omitted defaults.  A field the raw object has but the re-encoded one lacks
   is accepted only if the model has a default for it and the raw value equals
   that default in wire form (Structs are ``omit_defaults=True``; None is the
   default of optional fields).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

import msgspec
import msgspec.inspect as mi

_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)")


Declared = Callable[[type], "tuple[frozenset[str], bool]"]  # model -> (schema property names, open?)


def anything_goes(cls: type) -> tuple[frozenset[str], bool]:
    """The default ``declared``: no schema known, every object open."""
    return frozenset(), True


def to_wire(value: object) -> Any:
    """``value`` as it goes over the wire: msgspec-encoded JSON, parsed back with ``json``."""
    return json.loads(msgspec.json.encode(value))


def parse_rfc3339(text: str) -> datetime.datetime | None:
    """An aware datetime for an RFC 3339 date-time string, None if it is not one.

    Fractions longer than microseconds must have only zeros after the sixth digit.
    """
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    fraction = fraction or ""
    if fraction[6:].strip("0"):
        return None
    offset = datetime.timedelta(0)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        offset = sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    try:
        return datetime.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int(fraction[:6].ljust(6, "0")), tzinfo=datetime.timezone(offset),
        )  # fmt: skip
    except ValueError:
        return None


def same_json(a: object, b: object) -> bool:
    """Deep JSON equality that also tells ``True`` from ``1`` and ``1`` from ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return a == b


def wire_diff(
    info: mi.Type, raw: object, wire: object, path: str = "$", declared: Declared = anything_goes
) -> list[str]:
    """The differences between ``raw`` and ``wire`` under type ``info``, after the normalizations."""
    if isinstance(info, mi.StructType):
        return _struct_diff(info, raw, wire, path, declared)
    if isinstance(info, (mi.ListType, mi.DictType)):
        return _collection_diff(info, raw, wire, path, declared)
    if isinstance(info, mi.UnionType):
        if raw is None or wire is None:
            return [] if raw is wire else [f"{path}: server sent {raw!r}, client re-encoded {wire!r}"]
        members = [t for t in info.types if not isinstance(t, mi.NoneType)]
        options = (wire_diff(t, raw, wire, path, declared) for t in members)
        return min(options, key=len, default=[f"{path}: no member of the union fits {raw!r}"])
    if isinstance(info, mi.DateTimeType):
        return _datetime_diff(raw, wire, path)
    return [] if same_json(raw, wire) else [f"{path}: server sent {raw!r}, client re-encoded {wire!r}"]


def _struct_diff(info: mi.StructType, raw: object, wire: object, path: str, declared: Declared) -> list[str]:
    if not isinstance(raw, dict) or not isinstance(wire, dict):
        return [f"{path}: expected two objects, got {raw!r} and {wire!r}"]
    fields = {f.encode_name: f for f in info.fields}
    properties, is_open = declared(info.cls)
    diffs: list[str] = []
    for name in sorted(raw.keys() | wire.keys()):
        where, field = f"{path}.{name}", fields.get(name)
        if field is None:
            if name in wire or name in properties:
                diffs.append(f"{where}: declared by the schema but not a field of {info.cls.__name__}")
            elif not is_open or info.forbid_unknown_fields:
                diffs.append(f"{where}: extra key in a closed object")
            continue  # normalization 1: an extra key of an open object
        if name not in raw:
            diffs.append(f"{where}: not sent by the server, but re-encoded as {wire[name]!r}")
        elif name not in wire:
            diffs += _omitted_diff(field, raw[name], where)
        else:
            diffs += wire_diff(field.type, raw[name], wire[name], where, declared)
    return diffs


def _omitted_diff(field: mi.Field, raw_value: object, path: str) -> list[str]:
    """Normalization 3: a field dropped on re-encoding must have been sent with its default value."""
    if field.default is not msgspec.NODEFAULT:
        default = field.default
    elif field.default_factory is not msgspec.NODEFAULT:
        default = field.default_factory()
    else:
        return [f"{path}: required field missing after re-encoding (server sent {raw_value!r})"]
    if same_json(raw_value, to_wire(default)):
        return []
    return [f"{path}: dropped on re-encoding although {raw_value!r} differs from the default {default!r}"]


def _collection_diff(
    info: mi.ListType | mi.DictType, raw: object, wire: object, path: str, declared: Declared
) -> list[str]:
    """Arrays item by item; dicts (open maps) key by key, with no key dropped."""
    if isinstance(info, mi.ListType) and isinstance(raw, list) and isinstance(wire, list):
        if len(raw) != len(wire):
            return [f"{path}: server sent {len(raw)} items, client re-encoded {len(wire)}"]
        pairs = [(f"{path}[{i}]", r, w) for i, (r, w) in enumerate(zip(raw, wire))]
        return [d for where, r, w in pairs for d in wire_diff(info.item_type, r, w, where, declared)]
    if isinstance(info, mi.DictType) and isinstance(raw, dict) and isinstance(wire, dict):
        if raw.keys() != wire.keys():
            return [f"{path}: keys differ: server {sorted(raw)}, client {sorted(wire)}"]
        pairs = [(f"{path}.{key}", raw[key], wire[key]) for key in sorted(raw)]
        return [d for where, r, w in pairs for d in wire_diff(info.value_type, r, w, where, declared)]
    return [f"{path}: expected two {type(info).__name__} values, got {raw!r} and {wire!r}"]


def _datetime_diff(raw: object, wire: object, path: str) -> list[str]:
    """Normalization 2: date-times are compared as instants."""
    sent = parse_rfc3339(raw) if isinstance(raw, str) else None
    back = parse_rfc3339(wire) if isinstance(wire, str) else None
    if sent is None or back is None:
        return [f"{path}: not an RFC 3339 date-time: server {raw!r}, client {wire!r}"]
    return [] if sent == back else [f"{path}: server sent {raw!r}, client re-encoded {wire!r}"]
