"""A shopper browses: home -> search -> product, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import UNNAMED_CONTROLS_JS, VIEWPORTS, OpenShopper, screenshot

pytestmark = pytest.mark.e2e


def _assert_controls_are_named(page: Page) -> None:
    assert page.evaluate(UNNAMED_CONTROLS_JS) == []


def _assert_images_loaded(page: Page, selector: str) -> None:
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].every(i => i.complete && i.naturalWidth > 0)",
        arg=selector,
    )


def test_shopper_searches_and_opens_a_product(
    shopper: Page, viewport: str, request: pytest.FixtureRequest
) -> None:
    page = shopper
    page.goto("/")
    expect(page.get_by_role("heading", name="Shop together. Pay less.")).to_be_visible()
    expect(page.get_by_test_id("product-card").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Category "))).to_have_count(7)
    page.wait_for_load_state("networkidle")
    _assert_controls_are_named(page)
    screenshot(page, request, "home")

    search = page.get_by_label("Search products").first
    search.fill("stoneware mug")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/catalog\?q=stoneware\+mug"))
    expect(page.get_by_role("heading", name="Results for “stoneware mug”")).to_be_visible()
    result = page.get_by_role("link", name="Harbor Stoneware Mug")
    expect(result).to_be_visible()
    _assert_controls_are_named(page)
    screenshot(page, request, "search")

    result.click()
    expect(page).to_have_url(re.compile("/product/harbor-stoneware-mug"))
    expect(page.get_by_role("heading", name="Harbor Stoneware Mug")).to_be_visible()
    expect(page.get_by_test_id("product-price")).to_have_text("$18.00")
    expect(page.get_by_text(re.compile(r"In stock \(\d+\)"))).to_be_visible()
    _assert_images_loaded(page, "img")
    page.get_by_role("button", name="Show Harbor Stoneware Mug, view 2").click()
    expect(page.get_by_test_id("product-main-image")).to_have_attribute(
        "src", re.compile("harbor-stoneware-mug-1")
    )
    _assert_controls_are_named(page)
    screenshot(page, request, "product")


def test_header_nav_fits_the_screen(
    shopper: Page, viewport: str, request: pytest.FixtureRequest
) -> None:
    """A desktop shows the nav inline; a phone keeps the header compact, nav behind a menu."""
    page = shopper
    page.goto("/")
    page.wait_for_load_state("networkidle")
    header = page.locator("header")
    catalog = header.get_by_role("link", name="Catalog", exact=True)
    menu_button = header.get_by_role("button", name="Navigation menu")
    assert page.evaluate("document.documentElement.scrollWidth") == VIEWPORTS[viewport]["width"]
    _assert_controls_are_named(page)
    if viewport == "desktop":
        expect(menu_button).to_be_hidden()
        screenshot(page, request, "header")
        catalog.click()
    else:
        expect(catalog).to_be_hidden()
        box = header.bounding_box()
        assert box is not None and box["height"] < 120  # a logo row and a search row
        menu_button.focus()  # by keyboard, as the menu must work without a pointer
        page.keyboard.press("Enter")
        expect(page.get_by_role("menuitem", name="Home")).to_be_focused()
        _assert_controls_are_named(page)
        screenshot(page, request, "header-menu")
        page.keyboard.press("ArrowDown")
        expect(page.get_by_role("menuitem", name="Catalog")).to_be_focused()
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/catalog$"))


def test_category_filter_narrows_the_catalog(
    shopper: Page, viewport: str, request: pytest.FixtureRequest
) -> None:
    page = shopper
    page.goto("/catalog")
    expect(page.get_by_role("heading", name="All products")).to_be_visible()
    # The 36 demo products, and any an earlier test added through the console or the API.
    expect(page.get_by_test_id("product-card").first).to_be_visible()
    total = page.get_by_text(re.compile(r"^\d+ products$"))
    expect(total).to_be_visible()
    assert int(total.inner_text().split()[0]) >= 36
    # Twelve tiles at a time; the button draws the next twelve.
    expect(page.get_by_test_id("product-card")).to_have_count(12)
    more = page.get_by_test_id("show-more")
    expect(more).to_have_text(re.compile(r"^Show 12 more of \d+$"))
    more.click()
    expect(page.get_by_test_id("product-card")).to_have_count(24)
    all_count = int(total.inner_text().split()[0])
    page.get_by_role("group", name="Filter by category").get_by_role("button", name="Audio").click()
    expect(page).to_have_url(re.compile(r"category=audio"))
    expect(page.get_by_role("heading", name="Audio")).to_be_visible()
    cards = page.get_by_test_id("product-card")
    expect(cards.first).to_be_visible()
    assert 0 < cards.count() < all_count
    for text in cards.all_inner_texts():
        assert text.startswith("Audio")
    screenshot(page, request, "category")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/catalog?q=" + "x" * 120, "Searches can be at most"),
        ("/catalog?q=%00%01", "characters we can't look for"),
        ("/catalog?category=no-such-aisle", "We don't have that category"),
        ("/product/no-such-product", "We couldn't find that product"),
        ("/product/999999", "We couldn't find that product"),
        ("/this/page/is/not/here", "This page doesn't exist"),
    ],
    ids=["long-query", "control-chars", "unknown-category", "unknown-slug", "unknown-id", "404"],
)
def test_bad_input_gets_a_friendly_page(
    shopper: Page, viewport: str, path: str, message: str, request: pytest.FixtureRequest
) -> None:
    page = shopper
    page.goto(path)
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(
        page.get_by_role("link", name="Back to the shop")
        .or_(page.get_by_label("Search products").first)
        .first
    ).to_be_visible()
    screenshot(page, request, "friendly")


def test_search_with_no_match_says_so(shopper: Page, viewport: str) -> None:
    shopper.goto("/catalog?q=zebra+submarine")
    expect(shopper.get_by_test_id("no-results")).to_be_visible()


# Every text an <h1> of the page showed, from the page's first byte (a new list per page load).
RECORD_HEADINGS_JS = """
window.__headings = [];
new MutationObserver(() => {
  for (const h of document.querySelectorAll('h1')) {
    const text = h.textContent.trim();
    if (text && !window.__headings.includes(text)) window.__headings.push(text);
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def _heading_of(open_shopper: OpenShopper, path: str) -> str:
    """The page's <h1> as a tab that never visited anything shows it."""
    fresh = open_shopper("desktop")
    fresh.goto(path)
    heading = fresh.locator("main h1").first
    expect(heading).not_to_have_text("")
    return heading.inner_text()


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("/product/harbor-stoneware-mug", "/product/kyoto-glazed-teapot"),
        ("/product/no-such-product", "/product/harbor-stoneware-mug"),
        ("/deals/1", "/deals/2"),
        ("/live/1", "/live/2"),
    ],
    ids=["product", "after-not-found", "deal", "live"],
)
def test_a_tab_opening_another_page_of_a_kind_never_shows_the_one_before(
    open_shopper: OpenShopper, first: str, then: str
) -> None:
    """A tab keeps its state between page loads: the next address draws its frame until its own
    data is read, never the earlier visit's product and price, or its "not found"."""
    first_heading, then_heading = _heading_of(open_shopper, first), _heading_of(open_shopper, then)
    assert first_heading != then_heading
    page = open_shopper("desktop")
    page.add_init_script(RECORD_HEADINGS_JS)
    page.goto(first)
    expect(page.locator("main h1").first).to_have_text(first_heading)
    page.goto(then)
    expect(page.locator("main h1").first).to_have_text(then_heading)
    expect(page).to_have_title(re.compile(re.escape(then_heading)))
    assert first_heading not in page.evaluate("window.__headings")
