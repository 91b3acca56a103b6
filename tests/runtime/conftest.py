"""Fixtures for the client runtime tests: clients wired to a FakeServer through httpx.MockTransport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from runtime_support import BASE_URL, SCHEMES, FakeServer, Reply

from generator import _runtime as rt

MakeClient = Callable[..., "tuple[rt.SyncClient, FakeServer]"]
MakeAsyncClient = Callable[..., "tuple[rt.AsyncClient, FakeServer]"]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    http_clients: list[httpx.Client] = []

    def make(
        *script: Reply, credentials: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[rt.SyncClient, FakeServer]:
        server = FakeServer(*script)
        http = httpx.Client(transport=httpx.MockTransport(server))
        http_clients.append(http)
        client = rt.SyncClient(
            base_url=kwargs.pop("base_url", BASE_URL),
            schemes=SCHEMES,
            credentials=credentials or {},
            http_client=http,
            **kwargs,
        )
        client._sleep = server.sleeps.append
        return client, server

    yield make
    for http in http_clients:
        http.close()


@pytest.fixture
async def make_async_client() -> AsyncIterator[MakeAsyncClient]:
    http_clients: list[httpx.AsyncClient] = []

    def make(
        *script: Reply, credentials: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[rt.AsyncClient, FakeServer]:
        server = FakeServer(*script)
        http = httpx.AsyncClient(transport=httpx.MockTransport(server))
        http_clients.append(http)
        client = rt.AsyncClient(
            base_url=kwargs.pop("base_url", BASE_URL),
            schemes=SCHEMES,
            credentials=credentials or {},
            http_client=http,
            **kwargs,
        )
        client._sleep = server.asleep
        return client, server

    yield make
    for http in http_clients:
        await http.aclose()


@pytest.fixture(params=["sync", "async"])
def make_any_client(
    request: pytest.FixtureRequest, make_client: MakeClient, make_async_client: MakeAsyncClient
) -> MakeClient | MakeAsyncClient:
    """``make_client`` or ``make_async_client``: one test body for both clients (see ``settle``)."""
    return make_client if request.param == "sync" else make_async_client
