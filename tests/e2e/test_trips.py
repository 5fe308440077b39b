"""Group trips in real browsers, with card holds on the local Stripe test server: a group
organised on an experience's page fills from its shared link, both shares are held and the
booking confirms; another misses its minimum by the deadline and every hold is released. And
friends in one shared cart: a member's hold makes their line count toward a deal."""

# The fixtures are imported from deal_helpers, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart
from app.adapters.db.models_deals import DealOrder, Participation
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.domain.group_buy import PriceTier
from app.services import carts, trips
from app.services.demo_seed import DEMO_HOST_EMAIL
from tests.e2e.conftest import OpenShopper, screenshot
from tests.e2e.deal_helpers import (  # noqa: F401
    app_db,
    choose_card,
    controls_are_named,
    open_deal_in_app,
)
from tests.e2e.people_helpers import sign_in
from tests.factories import SilentBus, make_context

pytestmark = pytest.mark.e2e

TRIP = "basecamp-two-person-tent"  # a demo product that becomes a guided weekend trip here
CONFIRMED = "Booking confirmed. Every paid share has been charged at the group's price."
RELEASED = "The group didn't reach its minimum. Every hold was released: nobody was charged."


def _ctx(app_database: str):  # type: ignore[no-untyped-def]
    return make_context(make_engine(app_database), bus=SilentBus())


def _host(app_db: Session) -> int:
    return app_db.exec(select(User.id).where(User.email == DEMO_HOST_EMAIL)).one() or 0


def _user(app_db: Session, name: str) -> int:
    return app_db.exec(select(User.id).where(User.display_name == name)).one() or 0


def add_date(app_db: Session, app_database: str, seats: int) -> int:
    """A date of the trip ten days ahead, added through the service in the app's database."""
    product = app_db.exec(select(Product.id).where(Product.slug == TRIP)).one() or 0
    tiers = (PriceTier(1, 12000), PriceTier(3, 9500))
    starts = datetime.now(UTC) + timedelta(days=10)
    return trips.add_experience_date(
        _ctx(app_database), _host(app_db), product, starts, seats, tiers
    )


def pay_my_share(page: Page) -> None:
    choose_card(page, "Payment succeeds")
    page.get_by_test_id("pay-my-share").click()
    expect(page.get_by_test_id("pay-my-share")).to_have_count(0)


