"""The generated seed clients at run time, on httpx.MockTransport (the real server is Prism, in
tests/contract): auth headers, server choice, error mapping, retries, pagination, unknown enum
values, readOnly stripping, deprecation and secret hiding."""

from __future__ import annotations

import datetime
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import msgspec
import pytest

from tests.conftest import SEED_ENV

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def _packages(seed_packages: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SEED_ENV:  # a test may have set one
        monkeypatch.delenv(name, raising=False)


def _transport(handler: Handler, seen: list[httpx.Request]) -> httpx.Client:
    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return httpx.Client(transport=httpx.MockTransport(record))


def _mariadb(handler: Handler, seen: list[httpx.Request], **kwargs: Any) -> Any:
    from mariadb_cloud import MariaDBCloud

    return MariaDBCloud(http_client=_transport(handler, seen), **kwargs)


def _akinon(handler: Handler, seen: list[httpx.Request], **kwargs: Any) -> Any:
    from akinon_appmaker import AkinonAppMaker

    return AkinonAppMaker(http_client=_transport(handler, seen), **kwargs)


def _json(body: Any, status: int = 200, **headers: str) -> Handler:
    return lambda request: httpx.Response(status, json=body, headers=headers)


ORG = {"_id": "a" * 24, "name": "Org", "slug": "org", "description": "An org", "owner": "b" * 24,
       "isExecutive": True, "status": 1, "privileges": []}  # fmt: skip
INVITATION = {"email": "a@example.com", "token": "t", "organization": ORG, "status": "pending",
              "createdAt": "2024-05-01T10:00:00Z", "_id": "c" * 24}  # fmt: skip


def test_mariadb_sends_the_api_key_in_x_api_key_and_nothing_else() -> None:
    seen: list[httpx.Request] = []
    client = _mariadb(_json([]), seen, api_key="k-123")
    assert client.invites.list() == []
    (request,) = seen
    assert str(request.url) == "https://api.skysql.com/organization/v1/invites"
    assert request.headers["X-API-Key"] == "k-123" and "authorization" not in request.headers


def test_mariadb_api_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARIADB_CLOUD_API_KEY", "from-env")
    seen: list[httpx.Request] = []
    _mariadb(_json([]), seen).invites.list()
    assert seen[0].headers["X-API-Key"] == "from-env"


def test_missing_credentials_are_refused_before_sending() -> None:
    from mariadb_cloud import MissingCredentialsError

    seen: list[httpx.Request] = []
    with pytest.raises(MissingCredentialsError, match=r"BearerAuth \(api_key= or \$MARIADB_CLOUD_API_KEY\)"):
        _mariadb(_json([]), seen).invites.list()
    assert seen == []


@pytest.mark.parametrize(
    ("credentials", "header", "value"),
    [
        ({"bearer_token": "jwt"}, "authorization", "Bearer jwt"),
        ({"access_token": "tok"}, "x-access-token", "tok"),
    ],
)
def test_akinon_sends_whichever_credential_is_given(
    credentials: dict[str, str], header: str, value: str
) -> None:
    seen: list[httpx.Request] = []
    _akinon(_json("valid"), seen, **credentials).invitation.get_invitation("tok-1")
    assert seen[0].headers[header] == value
    other = {"authorization", "x-access-token"} - {header}
    assert not other & set(seen[0].headers)


def test_akinon_sends_one_credential_when_both_are_given() -> None:
    seen: list[httpx.Request] = []
    _akinon(_json("valid"), seen, bearer_token="jwt", access_token="tok").invitation.get_invitation("x")
    assert seen[0].headers["authorization"] == "Bearer jwt" and "x-access-token" not in seen[0].headers


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        ({}, "https://abp-api.akinon.net/api/v1/public/invitations/x/check"),
        ({"server": "test"}, "https://abptest-api.akinon.net/api/v1/public/invitations/x/check"),
        ({"server": "local"}, "http://localhost:5001/api/v1/public/invitations/x/check"),
        ({"base_url": "https://proxy.example/v9"}, "https://proxy.example/v9/public/invitations/x/check"),
    ],
)
def test_akinon_servers_by_name_and_base_url(kwargs: dict[str, str], url: str) -> None:
    seen: list[httpx.Request] = []
    _akinon(_json("valid"), seen, access_token="t", **kwargs).invitation.get_invitation("x")
    assert str(seen[0].url) == url


