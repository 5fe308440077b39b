"""Live shopping in three browsers: a host and two viewers.

Alice (the demo host) schedules a session, goes live, pins a product and launches a flash deal;
Bob (desktop) and Carol (phone) see each change as it happens, chat with each other, and Bob
joins the deal from the stream with a test card. The host deletes a message and it disappears
for both viewers. Hearts and the viewer count reach everyone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def three(open_shopper: OpenShopper) -> tuple[Page, Page, Page]:
    return open_shopper("desktop"), open_shopper("desktop"), open_shopper("phone")


def _no_unnamed_controls(page: Page) -> None:
    # Closed <details> keep their controls laid out but without text: open them to check all.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    assert unnamed == [], unnamed


def _schedule(alice: Page, request: pytest.FixtureRequest) -> str:
    alice.goto("/live")
    alice.get_by_role("link", name="Schedule a session").click()
    expect(alice.get_by_role("heading", name="Schedule a live session")).to_be_visible()
    # Bad values come back next to their fields.
    alice.get_by_label("Stream link (optional)").fill("javascript:alert(1)")
    alice.get_by_role("button", name="Schedule session").click()
    expect(alice.locator("#live-title-error")).to_have_text("Give the session a title.")
    expect(alice.locator("#live-stream_url-error")).to_contain_text("https://")
    expect(alice.locator("#live-products-error")).to_have_text("Pick at least one product to show.")
    screenshot(alice, request, "schedule-errors")
    _no_unnamed_controls(alice)

    alice.get_by_label("Title").fill("Kettle & mug night")
    alice.get_by_label("Stream link (optional)").fill("/live/demo-stream.mp4")
    alice.get_by_role("button", name="Cover: Harbor Stoneware Mug").click()
    alice.get_by_role("checkbox", name=re.compile("^Harbor Stoneware Mug")).check()
    alice.get_by_role("checkbox", name=re.compile("^Copperline Stovetop Kettle")).check()
    alice.get_by_role("button", name="Schedule session").click()
    expect(alice).to_have_url(re.compile(r"/live/\d+$"))
    expect(alice.get_by_test_id("live-title")).to_have_text("Kettle & mug night")
    return alice.url.rsplit("/", 1)[1]


def test_host_and_two_viewers_shop_a_live_session_together(
    three: tuple[Page, Page, Page], request: pytest.FixtureRequest
) -> None:
    alice, bob, carol = three
    sign_in(alice, "Alice", "/live")
    session_id = _schedule(alice, request)
    path = f"/live/{session_id}"

    sign_in(bob, "Bob", path)
    sign_in(carol, "Carol", path)
    for viewer in (bob, carol):
        expect(viewer.get_by_test_id("live-title")).to_have_text("Kettle & mug night")
        expect(viewer.get_by_test_id("host-console")).to_have_count(0)
        expect(viewer.get_by_test_id("live-poster")).to_be_visible()
        starts = viewer.get_by_text(re.compile(r"^Starts in (\d+ \w+|a few seconds)$"))
        expect(starts).to_be_visible()

    # Bob follows Alice; the schedule tells him when she is live.
    bob.get_by_role("button", name="Follow Alice Archer", exact=True).click()
    expect(bob.get_by_role("button", name="Unfollow Alice Archer", exact=True)).to_be_visible()

    # Going live reaches both viewers at once, with the video and the viewer count.
    alice.get_by_role("button", name="Go live").click()
    for viewer in (bob, carol):
        expect(viewer.get_by_text("LIVE", exact=True)).to_be_visible()
        expect(viewer.get_by_test_id("live-player")).to_be_visible()
    expect(alice.get_by_test_id("viewer-count")).to_have_text("3")

    # Pinning changes the card for every viewer.
    alice.get_by_role("button", name="Pin Copperline Stovetop Kettle").click()
    for viewer in (bob, carol):
        expect(viewer.get_by_test_id("pinned-title")).to_have_text("Copperline Stovetop Kettle")
    alice.get_by_role("button", name="Pin Harbor Stoneware Mug").click()
    for viewer in (bob, carol):
        expect(viewer.get_by_test_id("pinned-title")).to_have_text("Harbor Stoneware Mug")

    # A flash deal with a countdown appears for both.
    alice.get_by_label("Product", exact=True).select_option(label="Harbor Stoneware Mug · $18.00")
    alice.get_by_label("Shoppers to unlock").fill("2")
    alice.get_by_role("button", name="Launch flash deal").click()
    for viewer in (bob, carol):
        deal = viewer.get_by_test_id("flash-deal")
        expect(deal).to_be_visible()
        expect(deal.get_by_test_id("deal-progress")).to_have_text("0 of 2 shoppers joined")
        expect(deal.get_by_test_id("deal-countdown")).to_have_text(re.compile(r"^[45]:\d\d$"))

    # Bob and Carol chat with each other in the session's chat.
    bob.get_by_label("Write a message").fill("That mug is lovely")
    bob.get_by_role("button", name="Send", exact=True).click()
    expect(carol.get_by_test_id("chat-log")).to_contain_text("That mug is lovely")
    carol.get_by_label("Write a message").fill("Joining the deal if you do!")
    carol.get_by_role("button", name="Send", exact=True).click()
    expect(bob.get_by_test_id("chat-log")).to_contain_text("Joining the deal if you do!")

    # Bob joins the deal from the stream; everyone sees the progress.
    bob.get_by_role("button", name="Join the flash deal on Harbor Stoneware Mug").click()
    expect(bob.get_by_text("You're in this deal.")).to_be_visible()
    for page in (alice, carol):
        expect(page.get_by_test_id("deal-progress")).to_have_text("1 of 2 shoppers joined")

    # Hearts float up for everyone, coalesced and rate limited.
    for _ in range(3):
        carol.get_by_role("button", name="Send a heart").click()
    expect(bob.locator(".live-heart").first).to_be_attached()

    screenshot(alice, request, "host-desktop")
    screenshot(bob, request, "viewer-desktop")
    screenshot(carol, request, "viewer-phone")
    for page in (alice, bob, carol):
        _no_unnamed_controls(page)

    # The host deletes Bob's message: it disappears for both viewers.
    log = alice.get_by_test_id("chat-log")
    expect(log).to_contain_text("That mug is lovely")
    alice.get_by_role("button", name="More actions for the message from Bob Baker").first.click()
    alice.get_by_role("menuitem", name="Delete for everyone").click()
    for viewer in (bob, carol):
        expect(viewer.get_by_test_id("chat-log")).not_to_contain_text("That mug is lovely")
        expect(viewer.get_by_test_id("chat-log")).to_contain_text("Joining the deal if you do!")

    # Bob sees on the schedule that a host he follows is live.
    bob.goto("/live")
    followed = bob.get_by_test_id("followed-live").filter(has_text="Kettle & mug night").first
    expect(followed).to_contain_text("Alice Archer, a host you follow, is live now")
    screenshot(bob, request, "schedule-following")

    # The host ends the session; it stays as a replay with its chat and deals.
    alice.get_by_role("button", name="End session").click()
    alice.get_by_role("alertdialog").get_by_role("button", name="End session").click()
    for page in (alice, carol):
        expect(page.get_by_text("Replay", exact=True)).to_be_visible()
    expect(carol.get_by_role("heading", name="Deals in this session")).to_be_visible()
    carol.reload()
    expect(carol.get_by_text("Replay", exact=True)).to_be_visible()
    expect(carol.get_by_test_id("chat-log")).to_contain_text("Joining the deal if you do!")
    expect(carol.get_by_test_id("flash-deal")).to_be_visible()
    screenshot(carol, request, "replay-phone")


def test_viewers_cannot_use_the_host_console_and_missing_sessions_say_so(
    three: tuple[Page, Page, Page], request: pytest.FixtureRequest
) -> None:
    _, dave, _ = three
    sign_in(dave, "Dave", "/live/new")
    expect(dave.get_by_text("Only hosts can schedule live sessions.")).to_be_visible()
    dave.goto("/live/999999")
    expect(dave.get_by_role("heading", name="We couldn't find that live session")).to_be_visible()
    screenshot(dave, request, "not-found")


def test_friends_watch_together_with_a_private_chat_and_a_shared_cart(
    three: tuple[Page, Page, Page], request: pytest.FixtureRequest
) -> None:
    alice, bob, carol = three
    # Bob and Carol become friends through Bob's invite link.
    sign_in(bob, "Bob", "/friends")
    link = bob.get_by_test_id("invite-link").inner_text().strip()
    sign_in(carol, "Carol", "/")
    carol.goto(link)
    carol.get_by_role("button", name="Accept").click()
    expect(carol.get_by_test_id("invite-outcome")).to_contain_text("now friends")

    # Alice goes live with her demo session and pins its first product.
    sign_in(alice, "Alice", "/live")
    alice.get_by_role("link", name=re.compile("^Desk setup, live")).first.click()
    alice.get_by_role("button", name="Go live").click()
    alice.get_by_role("button", name="Pin Arc Desk Lamp").click()
    path = alice.url.replace(alice.url.split("/live/")[0], "")

    bob.goto(path)
    carol.goto(path)
    bob.get_by_role("button", name="Start a watch party").click()
    bob.get_by_role("button", name="Invite Carol Chen to watch together").click()
    carol.get_by_role("button", name="Open the party chat").click()
    party = carol.get_by_test_id("watch-party")
    party.get_by_label("Write a message").fill("Shall we get the lamp?")
    party.get_by_role("button", name="Send", exact=True).click()
    expect(bob.get_by_test_id("watch-party")).to_contain_text("Shall we get the lamp?")
    # The side chat is private: the session's public chat and its host never see it.
    expect(bob.get_by_test_id("live-chat")).not_to_contain_text("Shall we get the lamp?")
    expect(alice.get_by_test_id("live-chat")).not_to_contain_text("Shall we get the lamp?")
    expect(alice.get_by_test_id("watch-party")).not_to_contain_text("Shall we get the lamp?")

    bob.get_by_role("button", name="Add Arc Desk Lamp to the shared cart").click()
    expect(carol.get_by_test_id("party-cart-line")).to_contain_text("Arc Desk Lamp")
    screenshot(bob, request, "party-desktop")
    screenshot(carol, request, "party-phone")
    _no_unnamed_controls(carol)


def test_a_flash_deal_links_to_its_deal_page(
    three: tuple[Page, Page, Page], request: pytest.FixtureRequest
) -> None:
    alice, bob, _ = three
    sign_in(alice, "Alice", "/live/new")
    expect(alice.get_by_role("heading", name="Schedule a live session")).to_be_visible()
    alice.get_by_label("Title").fill("Lamp deal link")
    alice.get_by_role("button", name="Cover: Arc Desk Lamp").click()
    alice.get_by_role("checkbox", name=re.compile("^Arc Desk Lamp")).check()
    alice.get_by_role("button", name="Schedule session").click()
    expect(alice).to_have_url(re.compile(r"/live/\d+$"))
    alice.get_by_role("button", name="Go live").click()
    alice.get_by_role("button", name="Launch flash deal").click()  # its one product
    expect(alice.get_by_test_id("flash-deal")).to_be_visible()

    sign_in(bob, "Bob", alice.url.replace(alice.url.split("/live/")[0], ""))
    bob.get_by_test_id("flash-deal").get_by_test_id("flash-deal-link").click()
    expect(bob).to_have_url(re.compile(r"/deals/\d+$"))
    expect(bob.get_by_role("heading", level=1)).to_contain_text("Arc Desk Lamp")
    expect(bob.get_by_text("This page doesn't exist")).to_have_count(0)
    screenshot(bob, request, "deal-from-live")
