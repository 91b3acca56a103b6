"""Deterministic MariaDB Cloud payloads: invites with a nested issuer (user and org) and invitees.

The same seed always gives the same bytes. Field names and value shapes follow the
``dto.Invite`` / ``dto.User`` / ``dto.Org`` / ``dto.Invitee`` schemas of specs/mariadb_cloud.
"""

from __future__ import annotations

import json
import random
from typing import Any

SEED = 20240601
ROLES = ("admin", "member", "billing", "read-only", "developer", "security-auditor")
STATUSES = ("pending", "accepted", "expired", "cancelled")
TIERS = ("foundation", "power", "enterprise")
FIRST = ("Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Alan", "Radia")
LAST = ("Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Kay")
DOMAINS = ("example.com", "example.org", "mariadb.example", "skysql.example")


def _uid(rng: random.Random) -> str:
    return "%08x-%04x-4%03x-%04x-%012x" % (
        rng.getrandbits(32),
        rng.getrandbits(16),
        rng.getrandbits(12),
        rng.getrandbits(16) | 0x8000,
        rng.getrandbits(48),
    )


def _time(rng: random.Random) -> int:
    return 1_600_000_000 + rng.randrange(200_000_000)


def _org(rng: random.Random) -> dict[str, Any]:
    return {
        "id": _uid(rng),
        "name": f"{rng.choice(LAST)} {rng.choice(('Labs', 'Systems', 'Analytics', 'Cloud'))} {rng.randrange(1000)}",
        "tier": rng.choice(TIERS),
        "is_active": rng.random() < 0.9,
        "is_deleted": rng.random() < 0.02,
        "created_by": _uid(rng),
        "created_on": _time(rng),
        "current_owner": _uid(rng),
        "updated_by": _uid(rng),
        "updated_on": _time(rng),
    }


def _user(rng: random.Random, org: dict[str, Any]) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "id": _uid(rng),
        "email": f"{first.lower()}.{last.lower()}{rng.randrange(10000)}@{rng.choice(DOMAINS)}",
        "first_name": first,
        "last_name": last,
        "org_id": org["id"],
        "org": org,
        "roles": rng.sample(ROLES, rng.randint(1, 3)),
        "invited": rng.random() < 0.3,
        "is_active": True,
        "is_deleted": False,
        "mfa_enabled": rng.random() < 0.6,
        "created_by": _uid(rng),
        "created_on": _time(rng),
        "updated_by": _uid(rng),
        "updated_on": _time(rng),
    }


def _invitee(rng: random.Random) -> dict[str, Any]:
    ident = _uid(rng)
    return {
        "id": ident,
        "email": f"{rng.choice(FIRST).lower()}{rng.randrange(100000)}@{rng.choice(DOMAINS)}",
        "roles": rng.sample(ROLES, rng.randint(1, 2)),
        "status": rng.choice(STATUSES),
        "url": f"https://app.skysql.example/invitations/{ident}?token={rng.getrandbits(128):032x}",
    }


def invite(rng: random.Random, invitees: int) -> dict[str, Any]:
    """One invite: issuer with org, ``invitees`` invitees, timestamps."""
    issuer = _user(rng, _org(rng))
    created = _time(rng)
    return {
        "id": _uid(rng),
        "org_id": issuer["org_id"],
        "issuer": issuer,
        "invitees": [_invitee(rng) for _ in range(invitees)],
        "created_on": created,
        "updated_on": created + rng.randrange(86_400),
        "expire_on": created + 7 * 86_400,
    }


def invites(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` invites with 1 to 4 invitees each."""
    rng = random.Random(seed)
    return [invite(rng, rng.randint(1, 4)) for _ in range(count)]


def invites_json(count: int, seed: int = SEED) -> bytes:
    """The JSON list response body, compact, as an API would send it."""
    return json.dumps(invites(count, seed), separators=(",", ":")).encode()


def small_invite_json(seed: int = SEED) -> bytes:
    """A small single-invite body (one invitee, no issuer) for the per-call benchmark."""
    data = invite(random.Random(seed), 1)
    del data["issuer"]
    return json.dumps(data, separators=(",", ":")).encode()
