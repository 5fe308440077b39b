"""An order's page and a refund in real browsers: Bob buys, opens his order, is refused a refund
above what he paid (message next to the field), asks for it all; Carol, an admin, approves; Bob's
page shows the refund without a reload. Strangers see neither the order nor the queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e

LIVE = 15_000  # ms: a change made in one browser must show in the other within this


def first_product(app_database: str) -> tuple[str, str]:
    """(slug, title) of a product with stock to spare."""
    engine = make_engine(app_database)
    try:
        with Session(engine) as session:
            product = session.exec(
                select(Product).where(col(Product.stock) >= 10).order_by(col(Product.id))
            ).first()
            assert product is not None
            return product.slug, product.title
    finally:
        engine.dispose()


def named(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    assert page.evaluate(UNNAMED_CONTROLS_JS) == []


def set_role(app_database: str, name_start: str, role: str) -> str:
    """Give the demo user whose name starts so `role`; returns the role they had (the app is
    shared by the whole session, so the test gives it back)."""
    engine = make_engine(app_database)
    try:
        with Session(engine) as session:
            user = session.exec(
                select(User).where(col(User.display_name).startswith(name_start))
            ).one()
            before = user.role
            session.exec(update(User).where(col(User.id) == user.id).values(role=role))
            session.commit()
            return before
    finally:
        engine.dispose()


def approve_as_admin(carol: Page, request: pytest.FixtureRequest) -> None:
    carol.goto("/admin/refunds")
    row = carol.get_by_test_id("refund-row").filter(has_text="Bought the wrong one")
    expect(row).to_be_visible()
    named(carol)
    screenshot(carol, request, "refund-queue-desktop")
    row.get_by_role("button", name=re.compile("^Approve refund")).click()
    expect(row).to_contain_text("Refunded", timeout=LIVE)


def test_a_shopper_asks_for_a_refund_and_sees_it_approved_live(
    open_shopper: OpenShopper, app_database: str, request: pytest.FixtureRequest
) -> None:
    bob, carol = open_shopper("phone"), open_shopper("desktop")
    slug, _title = first_product(app_database)
    sign_in(bob, "Bob", f"/product/{slug}")
    bob.get_by_label("Quantity", exact=True).fill("1")
    bob.get_by_role("button", name="Add to my cart").click()
    expect(bob.get_by_text("Added to your cart").first).to_be_visible()
    bob.goto("/cart")
    panel = bob.get_by_test_id("checkout-panel")
    panel.get_by_role("radio", name=re.compile("Payment succeeds")).click()
    panel.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(bob.get_by_test_id("order-complete")).to_be_visible(timeout=LIVE)

    bob.goto("/orders")
    bob.get_by_test_id("order-link").first.click()
    expect(bob).to_have_url(re.compile(r"/orders/order-\d+$"))
    order_path = bob.url.split(bob.url.split("/orders/")[0])[-1]
    payment = bob.get_by_test_id("payment")
    expect(payment.get_by_test_id("money-state")).to_have_text("Paid")
    expect(payment.get_by_test_id("money-message")).to_contain_text("You paid")
    named(bob)
    screenshot(bob, request, "order-phone")

    # More than he paid: refused next to the field, nothing asked.
    bob.get_by_label("Amount (empty: all you paid)").fill("99999")
    bob.get_by_test_id("request-refund").click()
    expect(bob.locator("#refund-amount-error")).to_have_text(
        "That's more than you paid. Enter at most what you paid."
    )
    expect(bob.get_by_label("Amount (empty: all you paid)")).to_have_attribute(
        "aria-invalid", "true"
    )
    bob.get_by_label("Amount (empty: all you paid)").fill("")
    bob.get_by_label("Why (optional)").fill("Bought the wrong one")
    bob.get_by_test_id("request-refund").click()
    expect(payment.get_by_test_id("money-state")).to_have_text("Refund requested", timeout=LIVE)
    expect(payment.get_by_test_id("refund-status")).to_contain_text("Waiting for the shop")
    bob.evaluate("window.__sameDocument = true")

    # Carol is a stranger to the order: she cannot see it, and is not an admin yet.
    sign_in(carol, "Carol", order_path)
    expect(carol.get_by_text("We couldn't find that order")).to_be_visible()
    carol.goto("/admin/refunds")
    expect(carol.get_by_text("Only the shop's admins can decide refunds.")).to_be_visible()

    before = set_role(app_database, "Carol", "admin")
    try:
        approve_as_admin(carol, request)
    finally:
        set_role(app_database, "Carol", before)

    # Bob's page follows without a reload.
    expect(payment.get_by_test_id("money-state")).to_have_text("Refunded", timeout=LIVE)
    expect(payment.get_by_test_id("money-message")).to_contain_text("was refunded to your card")
    assert bob.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    expect(bob.get_by_test_id("request-refund")).to_have_count(0)
    screenshot(bob, request, "refunded-phone")
    carol.set_viewport_size({"width": 390, "height": 844})
    screenshot(carol, request, "refund-queue-phone")
    bob.set_viewport_size({"width": 1280, "height": 900})
    screenshot(bob, request, "refunded-desktop")
