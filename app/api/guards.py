"""What every HTTP response carries, and which browsers may send the shop their writes.

`SecurityHeaders` adds the headers below to every response the backend sends (pages served by
`make run`, the HTTP routes, the public API); nginx adds the same to the files it serves in
`make prod` (deploy/nginx-site.conf.template). `OriginGuard` refuses a write (POST, PUT, PATCH,
DELETE) that a browser sends from a page of another site: a request with an Origin header that
is not the shop's own gets 403 before any route sees it. Requests without an Origin (servers,
webhooks, API clients) are not browsers acting for someone signed in here, so they pass on to
their own checks (signatures, API keys). The websocket's Origin is checked by Socket.IO itself
against the same list (rxconfig.py: cors_allowed_origins).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import settings

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
STRIPE_JS = "https://js.stripe.com"


def content_security_policy(extra_connect: Iterable[str] = ()) -> str:
    """The page may load its own code and Stripe's, talk to its own backend and Stripe, and be
    framed by nobody. Reflex forces two allowances: 'unsafe-eval' (rx.call_script evaluates
    scripts the server sends) and 'unsafe-inline' (its pages boot from inline scripts and set
    inline styles). What users write is never HTML (app/domain/chat.py), so neither opens a way
    in for their text."""
    connect = " ".join(["'self'", "ws:", "wss:", *extra_connect, "https://api.stripe.com"])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-inline' 'unsafe-eval' {STRIPE_JS}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob: https:",  # avatars from the sign-in provider
            "font-src 'self' data:",
            "media-src 'self' blob: https:",  # a live session's stream
            f"connect-src {connect}",
            f"frame-src {STRIPE_JS} https://hooks.stripe.com",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def header_table(https: bool, extra_connect: Iterable[str] = ()) -> dict[str, str]:
    """Every security header and its value: one table for the backend and for nginx."""
    headers = {
        "content-security-policy": content_security_policy(extra_connect),
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "x-frame-options": "DENY",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(self)",
        "cross-origin-opener-policy": "same-origin",
    }
    if https:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return headers


def security_headers(https: bool) -> list[tuple[bytes, bytes]]:
    table = header_table(https, [settings().api_url])
    return [(k.encode(), v.encode()) for k, v in table.items()]


def client_address(scope: Scope) -> str:
    """Who sent the request: the peer, or the address the trusted proxies forwarded
    (TRUSTED_PROXY_HOPS; the same rule Reflex applies to its websocket)."""
    peer = (scope.get("client") or ("",))[0]
    hops = settings().trusted_proxy_hops
    if hops:
        forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for", b"").decode("latin-1")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return peer


def _is_https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    if settings().trusted_proxy_hops:
        for key, value in scope.get("headers", []):
            if key == b"x-forwarded-proto":
                return value.split(b",")[0].strip() == b"https"
    return False


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = security_headers(_is_https(scope))
        names = {name for name, _ in added}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + added
            await send(message)

        await self.app(scope, receive, with_headers)


class OriginGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in WRITES:
            origin = dict(scope.get("headers", [])).get(b"origin")
            if origin is not None and origin.decode("latin-1") not in settings().allowed_origins:
                await _refuse(send)
                return
        await self.app(scope, receive, send)


# The longest file name the page server's disk takes; no slug, id or code comes near it.
MAX_SEGMENT_BYTES = 255


def plain_path(path: str) -> str:
    """`path` with every segment that cannot name anything (longer than a file name may be, or
    holding a NUL) replaced by "_". The static page server would otherwise answer such a path
    with a bare "Not Found" instead of the page, which then shows its own friendly notice (the
    browser keeps the real address, so the page still sees the value it was given)."""
    segments = path.split("/")
    cleaned = [
        "_" if "\x00" in part or len(part.encode("utf-8", "replace")) > MAX_SEGMENT_BYTES else part
        for part in segments
    ]
    return "/".join(cleaned) if cleaned != segments else path


class PathGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = plain_path(scope.get("path", ""))
            if path != scope.get("path"):
                scope = {**scope, "path": path, "raw_path": path.encode("utf-8", "replace")}
        await self.app(scope, receive, send)


async def _refuse(send: Send) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": "Forbidden", "status": 403, "code": "foreign_origin",
         "detail": "Requests from pages of other sites are not accepted."}
    ).encode()  # fmt: skip
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
