"""Every operation of both generated clients, sync and async, against Prism in dynamic mode.

For each operation the client is called with valid arguments and a different
``Prefer: seed=NNNNNN`` until 50 different bodies were seen (fewer only where
the response type has fewer values: the 4-value enum, the empty body).  Each
response must be a 2xx without ``sl-violations``, decode into the type the
spec declares, warn exactly when the operation is deprecated, and re-encode to
the JSON Prism sent up to the normalizations of ``wire_compare``.  A failure
lists every bad seed with its raw body; replay one with
``curl -H 'Prefer: seed=NNNNNN' ...`` against ``prism mock -d`` of the same spec.
"""

from __future__ import annotations

import warnings
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from contract_support import (
    CASES,
    PROVIDERS,
    Case,
    MakeClient,
    Sample,
    model_schema,
    models_by_pointer,
    package,
    raw_resource,
    schema_properties,
    spec_operations,
)
from prism_server import prefer_header
from wire_compare import to_wire

pytestmark = pytest.mark.slow

by_id: dict[str, Any] = {"ids": lambda case: case.id}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_case_table_covers_every_operation_of_the_spec(provider: str) -> None:
    table = [(case.method, case.path) for case in CASES if case.provider == provider]
    assert len(table) == len(set(table))
    assert set(table) == spec_operations(provider)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_model_defaults_are_the_spec_defaults(provider: str) -> None:
    """Normalization 3 drops fields equal to their default: that default must be the spec's (or None)."""
    wrong = []
    for cls in models_by_pointer(provider).values():
        info = mi.type_info(cls)
        if not isinstance(info, mi.StructType):
            continue
        properties, _ = schema_properties(provider, model_schema(provider, cls))
        for field in info.fields:
            if field.default in (None, msgspec.NODEFAULT) and field.default_factory is msgspec.NODEFAULT:
                continue
            default = field.default if field.default is not msgspec.NODEFAULT else field.default_factory()
            spec_default = properties.get(field.encode_name, {}).get("default", msgspec.NODEFAULT)
            if spec_default is msgspec.NODEFAULT or to_wire(default) != spec_default:
                wrong.append(f"{cls.__name__}.{field.name} = {default!r}, spec default {spec_default!r}")
    assert not wrong


def finish(sample: Sample) -> None:
    """Print the replay report (seeds and raw bodies) and fail if there is one."""
    report = sample.verdict()
    if report:
        print(report)
    assert not report, report


@pytest.mark.parametrize("case", CASES, **by_id)
def test_sync_results_are_typed_and_re_encode_to_the_raw_body(
    case: Case, sync_clients: dict[str, Any]
) -> None:
    sample = Sample(case, first_seed=1)
    resource, pkg = raw_resource(sync_clients[case.provider], case), package(case.provider)
    for seed in sample.seeds():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            response = case.call(resource, pkg, {"headers": prefer_header(seed=seed)})
        sample.check(seed, response, caught)
    finish(sample)


@pytest.mark.parametrize("case", CASES, **by_id)
async def test_async_results_are_typed_and_re_encode_to_the_raw_body(
    case: Case, make_client: MakeClient
) -> None:
    sample = Sample(case, first_seed=500_001)
    resource, pkg = raw_resource(make_client(case.provider, "async"), case), package(case.provider)
    for seed in sample.seeds():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            response = await case.call(resource, pkg, {"headers": prefer_header(seed=seed)})
        sample.check(seed, response, caught)
    finish(sample)
