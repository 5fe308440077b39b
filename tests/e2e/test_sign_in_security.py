"""Sign-in attacks and failures against the running app and its real OpenID provider.

Each one must end on the sign-in error page with no session: no session cookie in the browser and
no session row in the database. (Wrong audience, expired or forged ID tokens and an unreachable or
slow provider are covered against the same provider in tests/integration/test_oidc_flow.py.)
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import itsdangerous
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, func, select

from app.adapters.db.models_people import AuthSession
from app.adapters.db.session import make_engine
from app.services.sign_in import SESSION_COOKIE, SIGN_IN_COOKIE
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def client(app_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app_url, follow_redirects=False, timeout=10) as http:
        yield http


def _sessions(app_database: str) -> int:
    engine = make_engine(app_database)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(AuthSession)).one()
    engine.dispose()
    return int(count)


def _to_provider(client: httpx.Client) -> httpx.Response:
    """Start signing in at the app and follow the redirect to the provider's picker page."""
    start = client.get("/auth/login/demo", params={"next": "/friends"})
    assert start.status_code in (302, 303)
    page = client.get(start.headers["location"], follow_redirects=True)
    assert "Demo sign-in" in page.text
    return page


def _pick(client: httpx.Client, picker: httpx.Response, account: str = "alice") -> str:
    """Choose a shopper on the provider page; return the app callback URL it redirects to."""
    action = re.search(r'<form method="post" action="([^"]+/login)"', picker.text)
    assert action, picker.text[:500]
    response = client.post(urljoin(str(picker.url), action.group(1)), data={"account": account})
    while (
        response.status_code in (302, 303) and "/auth/callback/" not in response.headers["location"]
    ):
        response = client.get(urljoin(str(response.url), response.headers["location"]))
    assert "/auth/callback/demo" in response.headers["location"]
    return str(response.headers["location"])


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _assert_refused(response: httpx.Response, code: str, client: httpx.Client) -> None:
    assert response.status_code == 303
    assert f"/sign-in/error?code={code}" in response.headers["location"]
    assert SESSION_COOKIE not in response.cookies
    assert SESSION_COOKIE not in client.cookies


def test_happy_path_sets_an_httponly_samesite_session_cookie(
    client: httpx.Client, app_database: str
) -> None:
    before = _sessions(app_database)
    callback = _pick(client, _to_provider(client))
    done = client.get(callback)
    assert done.status_code == 303 and done.headers["location"].endswith("/friends")
    cookie = done.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert _sessions(app_database) == before + 1


def test_tampered_state_is_refused(client: httpx.Client, app_database: str) -> None:
    before = _sessions(app_database)
    callback = _pick(client, _to_provider(client))
    response = client.get(_with_query(callback, state="forged-state-value"))
    _assert_refused(response, "state_mismatch", client)
    assert _sessions(app_database) == before


def test_replayed_authorization_code_is_refused(client: httpx.Client, app_database: str) -> None:
    first = _pick(client, _to_provider(client))
    assert client.get(first).status_code == 303  # the code is now spent
    client.cookies.delete(SESSION_COOKIE)
    before = _sessions(app_database)
    second = _pick(client, _to_provider(client))
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    response = client.get(_with_query(second, code=old_code))
    _assert_refused(response, "token_exchange_failed", client)
    assert _sessions(app_database) == before


def test_wrong_nonce_is_refused(
    client: httpx.Client, app_database: str, app_data_dir: Path
) -> None:
    before = _sessions(app_database)
    callback = _pick(client, _to_provider(client))
    # Re-sign the sign-in cookie with a different nonce, as an attacker who could would.
    signer = itsdangerous.TimestampSigner((app_data_dir / "session-secret").read_text().strip())
    stored = next(c for c in client.cookies.jar if c.name == SIGN_IN_COOKIE)
    raw = stored.value
    assert raw
    data = json.loads(base64.b64decode(signer.unsign(raw.encode())))
    state_key = next(k for k in data if k.startswith("_state_demo_"))
    data[state_key]["data"]["nonce"] = "not-the-nonce-we-sent"
    forged = signer.sign(base64.b64encode(json.dumps(data).encode())).decode()
    client.cookies.delete(SIGN_IN_COOKIE)
    client.cookies.set(SIGN_IN_COOKIE, forged, domain=stored.domain, path=stored.path)
    response = client.get(callback)
    _assert_refused(response, "nonce_mismatch", client)
    assert _sessions(app_database) == before


def test_unknown_provider_is_refused(client: httpx.Client) -> None:
    response = client.get("/auth/login/evil")
    _assert_refused(response, "unknown_provider", client)


def test_open_redirects_are_not_followed(client: httpx.Client) -> None:
    callback = _pick(client, _to_provider_with_next(client, "//evil.example/steal"))
    done = client.get(callback)
    assert urlsplit(done.headers["location"]).path == "/"
    assert "evil" not in done.headers["location"]


def _to_provider_with_next(client: httpx.Client, next_path: str) -> httpx.Response:
    start = client.get("/auth/login/demo", params={"next": next_path})
    return client.get(start.headers["location"], follow_redirects=True)


def test_cross_site_sign_out_is_refused(client: httpx.Client) -> None:
    response = client.post("/auth/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_cancel_at_the_provider_ends_on_a_clear_error_page(
    shopper: Page, viewport: str, app_database: str, request: pytest.FixtureRequest
) -> None:
    before = _sessions(app_database)
    shopper.goto("/sign-in?next=/friends")
    shopper.get_by_role("link", name="Continue with Demo sign-in").click()
    shopper.get_by_role("button", name="Cancel").click()
    expect(shopper).to_have_url(re.compile(r"/sign-in/error/?\?code=cancelled"))
    expect(shopper.get_by_test_id("sign-in-error")).to_contain_text("You cancelled signing in")
    expect(shopper.get_by_text("You are not signed in.")).to_be_visible()
    expect(shopper.get_by_role("link", name="Sign in")).to_be_visible()
    assert SESSION_COOKIE not in {c["name"] for c in shopper.context.cookies()}
    assert _sessions(app_database) == before
    screenshot(shopper, request, "cancelled")
