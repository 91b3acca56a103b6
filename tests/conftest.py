"""Shared fixtures: the repository root, and a factory for provider folders in tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
MARIADB_PAGE = SEEDS / "000_1f342ddfe82c611a.txt"
AKINON_PAGE = SEEDS / "001_841abb83f80acfc6.txt"


def fragment(path: str, method: str = "get", **operation: Any) -> dict[str, Any]:
    """A minimal valid OpenAPI 3.1 document with one operation."""
    op = {"responses": {"200": {"description": "OK"}}, **operation}
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {path: {method: op}}}


MakeProvider = Callable[..., Path]


@pytest.fixture
def make_provider(tmp_path: Path) -> MakeProvider:
    """Write ``{file name: document or text}`` into ``tmp_path/specs/<name>/``; return specs/."""

    def make(files: dict[str, Any], name: str = "acme") -> Path:
        folder = tmp_path / "specs" / name
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, content in files.items():
            text = content if isinstance(content, str) else json.dumps(content)
            (folder / file_name).parent.mkdir(parents=True, exist_ok=True)
            (folder / file_name).write_text(text, encoding="utf-8")
        return tmp_path / "specs"

    return make


GENERATED = ROOT / "generated"
SEED_PROVIDERS = ("mariadb_cloud", "akinon_appmaker")
SEED_ENV = ("MARIADB_CLOUD_API_KEY", "MARIADB_CLOUD_BASE_URL", "AKINON_APPMAKER_ACCESS_TOKEN",
            "AKINON_APPMAKER_BEARER_TOKEN", "AKINON_APPMAKER_BASE_URL")  # fmt: skip
_counter = iter(range(10**6))


@pytest.fixture(scope="session")
def seed_packages() -> Iterator[None]:
    """Put the generated seed packages on sys.path and hide credentials set in the environment."""
    with pytest.MonkeyPatch.context() as patch:
        for provider in SEED_PROVIDERS:
            patch.syspath_prepend(str(GENERATED / provider))
        for name in SEED_ENV:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture
def generated_package(
    tmp_path: Path, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """Generate a provider from fragments into tmp_path and import its package (a unique name each)."""
    import importlib
    import sys

    from generator.pipeline import build_package
    from generator.emit.write import write_tree

    def generate(files: dict[str, Any], settings: str = "") -> Any:
        name = f"pkg_{next(_counter)}"
        specs = make_provider({**files, "provider.yaml": settings or f"client: Api\n"}, name=name)
        _, _, rendered = build_package(specs, name)
        write_tree(tmp_path / "generated" / name, rendered)
        monkeypatch.syspath_prepend(str(tmp_path / "generated" / name))
        module = importlib.import_module(name)
        monkeypatch.setitem(sys.modules, name, module)
        return module

    return generate
