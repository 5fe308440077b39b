"""Group-buy deals in real browsers: three shoppers unlock a deal live; a declined card, a bank
check, leaving, and a deal that does not unlock, all through the local Stripe test server."""

# The fixtures are imported from deal_helpers, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.adapters.db.models_deals import Participation
from tests.e2e.conftest import screenshot
from tests.e2e.deal_helpers import (  # noqa: F401
    MARK,
    SAME_DOCUMENT,
    app_db,
    choose_card,
    controls_are_named,
    join,
    open_deal_in_app,
    three_shoppers,
)
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e


def test_the_creation_form_refuses_bad_terms_next_to_the_fields(
    three_shoppers: tuple[Page, Page, Page], request: pytest.FixtureRequest
) -> None:
    alice, bob, _ = three_shoppers
    sign_in(alice, "Alice", "/deals/new")
    expect(alice.get_by_role("heading", name="Open a group deal")).to_be_visible()
    alice.get_by_label("Product", exact=True).select_option(
        label="Potted Monstera, Medium ($38.00)"
    )
    alice.get_by_label("Tier 2: price each").fill("35.00")  # dearer than tier 1
    alice.get_by_label("Shoppers needed to unlock").fill("30")  # above the maximum of 20
    past = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    alice.get_by_label("Deadline", exact=True).fill(past)
    alice.get_by_role("button", name="Open the deal").click()
    expect(alice.get_by_test_id("error-tiers")).to_have_text(
        "Each tier must be cheaper than the one before."
    )
    expect(alice.get_by_test_id("error-min_to_unlock")).to_have_text(
        "The minimum to unlock cannot be above the maximum."
    )
    expect(alice.get_by_test_id("error-deadline")).to_have_text(
        "The deadline must be in the future."
    )
    expect(alice.get_by_label("Deadline", exact=True)).to_have_attribute("aria-invalid", "true")
    controls_are_named(alice)
    screenshot(alice, request, "form-errors")

    alice.get_by_label("Tier 2: price each").fill("24.00")
    alice.get_by_label("Shoppers needed to unlock").fill("3")
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    alice.get_by_label("Deadline", exact=True).fill(future)
    alice.get_by_role("button", name="Open the deal").click()
    expect(alice).to_have_url(re.compile(r"/deals/\d+$"))
    expect(alice.get_by_role("heading", name="Potted Monstera, Medium")).to_be_visible()
    expect(alice.get_by_test_id("deal-price").first).to_have_text("$30.00")

    # A shopper without the host role gets no form.
    sign_in(bob, "Bob", "/deals/new")
    expect(bob.get_by_test_id("not-a-host")).to_be_visible()


