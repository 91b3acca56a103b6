"""Fixtures for the Prism contract tests.

One Prism per provider (session scope) mocks ``generated/<provider>/openapi.json``
on 127.0.0.1 in dynamic mode with a fixed ``--seed``; each request picks its
own body with ``Prefer: seed=NNNNNN``.  ``run_prism`` stops Prism by process
group when the session ends, also after failures.  Clients are the generated
ones, imported from ``generated/<provider>`` put on sys.path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from contract_support import API_KEY, BEARER_TOKEN, CREDENTIAL_ENV, GENERATED, PROVIDERS, MakeClient, package
from prism_server import run_prism

PRISM_SEED = 20240501


@pytest.fixture(scope="session")
def prism() -> Iterator[dict[str, str]]:
    """Base URL of the Prism mocking each provider."""
    with ExitStack() as stack:
        yield {
            provider: stack.enter_context(run_prism(GENERATED / provider / "openapi.json", seed=PRISM_SEED))
            for provider in PROVIDERS
        }


def new_client(provider: str, mode: str, base_url: str, *, credentials: bool = True, **kwargs: Any) -> Any:
    """A generated client (sync or async) for Prism; no retries, so every answer is seen as sent."""
    pkg = package(provider)
    kwargs.setdefault("max_retries", 0)
    kwargs.setdefault("timeout", 30.0)
    if provider == "mariadb_cloud":
        kwargs.setdefault("api_key", API_KEY if credentials else None)
        cls = pkg.MariaDBCloud if mode == "sync" else pkg.AsyncMariaDBCloud
    else:
        kwargs.setdefault("bearer_token", BEARER_TOKEN if credentials else None)
        cls = pkg.AkinonAppMaker if mode == "sync" else pkg.AsyncAkinonAppMaker
    return cls(base_url=base_url, **kwargs)


@pytest.fixture(scope="session")
def sync_clients(prism: dict[str, str]) -> Iterator[dict[str, Any]]:
    """One sync client per provider, shared by the session."""
    clients = {provider: new_client(provider, "sync", url) for provider, url in prism.items()}
    yield clients
    for client in clients.values():
        client.close()


@pytest.fixture
async def make_client(prism: dict[str, str]) -> AsyncIterator[MakeClient]:
    """``make_client(provider, mode, **kwargs)``: a fresh client of that provider's Prism, closed after."""
    made: list[Any] = []

    def make(provider: str, mode: str, **kwargs: Any) -> Any:
        client = new_client(provider, mode, prism[provider], **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        if hasattr(client, "aclose"):
            await client.aclose()
        else:
            client.close()


@pytest.fixture(scope="session", autouse=True)
def _seed_packages(seed_packages: None) -> None:
    """Every test here uses the generated seed packages (tests/conftest.py)."""
