"""Limits on the request line and headers: the sizes a reverse proxy applies.

Without them a 58 KB URL or a 17 MB ``Accept`` header reached the routes, which read them on the
event loop, and 20 MB of headers were accepted at all (issue 23). The numbers match nginx's
``large_client_header_buffers 4 16k`` (a request line or a header of at most 16 KiB, 64 KiB of
headers in all); queries longer than a URL holds are sent by POST, whose body has its own limit
(``graph_api.body_limit``).

Two places apply them: ``RequestLimits``, ASGI middleware, under any server (414 or 431 with the
reason); and ``HeadLimitedHttpTools``, the HTTP protocol ``citykg serve`` gives uvicorn, which
stops reading a request whose head passes the sum of the limits, before it is buffered whole.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: The request target (path and query string), in bytes: above it, 414.
MAX_TARGET_BYTES = 16 * 1024
#: One header (name and value), in bytes: above it, 431.
MAX_HEADER_BYTES = 16 * 1024
#: All headers together, in bytes: above it, 431.
MAX_HEADERS_BYTES = 64 * 1024


def problem(scope: Scope) -> tuple[int, str] | None:
    """The status and message for a request line or headers above the limits, else None."""
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    if target > MAX_TARGET_BYTES:
        return 414, (
            f"the URL is {target} bytes, above the limit of {MAX_TARGET_BYTES}: "
            "send a long query by POST (Content-Type application/sparql-query)"
        )
    total = 0
    for name, value in scope["headers"]:
        size = len(name) + len(value)
        if size > MAX_HEADER_BYTES:
            return 431, (
                f"the {name.decode('latin-1')[:40]} header is {size} bytes, above the limit "
                f"of {MAX_HEADER_BYTES}"
            )
        total += size
    if total > MAX_HEADERS_BYTES:
        return 431, f"the headers are {total} bytes in all, above the limit of {MAX_HEADERS_BYTES}"
    return None


class RequestLimits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused = problem(scope) if scope["type"] == "http" else None
        if refused is None:
            await self.app(scope, receive, send)
            return
        status, message = refused
        await JSONResponse({"error": message}, status, headers={"Connection": "close"})(scope, receive, send)


#: A request line and headers longer than this are not read on (the server answers 400).
MAX_HEAD_BYTES = MAX_TARGET_BYTES + MAX_HEADERS_BYTES + 1024


class HeadLimitedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol, which has no limit of its own on a request's head, with
    ``MAX_HEAD_BYTES``: bytes that arrive while a head is still being read are counted, and past
    the limit the request is answered 400 and the connection closed."""

    _head_bytes = 0
    _in_body = False
    _head_ended = False

    def on_headers_complete(self) -> None:
        self._head_ended, self._in_body, self._head_bytes = True, True, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._head_ended, self._in_body = True, False
        super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        self._head_ended = False
        super().data_received(data)
        if self._head_ended or self._in_body or self.transport.is_closing():
            return
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES:
            self.send_400_response(f"the request line and headers pass {MAX_HEAD_BYTES} bytes")