def test_base_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKINON_APPMAKER_BASE_URL", "https://env.example/api")
    seen: list[httpx.Request] = []
    _akinon(_json("valid"), seen, access_token="t").invitation.get_invitation("x")
    assert str(seen[0].url) == "https://env.example/api/public/invitations/x/check"


def test_unknown_server_name_is_a_clear_error() -> None:
    with pytest.raises(
        ValueError, match="unknown server 'staging'; known servers: 'production', 'test', 'local'"
    ):
        _akinon(_json("valid"), [], access_token="t", server="staging")


def test_the_check_enum_comes_back_as_its_enum_and_tolerates_new_values() -> None:
    from akinon_appmaker import CheckInvitationResponse

    client = _akinon(_json("expired"), [], access_token="t")
    assert client.invitation.get_invitation("x") is CheckInvitationResponse.EXPIRED
    client = _akinon(_json("revoked"), [], access_token="t")
    result = client.invitation.get_invitation("x")
    assert isinstance(result, CheckInvitationResponse) and result.value == "revoked" and not result.is_known


def test_typed_models_with_wire_names_dates_and_defaults() -> None:
    from akinon_appmaker import Invitation, InvitationStatus, Status

    client = _akinon(_json({**INVITATION, "status": "brand-new"}), [], access_token="t")
    seen: list[httpx.Request] = []
    client = _akinon(_json(INVITATION), seen, access_token="t")
    created = client.invitation.create_org_invitation(
        "a" * 24,
        email="a@example.com",
        validated_at=datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc),
    )
    assert isinstance(created, Invitation)
    assert created.id == "c" * 24 and created.organization.is_executive is True
    assert created.created_at == datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.timezone.utc)
    assert created.status is InvitationStatus.PENDING and created.organization.status is Status.VALUE_1
    assert json.loads(seen[0].content) == {"email": "a@example.com", "validatedAt": "2024-05-01T00:00:00Z"}


def test_error_statuses_raise_typed_errors_with_the_declared_model() -> None:
    from mariadb_cloud import BadRequestError, ErrorResponse, NotFoundError

    body = {"code": 404, "errors": [{"type": "fatal", "message": "no such invite"}], "trace_id": "t1"}
    client = _mariadb(_json(body, 404), [], api_key="key-0001")
    with pytest.raises(NotFoundError) as error:
        client.invites.check()
    assert error.value.status_code == 404 and isinstance(error.value.model, ErrorResponse)
    assert error.value.model.errors is not None and error.value.model.errors[0].message == "no such invite"
    client = _mariadb(_json({"code": "not an int"}, 400), [], api_key="key-0001")
    with pytest.raises(BadRequestError) as bad:
        client.invites.check()
    assert bad.value.model is None and b"not an int" in bad.value.body


def test_akinon_401_carries_the_unauthorized_model() -> None:
    from akinon_appmaker import AuthenticationError, UnauthorizedError

    client = _akinon(_json({"apiError": ["token expired"]}, 401), [], access_token="t")
    with pytest.raises(AuthenticationError) as error:
        client.invitation.get_org_invitations("a" * 24)
    assert isinstance(error.value.model, UnauthorizedError) and error.value.model.api_error == [
        "token expired"
    ]


def test_a_body_of_the_wrong_shape_raises_response_validation_error() -> None:
    from mariadb_cloud import ResponseValidationError

    client = _mariadb(_json([{"id": 5}]), [], api_key="key-0001")
    with pytest.raises(
        ResponseValidationError,
        match=r"GET https://api\.skysql\.com/organization/v1/invites: Expected `str \| null`, got `int` - at `\$\[0\]\.id`",
    ):
        client.invites.list()


def test_get_is_retried_on_503_and_post_is_not() -> None:
    from mariadb_cloud import InternalServerError

    replies = iter([httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json=[])])
    seen: list[httpx.Request] = []
    client = _mariadb(lambda request: next(replies), seen, api_key="key-0001")
    assert client.invites.list() == [] and len(seen) == 2
    seen.clear()
    client = _mariadb(
        lambda request: httpx.Response(503, headers={"Retry-After": "0"}), seen, api_key="key-0001"
    )
    with pytest.raises(InternalServerError):
        client.invites.create(body=[])
    assert len(seen) == 1


