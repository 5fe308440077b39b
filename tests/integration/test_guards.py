"""Every backend answer carries the security headers, and a write sent from another site's page
is refused before any route sees it (the backend's HTTP routes as `make run` serves them)."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from app.api.auth_routes import SIGN_IN_STARTS
from app.api.routes import http_api
from app.config import settings

FOREIGN = "https://evil.example"


def _send(method: str, path: str, base: str = "http://shop.test", **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=http_api())
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:
            return await client.request(method, path, headers=headers)

    return asyncio.run(go())


def test_answers_carry_the_policy_and_cannot_be_framed() -> None:
    answer = _send("GET", "/healthz")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "https://js.stripe.com" in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in answer.headers  # plain http: no HSTS


def test_hsts_only_over_https() -> None:
    answer = _send("GET", "/healthz", base="https://shop.test")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_write_from_another_sites_page_is_refused() -> None:
    refused = _send("POST", "/auth/logout", origin=FOREIGN)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "foreign_origin"
    assert "content-security-policy" in refused.headers


def test_writes_from_the_shop_itself_or_from_servers_reach_their_route() -> None:
    own = settings().allowed_origins[0]
    assert _send("POST", "/auth/logout", origin=own).status_code != 403
    assert _send("POST", "/auth/logout").status_code != 403  # no Origin: not a browser page
    assert _send("GET", "/healthz", origin=FOREIGN).status_code == 200  # reads are not writes


def test_sign_in_starts_run_out_per_address() -> None:
    def start(address: str) -> str:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=http_api(), client=(address, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as c:
                return await c.get("/auth/login/nowhere")

        answer = asyncio.run(go())
        assert answer.status_code == 303
        return answer.headers["location"]

    busy = f"203.0.113.{uuid.uuid4().int % 200 + 20}"
    for _ in range(SIGN_IN_STARTS.limit):
        assert "code=unknown_provider" in start(busy)
    assert "code=too_many_attempts" in start(busy)
    assert "code=unknown_provider" in start("198.51.100.77")  # another address is not held up
