"""Sign-in against the real demo OpenID provider (node, npm oidc-provider), end to end.

The app side is a tiny Starlette app (SessionMiddleware + begin/complete routes) driven through
httpx.ASGITransport; the provider side is real HTTP to the node process. Redirects are followed
by hand so each hop can be inspected or tampered with.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.adapters.identity import (
    Identity,
    ProviderConfig,
    SignInClient,
    SignInError,
    providers_from_env,
)
from tests.integration.oidc_fixture import (
    TEST_APP_BASE,
    DemoOIDC,
    callback_uri,
    demo_oidc,  # noqa: F401
    run_demo_oidc,
)

# Async fixtures run on the session loop (pyproject); the tests must share it.
pytestmark = pytest.mark.asyncio(loop_scope="session")

# --------------------------------------------------------------------------------------------
# The app side
# --------------------------------------------------------------------------------------------


def oidc_provider(
    name: str, issuer: str, client_id: str, client_secret: str, auth_method: str = "basic"
) -> ProviderConfig:
    return ProviderConfig(
        name=name,
        label=f"Demo ({name})",
        kind="oidc",
        client_id=client_id,
        client_secret=client_secret,
        scope="openid profile email",
        demo=True,
        issuer=issuer,
        server_metadata_url=issuer + "/.well-known/openid-configuration",
        token_endpoint_auth_method=(
            "client_secret_post" if auth_method == "post" else "client_secret_basic"
        ),
    )


class TestApp:
    """A Starlette app with the two sign-in routes, and what happened on the last callback."""

    __test__ = False

    def __init__(self, sign_in: SignInClient) -> None:
        self.sign_in = sign_in
        self.errors: list[SignInError] = []
        self.identities: list[Identity] = []
        self.app = Starlette(
            routes=[
                Route("/auth/login/{provider}", self.login),
                Route("/auth/callback/{provider}", self.callback),
                Route("/test/set-nonce", self.set_nonce),
            ],
            middleware=[
                Middleware(
                    SessionMiddleware,
                    secret_key="test-only-session-secret",
                    session_cookie="bw_signin",
                    max_age=600,
                    same_site="lax",
                    https_only=False,
                )
            ],
        )

    async def login(self, request: Request) -> Response:
        name = request.path_params["provider"]
        try:
            return await self.sign_in.begin(
                request,
                name,
                callback_uri(name),
                login_hint=request.query_params.get("login_hint"),
            )
        except SignInError as error:
            self.errors.append(error)
            print(f"sign-in not started: {error}")  # shown by pytest when a test fails
            return JSONResponse({"error": error.code, "message": error.message}, status_code=502)

    async def callback(self, request: Request) -> Response:
        try:
            identity = await self.sign_in.complete(request, request.path_params["provider"])
        except SignInError as error:
            self.errors.append(error)
            print(f"sign-in refused: {error}")  # shown by pytest when a test fails
            return JSONResponse({"error": error.code, "message": error.message}, status_code=400)
        self.identities.append(identity)
        return JSONResponse(asdict(identity))

    async def set_nonce(self, request: Request) -> Response:
        """Test-only: overwrite the nonce Authlib stored in the session for pending sign-ins."""
        value = request.query_params.get("value", "not-the-nonce-we-sent")
        changed = 0
        for key, entry in list(request.session.items()):
            if key.startswith("_state_") and isinstance(entry.get("data"), dict):
                entry["data"]["nonce"] = value
                request.session[key] = entry  # Starlette saves only top-level changes
                changed += 1
        return JSONResponse({"changed": changed})


def app_client(app: TestApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app.app), base_url=TEST_APP_BASE, timeout=10
    )


def provider_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(follow_redirects=False, timeout=10)


async def walk_provider(client: httpx.AsyncClient, location: str, issuer: str) -> httpx.Response:
    """Follow redirects while they stay on the provider; return the first other answer.

    The answer is either a redirect back to the app (its Location is the callback URL) or a
    provider page (the shopper picker).
    """
    for _ in range(10):
        response = await client.get(location)
        if response.status_code not in (301, 302, 303, 307, 308):
            return response
        location = urljoin(location, response.headers["location"])
        if not location.startswith(issuer + "/"):
            return response
    raise AssertionError("too many redirects at the provider")


def callback_location(response: httpx.Response) -> str:
    assert response.status_code in (302, 303), response.text
    location = response.headers["location"]
    assert location.startswith(TEST_APP_BASE + "/auth/callback/"), location
    return location


async def start(app: httpx.AsyncClient, name: str, login_hint: str | None = None) -> str:
    """GET the app's login route; return the provider authorization URL."""
    query = f"?{urlencode({'login_hint': login_hint})}" if login_hint else ""
    response = await app.get(f"/auth/login/{name}{query}")
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def sign_in(
    app: httpx.AsyncClient,
    provider: httpx.AsyncClient,
    issuer: str,
    name: str = "demo",
    login_hint: str | None = "alice",
    before_callback: Callable[[str], Awaitable[str | None]] | None = None,
) -> httpx.Response:
    """A whole sign-in with login_hint; returns the app's callback response."""
    authorize_url = await start(app, name, login_hint)
    assert authorize_url.startswith(issuer + "/auth?")
    location = callback_location(await walk_provider(provider, authorize_url, issuer))
    if before_callback is not None:
        location = await before_callback(location) or location
    return await app.get(location)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture(scope="session")
