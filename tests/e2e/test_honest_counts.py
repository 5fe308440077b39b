"""Honest deal numbers in real browsers: a hold waiting for the bank is shown apart and never
counted; when the bank says yes, every watcher's count rises live; the ledger matches the count."""

# The fixtures are imported from the deals tests, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests.e2e.conftest import screenshot
from tests.e2e.deal_helpers import (  # noqa: F401
    MARK,
    SAME_DOCUMENT,
    app_db,
    controls_are_named,
    join,
    open_deal_in_app,
    three_shoppers,
)
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e


def test_a_hold_waiting_for_the_bank_is_not_counted_until_it_is_confirmed(
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
        page.evaluate(MARK)

    join(alice)
    join(bob)
    for page in (alice, bob, carol):
        expect(page.get_by_test_id("deal-live").get_by_test_id("deal-participants")).to_have_text(
            "2"
        )

    # Carol's bank wants 3-D Secure and she does not answer yet.
    join(carol, "3-D Secure")
    expect(carol.get_by_test_id("bank-check")).to_be_visible()
    live = alice.get_by_test_id("deal-live")
    expect(live.get_by_test_id("deal-waiting")).to_contain_text("1 confirming with their bank")
    expect(live.get_by_test_id("deal-participants")).to_have_text("2")
    expect(live).to_contain_text("1 more to unlock")
    expect(alice.get_by_test_id("deal-status").first).to_have_text("Open")
    expect(alice.get_by_test_id("deal-unlocked")).to_have_count(0)
    controls_are_named(alice)
    screenshot(alice, request, "confirming-desktop")
    screenshot(bob, request, "confirming-phone")

    carol.get_by_test_id("bank-approve").click()
    expect(carol.get_by_test_id("in-the-deal")).to_be_visible()
    for page in (alice, bob):
        live = page.get_by_test_id("deal-live")
        expect(live.get_by_test_id("deal-participants")).to_have_text("3")
        expect(live.get_by_test_id("deal-waiting")).to_have_count(0)
        expect(page.get_by_test_id("deal-status").first).to_have_text("Unlocked")
        expect(page.get_by_test_id("deal-unlocked")).to_contain_text("pays $24.00 each")
        assert page.evaluate(SAME_DOCUMENT), "the page was reloaded"
    screenshot(alice, request, "unlocked-said-desktop")

    # The ledger lists exactly the count: Alice sees herself, and the others as "A shopper".
    for page, size in ((alice, "desktop"), (bob, "phone")):
        page.get_by_test_id("ledger-link").click()
        expect(page).to_have_url(re.compile(path + "/ledger$"))
        expect(page.get_by_test_id("ledger-joined")).to_have_count(3)
        expect(page.get_by_test_id("ledger-count")).to_have_text("3")
        expect(page.get_by_test_id("deal-participants")).to_have_text("3")
        expect(page.get_by_test_id("ledger-price").last).to_contain_text("$24.00")
        controls_are_named(page)
        screenshot(page, request, f"ledger-{size}")
    expect(alice.get_by_test_id("ledger-joined").filter(has_text="You joined")).to_have_count(1)
    expect(alice.get_by_test_id("ledger-joined").filter(has_text="A shopper joined")).to_have_count(
        2
    )
