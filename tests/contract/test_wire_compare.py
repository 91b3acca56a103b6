"""The comparison the contract tests rely on: it applies exactly the documented normalizations.

Fast (no Prism): each normalization is shown to accept what it should and
nothing more, so a passing contract test cannot hide a real difference.
"""

from __future__ import annotations

import datetime
import enum
import json
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from contract_support import declared, package
from wire_compare import parse_rfc3339, to_wire, wire_diff


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Inner(msgspec.Struct, kw_only=True, omit_defaults=True):
    at: datetime.datetime | None = None


class Thing(msgspec.Struct, kw_only=True, omit_defaults=True, rename={"wire_name": "wireName"}):
    wire_name: str
    colour: Colour = Colour.RED
    count: int | None = None
    tags: dict[str, Any] | None = None
    inner: list[Inner] | None = None


class Plain(msgspec.Struct):
    a: int


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    a: int


def diff(raw: dict[str, Any], tp: Any = Thing, **kwargs: Any) -> list[str]:
    """Decode ``raw`` like the client does and compare the re-encoded result with it."""
    decoded = msgspec.json.decode(json.dumps(raw), type=tp)
    return wire_diff(mi.type_info(tp), raw, to_wire(decoded), **kwargs)


def test_extra_keys_of_an_open_object_are_dropped() -> None:
    assert diff({"wireName": "x", "surprise": 1, "inner": [{"at": None, "more": [1]}]}) == []


def test_an_extra_key_the_schema_declares_is_a_difference() -> None:
    lost = diff({"wireName": "x", "lost": 1}, declared=lambda cls: (frozenset({"lost"}), True))
    assert lost == ["$.lost: declared by the schema but not a field of Thing"]


def test_an_extra_key_of_a_closed_object_is_a_difference() -> None:
    closed = diff({"a": 1, "b": 2}, Plain, declared=lambda cls: (frozenset({"a"}), False))
    assert closed == ["$.b: extra key in a closed object"]
    strict = wire_diff(mi.type_info(Strict), {"a": 1, "b": 2}, {"a": 1})
    assert strict == ["$.b: extra key in a closed object"]


def test_keys_inside_an_open_map_are_all_compared() -> None:
    raw = {"wireName": "x", "tags": {"k": True, "n": 1}}
    wire = {"wireName": "x", "tags": {"k": 1, "n": 1}}
    assert wire_diff(mi.type_info(Thing), raw, wire) == ["$.tags.k: server sent True, client re-encoded 1"]
    assert wire_diff(mi.type_info(Thing), raw, {"wireName": "x", "tags": {"k": True}})


@pytest.mark.parametrize(
    ("sent", "equal"),
    [
        ("1923-04-28T09:57:48.0Z", True),
        ("1923-04-28T11:57:48+02:00", True),
        ("1923-04-28T09:57:48.5Z", False),
    ],
)
def test_date_times_compare_as_instants(sent: str, equal: bool) -> None:
    raw = {"wireName": "x", "inner": [{"at": "1923-04-28T09:57:48Z"}]}
    wire = {"wireName": "x", "inner": [{"at": sent}]}
    assert (wire_diff(mi.type_info(Thing), raw, wire) == []) is equal


def test_a_date_time_that_is_not_rfc_3339_is_a_difference() -> None:
    assert parse_rfc3339("1923-04-28 09:57:48") is None and parse_rfc3339("1923-02-30T00:00:00Z") is None
    raw = {"wireName": "x", "inner": [{"at": "yesterday"}]}
    assert wire_diff(mi.type_info(Thing), raw, {"wireName": "x", "inner": [{"at": "1923-04-28T09:57:48Z"}]})


def test_a_field_equal_to_its_default_may_be_omitted_but_nothing_else() -> None:
    assert diff({"wireName": "x", "colour": "red", "count": None}) == []
    info = mi.type_info(Thing)
    assert wire_diff(info, {"wireName": "x", "colour": "blue"}, {"wireName": "x"}) == [
        "$.colour: dropped on re-encoding although 'blue' differs from the default <Colour.RED: 'red'>"
    ]
    assert wire_diff(info, {"wireName": "x"}, {}) == [
        "$.wireName: required field missing after re-encoding (server sent 'x')"
    ]


def test_everything_else_is_compared_exactly() -> None:
    info = mi.type_info(Thing)
    assert wire_diff(info, {"wireName": "x", "count": 1}, {"wireName": "x", "count": 1.0})
    assert wire_diff(info, {"wireName": "x", "count": 1}, {"wireName": "x", "count": True})
    assert wire_diff(info, {"wireName": "x"}, {"wireName": "x", "count": 3})
    assert wire_diff(info, {"wireName": "x", "inner": [{}]}, {"wireName": "x", "inner": []})


def test_a_real_model_with_every_normalization() -> None:
    raw: dict[str, Any] = {"email": "a@example.com", "token": "t", "status": "pending", "extra": {"x": 1},
           "createdAt": "2024-05-01T10:00:00.0Z",
           "organization": {"_id": "a" * 24, "name": "Org", "slug": "org", "description": "An org",
                            "owner": "b" * 24, "isExecutive": False, "status": 0, "privileges": []}}  # fmt: skip
    model = package("akinon_appmaker").Invitation
    assert diff(raw, model, declared=declared("akinon_appmaker")) == []
    raw["organization"]["status"] = 1
    changed = msgspec.json.decode(
        json.dumps({**raw, "organization": {**raw["organization"], "status": 0}}), type=model
    )
    assert wire_diff(mi.type_info(model), raw, to_wire(changed)) == [
        "$.organization.status: server sent 1, client re-encoded 0"
    ]
