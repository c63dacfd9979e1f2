"""A limit on request bodies (``CITYKG_MAX_BODY_BYTES``), as ASGI middleware.

A body announced larger than the limit is refused before it is read; a body without a length
(chunked) is counted as it arrives and refused once it passes the limit.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citykg.errors import PayloadTooLargeError


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self, size: str) -> str:
        return (
            f"the request body is {size}, above the limit of {self.max_bytes} bytes "
            "(CITYKG_MAX_BODY_BYTES)"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                announced = int(length)
            except ValueError:
                await JSONResponse({"error": "Content-Length is not a number"}, 400)(scope, receive, send)
                return
            if announced > self.max_bytes:
                response = JSONResponse({"error": self._message(f"{announced} bytes")}, 413)
                await response(scope, receive, send)
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the endpoint's read, so the app's error handler answers 413.
                    raise PayloadTooLargeError(self._message(f"more than {received} bytes"))
            return message

        await self.app(scope, counted, send)
