"""The main pages load cleanly: no same-origin request answers 4xx/5xx, no console error."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from tests.e2e.conftest import screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e

# (path, the page's h1: proof the real page rendered, not an error page)
GUEST_PAGES = (
    ("/", "Shop together. Pay less."),
    ("/catalog", "All products"),
    ("/product/harbor-stoneware-mug", "Harbor Stoneware Mug"),
    ("/deals", "Group deals"),
    ("/live", "Live shopping"),
)
SIGNED_IN_PAGES = (
    ("/cart", "My cart"),
    ("/deals", "Group deals"),
    ("/live", "Live shopping"),
    ("/friends", "Friends"),
)


def _watch(page: Page, app_url: str) -> list[str]:
    """Collect, from now on, this app's failed responses and every console error."""
    problems: list[str] = []
    origin = urlsplit(app_url).netloc

    def on_response(response: Response) -> None:
        if response.status >= 400 and urlsplit(response.url).netloc == origin:
            problems.append(f"HTTP {response.status} {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        # Script errors, and failed loads that no response event shows.
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _visit(page: Page, path: str, heading: str) -> None:
    page.goto(path)
    expect(page.locator("main h1").first).to_have_text(heading)
    page.wait_for_load_state("networkidle")


def _assert_icons_exist(page: Page) -> None:
    """Browsers fetch the icon themselves, after the load and unseen by response events (its
    404 reached the console only now and then), and guess /favicon.ico when no link names one."""
    icons = page.eval_on_selector_all("link[rel~=icon]", "links => links.map(l => l.href)")
    assert icons
    for href in icons:
        assert page.request.get(href).ok, href


def test_main_pages_load_without_errors(
    shopper: Page, viewport: str, app_url: str, request: pytest.FixtureRequest
) -> None:
    page = shopper
    problems = _watch(page, app_url)
    for path, heading in GUEST_PAGES:
        _visit(page, path, heading)
    _assert_icons_exist(page)
    # The header's sign-in is one control (a button inside a link would be two Tab stops).
    expect(page.locator("header a button, header button a")).to_have_count(0)
    screenshot(page, request, "guest")

    sign_in(page, "Alice")
    for path, heading in SIGNED_IN_PAGES:
        _visit(page, path, heading)
    screenshot(page, request, "signed-in")
    assert problems == []
