"""Decode benchmark: a 10,000-invite MariaDB list response (about 16 MB) into typed objects.

Runs in the bench venv (it has every client's runtime), all variants in one process, in rotating
order, ``--runs`` rounds; prints the seconds of each run per variant as JSON.

* ``json.loads``: the baseline, plain dicts and lists.
* ours, decoder: ``msgspec.json.Decoder(list[Invite])`` with the generated ``Invite``.
* ours, client: ``MariaDBCloud(...).invites.list()`` on an ``httpx.MockTransport`` that answers
  with the same bytes (request building, response handling and decoding).
* opc, models: ``[DtoInvite.from_dict(d) for d in json.loads(body)]``.
* opc, client: ``get_organization_v1_invites.sync(client=...)`` on the same MockTransport.
* OAG, models: ``ApiClient.deserialize(text, "List[DtoInvite]", ...)``, what its client does with
  a response body (pydantic models); OAG uses urllib3, so there is no MockTransport path.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import dataset

COUNT = 10_000
BASE_URL = "http://bench.invalid"


def _mock(body: bytes) -> Any:
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def variants(body: bytes) -> dict[str, Callable[[], list[Any]]]:
    """Each way of turning ``body`` into objects, as a zero-argument callable."""
    import httpx
    import msgspec

    from mariadb_cloud import MariaDBCloud  # type: ignore[import-not-found, unused-ignore]
    from mariadb_cloud.models.invite import Invite  # type: ignore[import-not-found, unused-ignore]

    decoder = msgspec.json.Decoder(list[Invite])
    ours = MariaDBCloud(api_key="k", base_url=BASE_URL, http_client=httpx.Client(transport=_mock(body)))

    opc_model = importlib.import_module("opc_mariadb.models").DtoInvite
    opc_list = importlib.import_module("opc_mariadb.api.invites.get_organization_v1_invites")
    opc_client = importlib.import_module("opc_mariadb.client").AuthenticatedClient(
        base_url=BASE_URL, token="k", prefix="", auth_header_name="X-API-Key",
        httpx_args={"transport": _mock(body)},
    )  # fmt: skip

    oag_api = importlib.import_module("oag_mariadb.api_client").ApiClient()
    return {
        "json.loads": lambda: json.loads(body),
        "ours: decoder": lambda: decoder.decode(body),
        "ours: client": ours.invites.list,
        "opc: models": lambda: [opc_model.from_dict(item) for item in json.loads(body)],
        "opc: client": lambda: opc_list.sync(client=opc_client),
        "OAG: models": lambda: oag_api.deserialize(body.decode(), "List[DtoInvite]", "application/json"),
    }


def _org_name(item: Any) -> str:
    if isinstance(item, dict):
        return str(item["issuer"]["org"]["name"])
    return str(item.issuer.org.name)


def check(results: dict[str, list[Any]]) -> None:
    """Every variant decoded the same number of invites and the same nested value."""
    expected = {(len(r), _org_name(r[0]), _org_name(r[-1])) for r in results.values()}
    if len(expected) != 1:
        raise SystemExit(f"variants disagree: {expected}")


def measure(funcs: dict[str, Callable[[], list[Any]]], runs: int) -> dict[str, list[float]]:
    """``runs`` rounds; each round times every variant once, the order rotating between rounds."""
    names = list(funcs)
    check({name: funcs[name]() for name in names})  # also warms up every path
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(runs):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            start = time.perf_counter()
            result = funcs[name]()
            seconds[name].append(time.perf_counter() - start)
            del result
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--path", action="append", default=[], help="add to sys.path (client packages)")
    args = parser.parse_args()
    sys.path[:0] = args.path
    body = dataset.invites_json(COUNT)
    seconds = measure(variants(body), args.runs)
    print(json.dumps({"bytes": len(body), "count": COUNT, "seed": dataset.SEED, "seconds": seconds}))


if __name__ == "__main__":
    main()
