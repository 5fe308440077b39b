"""The bad-input suite in a real browser: every page with a parameter, opened with the hostile
corpus (tests/hostile_inputs.py), shows its friendly "not found" notice, never a blank page,
and the server logs no traceback for it; text people write (a display name, a shared cart's
name, a review) with the XSS corpus is shown literally and runs nothing. (Chat has its own XSS
corpus in test_chat.py; the API and the use cases get the corpus in tests/integration.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import ARTIFACTS, OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in
from tests.hostile_inputs import SEGMENTS, XSS

pytestmark = pytest.mark.e2e

NOT_A_PAGE = "This page doesn't exist"  # what the router shows for a path no page matches
# (route with {} for the value, the title of the page's notice)
ROUTES = [
    ("/product/{}", "We couldn't find that product"),
    ("/deals/{}", "We couldn't find that deal"),
    ("/deals/{}/ledger", "We couldn't find that deal"),
    ("/live/{}", "We couldn't find that live session"),
    ("/cart/{}", "You can't open this cart"),
    ("/orders/{}", "We couldn't find that order"),
    ("/trips/{}", "We couldn't find that group"),
    ("/community/{}", "We couldn't find that community"),
    ("/cart/join/{}", "This cart link can't be used"),
    ("/friends/invite/{}", "This invite can't be used"),
]
# Codes are few per person before the guessing limit answers instead (a notice all the same).
CODE_ROUTES = {"/cart/join/{}", "/friends/invite/{}"}
CODE_SEGMENTS = ("superscript_two", "thirty_digits", "script", "long")

TRAP = """() => {
  window.__pwned = undefined;
  for (const name of ['alert', 'confirm', 'prompt'])
    window[name] = () => { window.__pwned = name; };
}"""


def _log_size() -> int:
    log = ARTIFACTS / "app-server.log"
    return log.stat().st_size if log.exists() else 0


def _log_since(offset: int) -> str:
    with (ARTIFACTS / "app-server.log").open("rb") as log:
        log.seek(offset)
        return log.read().decode("utf-8", "replace")


def _shows(locator: Locator, text: str | re.Pattern[str]) -> bool:
    try:
        expect(locator.first).to_have_text(text)
    except AssertionError:
        return False
    return True


def _body(page: Page) -> str:
    return repr(page.locator("body").inner_text(timeout=2000)[:300])


@pytest.fixture
def alice(open_shopper: OpenShopper) -> Iterator[Page]:
    page = open_shopper("desktop")
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "Alice")
    yield page
    assert dialogs == [], f"a dialog opened: {dialogs}"


def test_every_page_parameter_with_hostile_values_shows_a_friendly_notice(
    alice: Page, request: pytest.FixtureRequest
) -> None:
    start = _log_size()
    blank: list[str] = []
    for route, title in ROUTES:
        names = CODE_SEGMENTS if route in CODE_ROUTES else SEGMENTS
        for name in names:
            path = route.format(SEGMENTS[name])
            alice.goto(path)
            expected = re.compile(f"{re.escape(title)}|{NOT_A_PAGE}")
            if not _shows(alice.locator("main [role=alert] h1"), expected):
                screenshot(alice, request, f"blank-{route.split('/')[1]}-{name}")
                blank.append(f"{path[:80]} ({name}): {_body(alice)}")
    for name in ("bidi", "long", "nul"):  # the catalog's filters, from its query string
        alice.goto(f"/catalog?category={SEGMENTS[name]}")
        if not _shows(alice.locator("main [role=alert] h1"), "We don't have that category"):
            blank.append(f"/catalog?category= ({name}): {_body(alice)}")
        alice.goto(f"/catalog?q={SEGMENTS[name]}")
        if not _shows(alice.get_by_test_id("search-error"), re.compile("characters")):
            blank.append(f"/catalog?q= ({name}): {_body(alice)}")
        if not _shows(alice.locator("main h1"), "Try another search"):  # not echoed back
            blank.append(f"/catalog?q= ({name}) heading: {_body(alice)}")
    screenshot(alice, request, "last-notice")
    assert blank == [], "pages without their notice:\n" + "\n".join(blank)
    log = _log_since(start)
    assert "Traceback" not in log, log[log.index("Traceback") :][:3000]


def _rename(page: Page, name: str) -> None:
    page.goto("/profile")
    page.get_by_label("Display name").fill(name)
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_test_id("profile-name")).to_have_text(name)


def test_xss_in_names_carts_and_reviews_is_shown_as_text_and_runs_nothing(
    alice: Page, request: pytest.FixtureRequest
) -> None:
    start = _log_size()
    name = XSS["img_onerror"][:60]
    _rename(alice, name)
    try:
        alice.evaluate(TRAP)
        expect(alice.get_by_role("button", name=f"Account menu for {name}")).to_be_visible()

        alice.goto("/cart")
        alice.evaluate(TRAP)
        cart_name = XSS["svg_onload"]
        alice.get_by_label("Cart name").fill(cart_name)
        alice.get_by_role("button", name="Start shared cart").click()
        expect(alice).to_have_url(re.compile(r"/cart/\d+$"))
        expect(alice.get_by_test_id("cart-name")).to_have_text(cart_name)
        alice.evaluate(TRAP)  # the new page's scripts could have replaced it

        alice.goto("/product/13")
        alice.evaluate(TRAP)
        alice.get_by_role("radio", name="5", exact=True).click()
        alice.get_by_label("Title").fill(XSS["script"])
        alice.get_by_label("Your review").fill(f"{XSS['js_url']}\n{XSS['template']}")
        alice.get_by_role("button", name="Post review").click()
        mine = alice.get_by_test_id("review").filter(has_text=XSS["script"])
        expect(mine).to_contain_text(XSS["template"])
        expect(mine.get_by_role("link")).to_have_count(0)  # a javascript: text is no link
        expect(alice.locator("main svg[onload], main img[onerror], main script")).to_have_count(0)
        screenshot(alice, request, "xss-as-text")
        assert alice.evaluate("() => window.__pwned") is None
    finally:
        _rename(alice, "Alice Archer")
    log = _log_since(start)
    assert "Traceback" not in log, log[log.index("Traceback") :][:3000]