def oidc(demo_oidc: DemoOIDC) -> DemoOIDC:  # noqa: F811 - the imported fixture
    """The session's demo provider (a short name, so tests need not shadow the import)."""
    return demo_oidc


@pytest.fixture
def demo_app(oidc: DemoOIDC) -> TestApp:
    return TestApp(
        SignInClient(
            [
                oidc_provider("demo", oidc.issuer, oidc.client_id, oidc.client_secret),
                oidc_provider(
                    "demo_b",
                    oidc.issuer,
                    oidc.second_client_id,
                    oidc.second_client_secret,
                    auth_method="post",
                ),
            ],
            timeout=3.0,
        )
    )


@pytest.fixture
async def clients(demo_app: TestApp) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    async with app_client(demo_app) as app, provider_client() as provider:
        yield app, provider


# --------------------------------------------------------------------------------------------
# Happy paths
# --------------------------------------------------------------------------------------------


async def test_login_hint_signs_alice_in(oidc: DemoOIDC, demo_app: TestApp, clients) -> None:
    app, provider = clients
    response = await sign_in(app, provider, oidc.issuer, login_hint="alice")
    assert response.status_code == 200, response.text
    assert demo_app.identities == [
        Identity(
            provider="demo",
            subject="alice",
            email="alice@bandwagon.test",
            name="Alice Archer",
            picture=None,
            email_verified=True,
        )
    ]


