"""Streamed responses and server-sent events: on MockTransport, and end to end against a local
HTTP server that streams (keep-alive, comments, multi-line data, retry field, a dropped connection)."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import io
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from runtime_support import INVITE_JSON, SCHEMES, Invite, reply

from generator import _runtime as rt
from generator._runtime.streaming import SSEDecoder

GET_INVITE = rt.Operation[Invite]("GET", "/invites/{id}", Invite)
DOWNLOAD = rt.Operation[bytes]("GET", "/files/{id}", bytes)


class Chunk(msgspec.Struct):
    n: int
    text: str = ""


EVENTS = rt.Operation[str]("GET", "/events", str, events=Chunk)
RAW_EVENTS = rt.Operation[str]("GET", "/events", str, events=rt.ServerSentEvent)


class Resource(rt.SyncResource):
    """What a generated resource looks like: a thin method over ``_request`` / ``_events``."""

    def get(self, id: str, *, options: rt.RequestOptions | None = None) -> Invite:
        return self._request(GET_INVITE, path={"id": id}, options=options)

    def events(self, *, options: rt.RequestOptions | None = None) -> rt.Stream[Chunk]:
        return self._events(EVENTS, options=options)


class AsyncResource(rt.AsyncResource):
    async def get(self, id: str, *, options: rt.RequestOptions | None = None) -> Invite:
        return await self._request(GET_INVITE, path={"id": id}, options=options)

    async def events(self, *, options: rt.RequestOptions | None = None) -> rt.AsyncStream[Chunk]:
        return await self._events(EVENTS, options=options)


def _sse(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


# -- the parser ------------------------------------------------------------------------------------


def _parse(text: str) -> list[rt.ServerSentEvent]:
    decoder, found = SSEDecoder(), []
    for line in text.splitlines():
        event = decoder.feed(line)
        if event is not None:
            found.append(event)
    return found


def test_the_event_stream_parser_follows_the_standard() -> None:
    text = (
        ": a comment, then a keep-alive comment\n:\n\n"
        "event: greeting\ndata: first line\ndata:second line\nid: 7\nretry: 1500\n\n"
        'data: {"n": 1}\n\n'
        "data\n\n"  # a field without a colon: an empty data line
        "retry: soon\nunknown: field\ndata: after\n\n"
        "id: 8\n\n"  # no data: nothing is dispatched, the id is kept
        "data: cut off at the end"
    )
    assert _parse(text) == [
        rt.ServerSentEvent("first line\nsecond line", "greeting", "7", 1500),
        rt.ServerSentEvent('{"n": 1}', "message", "7", 1500),
        rt.ServerSentEvent("", "message", "7", 1500),
        rt.ServerSentEvent("after", "message", "7", 1500),
    ]
    assert _parse("id: a\0b\ndata: x\n\n") == [rt.ServerSentEvent("x", "message", None, None)]


# -- streamed responses on MockTransport -----------------------------------------------------------


def _client(*replies: Any) -> tuple[rt.SyncClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    script = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = script.pop(0) if len(script) > 1 else script[0]
        return answer(request)

    client = rt.SyncClient(
        base_url="https://api.example.test/v1",
        schemes=SCHEMES,
        credentials={},
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    client._sleep = lambda delay: None
    return client, seen


def _async_client(*replies: Any) -> tuple[rt.AsyncClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    script = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = script.pop(0) if len(script) > 1 else script[0]
        return answer(request)

    async def no_sleep(delay: float) -> None:
        pass

    client = rt.AsyncClient(
        base_url="https://api.example.test/v1",
        schemes=SCHEMES,
        credentials={},
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    client._sleep = no_sleep
    return client, seen


def _streaming(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    """A reply whose body arrives in pieces of 7 bytes, unread until asked for; ``MADE`` holds
    each body stream it makes."""

    def build(request: httpx.Request) -> httpx.Response:
        pieces = _Pieces([body[i : i + 7] for i in range(0, len(body), 7)])
        MADE.append(pieces)
        return httpx.Response(status, headers=headers, stream=pieces)

    return build


MADE: list[_Pieces] = []


class _Pieces(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces, self.sent, self.closed = pieces, 0, False

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.sent += 1
            yield piece

    async def __aiter__(self) -> Any:
        for piece in self.pieces:
            self.sent += 1
            yield piece

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def test_with_streaming_response_returns_before_the_body_is_read_and_reads_it_on_demand() -> None:
    body = b'{"id": "i1", "email": "a@example.com",\n"role": "admin", "organizationId": "o1"}'
    client, seen = _client(_streaming(body, headers={"x-request-id": "req-1"}))
    resource = Resource(client)
    streaming = rt.to_streamed_response(resource.get)
    with streaming("i1") as response:
        assert isinstance(response, rt.StreamedResponse)
        assert (response.status_code, response.request_id) == (200, "req-1")
        stream = MADE[-1]
        assert stream.sent == 0  # nothing read yet
        assert list(response.iter_lines()) == [body.decode().split("\n")[0], body.decode().split("\n")[1]]
        with pytest.raises(RuntimeError, match="already read"):
            response.read()
    assert stream.closed and seen[0].headers["accept"] == "application/json"
    with streaming("i1") as response:
        assert response.parse() == msgspec.convert(INVITE_JSON, Invite)
    with streaming("i1") as response:
        assert b"".join(response.iter_bytes()) == body


def test_a_streamed_body_is_written_to_a_file_piece_by_piece_and_gzip_inflates_in_bounded_steps(
    tmp_path: Path,
) -> None:
    plain = bytes(range(256)) * 4096  # 1 MiB
    client, _ = _client(_streaming(gzip.compress(plain), headers={"content-encoding": "gzip"}))
    streaming = rt.to_streamed_response(lambda: Resource(client)._request(DOWNLOAD, path={"id": "f"}))
    with streaming() as response:
        assert response.write_to(tmp_path / "out.bin") == len(plain)
    assert (tmp_path / "out.bin").read_bytes() == plain
    with streaming() as response:
        sizes = [len(piece) for piece in response.iter_bytes()]
    assert sum(sizes) == len(plain) and max(sizes) <= 64 * 1024
    target = io.BytesIO()
    with streaming() as response:
        response.write_to(target)
    assert target.getvalue() == plain


def test_read_keeps_the_response_size_bound() -> None:
    client, _ = _client(_streaming(b"x" * 5000))
    client = client.with_options(max_response_bytes=1000)
    with rt.to_streamed_response(lambda: Resource(client)._request(DOWNLOAD, path={"id": "f"}))() as response:
        with pytest.raises(rt.APIResponseTooLarge):
            response.read()


def test_an_error_status_raises_the_typed_error_and_retries_happen_before_streaming() -> None:
    client, seen = _client(
        reply(503, json={"code": "busy", "message": "later"}, headers={"Retry-After": "0"}),
        _streaming(b'{"id": "i1", "email": "e", "role": "admin", "organizationId": "o1"}'),
    )
    with rt.to_streamed_response(Resource(client).get)("i1") as response:
        assert response.parse().id == "i1"
    assert len(seen) == 2
    client, _ = _client(reply(404, json={"code": "missing", "message": "no such invite"}))
    with pytest.raises(rt.NotFoundError, match="no such invite"):
        rt.to_streamed_response(Resource(client).get)("i1")


async def test_async_with_streaming_response() -> None:
    body = b'{"id": "i1", "email": "a@example.com", "role": "admin", "organizationId": "o1"}'
    client, _ = _async_client(_streaming(body, headers={"request-id": "r2"}))
    resource = AsyncResource(client)
    call = rt.async_to_streamed_response(resource.get)
    async with call("i1") as response:
        assert isinstance(response, rt.AsyncStreamedResponse) and response.request_id == "r2"
        stream = MADE[-1]
        assert stream.sent == 0
        assert b"".join([piece async for piece in response.iter_bytes()]) == body
    assert stream.closed
    async with call("i1") as response:
        assert (await response.parse()).email == "a@example.com"
    response = await call("i1")
    assert [line async for line in response.iter_lines()] == [body.decode()]
    client, _ = _async_client(reply(404, json={"code": "missing", "message": "gone"}))
    with pytest.raises(rt.NotFoundError):
        async with rt.async_to_streamed_response(AsyncResource(client).get)("i1"):
            pass


def test_event_streams_decode_each_events_data_and_stop_at_done() -> None:
    body = _sse(": hello", "", 'data: {"n": 1}', "", "event: delta", 'data: {"n": 2,', 'data: "text": "two"}', "",
                "data: [DONE]", "", 'data: {"n": 3}', "")  # fmt: skip
    client, seen = _client(_streaming(body, headers={"content-type": "text/event-stream"}))
    assert list(Resource(client).events()) == [Chunk(1), Chunk(2, "two")]
    assert seen[0].headers["accept"] == "text/event-stream"
    client, _ = _client(_streaming(_sse("data: a", "data: b", "id: 4", "", "data: c", "")))
    stream: rt.Stream[rt.ServerSentEvent] = client.request_events(RAW_EVENTS)
    assert [(e.data, e.id) for e in stream] == [("a\nb", "4"), ("c", "4")]


def test_event_data_that_does_not_match_is_a_response_validation_error() -> None:
    client, _ = _client(_streaming(_sse('data: {"n": "one"}', "")))
    with pytest.raises(
        rt.ResponseValidationError, match=r"unexpected event data from GET https://api.example.test/v1/events"
    ):
        list(Resource(client).events())


def test_breaking_out_of_an_event_loop_closes_the_response() -> None:
    body = _sse(*[f'data: {{"n": {i}}}\n' for i in range(100)])
    client, _ = _client(_streaming(body))
    stream = Resource(client).events()
    for chunk in stream:
        if chunk.n == 2:
            break
    pieces = MADE[-1]
    assert pieces.closed and pieces.sent < len(pieces.pieces)


async def test_async_event_streams() -> None:
    body = _sse('data: {"n": 1}', "", 'data: {"n": 2}', "")
    client, _ = _async_client(_streaming(body))
    assert [chunk async for chunk in await AsyncResource(client).events()] == [Chunk(1), Chunk(2)]
    client, _ = _async_client(_streaming(_sse(*[f'data: {{"n": {i}}}\n' for i in range(100)])))
    async with await AsyncResource(client).events() as stream:
        async for chunk in stream:
            if chunk.n == 1:
                break
    pieces = MADE[-1]
    assert pieces.closed and pieces.sent < len(pieces.pieces)


# -- a real server ---------------------------------------------------------------------------------


class _SSEHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    drop_after: int | None = None
    closed: list[bool] = []

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        parts = [": keep-alive\n\n", "retry: 2000\n", 'data: {"n": 1,\n', 'data: "text": "a\\nb"}\n\n',
                 ":\n\n", 'event: tick\ndata: {"n": 2}\n\n', 'data: {"n": 3}\n\n']  # fmt: skip
        try:
            for index, part in enumerate(parts):
                if _SSEHandler.drop_after is not None and index == _SSEHandler.drop_after:
                    self.connection.shutdown(socket.SHUT_RDWR)  # mid-stream, no last chunk
                    return
                data = part.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
                time.sleep(0.01)
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            _SSEHandler.closed.append(True)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def sse_url() -> Iterator[str]:
    _SSEHandler.drop_after, _SSEHandler.closed = None, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SSEHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_events_from_a_real_server_sync_and_async(sse_url: str) -> None:
    with rt.SyncClient(base_url=sse_url, schemes=SCHEMES, credentials={}) as client:
        assert list(Resource(client).events()) == [Chunk(1, "a\nb"), Chunk(2), Chunk(3)]
        events = list(client.request_events(RAW_EVENTS))
        assert [(e.event, e.retry) for e in events] == [("message", 2000), ("tick", 2000), ("message", 2000)]

    async def run() -> list[Chunk]:
        async with rt.AsyncClient(base_url=sse_url, schemes=SCHEMES, credentials={}) as client:
            return [chunk async for chunk in await AsyncResource(client).events()]

    assert asyncio.run(run()) == [Chunk(1, "a\nb"), Chunk(2), Chunk(3)]


def test_a_server_that_drops_mid_stream_is_a_connection_error(sse_url: str) -> None:
    _SSEHandler.drop_after = 4  # after the first event
    with rt.SyncClient(base_url=sse_url, schemes=SCHEMES, credentials={}) as client:
        seen: list[Chunk] = []
        with pytest.raises(rt.APIConnectionError, match=r"GET http://127.0.0.1:\d+/events failed"):
            for chunk in Resource(client).events():
                seen.append(chunk)
        assert seen == [Chunk(1, "a\nb")]

    async def run() -> None:
        async with rt.AsyncClient(base_url=sse_url, schemes=SCHEMES, credentials={}) as client:
            async for _ in await AsyncResource(client).events():
                pass

    with pytest.raises(rt.APIConnectionError):
        asyncio.run(run())


def test_deflate_streams_too() -> None:
    plain = b"line one\nline two\n" * 1000
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS)
    client, _ = _client(
        _streaming(compressor.compress(plain) + compressor.flush(), headers={"content-encoding": "deflate"})
    )
    with rt.to_streamed_response(lambda: Resource(client)._request(DOWNLOAD, path={"id": "f"}))() as response:
        assert list(response.iter_lines()) == ["line one", "line two"] * 1000
