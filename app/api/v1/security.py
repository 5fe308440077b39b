"""Who is calling: a bearer API key, its scopes, and its leaky bucket.

The bucket is spent after the key is known (one bucket per key). Its state goes out on every
answer as RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (seconds), and an empty bucket
answers 429 with Retry-After.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.guards import client_address
from app.api.v1.problems import ApiProblem
from app.domain.api_keys import Scope as KeyScope
from app.domain.leaky_bucket import Drip
from app.services.api_access.keys import Principal, WrongTokensRefused, authenticate
from app.services.api_access.quota import Quota
from app.services.context import Context

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from your settings or the console: `Authorization: Bearer bw_…`.",
)
_STATE_KEY = "rate_limit_headers"


@dataclass(frozen=True)
class ApiRuntime:
    """What the handlers of one API app use: the services' context and the key quota."""

    context: Callable[[], Context]
    quota: Quota


def runtime(request: Request) -> ApiRuntime:
    found: ApiRuntime = request.app.state.runtime
    return found


def context(request: Request) -> Context:
    return runtime(request).context()


def _headers(drip: Drip, capacity: int) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(capacity),
        "RateLimit-Remaining": str(drip.remaining),
        "RateLimit-Reset": str(max(0, math.ceil(drip.reset_after))),
    }


def principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    """The caller's key: 401 without a valid one, 429 when its bucket is empty or the
    caller's address sent too many wrong keys."""
    challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
    if credentials is None:
        raise ApiProblem(
            401, "missing_key", "Send an API key: Authorization: Bearer <key>.", headers=challenge
        )
    run = runtime(request)
    try:
        found = authenticate(run.context(), credentials.credentials, client_address(request.scope))
    except WrongTokensRefused as refused:
        wait = str(max(1, math.ceil(refused.retry_after)))
        raise ApiProblem(429, "rate_limited", str(refused), headers={"Retry-After": wait}) from None
    if found is None:
        raise ApiProblem(
            401, "invalid_key", "This API key is unknown or was revoked.", headers=challenge
        )
    drip = run.quota.spend(found.key_id)
    headers = _headers(drip, run.quota.bucket.capacity)
    request.scope.setdefault("state", {})[_STATE_KEY] = headers
    if not drip.allowed:
        wait = str(max(1, math.ceil(drip.retry_after)))
        raise ApiProblem(
            429,
            "rate_limited",
            f"Too many requests with this key; try again in {wait} s.",
            headers={**headers, "Retry-After": wait},
        )
    return found


def needs(scope: KeyScope) -> Callable[..., Principal]:
    """A dependency: the caller's key, which must carry `scope` (403 otherwise)."""

    def check(caller: Principal = Depends(principal)) -> Principal:
        if scope not in caller.scopes:
            raise ApiProblem(403, "missing_scope", f"This key lacks the `{scope.value}` scope.")
        return caller

    return check


class RateLimitHeaders:
    """Adds the caller's bucket state to whatever answer goes out (304s and replays too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = scope.get("state", {}).get(_STATE_KEY) or {}
                have = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *[
                        (name.lower().encode(), value.encode())
                        for name, value in extra.items()
                        if name.lower().encode() not in have
                    ],
                ]
            await send(message)

        await self.app(scope, receive, sending)
