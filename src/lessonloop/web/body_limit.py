"""The size a request's body may have: 1 MB, far above any form or JSON object a write takes (a
lesson's texts are a few KB at most; params.FIELD_LIMITS). A body announced larger is refused
before it is read, and one that grows past the limit as it arrives is refused there: a 413 saying
so, as a page or JSON like any error (app.py), never the whole body held in memory."""

from __future__ import annotations

from starlette.exceptions import HTTPException

from lessonloop.web.security import App, Message, Receive, Scope, Send

MAX_BODY = 1024 * 1024
DRAINED = 16 * MAX_BODY  # read and dropped at most after a refusal, so the client reads the 413


def too_large(what: str, limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is too large ({what}): at most {limit:,} bytes (1 MB) are accepted")


class BodyLimitMiddleware:
    """Refuses a request body over `limit` bytes (413) when the application reads it."""

    def __init__(self, app: App, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"content-length"), None)
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared is not None:
                size = declared.strip()
                if not size.isascii() or not size.isdigit():
                    raise HTTPException(400, f"the Content-Length header is not a number of bytes: {size[:40]!r}")
                if len(size) > len(str(self.limit)) or int(size) > self.limit:
                    huge = len(size) > 20
                    await _drain(receive, DRAINED + 1 if huge else int(size))
                    raise too_large("a huge size announced" if huge else f"{int(size):,} bytes announced", self.limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if message.get("more_body", False):
                        await _drain(receive, DRAINED)
                    raise too_large(f"more than {self.limit:,} bytes sent", self.limit)
            return message

        await self.app(scope, limited, send)


async def _drain(receive: Receive, size: int) -> None:
    """Read and drop the rest of a refused body when it is at most DRAINED bytes: a client that
    sends all of it before reading (most do) then gets the 413 instead of a reset connection."""
    if size > DRAINED:
        return
    dropped = 0
    while dropped <= DRAINED:
        message = await receive()
        if message["type"] != "http.request":
            return
        dropped += len(message.get("body", b""))
        if not message.get("more_body", False):
            return