async def test_authorization_request_uses_pkce_s256_nonce_and_state(
    oidc: DemoOIDC, clients
) -> None:
    app, _ = clients
    query = parse_qs(urlsplit(await start(app, "demo", "alice")).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["nonce"][0] and query["state"][0]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    assert query["response_type"] == ["code"]


async def test_second_client_with_client_secret_post(
    oidc: DemoOIDC, demo_app: TestApp, clients
) -> None:
    app, provider = clients
    response = await sign_in(app, provider, oidc.issuer, name="demo_b", login_hint="carol")
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == "carol"
    assert demo_app.identities[-1].provider == "demo_b"


async def test_unverified_email_is_reported_as_such(oidc: DemoOIDC, clients) -> None:
    app, provider = clients
    response = await sign_in(app, provider, oidc.issuer, login_hint="dave")
    assert response.status_code == 200, response.text
    assert response.json()["email"] == "dave@bandwagon.test"
    assert response.json()["email_verified"] is False


async def test_picker_page_then_switch_shopper(oidc: DemoOIDC, clients) -> None:
    app, provider = clients
    for shopper in ("bob", "carol"):  # same provider cookies: the second sign-in switches shopper
        page = await walk_provider(provider, await start(app, "demo"), oidc.issuer)
        assert page.status_code == 200
        assert "Demo sign-in (not a real account)" in page.text
        for name in ("alice", "bob", "carol", "dave"):
            assert f'value="{name}"' in page.text
        action = re.search(r'action="(/interaction/[^"]+/login)"', page.text)
        assert action is not None
        chosen = await provider.post(oidc.issuer + action.group(1), data={"account": shopper})
        assert chosen.status_code == 303
        back = await walk_provider(
            provider, urljoin(oidc.issuer, chosen.headers["location"]), oidc.issuer
        )
        response = await app.get(callback_location(back))
        assert response.status_code == 200, response.text
        assert response.json()["subject"] == shopper


async def test_provider_requires_pkce_and_registered_redirect(oidc: DemoOIDC) -> None:
    """The demo provider is strict like a real one: no PKCE or a foreign redirect_uri fails."""
    params = {
        "client_id": oidc.client_id,
        "response_type": "code",
        "scope": "openid email",
        "state": "s",
        "nonce": "n",
        "redirect_uri": callback_uri("demo"),
        "login_hint": "alice",
    }
    async with provider_client() as provider:
        no_pkce = await provider.get(f"{oidc.issuer}/auth", params=params)
        assert no_pkce.status_code == 303
        location = no_pkce.headers["location"]
        assert location.startswith(callback_uri("demo"))
        assert "error=invalid_request" in location and "PKCE" in location
        foreign = await provider.get(
            f"{oidc.issuer}/auth",
            params={
                **params,
                "redirect_uri": "http://evil.test/cb",
                "code_challenge": "x" * 43,
                "code_challenge_method": "S256",
            },
        )
        assert foreign.status_code == 400
        assert "redirect_uri" in foreign.text


# --------------------------------------------------------------------------------------------
# Failures
# --------------------------------------------------------------------------------------------


async def test_user_cancels_at_the_provider(oidc: DemoOIDC, demo_app: TestApp, clients) -> None:
    app, provider = clients
    page = await walk_provider(provider, await start(app, "demo"), oidc.issuer)
    action = re.search(r'action="(/interaction/[^"]+/cancel)"', page.text)
    assert action is not None
    cancelled = await provider.post(oidc.issuer + action.group(1))
    assert cancelled.status_code == 303
    back = await walk_provider(
        provider, urljoin(oidc.issuer, cancelled.headers["location"]), oidc.issuer
    )
    location = callback_location(back)
    assert "error=access_denied" in location
    response = await app.get(location)
    assert response.status_code == 400
    assert response.json()["error"] == "cancelled"
    assert isinstance(demo_app.errors[-1], SignInError)
    assert demo_app.errors[-1].code == "cancelled"


async def test_tampered_state_is_refused(oidc: DemoOIDC, demo_app: TestApp, clients) -> None:
    app, provider = clients

    async def tamper(location: str) -> str:
        return with_query(location, state="attacker-chosen-state")

    response = await sign_in(app, provider, oidc.issuer, before_callback=tamper)
    assert response.status_code == 400
    assert demo_app.errors[-1].code == "state_mismatch"
    assert demo_app.identities == []


async def test_missing_state_or_other_browser_is_refused(
    oidc: DemoOIDC, demo_app: TestApp, clients
) -> None:
    app, provider = clients
    authorize_url = await start(app, "demo", "alice")
    location = callback_location(await walk_provider(provider, authorize_url, oidc.issuer))
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if k != "state"}
    response = await app.get(urlunsplit(parts._replace(query=urlencode(query))))
    assert response.json()["error"] == "state_mismatch"
    # the genuine callback, but from another browser (no session cookie): refused too
    async with app_client(demo_app) as other_browser:
        response = await other_browser.get(location)
    assert response.json()["error"] == "state_mismatch"
    assert demo_app.identities == []


async def test_wrong_nonce_is_refused(oidc: DemoOIDC, demo_app: TestApp, clients) -> None:
    app, provider = clients

    async def tamper(_location: str) -> None:
        changed = await app.get("/test/set-nonce")
        assert changed.json() == {"changed": 1}

    response = await sign_in(app, provider, oidc.issuer, before_callback=tamper)
    assert response.status_code == 400
    assert response.json()["error"] == "nonce_mismatch"
    assert demo_app.identities == []


async def test_replayed_authorization_code_is_refused(
    oidc: DemoOIDC, demo_app: TestApp, clients
) -> None:
    app, provider = clients
    saved: dict[str, Any] = {}

    async def remember(location: str) -> None:
        saved["location"] = location
        saved["cookies"] = list(app.cookies.jar)  # the session still holding state + verifier

    first = await sign_in(app, provider, oidc.issuer, before_callback=remember)
    assert first.status_code == 200, first.text
    # Replay the whole callback with the old session cookie, so state and PKCE verifier match:
    # only the provider can notice that the code was already used.
    app.cookies.jar.clear()
    for cookie in saved["cookies"]:
        app.cookies.jar.set_cookie(cookie)
    second = await app.get(saved["location"])
    assert second.status_code == 400
    assert second.json()["error"] == "token_exchange_failed"
    assert "invalid_grant" in second.json()["message"]
    assert len(demo_app.identities) == 1


