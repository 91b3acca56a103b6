"""Requests that break the spec, against Prism: the client's decision, tested (docs/testing.md).

The client does not check patterns or lengths itself: such requests are sent
and the server's answer becomes a typed error -- ``BadRequestError`` with the
parsed ``ValidationErrorResponse`` where the operation declares 400,
``UnprocessableEntityError`` (Prism's own problem+json, no model) where it
declares nothing.  Required arguments are enforced by the generated types
(``TypeError`` before sending).  Missing credentials are rejected before
sending with ``MissingCredentialsError``; a request that reaches the server
without credentials gets ``AuthenticationError``.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract_support import (
    CASES,
    GENERATED,
    ORG_ID,
    WHEN,
    Case,
    MakeClient,
    error_statuses,
    generated_operation,
    invoke,
    package,
    raw_resource,
)

pytestmark = pytest.mark.slow
each_mode = pytest.mark.parametrize("mode", ["sync", "async"])

AKINON = "akinon_appmaker"
INVITATIONS = "/organizations/{organizationId}/invitations"
BAD_IDS = ["abc", "a" * 23, "a" * 25, "g" * 24, ORG_ID[:-1] + "-"]
AUTH_HEADERS = ("x-api-key", "authorization", "x-access-token")
Hook = Callable[[httpx.Request], Any]


async def settle(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def violations(error: Any) -> list[dict[str, Any]]:
    """Prism's ``sl-violations`` header of an error response, parsed ([] if absent)."""
    found: list[dict[str, Any]] = json.loads(error.headers.get("sl-violations", "[]"))
    return found


@pytest.fixture
async def hooked(mode: str) -> AsyncIterator[Callable[[Hook], Any]]:
    """``hooked(hook)``: an httpx client of the mode that runs ``hook`` on every request it sends."""
    made: list[Any] = []

    def make(hook: Hook) -> Any:
        if mode == "sync":
            made.append(httpx.Client(event_hooks={"request": [hook]}))
        else:

            async def async_hook(request: httpx.Request) -> None:
                hook(request)

            made.append(httpx.AsyncClient(event_hooks={"request": [async_hook]}))
        return made[-1]

    yield make
    for http in made:
        await settle(http.aclose() if isinstance(http, httpx.AsyncClient) else http.close())


@each_mode
@pytest.mark.parametrize("bad_id", BAD_IDS)
async def test_a_bad_organization_id_is_sent_and_prisms_422_raised(
    make_client: MakeClient, mode: str, bad_id: str
) -> None:
    pkg = package(AKINON)
    client = make_client(AKINON, mode)
    assert 422 not in error_statuses(AKINON, "GET", INVITATIONS)  # so Prism answers on its own
    with pytest.raises(pkg.UnprocessableEntityError) as info:
        await settle(client.invitation.get_org_invitations(bad_id))
    assert info.value.model is None and "sl-violations" not in info.value.headers
    problem = json.loads(info.value.body)
    assert info.value.headers["content-type"] == "application/problem+json"
    assert [(v["location"], v["code"]) for v in problem["validation"]] == [
        (["path", "organizationid"], "pattern")
    ]
    assert info.value.response.request.url.path == f"/organizations/{bad_id}/invitations"


@each_mode
@pytest.mark.parametrize(
    ("organization_id", "email", "location", "code"),
    [
        ("xyz", "new.user@example.com", ["request", "path", "organizationid"], "pattern"),
        (ORG_ID, "ab", ["request", "body", "email"], "minLength"),
        (ORG_ID, "x" * 256 + "@example.com", ["request", "body", "email"], "maxLength"),
    ],
)
async def test_invalid_create_arguments_give_a_bad_request_with_the_validation_model(
    make_client: MakeClient, mode: str, organization_id: str, email: str, location: list[str], code: str
) -> None:
    pkg = package(AKINON)
    client = make_client(AKINON, mode)
    with pytest.raises(pkg.BadRequestError) as info:
        await settle(client.invitation.create_org_invitation(organization_id, email=email, validated_at=WHEN))
    assert isinstance(info.value.model, pkg.ValidationErrorResponse)
    assert [(v["location"], v["code"]) for v in violations(info.value)] == [(location, code)]