def member(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("booking-member").filter(has_text=name)


def test_a_group_fills_from_its_shared_link_and_the_booking_confirms(
    open_shopper: OpenShopper, app_db: Session, app_database: str, request: pytest.FixtureRequest
) -> None:
    add_date(app_db, app_database, seats=8)
    alice, bob = open_shopper("desktop", timezone_id="UTC"), open_shopper("phone")
    sign_in(alice, "Alice", f"/product/{TRIP}")
    panel = alice.get_by_test_id("experience-panel")
    expect(panel.get_by_test_id("date-seats").first).to_have_text("8 of 8 seats left")
    alice.get_by_label("At least (people)").fill("2")
    alice.get_by_label("At most (people)").fill("2")
    controls_are_named(alice)
    screenshot(alice, request, "experience-dates")
    alice.get_by_test_id("organise-group").click()
    expect(alice).to_have_url(re.compile(r"/trips/[A-Z0-9]{12}$"))
    expect(alice.get_by_test_id("booking-headline")).to_have_text(
        "2 more people must pay their share for the group to go ahead."
    )
    expect(member(alice, "Alice Archer").get_by_test_id("member-status")).to_have_text(
        "Waiting to pay"
    )
    expect(alice.get_by_test_id("share-countdown").first).to_have_text(re.compile(r"^2d 23h "))
    link = alice.get_by_label("Share this group's link").input_value()

    sign_in(bob, "Bob", urlsplit(link).path)
    bob.get_by_test_id("join-group").click()
    expect(member(bob, "Bob Baker").get_by_test_id("member-status")).to_have_text("Waiting to pay")
    pay_my_share(bob)
    expect(member(bob, "Bob Baker").get_by_test_id("member-status")).to_have_text(
        "Paid (hold placed)"
    )
    # Alice's page follows without a reload: Bob is in and has paid.
    expect(member(alice, "Bob Baker").get_by_test_id("member-status")).to_have_text(
        "Paid (hold placed)"
    )
    expect(alice.get_by_test_id("booking-paid")).to_have_text("1")
    controls_are_named(bob)
    screenshot(bob, request, "booking-phone")
    pay_my_share(alice)

    # Full and every share held: the due-work loop closes it within seconds, both pages follow.
    for page in (alice, bob):
        expect(page.get_by_test_id("booking-headline")).to_have_text(CONFIRMED, timeout=30_000)
        expect(page.get_by_test_id("deal-status")).to_have_text("Confirmed")
    screenshot(alice, request, "booking-confirmed")
    app_db.expire_all()
    code = urlsplit(link).path.rsplit("/", 1)[-1]
    view = trips.booking_page(_ctx(app_database), None, code)
    assert view is not None
    orders = app_db.exec(select(DealOrder).where(DealOrder.deal_id == view.deal_id)).all()
    assert sorted(o.amount for o in orders) == [12000, 12000]


def test_a_group_that_misses_its_minimum_releases_every_hold(
    open_shopper: OpenShopper, app_db: Session, app_database: str, request: pytest.FixtureRequest
) -> None:
    date_id = add_date(app_db, app_database, seats=6)
    alice, bob = open_shopper("phone"), open_shopper("desktop")
    sign_in(alice, "Alice")
    opened = trips.open_booking(
        _ctx(app_database),
        _user(app_db, "Alice Archer"),
        date_id,
        3,
        4,
        datetime.now(UTC) + timedelta(seconds=40),
    )
    alice.goto(f"/trips/{opened.code}")
    pay_my_share(alice)
    sign_in(bob, "Bob", f"/trips/{opened.code}")
    bob.get_by_test_id("join-group").click()
    pay_my_share(bob)
    expect(alice.get_by_test_id("booking-paid")).to_have_text("2")
    # The deadline passes with 2 of 3 paid: the due-work loop releases both holds.
    for page in (alice, bob):
        expect(page.get_by_test_id("booking-headline")).to_have_text(RELEASED, timeout=90_000)
        expect(page.get_by_test_id("member-status")).to_have_text(
            ["Hold released", "Hold released"]
        )
    screenshot(alice, request, "booking-released-phone")
    app_db.expire_all()
    parts = app_db.exec(select(Participation).where(Participation.deal_id == opened.deal_id)).all()
    assert [(p.status, p.hold_released) for p in parts] == [("released", True)] * 2


def test_friends_in_one_cart_count_toward_a_deal_once_they_hold(
    open_shopper: OpenShopper, app_db: Session, app_database: str, request: pytest.FixtureRequest
) -> None:
    slug = "ember-led-lantern"
    deal_id = open_deal_in_app(app_db, app_database, slug, min_to_unlock=2)
    product = app_db.exec(select(Product.id).where(Product.slug == slug)).one() or 0
    ctx = _ctx(app_database)
    cart_id = carts.start_shared_cart(ctx, _host(app_db), "Camping trip kit")
    code = app_db.exec(select(Cart.invite_code).where(Cart.id == cart_id)).one() or ""
    bob = open_shopper("phone")
    sign_in(bob, "Bob")
    bob_id = _user(app_db, "Bob Baker")
    # The cart is filled through the services (their news stays in this process), then opened.
    carts.join_cart(ctx, bob_id, code)
    for person in (_host(app_db), bob_id):
        carts.add_to_cart(ctx, person, cart_id, product, 1)
    bob.goto(f"/cart/{cart_id}")
    panel = bob.get_by_test_id("cart-deals-panel")
    expect(panel.get_by_test_id("cart-deal-count")).to_have_text("0")
    # A change to the cart reaches the panel with the cart's own push.
    bob.get_by_role("button", name=re.compile("^One more ")).click()
    expect(panel).to_contain_text("Bob Baker · 2 in the cart")
    panel.get_by_label(re.compile("Payment succeeds")).click()
    bob.get_by_test_id("hold-for-deal").click()
    expect(panel.get_by_test_id("cart-deal-count")).to_have_text("1")
    expect(panel.get_by_test_id("cart-deal-member-status")).to_contain_text(
        ["Not in the deal yet", "Hold placed: counts toward the price"]
    )
    controls_are_named(bob)
    screenshot(bob, request, "cart-deal-phone")
    app_db.expire_all()
    parts = app_db.exec(select(Participation).where(Participation.deal_id == deal_id)).all()
    assert [(p.user_id, p.status, p.cart_id) for p in parts] == [(bob_id, "held", cart_id)]
