"""How long browsers keep the built pages' files when the backend serves them (`make run`;
under `make prod` nginx sets the same lifetimes: deploy/nginx-site.conf.template).

Scripts and styles under /assets/ have a hash of their content in their name, so a new build
gets new names and they can be kept for a year without asking again. Pictures keep their names
across builds: a day. The service worker, the manifest and the pages themselves are asked for
again each time (a cheap 304), so a new build reaches everyone at once.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

IMMUTABLE = b"public, max-age=31536000, immutable"
A_DAY = b"public, max-age=86400"
REVALIDATE = b"no-cache"
_PICTURES = (".webp", ".png", ".jpg", ".jpeg", ".svg", ".ico", ".woff", ".woff2", ".mp4")


def lifetime(path: str) -> bytes | None:
    """The Cache-Control for a static path, or None to leave the response as it is."""
    if path.startswith("/assets/"):
        return IMMUTABLE
    if path in ("/sw.js", "/manifest.webmanifest", "/offline.html"):
        return REVALIDATE
    if path.startswith(("/media/", "/review-photos/", "/share/")):
        return None  # their routes say it themselves
    if path.endswith(_PICTURES):
        return A_DAY
    return None


class StaticCacheMiddleware:
    """Adds Cache-Control to successful GETs of static files that carry none."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        value = lifetime(scope.get("path", ""))
        if value is None:
            await self.app(scope, receive, send)
            return

        async def send_with_lifetime(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_lifetime)