@each_mode
async def test_the_generated_types_require_validated_at(
    make_client: MakeClient, hooked: Callable[[Hook], Any], mode: str
) -> None:
    pkg, sent = package(AKINON), list[httpx.Request]()
    client = make_client(AKINON, mode, http_client=hooked(sent.append))
    parameter = inspect.signature(client.invitation.create_org_invitation).parameters["validated_at"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty
    with pytest.raises(TypeError, match="validated_at"):
        client.invitation.create_org_invitation(ORG_ID, email="new.user@example.com")  # mypy: see below
    with pytest.raises(TypeError, match="validated_at"):
        pkg.CreateOrgInvitationRequest(email="new.user@example.com")
    assert sent == []


def test_mypy_rejects_a_call_without_validated_at(tmp_path: Path) -> None:
    """The generated signatures make ``validated_at`` required for type checkers, not only at run time."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from akinon_appmaker import AkinonAppMaker, CreateOrgInvitationRequest\n"
        "client = AkinonAppMaker(bearer_token='t')\n"
        f"client.invitation.create_org_invitation({ORG_ID!r}, email='new.user@example.com')\n"
        "CreateOrgInvitationRequest(email='new.user@example.com')\n"
    )
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(snippet)]
    env = {**os.environ, "MYPYPATH": str(GENERATED / AKINON)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count('error: Missing named argument "validated_at"') == 2, done.stdout


@each_mode
async def test_a_body_without_validated_at_sent_through_the_runtime_is_rejected(
    make_client: MakeClient, mode: str
) -> None:
    pkg = package(AKINON)
    operation = generated_operation(AKINON, "POST", INVITATIONS)
    client = make_client(AKINON, mode)
    body = {"email": "new.user@example.com", "roles": [ORG_ID]}
    with pytest.raises(pkg.BadRequestError) as info:
        await settle(client.request(operation, path={"organizationId": ORG_ID}, body=body))
    assert json.loads(info.value.response.request.content) == body
    assert isinstance(info.value.model, pkg.ValidationErrorResponse)
    assert [(v["location"], v["code"]) for v in violations(info.value)] == [(["request", "body"], "required")]
    assert "validatedAt" in violations(info.value)[0]["message"]


@each_mode
@pytest.mark.parametrize("credential", ["absent", "empty"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_missing_credentials_are_refused_before_sending(
    make_client: MakeClient, hooked: Callable[[Hook], Any], mode: str, case: Case, credential: str
) -> None:
    pkg, sent = package(case.provider), list[httpx.Request]()
    empty = {"api_key": ""} if case.provider == "mariadb_cloud" else {"bearer_token": "", "access_token": ""}
    extra = empty if credential == "empty" else {}
    client = make_client(case.provider, mode, credentials=False, http_client=hooked(sent.append), **extra)
    supply = (
        r"BearerAuth \(api_key= or \$MARIADB_CLOUD_API_KEY\)"
        if case.provider == "mariadb_cloud"
        else r"bearerAuth \(bearer_token= or \$AKINON_APPMAKER_BEARER_TOKEN\) or "
        r"accessToken \(access_token= or \$AKINON_APPMAKER_ACCESS_TOKEN\)"
    )
    with pytest.raises(pkg.MissingCredentialsError, match="needs credentials: " + supply):
        await invoke(case, raw_resource(client, case), {})
    assert sent == []


def strip_credentials(request: httpx.Request) -> None:
    for name in AUTH_HEADERS:
        request.headers.pop(name, None)


@each_mode
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
async def test_a_request_without_credentials_is_a_401_from_the_server(
    make_client: MakeClient, hooked: Callable[[Hook], Any], mode: str, case: Case
) -> None:
    pkg = package(case.provider)
    client = make_client(case.provider, mode, http_client=hooked(strip_credentials))
    with pytest.raises(pkg.AuthenticationError) as info:
        await invoke(case, raw_resource(client, case), {})
    assert not set(AUTH_HEADERS) & {name.lower() for name in info.value.response.request.headers}
    if 401 in error_statuses(case.provider, case.method, case.path):
        assert isinstance(info.value.model, pkg.UnauthorizedError)
        assert [v["code"] for v in violations(info.value)] == [401]
    else:
        assert info.value.model is None and "sl-violations" not in info.value.headers
        assert json.loads(info.value.body)["title"] == "Invalid security scheme used"
