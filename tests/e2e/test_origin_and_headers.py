"""The running app, as a hostile page would meet it: its websocket and its POST routes refuse
another site's Origin, and its pages carry the security headers (no framing, no sniffing)."""

from __future__ import annotations

import asyncio

import aiohttp
import httpx
import pytest

FOREIGN = "https://evil.example"


def _open_socket(app_url: str, origin: str) -> int:
    """The HTTP status of a websocket handshake to Reflex's event endpoint from `origin`."""

    async def handshake() -> int:
        url = app_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(url, headers={"Origin": origin}) as socket:
                    await socket.close()
                    return 101
            except aiohttp.WSServerHandshakeError as refused:
                return refused.status

    return asyncio.run(handshake())


def test_the_websocket_opens_for_the_shop_and_not_for_another_site(app_url: str) -> None:
    assert _open_socket(app_url, app_url) == 101
    assert _open_socket(app_url, FOREIGN) == 403


@pytest.mark.parametrize("path", ["/auth/logout", "/stripe/webhook", "/_upload"])
def test_post_routes_refuse_another_sites_origin(app_url: str, path: str) -> None:
    answer = httpx.post(app_url + path, headers={"Origin": FOREIGN}, content=b"{}")
    assert answer.status_code == 403
    assert answer.json()["code"] == "foreign_origin"


@pytest.mark.parametrize("path", ["/", "/catalog/", "/cart/join/ABCDEFGHJKMN", "/healthz"])
def test_pages_carry_the_security_headers(app_url: str, path: str) -> None:
    answer = httpx.get(app_url + path)
    assert answer.status_code == 200
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