def test_post_is_retried_when_the_caller_opts_in() -> None:
    replies = iter([httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(201, json={})])
    seen: list[httpx.Request] = []
    client = _mariadb(lambda request: next(replies), seen, api_key="key-0001", retry_non_idempotent=True)
    client.invites.create(body=[])
    assert len(seen) == 2


def test_pagination_walks_every_page() -> None:
    pages = {1: ["a", "b"], 2: ["c"], 3: ["d"]}

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        docs = [{**INVITATION, "token": token} for token in pages[page]]
        meta = {"totalDocs": 4, "limit": 2, "page": page, "totalPages": 3, "pagingCounter": page,
                "hasPrevPage": page > 1, "hasNextPage": page < 3, "prevPage": page - 1, "nextPage": page + 1}  # fmt: skip
        return httpx.Response(200, json={**meta, "docs": docs})

    seen: list[httpx.Request] = []
    client = _akinon(handler, seen, access_token="t")
    tokens = [
        item.token for item in client.invitation.iter_org_invitations("a" * 24, limit=2, status="pending")
    ]
    assert tokens == ["a", "b", "c", "d"]
    assert [r.url.params["page"] for r in seen] == ["1", "2", "3"]
    assert all(r.url.params["limit"] == "2" and r.url.params["status"] == "pending" for r in seen)


def test_pagination_stops_when_the_server_repeats_a_page() -> None:
    meta = {"totalDocs": 9, "limit": 1, "page": 1, "totalPages": 9, "pagingCounter": 1,
            "hasPrevPage": False, "hasNextPage": True, "prevPage": 0, "nextPage": 2}  # fmt: skip
    seen: list[httpx.Request] = []
    client = _akinon(_json({**meta, "docs": [INVITATION]}), seen, access_token="t")
    assert [i.token for i in client.invitation.iter_org_invitations("a" * 24)] == ["t"]
    assert len(seen) == 2


async def test_async_pagination_and_auth() -> None:
    from akinon_appmaker import AsyncAkinonAppMaker

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        meta = {"totalDocs": 2, "limit": 1, "page": page, "totalPages": 2, "pagingCounter": page,
                "hasPrevPage": page > 1, "hasNextPage": page < 2, "prevPage": 0, "nextPage": 0}  # fmt: skip
        return httpx.Response(200, json={**meta, "docs": [{**INVITATION, "token": str(page)}]})

    seen: list[httpx.Request] = []

    async def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    async with AsyncAkinonAppMaker(
        bearer_token="jwt", http_client=httpx.AsyncClient(transport=httpx.MockTransport(record))
    ) as client:
        tokens = [item.token async for item in client.invitation.iter_org_invitations("a" * 24)]
    assert tokens == ["1", "2"] and seen[0].headers["authorization"] == "Bearer jwt"


def test_the_deprecated_put_warns_and_says_so() -> None:
    seen: list[httpx.Request] = []
    client = _mariadb(_json({}, 201), seen, api_key="key-0001")
    with pytest.warns(DeprecationWarning, match="PUT /organization/v1/invites is deprecated"):
        client.invites.update(body=[])
    assert "Deprecated" in (type(client.invites).update.__doc__ or "")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.invites.create(body=[])


def test_the_deprecation_warning_names_the_callers_line_also_through_raw_response() -> None:
    client = _mariadb(_json({}, 201), [], api_key="key-0001")
    line = sys._getframe().f_lineno
    with pytest.warns(DeprecationWarning) as direct:
        client.invites.update(body=[])
    with pytest.warns(DeprecationWarning) as raw:
        client.invites.with_raw_response.update(body=[])
    assert [(w.filename, w.lineno) for w in (*direct, *raw)] == [(__file__, line + 2), (__file__, line + 4)]


async def test_the_async_deprecation_warning_names_the_callers_line_also_through_raw_response() -> None:
    from mariadb_cloud import AsyncMariaDBCloud

    http = httpx.AsyncClient(transport=httpx.MockTransport(_json({}, 201)))
    client = AsyncMariaDBCloud(api_key="key-0001", http_client=http)
    line = sys._getframe().f_lineno
    with pytest.warns(DeprecationWarning) as direct:
        await client.invites.update(body=[])
    with pytest.warns(DeprecationWarning) as raw:
        await client.invites.with_raw_response.update(body=[])
    assert [(w.filename, w.lineno) for w in (*direct, *raw)] == [(__file__, line + 2), (__file__, line + 4)]


