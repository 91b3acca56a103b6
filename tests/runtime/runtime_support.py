"""Test doubles for the client runtime tests: models, schemes and a scripted fake server."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Union

import httpx
import msgspec

from generator import _runtime as rt

BASE_URL = "https://api.example.test/v1"
SECRET_TOKEN = "tok-9f8e7d6c5b4a"
SECRET_KEY = "key-1a2b3c4d5e6f"
SECRET_PASSWORD = "pw-0p9o8i7u6y"

SCHEMES = {
    "BearerAuth": rt.SecurityScheme("bearer"),
    "HeaderKey": rt.SecurityScheme("apiKey", "header", "X-API-Key"),
    "QueryKey": rt.SecurityScheme("apiKey", "query", "api_key"),
    "CookieKey": rt.SecurityScheme("apiKey", "cookie", "session"),
    "Basic": rt.SecurityScheme("basic"),
}


class Role(rt.OpenEnum):
    ADMIN = "admin"
    MEMBER = "member"


class Invite(msgspec.Struct, rename={"org_id": "organizationId"}):
    id: str
    email: str
    role: Role
    org_id: str


class NewInvite(msgspec.Struct):
    email: str
    role: Union[Role, rt.UnsetType] = rt.UNSET
    org_id: Union[str, rt.UnsetType] = msgspec.field(name="organizationId", default=rt.UNSET)


class ErrorBody(msgspec.Struct):
    code: str
    message: str


INVITE_JSON = {"id": "i1", "email": "a@example.com", "role": "admin", "organizationId": "o1"}

Reply = Union[Callable[[httpx.Request], httpx.Response], Exception]


def reply(
    status: int = 200,
    *,
    json: Any = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Callable[[httpx.Request], httpx.Response]:
    """A response factory: every attempt gets a fresh httpx.Response."""

    def build(request: httpx.Request) -> httpx.Response:
        if json is not None:
            return httpx.Response(status, json=json, headers=headers)
        return httpx.Response(status, content=content or b"", headers=headers)

    return build


class FakeServer:
    """Plays the scripted replies in order (the last one repeats) and records requests."""

    def __init__(self, *script: Reply) -> None:
        self.script = list(script) or [reply(json=INVITE_JSON)]
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(item, Exception):
            raise item
        return item(request)

    async def asleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


async def settle(value: Any) -> Any:
    """Await ``value`` if it is awaitable (async client), else return it (sync client)."""
    return await value if inspect.isawaitable(value) else value
