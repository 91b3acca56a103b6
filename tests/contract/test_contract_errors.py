"""Every error status an operation declares, selected with ``Prefer: code=N``, raises its typed error.

The statuses and their body schemas are read from ``openapi.json``.  For each,
a valid call made with ``Prefer: code=N, seed=S`` must raise exactly the class
for N (400 BadRequestError, 401 AuthenticationError, 403 PermissionDeniedError,
404 NotFoundError, ...), carry ``status_code`` N and the body decoded into the
declared model, which re-encodes to the raw error body (same normalizations as
for results), and, the request being valid, no ``sl-violations`` header.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec.inspect as mi
import pytest
from contract_support import (
    CASES,
    STATUS_ERRORS,
    Case,
    MakeClient,
    declared,
    error_statuses,
    invoke,
    package,
    python_type,
    raw_resource,
    response_schema,
)
from prism_server import prefer_header
from wire_compare import to_wire, wire_diff

pytestmark = pytest.mark.slow

ERROR_CASES = [
    (case, status) for case in CASES for status in error_statuses(case.provider, case.method, case.path)
]
SEEDS = [f"{700_001 + n:06d}" for n in range(10)]


def error_class(pkg: Any, status: int) -> Any:
    name = STATUS_ERRORS.get(status, "InternalServerError" if status >= 500 else "APIStatusError")
    return getattr(pkg, name)


def error_problems(case: Case, status: int, error: Any, model: Any) -> list[str]:
    """What is wrong with one raised error (empty if nothing)."""
    problems = []
    if error.status_code != status or f"{status} " not in str(error):
        problems.append(f"status {error.status_code}, message {error}")
    if "sl-violations" in error.headers:
        problems.append(f"sl-violations: {error.headers['sl-violations']}")
    if not isinstance(error.model, model):
        return problems + [f"model {error.model!r} is not a {model.__name__}"]
    raw, wire = json.loads(error.body), to_wire(error.model)
    return problems + wire_diff(mi.type_info(model), raw, wire, declared=declared(case.provider))


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("case", "status"), ERROR_CASES, ids=[f"{c.id}->{s}" for c, s in ERROR_CASES])
async def test_declared_errors_raise_typed_exceptions_with_the_declared_model(
    case: Case, status: int, mode: str, make_client: MakeClient
) -> None:
    pkg = package(case.provider)
    expected, model = error_class(pkg, status), python_type(
        case.provider, response_schema(case.provider, case.method, case.path, str(status))
    )
    resource = raw_resource(make_client(case.provider, mode), case)
    failures = []
    for seed in SEEDS:
        with pytest.raises(pkg.APIStatusError) as info:
            await invoke(case, resource, {"headers": prefer_header(code=status, seed=seed)})
        if type(info.value) is not expected:
            failures.append(f"seed={seed}: raised {type(info.value).__name__}, wanted {expected.__name__}")
        problems = error_problems(case, status, info.value, model)
        failures += [f"seed={seed}: {problem}\n  raw body: {info.value.body!r}" for problem in problems]
    assert not failures, "\n".join(failures)


def test_both_providers_declare_error_statuses() -> None:
    assert {case.provider for case, _ in ERROR_CASES} == {"mariadb_cloud", "akinon_appmaker"}
