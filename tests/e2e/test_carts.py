"""Two shoppers fill one shared cart in two browsers and see each other's changes live."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart
from app.adapters.db.session import make_engine
from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e

LIVE = 15_000  # ms: a change made in one browser must show in the other within this


@dataclass(frozen=True)
class Item:
    slug: str
    title: str


def _products(app_database: str, count: int) -> list[Item]:
    engine = make_engine(app_database)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(Product).where(col(Product.stock) >= 10).order_by(col(Product.id))
            ).all()
    finally:
        engine.dispose()
    return [Item(p.slug, p.title) for p in rows[:count]]


@pytest.fixture
def alice_and_bob(open_shopper: OpenShopper) -> tuple[Page, Page]:
    """Alice on a desktop, Bob on a phone: two browser contexts, two shoppers."""
    return open_shopper("desktop"), open_shopper("phone")


def _named(page: Page) -> None:
    assert page.evaluate(UNNAMED_CONTROLS_JS) == []


def _line(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("cart-line").filter(has_text=title)


def _add_from_product_page(shop: Page, item: Item, cart_name: str) -> None:
    shop.goto(f"/product/{item.slug}")
    expect(shop.get_by_role("heading", name=item.title)).to_be_visible()
    shop.get_by_role("button", name="Add to a shared cart").click()
    shop.get_by_role("menuitem", name=cart_name).click()


def _start_shared_cart(alice: Page, name: str) -> str:
    """Alice, signed in and on /cart, starts a shared cart; its invite link."""
    expect(alice.get_by_test_id("cart-name")).to_have_text("My cart")
    alice.get_by_label("Cart name").fill(name)
    alice.get_by_role("button", name="Start shared cart").click()
    expect(alice).to_have_url(re.compile(r"/cart/\d+$"))
    expect(alice.get_by_test_id("cart-name")).to_have_text(name)
    return alice.get_by_test_id("cart-link").inner_text().strip()


def test_two_shoppers_share_a_cart_live(
    alice_and_bob: tuple[Page, Page], app_database: str, request: pytest.FixtureRequest
) -> None:
    alice, bob = alice_and_bob
    lamp, mug = _products(app_database, 2)
    name = f"Picnic {uuid.uuid4().hex[:4]}"

    # The start form shows bad values next to the field.
    sign_in(alice, "Alice", "/cart")
    alice.get_by_label("Cart name").fill(name)
    alice.get_by_label("Budget per person (optional, $)").fill("lots")
    alice.get_by_role("button", name="Start shared cart").click()
    expect(alice.locator("#cart-budget-error")).to_have_text("Enter an amount like 40 or 40.50.")
    _named(alice)
    screenshot(alice, request, "alice-start-form-error")
    alice.get_by_label("Budget per person (optional, $)").fill("")
    link = _start_shared_cart(alice, name)
    cart_url = alice.url

    # Bob opens the link as a guest, signs in, comes back to it and joins.
    bob.goto(link)
    expect(bob.get_by_role("heading", name=re.compile(f"Alice Archer invited you to “{name}”")))
    bob.get_by_role("button", name="Sign in to join").click()
    expect(bob).to_have_url(re.compile(r"/sign-in\?next="))
    bob.get_by_role("link", name="Continue with Demo sign-in").click()
    bob.get_by_role("button", name=re.compile("Bob")).click()
    expect(bob).to_have_url(re.compile("/cart/join/"))
    bob.get_by_role("button", name="Join the cart").click()
    expect(bob).to_have_url(cart_url)
    expect(bob.get_by_test_id("cart-name")).to_have_text(name)

    # Presence: each sees both of them, and Alice's member list grows by itself.
    for page in (alice, bob):
        expect(page.locator('[data-testid="viewer"][data-name="Alice Archer"]')).to_have_count(
            1, timeout=LIVE
        )
        expect(page.locator('[data-testid="viewer"][data-name="Bob Baker"]')).to_have_count(
            1, timeout=LIVE
        )
    expect(alice.get_by_test_id("member-row")).to_have_count(2, timeout=LIVE)
    # Leaving the page (inside the app) leaves the room; coming back enters it again.
    bob.get_by_role("button", name="Navigation menu").click()  # Bob is on a phone
    bob.get_by_role("menuitem", name="Catalog", exact=True).click()
    expect(bob).to_have_url(re.compile("/catalog"))
    bob_here = alice.locator('[data-testid="viewer"][data-name="Bob Baker"]')
    expect(bob_here).to_have_count(0, timeout=LIVE)
    bob.go_back()
    expect(bob.get_by_test_id("cart-name")).to_have_text(name)
    expect(bob_here).to_have_count(1, timeout=LIVE)

    # Alice adds from a product page in another tab; Bob's open cart shows it.
    alice_shop = alice.context.new_page()
    _add_from_product_page(alice_shop, lamp, name)
    expect(_line(bob, lamp.title)).to_contain_text("Alice Archer", timeout=LIVE)
    expect(bob.get_by_test_id("latest-activity")).to_have_text(
        f"Alice Archer added 1 × {lamp.title}", timeout=LIVE
    )

    # Bob adds the mug; Alice sees it.
    bob_shop = bob.context.new_page()
    _add_from_product_page(bob_shop, mug, name)
    expect(_line(alice, mug.title)).to_contain_text("Bob Baker", timeout=LIVE)

    # Bob raises his quantity; Alice sees 2.
    bob.get_by_role("button", name=f"One more {mug.title}").click()
    two = re.compile(r"^(× )?2$")
    expect(_line(alice, mug.title).get_by_test_id("line-quantity")).to_have_text(two, timeout=LIVE)
    expect(_line(bob, mug.title).get_by_test_id("line-quantity")).to_have_text(two, timeout=LIVE)
    # Alice can't change Bob's quantity: she has no buttons for it.
    expect(alice.get_by_role("button", name=f"One more {mug.title}")).to_have_count(0)

    # Bob leaves a note; Alice sees it.
    bob.get_by_label(f"Note for {mug.title}", exact=True).fill("the blue one, please")
    bob.get_by_role("button", name=f"Save note for {mug.title}").click()
    expect(_line(alice, mug.title).get_by_test_id("line-note")).to_have_text(
        "“the blue one, please”", timeout=LIVE
    )
    _named(alice)
    _named(bob)
    screenshot(alice, request, "alice-desktop-shared-cart")
    screenshot(bob, request, "bob-phone-shared-cart")

    # Bob removes his line; it disappears for Alice.
    bob.get_by_role("button", name=f"Remove {mug.title}").click()
    expect(_line(alice, mug.title)).to_have_count(0, timeout=LIVE)
    expect(alice.get_by_test_id("cart-line")).to_have_count(1)

    # Alice locks the cart: Bob sees it at once and his next change is refused.
    alice.get_by_role("button", name="Lock cart").click()
    expect(bob.get_by_test_id("lock-banner")).to_contain_text(
        "The owner locked this cart", timeout=LIVE
    )
    expect(bob.get_by_role("button", name=re.compile("^Remove "))).to_have_count(0)
    bob_shop.get_by_role("button", name="Add to a shared cart").click()
    bob_shop.get_by_role("menuitem", name=name).click()
    expect(
        bob_shop.get_by_text("This cart is locked, so it can't be changed.").first
    ).to_be_visible()
    expect(bob.get_by_test_id("cart-line")).to_have_count(1)
    screenshot(bob, request, "bob-phone-locked")
    screenshot(alice, request, "alice-desktop-locked")

    # The owner removes Bob: his page says so at once and the cart is gone from it.
    alice.get_by_role("button", name="Unlock cart").click()
    expect(bob.get_by_test_id("lock-banner")).to_have_count(0, timeout=LIVE)
    alice.get_by_role("button", name="Remove Bob Baker from the cart").click()
    alice.get_by_role("alertdialog").get_by_role("button", name="Remove").click()
    expect(bob.get_by_text("The owner removed you from this cart.")).to_be_visible(timeout=LIVE)
    expect(bob.get_by_test_id("cart-name")).to_have_count(0)
    bob.goto(cart_url)
    expect(bob.get_by_text("You're not a member of this cart.")).to_be_visible()


def test_cart_locks_live_when_its_deadline_passes(
    alice_and_bob: tuple[Page, Page], app_database: str, request: pytest.FixtureRequest
) -> None:
    alice, _ = alice_and_bob
    name = f"Deadline {uuid.uuid4().hex[:4]}"
    sign_in(alice, "Alice", "/cart")
    _start_shared_cart(alice, name)
    expect(alice.get_by_test_id("lock-banner")).to_have_count(0)
    # Move the deadline to just now, as if the time had come; the app's own deadline job
    # (every 5 s) locks the cart and the open page shows it without a reload.
    cart_id = int(alice.url.rstrip("/").rsplit("/", 1)[-1])
    engine = make_engine(app_database)
    try:
        with Session(engine) as session:
            session.exec(
                update(Cart)
                .where(col(Cart.id) == cart_id)
                .values(deadline=datetime.now(UTC) + timedelta(seconds=1))
            )
            session.commit()
    finally:
        engine.dispose()
    time.sleep(1)
    expect(alice.get_by_test_id("lock-banner")).to_contain_text(
        "deadline has passed", timeout=20_000
    )
    expect(alice.get_by_test_id("latest-activity")).to_have_text(
        "The deadline passed, so the cart is now locked"
    )
    screenshot(alice, request, "deadline-locked")


def test_guest_is_asked_to_sign_in_for_the_cart(
    alice_and_bob: tuple[Page, Page], request: pytest.FixtureRequest
) -> None:
    _, guest = alice_and_bob
    guest.goto("/cart")
    expect(guest).to_have_url(re.compile(r"/sign-in\?next=%2Fcart"))
    guest.goto("/cart/join/nope")
    expect(guest.get_by_text("That doesn't look like a cart code.")).to_be_visible()
    _named(guest)
    screenshot(guest, request, "bad-code")


def test_checkout_with_test_cards(
    alice_and_bob: tuple[Page, Page], app_database: str, request: pytest.FixtureRequest
) -> None:
    """Owner pays with a declined card (nothing changes), then with 3-D Secure (order paid)."""
    alice, _ = alice_and_bob
    (item,) = _products(app_database, 1)
    sign_in(alice, "Alice", f"/product/{item.slug}")
    alice.get_by_label("Quantity", exact=True).fill("0")
    alice.get_by_role("button", name="Add to my cart").click()
    expect(alice.locator("#add-quantity-error")).to_have_text("Choose a quantity of at least 1.")
    alice.get_by_label("Quantity", exact=True).fill("1")
    alice.get_by_role("button", name="Add to my cart").click()
    expect(alice.get_by_text("Added to your cart").first).to_be_visible()
    alice.get_by_role("link", name="Cart", exact=True).click()
    expect(_line(alice, item.title)).to_be_visible()
    panel = alice.get_by_test_id("checkout-panel")
    expect(panel.get_by_test_id("payments-not-configured")).to_have_count(0)
    _named(alice)
    screenshot(alice, request, "personal-checkout")

    panel.get_by_role("radio", name=re.compile("Card is declined")).click()
    panel.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(alice.get_by_text("Your card was declined.").first).to_be_visible()
    expect(_line(alice, item.title)).to_be_visible()  # the cart is as it was
    expect(alice.get_by_test_id("lock-banner")).to_have_count(0)

    panel.get_by_role("radio", name=re.compile("3-D Secure")).click()
    panel.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(panel.get_by_text("Your bank wants you to confirm this payment.")).to_be_visible()
    screenshot(alice, request, "three-d-secure")
    panel.get_by_role("button", name="Confirm payment").click()
    expect(alice.get_by_test_id("order-complete")).to_be_visible(timeout=LIVE)
    expect(alice.get_by_test_id("cart-line")).to_have_count(0)
    alice.get_by_role("link", name="See your orders").click()
    expect(alice.get_by_test_id("order").first).to_contain_text(item.title)
    expect(alice.get_by_test_id("order").first).to_contain_text("Complete")
    _named(alice)
    screenshot(alice, request, "orders")


def test_split_checkout_each_member_pays_their_share(
    alice_and_bob: tuple[Page, Page], app_database: str, request: pytest.FixtureRequest
) -> None:
    alice, bob = alice_and_bob
    lamp, mug = _products(app_database, 2)
    name = f"Split {uuid.uuid4().hex[:4]}"
    sign_in(alice, "Alice", "/cart")
    alice.get_by_label("Cart name").fill(name)
    alice.get_by_role("radio", name="Everyone pays for their own items").click()
    link = _start_shared_cart(alice, name)
    sign_in(bob, "Bob", "/cart")
    bob.goto(link)
    bob.get_by_role("button", name="Join the cart").click()
    expect(bob.get_by_test_id("cart-name")).to_have_text(name)
    alice_shop, bob_shop = alice.context.new_page(), bob.context.new_page()
    _add_from_product_page(alice_shop, lamp, name)
    _add_from_product_page(bob_shop, mug, name)
    expect(alice.get_by_test_id("cart-line")).to_have_count(2, timeout=LIVE)
    expect(alice.get_by_test_id("payments-not-configured")).to_have_count(0)

    alice.get_by_role("button", name="Start checkout").click()
    # Bob's page turns into a payment form by itself.
    bob_panel = bob.get_by_test_id("checkout-panel")
    expect(bob_panel.get_by_role("button", name=re.compile("^Pay my share"))).to_be_visible(
        timeout=LIVE
    )
    expect(bob.get_by_test_id("lock-banner")).to_contain_text("Checkout is in progress")
    _named(bob)
    screenshot(bob, request, "bob-phone-pays-share")
    bob_panel.get_by_role("button", name=re.compile("^Pay my share")).click()
    bob_row = alice.get_by_test_id("share-row").filter(has_text="Bob Baker")
    expect(bob_row).to_contain_text("Paid", timeout=LIVE)
    screenshot(alice, request, "alice-desktop-split-waiting")
    alice.get_by_test_id("checkout-panel").get_by_role(
        "button", name=re.compile("^Pay my share")
    ).click()
    for page in (alice, bob):
        expect(page.get_by_test_id("order-complete")).to_be_visible(timeout=LIVE)
        expect(page.get_by_test_id("cart-line")).to_have_count(0)
    screenshot(bob, request, "bob-phone-order-complete")
