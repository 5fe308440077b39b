"""The merchant console in real browsers: the demo admin creates a product (a bad price is
refused next to its field, the picture is uploaded) and a deal on it; a shopper finds the deal
in the shop and joins it, and the admin's dashboard shows the join without a reload; a shopper
opening /console is sent away."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in
from tests.e2e.test_deals import MARK, SAME_DOCUMENT, choose_card

pytestmark = pytest.mark.e2e

TITLE = "Console Test Walnut Board"


def _picture(tmp_path: Path) -> Path:
    path = tmp_path / "board.png"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 70, 30)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def _field(page: Page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.blur()


def test_the_admin_creates_a_product_and_a_deal_that_shoppers_see(
    open_shopper: OpenShopper, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    admin = open_shopper("desktop", timezone_id="UTC")
    sign_in(admin, "Demo Admin", "/console")
    expect(admin.get_by_role("heading", name="Console")).to_be_visible()
    expect(admin.get_by_role("tab", name="Users & roles")).to_be_visible()

    # A negative price is refused next to its field; nothing is created.
    _field(admin, "Title", TITLE)
    _field(admin, "Price", "-5")
    _field(admin, "Stock", "25")
    admin.get_by_label("Category", exact=True).select_option(index=1)
    admin.get_by_test_id("save-product").click()
    expect(admin.get_by_test_id("product-error-price")).to_have_text(
        "The price must be more than zero."
    )
    expect(admin.get_by_label("Price", exact=True)).to_have_attribute("aria-invalid", "true")

    _field(admin, "Price", "42.00")
    admin.locator("#product-image input[type=file]").set_input_files(str(_picture(tmp_path)))
    expect(admin.get_by_test_id("chosen-file")).to_contain_text("board.png")
    admin.get_by_test_id("save-product").click()
    row = admin.get_by_test_id("console-product").filter(has_text=TITLE)
    expect(row).to_be_visible()
    expect(row).to_contain_text("$42.00")
    picture = row.locator("img")
    expect(picture).to_have_attribute("src", re.compile(r"^/media/products/\S+\.webp$"))
    # The re-encoded picture is served: the browser decoded it.
    admin.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 800", arg=picture.element_handle()
    )
    # The drop zone's own file input is out of the tab order (tabindex -1, clipped): the zone
    # around it is the control, and it carries the name.
    unnamed = admin.evaluate(UNNAMED_CONTROLS_JS)
    assert [c for c in unnamed if not ('type="file"' in c and 'tabindex="-1"' in c)] == []
    expect(admin.get_by_label("Product picture")).to_be_visible()
    screenshot(admin, request, "console-products")

    admin.get_by_role("tab", name="Deals").click()
    admin.get_by_label("Product", exact=True).select_option(label=f"{TITLE} ($42.00)")
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    admin.get_by_label("Deadline", exact=True).fill(future)
    admin.get_by_role("button", name="Open the deal").click()
    deal_row = admin.get_by_test_id("console-deal").filter(has_text=TITLE)
    expect(deal_row).to_be_visible()
    expect(deal_row).to_contain_text("Open")
    deal_path = deal_row.get_by_role("link").first.get_attribute("href") or ""
    assert re.fullmatch(r"/deals/\d+", deal_path)
    screenshot(admin, request, "console-deals")

    admin.get_by_role("tab", name="Audit log").click()
    audit = admin.get_by_test_id("audit-line")
    expect(audit.first).to_contain_text("deal.create")
    # Only this product (an API key test may have created another one earlier).
    created = audit.filter(has_text="product.create").filter(has_text=re.compile("walnut", re.I))
    expect(created).to_have_count(1)

    # The deal is on the shop for a shopper on a phone.
    shopper = open_shopper("phone", timezone_id="UTC")
    shopper.goto("/deals")
    expect(shopper.get_by_text(TITLE).first).to_be_visible()
    screenshot(shopper, request, "shop-deals-phone")

    # The admin watches the dashboard; Carol joins from her phone; the join shows up there
    # without a reload.
    admin.get_by_role("tab", name="Analytics").click()
    expect(admin.get_by_test_id("watching")).to_be_visible()
    joins = admin.get_by_test_id("kpi").filter(has_text="Deal joins").get_by_test_id("kpi-value")
    expect(joins).to_have_text(re.compile(r"^\d+$"))
    before = int(joins.inner_text())
    admin.evaluate(MARK)
    sign_in(shopper, "Carol", deal_path)
    choose_card(shopper, "Payment succeeds")
    shopper.get_by_test_id("join-deal").click()
    expect(shopper.get_by_test_id("in-the-deal")).to_be_visible()
    expect(joins).to_have_text(str(before + 1), timeout=10_000)
    assert admin.evaluate(SAME_DOCUMENT), "the dashboard was reloaded"
    expect(admin.get_by_test_id("visitors-now")).not_to_have_text("0")
    # The deal funnel counts Carol's view of the deal page and her join.
    funnel = admin.get_by_test_id("chart-deals")
    expect(funnel.locator(".recharts-bar-rectangle").first).to_be_visible()
    with admin.expect_download() as download:
        admin.get_by_role("button", name="Download “Deal funnel” as CSV").click()
    assert download.value.suggested_filename == "deals.csv"
    rows = Path(download.value.path()).read_text().splitlines()
    assert rows[0] == "Step,Now,Before" and rows[2].startswith("Joined,")
    assert int(rows[2].split(",")[1]) >= 1
    # A custom range that ends before it starts is refused next to its field.
    admin.get_by_label("From", exact=True).fill("2026-11-20")
    admin.get_by_label("To", exact=True).fill("2026-11-10")
    admin.get_by_role("button", name="Show these dates").click()
    expect(admin.get_by_test_id("range-error-to")).to_have_text(
        "The end must be on or after the start."
    )
    screenshot(admin, request, "console-analytics")

    # The admin's console on a phone too.
    phone_admin = open_shopper("phone", timezone_id="UTC")
    sign_in(phone_admin, "Demo Admin", "/console")
    expect(phone_admin.get_by_test_id("console-product").first).to_be_visible()
    screenshot(phone_admin, request, "console-phone")
    phone_admin.get_by_role("tab", name="Analytics").click()
    expect(phone_admin.get_by_test_id("chart-funnel")).to_be_visible()
    screenshot(phone_admin, request, "console-analytics-phone")


def test_a_shopper_opening_the_console_is_sent_away(open_shopper: OpenShopper) -> None:
    bob = open_shopper("desktop")
    sign_in(bob, "Bob", "/console")
    expect(bob.get_by_text("The console is for the shop's staff.")).to_be_visible()
    expect(bob).to_have_url(re.compile(r"/$"))
    expect(bob.get_by_role("heading", name="Console")).to_have_count(0)