async def test_id_token_for_another_audience_is_refused(
    oidc: DemoOIDC, demo_app: TestApp, clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, provider = clients
    # 1. A genuine token response for the *second* client (real signature, same issuer).
    other_app = demo_app.sign_in._oauth.create_client("demo_b")
    real_fetch_b = other_app.fetch_access_token
    captured: dict[str, Any] = {}

    async def capture(**kwargs: Any) -> dict[str, Any]:
        captured["token"] = await real_fetch_b(**kwargs)
        return captured["token"]

    monkeypatch.setattr(other_app, "fetch_access_token", capture)
    ok = await sign_in(app, provider, oidc.issuer, name="demo_b", login_hint="bob")
    assert ok.status_code == 200, ok.text
    other_nonce = _claims(captured["token"]["id_token"])["nonce"]
    assert _claims(captured["token"]["id_token"])["aud"] == oidc.second_client_id

    # 2. Sign in with the first client, but the token endpoint "returns" client B's token.
    #    The nonce is made to match, so only the audience check can refuse it.
    main_app = demo_app.sign_in._oauth.create_client("demo")
    real_fetch = main_app.fetch_access_token

    async def swap(**kwargs: Any) -> dict[str, Any]:
        await real_fetch(**kwargs)  # the real exchange still happens (and consumes the code)
        return captured["token"]

    monkeypatch.setattr(main_app, "fetch_access_token", swap)

    async def align_nonce(_location: str) -> None:
        changed = await app.get("/test/set-nonce", params={"value": other_nonce})
        assert changed.json() == {"changed": 1}

    response = await sign_in(app, provider, oidc.issuer, before_callback=align_nonce)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_id_token"
    assert "aud" in response.json()["message"]


async def test_tampered_id_token_signature_is_refused(
    oidc: DemoOIDC, demo_app: TestApp, clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, provider = clients
    main_app = demo_app.sign_in._oauth.create_client("demo")
    real_fetch = main_app.fetch_access_token

    async def forge(**kwargs: Any) -> dict[str, Any]:
        token = dict(await real_fetch(**kwargs))
        header, payload, signature = token["id_token"].split(".")
        claims = _claims(token["id_token"])
        claims["email"] = "mallory@evil.test"
        forged = base64.urlsafe_b64encode(_json(claims)).rstrip(b"=").decode()
        token["id_token"] = ".".join([header, forged, signature])
        return token

    monkeypatch.setattr(main_app, "fetch_access_token", forge)
    response = await sign_in(app, provider, oidc.issuer)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_id_token"
    assert demo_app.identities == []


async def test_discovery_issuer_must_match_configuration(oidc: DemoOIDC) -> None:
    port = urlsplit(oidc.issuer).port
    wrong = oidc_provider("demo", f"http://localhost:{port}", oidc.client_id, oidc.client_secret)
    test_app = TestApp(SignInClient([wrong], timeout=3.0))
    async with app_client(test_app) as app:
        response = await app.get("/auth/login/demo")
    assert response.status_code == 502
    assert test_app.errors[-1].code == "provider_error"
    assert "issuer" in test_app.errors[-1].message


async def test_provider_down_fails_fast() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = oidc_provider("demo", f"http://127.0.0.1:{port}", "id", "secret")
    test_app = TestApp(SignInClient([down], timeout=2.0))
    started = time.monotonic()
    async with app_client(test_app) as app:
        response = await app.get("/auth/login/demo")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 502
    assert test_app.errors[-1].code == "provider_unreachable"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                accepted.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for conn in accepted:
        conn.close()
    server.close()


async def test_provider_that_hangs_times_out(silent_server: int) -> None:
    hung = oidc_provider("demo", f"http://127.0.0.1:{silent_server}", "id", "secret")
    test_app = TestApp(SignInClient([hung], timeout=0.5))
    started = time.monotonic()
    async with app_client(test_app) as app:
        response = await app.get("/auth/login/demo")
    elapsed = time.monotonic() - started
    assert response.status_code == 502
    assert test_app.errors[-1].code == "provider_timeout"
    assert 0.4 < elapsed < 2.0


@pytest.fixture(scope="module")
def quirky_oidc() -> Iterator[DemoOIDC]:
    """A second provider: the token endpoint takes 1.5 s and ID tokens live 1 s."""
    with run_demo_oidc(env={"DEMO_OIDC_SLOW_MS": "1500", "DEMO_OIDC_ID_TOKEN_TTL": "1"}) as p:
        yield p


async def test_slow_token_endpoint_times_out(quirky_oidc: DemoOIDC) -> None:
    config = oidc_provider(
        "demo_quirky", quirky_oidc.issuer, quirky_oidc.client_id, quirky_oidc.client_secret
    )
    test_app = TestApp(SignInClient([config], timeout=0.5))
    async with app_client(test_app) as app, provider_client() as provider:
        started = time.monotonic()
        response = await sign_in(app, provider, quirky_oidc.issuer, name="demo_quirky")
        elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert test_app.errors[-1].code == "provider_timeout"
    assert elapsed < 1.5


async def test_expired_id_token_is_refused(
    quirky_oidc: DemoOIDC, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = oidc_provider(
        "demo_quirky", quirky_oidc.issuer, quirky_oidc.client_id, quirky_oidc.client_secret
    )
    sign_in_client = SignInClient([config], timeout=5.0, leeway=0)
    test_app = TestApp(sign_in_client)
    quirky_app = sign_in_client._oauth.create_client("demo_quirky")
    real_fetch = quirky_app.fetch_access_token

    async def late(**kwargs: Any) -> dict[str, Any]:
        token = await real_fetch(**kwargs)
        await asyncio.sleep(2.2)  # the ID token lives 1 s
        return token

    monkeypatch.setattr(quirky_app, "fetch_access_token", late)
    async with app_client(test_app) as app, provider_client() as provider:
        response = await sign_in(app, provider, quirky_oidc.issuer, name="demo_quirky")
    assert response.status_code == 400
    assert test_app.errors[-1].code == "invalid_id_token"
    assert "expired" in test_app.errors[-1].message


async def test_unknown_provider_name(demo_app: TestApp, clients) -> None:
    app, _ = clients
    response = await app.get("/auth/login/nope")
    assert response.status_code == 502
    assert demo_app.errors[-1].code == "unknown_provider"


async def test_missing_session_middleware_is_a_clear_error(oidc: DemoOIDC) -> None:
    client = SignInClient([oidc_provider("demo", oidc.issuer, oidc.client_id, oidc.client_secret)])
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    with pytest.raises(RuntimeError, match="SessionMiddleware"):
        await client.begin(Request(scope), "demo", callback_uri("demo"))


# --------------------------------------------------------------------------------------------
# helpers for peeking into tokens
# --------------------------------------------------------------------------------------------


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# --------------------------------------------------------------------------------------------
# GitHub (plain OAuth 2.0 + REST API): no offline GitHub exists, so its HTTP is mocked here
# --------------------------------------------------------------------------------------------


def github_handler(seen: list[httpx.Request], verified: bool = True) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        url = str(request.url)
        if url == "https://github.com/login/oauth/access_token":
            form = parse_qs(request.content.decode())
            if form.get("code") != ["gh-code"] or not form.get("code_verifier"):
                return httpx.Response(200, json={"error": "bad_verification_code"})
            return httpx.Response(200, json={"access_token": "gho_x", "token_type": "bearer"})
        assert request.headers["authorization"] == "Bearer gho_x"
        if url == "https://api.github.com/user":
            return httpx.Response(
                200,
                json={"id": 42, "login": "octo", "name": None, "avatar_url": "https://a/42"},
            )
        if url == "https://api.github.com/user/emails":
            return httpx.Response(
                200,
                json=[
                    {"email": "old@example.com", "primary": False, "verified": True},
                    {"email": "octo@example.com", "primary": True, "verified": verified},
                ],
            )
        return httpx.Response(404)

    return httpx.MockTransport(handle)


def github_config() -> ProviderConfig:
    [github] = providers_from_env({"GITHUB_CLIENT_ID": "gh-id", "GITHUB_CLIENT_SECRET": "gh-s"})
    return github


@pytest.mark.parametrize("verified", [True, False])
async def test_github_sign_in(verified: bool) -> None:
    seen: list[httpx.Request] = []
    config = github_config()
    test_app = TestApp(SignInClient([config], transport=github_handler(seen, verified)))
    async with app_client(test_app) as app:
        start_url = (await app.get("/auth/login/github")).headers["location"]
        query = parse_qs(urlsplit(start_url).query)
        assert start_url.startswith("https://github.com/login/oauth/authorize?")
        assert query["code_challenge_method"] == ["S256"]
        assert query["redirect_uri"] == [callback_uri("github")]
        state = query["state"][0]
        response = await app.get(f"/auth/callback/github?code=gh-code&state={state}")
    assert response.status_code == 200, response.text
    assert test_app.identities == [
        Identity(
            provider="github",
            subject="42",
            email="octo@example.com" if verified else None,
            name="octo",
            picture="https://a/42",
            email_verified=verified,
        )
    ]
    token_request = seen[0]
    assert token_request.headers["accept"] == "application/json"


async def test_github_bad_code() -> None:
    test_app = TestApp(SignInClient([github_config()], transport=github_handler([])))
    async with app_client(test_app) as app:
        start_url = (await app.get("/auth/login/github")).headers["location"]
        state = parse_qs(urlsplit(start_url).query)["state"][0]
        response = await app.get(f"/auth/callback/github?code=wrong&state={state}")
    assert response.json()["error"] == "token_exchange_failed"
    assert "bad_verification_code" in response.json()["message"]
