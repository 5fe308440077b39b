"""Be the buyer in real browsers: Alice (a host) puts a product to the vote from the console;
Bob and Carol vote from two browsers and both watch the count move live; the second vote makes
it a group deal, and the two voters are told first (toast, banner, bell) and may join at once,
while a shopper who did not vote is told when it opens to everyone."""

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
from tests.e2e.test_social import bell_count, read_everything

pytestmark = pytest.mark.e2e

TITLE = "Ceramic pour-over dripper"


def _field(page: Page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.blur()


def _picture(folder: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 120, 80)).save(out, "PNG")
    path = folder / "dripper.png"
    path.write_bytes(out.getvalue())
    return path


def _card(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("candidate-card").filter(has_text=TITLE)


def test_two_votes_make_a_deal_and_the_voters_are_told_first(
    open_shopper: OpenShopper, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    alice = open_shopper("desktop", timezone_id="UTC")
    sign_in(alice, "Alice", "/console")
    alice.get_by_role("tab", name="Candidates").click()
    _field(alice, "Product name", TITLE)
    _field(alice, "Description", "Hand-glazed, fits most mugs.")
    _field(alice, "Target price", "18.50")
    _field(alice, "Votes needed", "0")
    closes = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    _field(alice, "Voting closes", closes)
    alice.locator("#candidate-image input[type=file]").set_input_files(str(_picture(tmp_path)))
    alice.get_by_test_id("post-candidate").click()
    # Bad input is refused next to its field, and nothing is posted.
    expect(alice.get_by_test_id("candidate-error-threshold")).to_contain_text("between 1 and")
    _field(alice, "Votes needed", "2")
    # The server took the new value (it clears the field's error) before the form is sent.
    expect(alice.get_by_test_id("candidate-error-threshold")).to_have_count(0)
    alice.locator("#candidate-image input[type=file]").set_input_files(str(_picture(tmp_path)))
    alice.get_by_test_id("post-candidate").click()
    expect(alice.get_by_role("row").filter(has_text=TITLE)).to_contain_text("0 / 2")
    screenshot(alice, request, "console-candidates")

    bob, carol = open_shopper("desktop"), open_shopper("phone")
    sign_in(bob, "Bob", "/vote")
    sign_in(carol, "Carol", "/vote")
    read_everything(bob, "/vote")
    read_everything(carol, "/vote")
    for page in (bob, carol):
        expect(_card(page).get_by_test_id("candidate-votes")).to_have_text("0")
        expect(_card(page)).to_contain_text("$18.50")

    _card(bob).get_by_role("button", name=f"Vote for {TITLE}").click()
    # Carol sees Bob's vote without reloading.
    expect(_card(carol).get_by_test_id("candidate-votes")).to_have_text("1")
    expect(_card(bob).get_by_role("button", name=f"Withdraw my vote for {TITLE}")).to_be_visible()
    screenshot(bob, request, "vote-desktop")

    _card(carol).get_by_role("button", name=f"Vote for {TITLE}").click()
    expect(carol.get_by_text("Your vote made it a deal!")).to_be_visible()
    for page in (bob, carol):
        expect(_card(page).get_by_test_id("candidate-votes")).to_have_text("2")
        expect(_card(page).get_by_test_id("candidate-status")).to_have_text("Now a deal")
        # Told first: a banner on the card (live) and a notification on the bell.
        expect(_card(page).get_by_test_id("voter-first")).to_be_visible()
        expect(bell_count(page)).to_have_text("1")
    screenshot(carol, request, "vote-phone-deal")
    assert bob.evaluate(UNNAMED_CONTROLS_JS) == []

    # Bob follows the banner to the deal; Dave, who did not vote, must wait a day.
    _card(bob).get_by_role("link", name="Join the deal").click()
    expect(bob).to_have_url(re.compile(r"/deals/\d+$"))
    deal_path = "/" + bob.url.split("/", 3)[3]
    expect(bob.get_by_test_id("early-access")).to_contain_text("You have early access")
    expect(bob.get_by_label("Bring a friend")).to_have_value(re.compile(r"/deals/\d+\?ref=\d+$"))
    expect(bob.get_by_text(TITLE).first).to_be_visible()
    screenshot(bob, request, "voted-deal")
    dave = open_shopper("desktop")
    sign_in(dave, "Dave", deal_path)
    expect(dave.get_by_test_id("early-access")).to_contain_text("Voters and VIP members")
    dave.get_by_test_id("join-deal").click()
    expect(dave.get_by_test_id("join-error")).to_contain_text("opens to everyone on")
    screenshot(dave, request, "voted-deal-not-yet")

    # Voting earns no points (only helping others does): Bob's rewards show exact progress.
    bob.goto("/rewards")
    expect(bob.get_by_test_id("level-progress")).to_have_text(re.compile(r"^\d+ of 100 points$"))
    expect(bob.get_by_test_id("badge-progress").first).to_have_text(re.compile(r" of "))
    screenshot(bob, request, "rewards")
    assert bob.evaluate(UNNAMED_CONTROLS_JS) == []