def test_raw_response_gives_status_and_headers_with_the_parsed_result() -> None:
    client = _mariadb(_json([], 200, **{"X-Request-Id": "r-1"}), [], api_key="key-0001")
    raw = client.invites.with_raw_response.list()
    assert raw.status_code == 200 and raw.headers["x-request-id"] == "r-1" and raw.parsed == []


def test_secrets_never_show(caplog: pytest.LogCaptureFixture) -> None:
    from mariadb_cloud import NotFoundError

    caplog.set_level("DEBUG")
    client = _mariadb(_json({"message": "bad key sk-secret-1"}, 404), [], api_key="sk-secret-1")
    with pytest.raises(NotFoundError) as error:
        client.invites.check()
    assert "sk-secret-1" not in repr(client) + str(error.value) + repr(error.value)
    assert all("sk-secret-1" not in record.getMessage() for record in caplog.records)


def test_docstrings_hold_summary_and_route() -> None:
    from mariadb_cloud.resources.invites import InvitesResource

    doc = InvitesResource.list.__doc__ or ""
    assert doc.startswith("list invitations") and "``GET /organization/v1/invites``" in doc


def test_importing_a_package_imports_no_model_until_asked() -> None:
    import importlib

    for name in [m for m in sys.modules if m.startswith("mariadb_cloud")]:
        del sys.modules[name]
    package = importlib.import_module("mariadb_cloud")
    assert "mariadb_cloud.models.invite" not in sys.modules
    assert package.Invite.__name__ == "Invite" and "mariadb_cloud.models.invite" in sys.modules


def test_read_only_fields_are_never_sent(generated_package: Callable[..., Any]) -> None:
    schema = {"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "string", "readOnly": True}, "name": {"type": "string"},
        "secret": {"type": "string", "writeOnly": True}, "note": {"type": ["string", "null"]}}}  # fmt: skip
    document = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "components": {"schemas": {"Pet": schema}},
                "paths": {"/pets": {"post": {"operationId": "createPet", "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "responses": {"200": {"description": "OK", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"}}}}}}}}}  # fmt: skip
    package = generated_package({"pets.json": document})
    assert "id" not in package.PetParam.__struct_fields__
    seen: list[httpx.Request] = []
    client = package.Api(
        base_url="https://x.example", http_client=_transport(_json({"id": "1", "name": "n"}), seen)
    )
    result = client.pets.create_pet(name="Rex")
    assert json.loads(seen[0].content) == {"name": "Rex"}
    assert result.id == "1" and result.secret is None
    client.pets.create_pet(name="Rex", note=None, secret="s")
    assert json.loads(seen[1].content) == {"name": "Rex", "secret": "s", "note": None}
    assert msgspec.json.decode(b'{"id": "1", "name": "n"}', type=package.Pet).note is None


def test_unions_msgspec_cannot_decode_directly(generated_package: Callable[..., Any]) -> None:
    import pathlib

    import yaml

    spec = yaml.safe_load(pathlib.Path("tests/golden/unions/specs/unions/api.yaml").read_text())
    package = generated_package({"api.json": spec})
    body = {"pets": [{"barks": 2}, {"meows": True}], "favourite": {"meows": False},
            "since": "2024-05-01T10:00:00Z", "size": "large"}  # fmt: skip
    client = package.Api(base_url="https://x.example", http_client=_transport(_json(body), []))
    shelter = client.pets.list_pets()
    assert [type(p).__name__ for p in shelter.pets] == ["Dog", "Cat"] and shelter.pets[0].barks == 2
    assert isinstance(shelter.favourite, package.Cat)
    assert (
        shelter.since == datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.timezone.utc)
        and shelter.size == "large"
    )
    assert msgspec.json.decode(msgspec.json.encode(shelter)) == body
    built = package.Shelter(favourite=package.Dog(barks=1), since="not a date")
    assert isinstance(built.favourite, package.Dog) and built.since == "not a date"
    client = package.Api(base_url="https://x.example", http_client=_transport(_json({"barks": 5}), []))
    assert client.pet.get_pet() == package.Dog(barks=5)
    from_response = package.Api(
        base_url="https://x.example", http_client=_transport(_json({"neither": 1}), [])
    )
    with pytest.raises(package.ResponseValidationError, match="no member of the union matches"):
        from_response.pet.get_pet()