def test_three_shoppers_see_the_deal_unlock_live(
    three_shoppers: tuple[Page, Page, Page],
    app_db: Session,
    app_database: str,
    request: pytest.FixtureRequest,
) -> None:
    alice, bob, carol = three_shoppers
    deal_id = open_deal_in_app(app_db, app_database, "harvest-valley-board-game")
    path = f"/deals/{deal_id}"
    for page, name in ((alice, "Alice"), (bob, "Bob"), (carol, "Carol")):
        sign_in(page, name, path)
        expect(page).to_have_url(re.compile(path + "$"))
        expect(page.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text(
            "0"
        )
        page.evaluate(MARK)
    expect(alice.get_by_test_id("pay-at-most")).to_contain_text("You pay at most $30.00")
    controls_are_named(bob)
    screenshot(bob, request, "phone-before")

    join(alice)
    expect(alice.get_by_test_id("in-the-deal")).to_contain_text("You pay at most $30.00")
    for page in (alice, bob, carol):
        expect(page.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text(
            "1"
        )

    join(bob)
    for page in (alice, bob, carol):
        expect(page.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text(
            "2"
        )
        # The third shopper reaches the 3-shopper tier: that is what Carol is offered now.
        expect(page.get_by_test_id("deal-next-tier").first).to_contain_text("$24.00")
    expect(carol.get_by_test_id("join-deal")).to_have_text("Join for $24.00")

    join(carol)
    for page in (alice, bob, carol):
        live = page.get_by_test_id("deal-live")
        expect(live.get_by_test_id("deal-participants")).to_have_text("3")
        expect(live.get_by_test_id("deal-price")).to_have_text("$24.00")
        expect(page.get_by_test_id("deal-status").first).to_have_text("Unlocked")
        assert page.evaluate(SAME_DOCUMENT), "the page was reloaded"
    expect(carol.get_by_test_id("in-the-deal")).to_contain_text("You pay at most $24.00")
    for page, name in ((alice, "alice-desktop"), (bob, "bob-phone"), (carol, "carol-desktop")):
        controls_are_named(page)
        screenshot(page, request, f"unlocked-{name}")

    # The home page's card for the deal shows the same numbers, and follows the next change.
    carol.goto("/deals")
    card = carol.locator(f'[data-deal-id="{deal_id}"]')
    expect(card.get_by_test_id("deal-participants")).to_have_text("3")
    controls_are_named(carol)
    screenshot(carol, request, "deals-list")
    alice.goto("/product/harvest-valley-board-game")
    product_card = alice.locator(f'[data-deal-id="{deal_id}"]')
    expect(product_card.get_by_test_id("deal-participants")).to_have_text("3")
    bob.get_by_test_id("leave").click()
    bob.get_by_role("alertdialog").get_by_role("button", name="Leave").click()
    expect(card.get_by_test_id("deal-participants")).to_have_text("2")
    expect(product_card.get_by_test_id("deal-participants")).to_have_text("2")
    controls_are_named(alice)
    screenshot(alice, request, "product-page-deal-card")


def test_declined_card_bank_check_and_leaving(
    three_shoppers: tuple[Page, Page, Page],
    app_db: Session,
    app_database: str,
    request: pytest.FixtureRequest,
) -> None:
    alice, bob, _ = three_shoppers
    deal_id = open_deal_in_app(app_db, app_database, "night-market-strategy-game")
    path = f"/deals/{deal_id}"
    sign_in(bob, "Bob", path)

    join(bob, "Card is declined")
    expect(bob.get_by_test_id("join-error")).to_have_text(
        "Your card was declined. Try another card."
    )
    expect(bob.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text("0")
    controls_are_named(bob)
    screenshot(bob, request, "declined-phone")

    join(bob, "Payment succeeds")
    expect(bob.get_by_test_id("in-the-deal")).to_be_visible()
    expect(bob.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text("1")
    bob.get_by_test_id("leave").click()
    bob.get_by_role("alertdialog").get_by_role("button", name="Leave").click()
    expect(bob.get_by_test_id("seat-message")).to_have_text(
        "You left this deal. The hold on your card was released. You were not charged."
    )
    expect(bob.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text("0")
    app_db.expire_all()
    part = app_db.exec(select(Participation).where(Participation.deal_id == deal_id)).one()
    assert (part.status, part.hold_released, part.attempt) == ("left", True, 2)

    sign_in(alice, "Alice", path)
    join(alice, "3-D Secure")
    expect(alice.get_by_test_id("bank-check")).to_be_visible()
    controls_are_named(alice)
    screenshot(alice, request, "bank-check-desktop")
    alice.get_by_test_id("bank-approve").click()
    expect(alice.get_by_test_id("in-the-deal")).to_contain_text("You pay at most $30.00")
    expect(bob.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text("1")


def test_a_deal_that_misses_its_minimum_tells_the_shopper_live(
    three_shoppers: tuple[Page, Page, Page],
    app_db: Session,
    app_database: str,
    request: pytest.FixtureRequest,
) -> None:
    _, _, carol = three_shoppers
    deal_id = open_deal_in_app(
        app_db,
        app_database,
        "wooden-stacking-blocks",
        deadline=datetime.now(UTC) + timedelta(seconds=25),
    )
    sign_in(carol, "Carol", f"/deals/{deal_id}")
    join(carol)
    expect(carol.get_by_test_id("in-the-deal")).to_be_visible()
    carol.evaluate(MARK)
    # The scheduler closes it within a few seconds of the deadline; the page follows by itself.
    expect(carol.get_by_test_id("deal-outcome")).to_have_text(
        "This deal did not unlock. The hold on your card was released: you were not charged.",
        timeout=60_000,
    )
    expect(carol.get_by_test_id("deal-status").first).to_have_text("Did not unlock")
    assert carol.evaluate(SAME_DOCUMENT)
    controls_are_named(carol)
    screenshot(carol, request, "did-not-unlock")
    app_db.expire_all()
    part = app_db.exec(select(Participation).where(Participation.deal_id == deal_id)).one()
    assert (part.status, part.hold_released) == ("released", True)


def test_friends_fill_a_team_from_a_shared_link(
    three_shoppers: tuple[Page, Page, Page],
    app_db: Session,
    app_database: str,
    request: pytest.FixtureRequest,
) -> None:
    alice, bob, _ = three_shoppers
    deal_id = open_deal_in_app(
        app_db,
        app_database,
        "brass-fountain-pen",
        team_size=2,
        team_price=2200,
        deadline=datetime.now(UTC) + timedelta(days=2),
    )
    sign_in(alice, "Alice", f"/deals/{deal_id}")
    choose_card(alice, "Payment succeeds")
    alice.get_by_test_id("start-team").click()
    team = alice.get_by_test_id("team")
    expect(team).to_contain_text("Alice Archer's team")
    expect(team.get_by_test_id("team-count")).to_contain_text("1 of 2 in")
    # A team has a day to fill; the countdown ticks in the browser.
    countdown = team.get_by_test_id("team-countdown")
    expect(countdown).to_have_text(re.compile(r"^23h 59m \d\ds$"))
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first)
    link = alice.get_by_label("Share your team's link").input_value()
    assert re.search(rf"/deals/{deal_id}\?team=\d+$", link)
    controls_are_named(alice)
    screenshot(alice, request, "team-started")

    shared = urlsplit(link)
    sign_in(bob, "Bob", quote(f"{shared.path}?{shared.query}", safe="/"))
    expect(bob).to_have_url(re.compile(r"\?team=\d+$"))
    choose_card(bob, "Payment succeeds")
    bob.get_by_role("button", name="Join Alice Archer's team for $22.00").click()
    for page in (alice, bob):
        expect(page.get_by_test_id("team").get_by_test_id("team-count")).to_have_text("2 of 2 in")
        expect(page.get_by_test_id("team")).to_contain_text("Complete")
        expect(page.get_by_test_id("team")).to_contain_text("Bob Baker")
        expect(page.get_by_test_id("my-team")).to_have_text(
            "Your team is complete: you pay $22.00 each, or less if a tier goes lower."
        )
    controls_are_named(bob)
    screenshot(bob, request, "team-filled-phone")
