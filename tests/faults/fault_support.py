"""Shared helpers for the fault tests: the two generated clients, their calls and bodies, secrets.

A ``Target`` describes one generated client (MariaDB Cloud or Akinon AppMaker)
well enough for provider-independent fault tests: how to build it against our
server, one idempotent GET and one non-idempotent POST call, and bodies that
make those calls succeed.  Calls return the result (sync client) or an
awaitable (async client); ``settle`` awaits when needed, so one async test
body covers both modes.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import logging
import time
import tracemalloc
import traceback
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
PROVIDERS = ("mariadb_cloud", "akinon_appmaker")
MODES = ("sync", "async")
CREDENTIAL_ENV = (
    "MARIADB_CLOUD_API_KEY",
    "MARIADB_CLOUD_BASE_URL",
    "AKINON_APPMAKER_ACCESS_TOKEN",
    "AKINON_APPMAKER_BEARER_TOKEN",
    "AKINON_APPMAKER_BASE_URL",
)

API_KEY = "sk-live-FAULT-7c1e9a0b5d3f42e8a6"
BEARER_TOKEN = "jwt-SECRET-4b8d2f6a1c9e73508d"
SECRETS = (API_KEY, BEARER_TOKEN)
MakeClient = Callable[..., Any]  # make_client(provider, mode, **client_kwargs), see conftest.py
ORG_ID = "5f0c" * 6

ORGANIZATION = {"_id": "a1" * 12, "name": "Acme", "slug": "acme", "description": "An org",
                "owner": "b2" * 12, "isExecutive": False, "status": 1, "privileges": ["org:read"]}  # fmt: skip
INVITATION = {"email": "new.user@example.com", "token": "tok-1", "organization": ORGANIZATION,
              "status": "success", "validatedAt": "2024-05-01T10:00:00Z", "_id": "c3" * 12}  # fmt: skip
PAGE = {"totalDocs": 1, "limit": 10, "page": 1, "totalPages": 1, "pagingCounter": 1,
        "hasPrevPage": False, "hasNextPage": False, "prevPage": 0, "nextPage": 0, "docs": [INVITATION]}  # fmt: skip
INVITES = [{"id": "inv-1", "org_id": "org-1", "created_on": 1714557600,
            "invitees": [{"id": "iv-1", "email": "a@example.com", "roles": ["admin"], "status": "pending"}]}]  # fmt: skip
CREATED = {"invite": INVITES[0], "failed": {"b@example.com": "already a member"}}


@dataclass(frozen=True)
class Target:
    """One generated client, reduced to what the fault tests need."""

    provider: str
    get: Callable[..., Any]  # (client, **method_kwargs) -> result or awaitable
    post: Callable[..., Any]
    get_body: bytes
    post_body: bytes
    get_type: str  # the model the GET call returns ("list:Model" for a list of it)
    post_type: str  # the model the POST call returns
    secret: str = field(repr=False)

    def package(self) -> Any:
        return importlib.import_module(self.provider)

    def expected_get(self) -> Any:
        """``get_body`` decoded independently of the client, to compare results with."""
        return self._decode(self.get_body, self.get_type)

    def expected_post(self) -> Any:
        """``post_body`` decoded independently of the client."""
        return self._decode(self.post_body, self.post_type)

    def _decode(self, body: bytes, type_name: str) -> Any:
        kind, _, name = type_name.rpartition(":")
        model = getattr(self.package(), name)
        return msgspec.json.decode(body, type=types.GenericAlias(list, (model,)) if kind == "list" else model)

    def client(self, mode: str, base_url: str, **kwargs: Any) -> Any:
        """A sync or async client of this provider, pointed at ``base_url``, with credentials."""
        package = self.package()
        if self.provider == "mariadb_cloud":
            cls = package.MariaDBCloud if mode == "sync" else package.AsyncMariaDBCloud
            return cls(api_key=self.secret, base_url=base_url, **kwargs)
        cls = package.AkinonAppMaker if mode == "sync" else package.AsyncAkinonAppMaker
        return cls(bearer_token=self.secret, base_url=base_url, **kwargs)


def _mariadb_post(client: Any, **kwargs: Any) -> Any:
    item = importlib.import_module("mariadb_cloud").InvitesCreateRequestItem
    return client.invites.create(body=[item(email="a@example.com", roles=["admin"])], **kwargs)


def _akinon_post(client: Any, **kwargs: Any) -> Any:
    when = datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.timezone.utc)
    return client.invitation.create_org_invitation(
        ORG_ID, email="new.user@example.com", validated_at=when, **kwargs
    )


TARGETS = {
    "mariadb_cloud": Target(
        "mariadb_cloud",
        get=lambda client, **kwargs: client.invites.list(**kwargs),
        post=_mariadb_post,
        get_body=json.dumps(INVITES).encode(),
        post_body=json.dumps(CREATED).encode(),
        get_type="list:Invite",
        post_type="CreateInviteResponse",
        secret=API_KEY,
    ),
    "akinon_appmaker": Target(
        "akinon_appmaker",
        get=lambda client, **kwargs: client.invitation.get_org_invitations(ORG_ID, **kwargs),
        post=_akinon_post,
        get_body=json.dumps(PAGE).encode(),
        post_body=json.dumps(INVITATION).encode(),
        get_type="GetInvitationsResponse",
        post_type="Invitation",
        secret=BEARER_TOKEN,
    ),
}


async def settle(value: Any) -> Any:
    """Await ``value`` if it is awaitable (async client), else return it (sync client)."""
    return await value if inspect.isawaitable(value) else value


async def close(client: Any) -> None:
    """Close a sync or async client."""
    await settle(client.aclose() if hasattr(client, "aclose") else client.close())


class Stopwatch:
    """Elapsed wall-clock seconds of a ``with timed() as watch:`` block."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.seconds = 0.0


@contextmanager
def timed() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    try:
        yield watch
    finally:
        watch.seconds = time.monotonic() - watch.start


@contextmanager
def heap_peak() -> Iterator[Callable[[], int]]:
    """Trace Python allocations in the block; yields a function returning the peak in bytes."""
    tracemalloc.start()
    peak = [0]
    try:
        yield lambda: peak[0]
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def exception_texts(exc: BaseException) -> list[str]:
    """Every text a user could see for ``exc``: str, repr, args and the formatted traceback chain."""
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    texts += [str(arg) for arg in exc.args]
    return texts


def leaked(texts: list[str], secrets: tuple[str, ...] = SECRETS, min_part: int = 8) -> list[str]:
    """The texts that contain a secret, or a piece of ``min_part`` or more of its characters."""
    pieces = {s[i : i + min_part] for s in secrets for i in range(len(s) - min_part + 1)}
    return [text for text in texts if any(piece in text for piece in pieces)]


def log_texts(records: list[logging.LogRecord]) -> list[str]:
    """The rendered message (and formatted exception, if any) of every record."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in records]
