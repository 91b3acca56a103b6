"""Fixtures for the fault tests: generated packages on sys.path, our fault server, clients, log check.

Every test here captures all log records at DEBUG (the client's logger, httpx
and httpcore included) and fails if any of them contains a credential.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fault_server import FaultServer
from fault_support import (
    CREDENTIAL_ENV,
    GENERATED,
    PROVIDERS,
    TARGETS,
    MakeClient,
    close,
    leaked,
    log_texts,
)


@pytest.fixture(autouse=True)
def no_secret_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Capture every record at DEBUG; after the test, no record may mention a credential."""
    caplog.set_level(logging.DEBUG)
    yield
    dirty = leaked(log_texts(caplog.records))
    assert not dirty, f"credential in log records: {dirty}"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    fault_server = FaultServer()
    yield fault_server
    fault_server.close()


@pytest.fixture
async def make_client(server: FaultServer) -> AsyncIterator[MakeClient]:
    """``make_client(provider, mode, **client_kwargs)``: a client of ``server``, closed afterwards."""
    clients: list[Any] = []

    def make(provider: str, mode: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 5.0)
        kwargs.setdefault("base_url", server.url)
        client = TARGETS[provider].client(mode, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await close(client)


@pytest.fixture(scope="session", autouse=True)
def _seed_packages(seed_packages: None) -> None:
    """Every test here uses the generated seed packages (tests/conftest.py)."""
