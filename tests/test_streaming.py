"""Generated streaming surface: ``with_streaming_response``, event-stream methods and their
``_stream`` twins, called through a generated package on MockTransport (sync and async)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ROOT

SPEC = (ROOT / "tests" / "golden" / "streaming" / "specs" / "streaming" / "api.yaml").read_text()


def _handler(seen: list[httpx.Request]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        wants_events = request.headers["accept"] == "text/event-stream"
        if request.url.path.endswith("/completions") and wants_events:
            body = (
                b'data: {"id": "c1", "delta": "Hel"}\n\ndata: {"id": "c1", "delta": "lo"}\n\ndata: [DONE]\n\n'
            )
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)
        if request.url.path.endswith("/completions"):
            return httpx.Response(200, json={"id": "c1", "text": "Hello"})
        if request.url.path.endswith("/events"):
            body = b': ping\n\ndata: {"kind": "created"}\n\nevent: x\ndata: {"kind": "deleted"}\n\n'
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)
        if request.url.path.endswith("/logs"):
            return httpx.Response(
                200, content=b"id: 1\ndata: booting\n\nid: 2\ndata: up\ndata: and running\n\n"
            )
        if request.url.path.endswith("/stream"):
            return httpx.Response(200, content=b"\x00\x01" * 50_000, headers={"x-request-id": "r-9"})
        if wants_events:
            return httpx.Response(200, content=b'data: {"id": "j1", "state": "running"}\n\n')
        return httpx.Response(200, json={"id": "j1", "state": "done"})

    return handle


def _clients(package: Any, seen: list[httpx.Request]) -> tuple[Any, Any]:
    transport = httpx.MockTransport(_handler(seen))
    sync = package.Api(http_client=httpx.Client(transport=transport))
    async_ = package.AsyncApi(http_client=httpx.AsyncClient(transport=transport))
    return sync, async_


def test_event_streams_and_twins_sync(generated_package: Any, tmp_path: Path) -> None:
    package = generated_package({"api.yaml": SPEC})
    seen: list[httpx.Request] = []
    client, _ = _clients(package, seen)
    assert client.completions.create_completion(prompt="hi").text == "Hello"
    chunks = list(client.completions.create_completion_stream(prompt="hi"))
    assert [c.delta for c in chunks] == ["Hel", "lo"] and type(chunks[0]).__name__ == "CompletionChunk"
    assert json.loads(seen[-1].content) == {"prompt": "hi", "stream": True}
    assert seen[-1].headers["accept"] == "text/event-stream"
    assert [e.kind for e in client.events.list_events(since="now")] == ["created", "deleted"]
    logs = list(client.events.tail_logs())
    assert [(e.id, e.data) for e in logs] == [("1", "booting"), ("2", "up\nand running")]
    assert [j.state.value for j in client.jobs.watch_events("j1")] == ["running"]
    assert client.jobs.watch("j1").state.value == "done"
    with client.jobs.with_streaming_response.watch_stream("j1") as response:
        assert response.request_id == "r-9"
        assert response.write_to(tmp_path / "out.bin") == 100_000
    assert (tmp_path / "out.bin").read_bytes() == b"\x00\x01" * 50_000
    with client.completions.with_streaming_response.create_completion(prompt="hi") as response:
        assert response.parse().id == "c1"
    assert not hasattr(client.events.with_streaming_response, "list_events")


def test_event_streams_and_twins_async(generated_package: Any) -> None:
    package = generated_package({"api.yaml": SPEC})
    seen: list[httpx.Request] = []
    _, client = _clients(package, seen)

    async def run() -> None:
        stream = await client.completions.create_completion_stream(prompt="hi")
        assert [c.delta async for c in stream] == ["Hel", "lo"]
        async with await client.events.list_events() as events:
            assert [e.kind async for e in events] == ["created", "deleted"]
        async with client.jobs.with_streaming_response.watch_stream("j1") as response:
            assert len(b"".join([piece async for piece in response.iter_bytes()])) == 100_000
        async with client.completions.with_streaming_response.create_completion(prompt="hi") as response:
            assert (await response.parse()).text == "Hello"

    asyncio.run(run())
    assert json.loads(seen[0].content) == {"prompt": "hi", "stream": True}


def test_an_event_stream_is_chosen_as_the_body_only_when_it_is_the_only_media_type() -> None:
    from generator.spec.views import choose_media, event_stream_media

    both = {"text/event-stream": {"schema": {}}, "application/octet-stream": {}}
    assert choose_media(both) == ("application/octet-stream", {})  # OpenAI's createSpeech: bytes, and a twin
    assert event_stream_media(both) == ("text/event-stream", {"schema": {}})
    assert choose_media({"text/event-stream": {}}) == ("text/event-stream", {})
    assert choose_media({"text/plain": {}, "text/event-stream": {}}) == ("text/plain", {})
