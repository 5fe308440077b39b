"""Two shoppers sign in through a real OpenID provider and become friends."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_shoppers(open_shopper: OpenShopper) -> tuple[Page, Page]:
    return open_shopper("desktop"), open_shopper("phone")


def test_invite_link_makes_two_shoppers_friends(
    two_shoppers: tuple[Page, Page], request: pytest.FixtureRequest
) -> None:
    alice, bob = two_shoppers
    sign_in(alice, "Alice", "/friends")
    expect(alice).to_have_url(re.compile("/friends"))
    expect(alice.get_by_role("button", name="Account menu for Alice Archer")).to_be_visible()
    code = alice.get_by_test_id("invite-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{12}", code)
    link = alice.get_by_test_id("invite-link").inner_text().strip()
    screenshot(alice, request, "alice-friends-empty")

    # Bob opens the link as a guest: he is asked to sign in and lands back on the invite.
    bob.goto(link)
    expect(
        bob.get_by_role("heading", name="Alice Archer invited you to be friends")
    ).to_be_visible()
    bob.get_by_role("button", name="Accept").click()
    expect(bob).to_have_url(re.compile(r"/sign-in\?next="))
    bob.get_by_role("link", name="Continue with Demo sign-in").click()
    bob.get_by_role("button", name=re.compile("Bob")).click()
    expect(bob).to_have_url(re.compile(f"/friends/invite/{code}"))
    bob.get_by_role("button", name="Accept").click()
    expect(bob.get_by_test_id("invite-outcome")).to_have_text(
        "You and Alice Archer are now friends."
    )
    screenshot(bob, request, "bob-accepted")

    bob.goto("/friends")
    expect(bob.get_by_test_id("friend-row")).to_have_count(1)
    expect(bob.get_by_test_id("friend-row")).to_contain_text("Alice Archer")
    # Alice's open friends page updates by itself.
    expect(alice.get_by_test_id("friend-row")).to_contain_text("Bob Baker")
    screenshot(alice, request, "alice-friends")

    # Either side can end it.
    alice.get_by_role("button", name="Remove Bob Baker").click()
    alice.get_by_role("alertdialog").get_by_role("button", name="Remove").click()
    expect(alice.get_by_test_id("no-friends")).to_be_visible()
    expect(bob.get_by_test_id("no-friends")).to_be_visible()


def test_own_code_and_bad_code_get_clear_messages(
    two_shoppers: tuple[Page, Page], request: pytest.FixtureRequest
) -> None:
    carol, _ = two_shoppers
    sign_in(carol, "Carol", "/friends")
    code = carol.get_by_test_id("invite-code").inner_text().strip()
    carol.get_by_label("Have a friend's code?").fill("nope")
    carol.get_by_role("button", name="Open invite").click()
    expect(
        carol.get_by_role("alert").filter(has_text="doesn't look like an invite code")
    ).to_be_visible()
    carol.get_by_label("Have a friend's code?").fill(code.lower())
    carol.get_by_role("button", name="Open invite").click()
    expect(carol).to_have_url(re.compile(f"/friends/invite/{code}"))
    carol.get_by_role("button", name="Accept").click()
    expect(carol.get_by_text("That's your own invite.").first).to_be_visible()
    screenshot(carol, request, "own-invite")


def test_profile_name_is_editable_with_errors_next_to_the_field(
    two_shoppers: tuple[Page, Page], request: pytest.FixtureRequest
) -> None:
    dave, _ = two_shoppers
    sign_in(dave, "Dave", "/profile")
    expect(dave.get_by_test_id("profile-name")).to_have_text("Dave Diaz")
    field = dave.get_by_label("Display name")
    field.fill("   ")
    dave.get_by_role("button", name="Save name").click()
    expect(dave.locator("#display-name-error")).to_have_text("Please enter a name.")
    field.fill("Dave the Deal Hunter")
    dave.get_by_role("button", name="Save name").click()
    expect(dave.get_by_test_id("profile-name")).to_have_text("Dave the Deal Hunter")
    expect(dave.get_by_role("button", name="Account menu for Dave the Deal Hunter")).to_be_visible()
    screenshot(dave, request, "profile")

    dave.get_by_role("button", name="Sign out").click()
    expect(dave.get_by_role("link", name="Sign in")).to_be_visible()
    dave.goto("/profile")
    expect(dave).to_have_url(re.compile(r"/sign-in\?next=%2Fprofile"))


def test_a_signed_out_session_is_refused_by_the_server_even_in_a_stale_tab(
    two_shoppers: tuple[Page, Page], request: pytest.FixtureRequest
) -> None:
    alice, _ = two_shoppers
    sign_in(alice, "Alice", "/friends")
    other_tab = alice.context.new_page()
    other_tab.goto("/profile")
    other_tab.get_by_role("button", name="Sign out").click()
    expect(other_tab.get_by_role("link", name="Sign in")).to_be_visible()

    # The first tab still shows the friends page; its next request is checked and refused.
    alice.get_by_label("Have a friend's code?").fill("ABCDEFGH")
    alice.get_by_role("button", name="Open invite").click()
    expect(alice).to_have_url(re.compile(r"/sign-in\?next=%2Ffriends"))
    expect(alice.get_by_role("link", name="Sign in")).to_be_visible()
