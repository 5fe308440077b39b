"""Trust between shoppers in real browsers: a question routed to a friend who bought the product
and answered from his notification; reviews with photos, "Verified buyer" and live helpful votes.
"""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e

QA_PRODUCT, REVIEW_PRODUCT, PICKS_PRODUCT = 9, 10, 11


def _db(app_database: str) -> sqlite3.Connection:
    return sqlite3.connect(app_database.removeprefix("sqlite:///"))


def user_id(app_database: str, name: str) -> int:
    with _db(app_database) as db:
        row = db.execute("SELECT id FROM user WHERE display_name LIKE ?", (name + "%",)).fetchone()
    return int(row[0])


@pytest.fixture
def befriend(app_database: str) -> Iterator[Callable[[str, str], None]]:
    """Make two shoppers friends for one test (the app's database outlives the test, and the
    friends tests expect strangers)."""
    made: list[tuple[int, int]] = []

    def make(a: str, b: str) -> None:
        low, high = sorted((user_id(app_database, a), user_id(app_database, b)))
        with _db(app_database) as db:
            db.execute(
                "INSERT OR IGNORE INTO friendship (user_low, user_high, created_at)"
                " VALUES (?, ?, ?)",
                (low, high, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")),
            )
        made.append((low, high))

    yield make
    with _db(app_database) as db:
        for low, high in made:
            db.execute("DELETE FROM friendship WHERE user_low = ? AND user_high = ?", (low, high))


def record_paid_order(app_database: str, name: str, product_id: int) -> None:
    """A completed cart order for one unit, as checkout leaves it (paying through the test
    card chooser is covered by the checkout tests)."""
    buyer = user_id(app_database, name)
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    with _db(app_database) as db:
        cart = db.execute(
            "INSERT INTO cart (name, owner_id, kind, currency, split_mode, locked, version,"
            " deleted, created_at) VALUES ('Bought', ?, 'shared', 'USD', 'owner_pays', 0, 0, 0, ?)",
            (buyer, stamp),
        ).lastrowid
        order = db.execute(
            "INSERT INTO shop_order (cart_id, owner_id, cart_name, mode, status, currency, total,"
            " cart_was_locked, version, reason, expires_at, created_at, closed_at)"
            " VALUES (?, ?, 'Bought', 'owner_pays', 'complete', 'USD', 1800, 0, 2, '', ?, ?, ?)",
            (
                cart,
                buyer,
                (now + timedelta(minutes=15)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                stamp,
                stamp,
            ),
        ).lastrowid
        db.execute(
            "INSERT INTO order_line (order_id, cart_line_id, product_id, title, unit_price,"
            " quantity, added_by, payer_id) VALUES (?, 0, ?, 'Bought', 1800, 1, ?, ?)",
            (order, product_id, buyer, buyer),
        )


def bell_count(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("bell-count")


def read_everything(page: Page, back_to: str) -> None:
    """Start from an empty bell: earlier tests on the shared app database leave notifications
    (friend invites accepted, shared carts) behind."""
    page.goto("/notifications")
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.get_by_role("button", name="Mark all read").click()
    expect(bell_count(page)).to_have_count(0)
    page.goto(back_to)


def test_a_friends_question_reaches_the_buyer_who_answers_from_the_notification(
    open_shopper: OpenShopper,
    app_database: str,
    befriend: Callable[[str, str], None],
    request: pytest.FixtureRequest,
) -> None:
    alice, bob = open_shopper("desktop"), open_shopper("phone")
    sign_in(alice, "Alice", f"/product/{QA_PRODUCT}")
    sign_in(bob, "Bob", "/")
    befriend("Alice", "Bob")
    record_paid_order(app_database, "Bob", QA_PRODUCT)
    read_everything(alice, f"/product/{QA_PRODUCT}")
    read_everything(bob, "/")
    expect(bob.get_by_test_id("bell")).to_be_visible()
    expect(bell_count(bob)).to_have_count(0)

    alice.reload()
    alice.get_by_label("Ask people who bought it").fill("Is it dishwasher safe?")
    alice.get_by_role("button", name="Ask", exact=True).click()
    question = alice.get_by_test_id("question").filter(has_text="dishwasher safe")
    expect(question).to_contain_text("No answers yet")

    # Routed by the due-work loop within seconds; Bob's bell rises without a reload.
    expect(bell_count(bob)).to_have_text("1", timeout=30_000)
    bob.get_by_test_id("bell").click()
    expect(bob.get_by_role("heading", name="Notifications")).to_be_visible()
    item = bob.get_by_test_id("notification").filter(has_text="dishwasher safe")
    expect(item).to_contain_text("which you bought")
    screenshot(bob, request, "notifications-phone")
    assert bob.evaluate(UNNAMED_CONTROLS_JS) == []
    item.get_by_role("textbox").fill("Yes, top rack only.")
    item.get_by_role("button", name="Send answer").click()
    expect(bell_count(bob)).to_have_count(0)

    # Alice sees the answer arrive, marked as from a buyer, and her own bell rises.
    answer = question.get_by_test_id("answer")
    expect(answer.get_by_test_id("answer-body")).to_have_text("Yes, top rack only.")
    expect(answer.get_by_test_id("answer-buyer")).to_have_text("Bought it here")
    expect(bell_count(alice)).to_have_text("1")
    screenshot(alice, request, "question-answered-desktop")
    assert alice.evaluate(UNNAMED_CONTROLS_JS) == []


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def write_review(page: Page, stars: int, title: str, body: str) -> None:
    page.get_by_role("radio", name=str(stars), exact=True).click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your review").fill(body)
    page.get_by_role("button", name="Post review").click()


def review(page: Page, author: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("review").filter(
        has=page.get_by_test_id("review-author").filter(has_text=author)
    )


def test_reviews_show_verified_buyers_photos_and_live_helpful_votes(
    open_shopper: OpenShopper, app_database: str, request: pytest.FixtureRequest
) -> None:
    path = f"/product/{REVIEW_PRODUCT}"
    bob, carol, dave = open_shopper("desktop"), open_shopper("phone"), open_shopper("desktop")
    sign_in(bob, "Bob", path)
    sign_in(carol, "Carol", path)
    sign_in(dave, "Dave", path)
    record_paid_order(app_database, "Bob", REVIEW_PRODUCT)
    bob.reload()

    write_review(bob, 4, "Sturdy and pretty", "Survived a month of daily use.\nWould buy again.")
    expect(review(bob, "Bob")).to_contain_text("Sturdy and pretty")
    upload = bob.locator("input[type=file]")
    upload.set_input_files(
        files=[{"name": "lies.jpg", "mimeType": "image/jpeg", "buffer": b"<html>"}]
    )
    bob.get_by_role("button", name="Upload photos").click()
    expect(bob.get_by_test_id("review-error-photos")).to_contain_text("not a photo we can read")
    upload.set_input_files(files=[{"name": "desk.png", "mimeType": "image/png", "buffer": _png()}])
    bob.get_by_role("button", name="Upload photos").click()
    photo = review(bob, "Bob").get_by_test_id("review-photo")
    expect(photo).to_have_count(1)
    src = photo.get_attribute("src") or ""
    assert re.match(r"^/review-photos/[A-Za-z0-9_-]+\.jpg$", src)
    response = bob.request.get(src)
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"

    write_review(carol, 2, "Smaller than it looks", "<b>Not bold</b> and no markup here.")
    expect(review(carol, "Carol")).to_contain_text("<b>Not bold</b>")

    dave.reload()
    expect(review(dave, "Bob").get_by_test_id("verified-buyer")).to_have_text("Verified buyer")
    expect(review(dave, "Carol").get_by_test_id("verified-buyer")).to_have_count(0)
    expect(dave.get_by_test_id("review-average")).to_have_text("3.0")
    expect(review(dave, "Bob").get_by_test_id("review-helpful")).to_have_text(
        "0 people found this helpful"
    )

    # Carol finds Bob's review helpful; Dave sees the count move without reloading.
    carol.reload()
    review(carol, "Bob").get_by_role("button", name=re.compile("Mark the review by Bob")).click()
    expect(review(dave, "Bob").get_by_test_id("review-helpful")).to_have_text(
        "1 person found this helpful"
    )
    expect(
        review(bob, "Bob").get_by_role("button", name=re.compile("Mark the review by Bob"))
    ).to_be_disabled()
    screenshot(dave, request, "reviews-desktop")
    screenshot(carol, request, "reviews-phone")
    for page in (dave, carol):
        assert page.evaluate(UNNAMED_CONTROLS_JS) == []


def test_friends_picks_show_only_what_a_friend_shares(
    open_shopper: OpenShopper,
    app_database: str,
    befriend: Callable[[str, str], None],
    request: pytest.FixtureRequest,
) -> None:
    path = f"/product/{PICKS_PRODUCT}"
    alice, bob = open_shopper("phone"), open_shopper("desktop")
    sign_in(alice, "Alice", path)
    sign_in(bob, "Bob", "/settings")
    befriend("Alice", "Bob")
    record_paid_order(app_database, "Bob", PICKS_PRODUCT)
    alice.reload()
    expect(alice.get_by_role("heading", name="Reviews")).to_be_visible()
    expect(alice.get_by_test_id("friends-bought")).to_have_count(0)  # private by default

    purchases = bob.get_by_test_id("setting-share.purchases").get_by_role("switch")
    expect(purchases).to_have_attribute("aria-checked", "false")
    purchases.click()
    expect(purchases).to_have_attribute("aria-checked", "true")
    screenshot(bob, request, "settings-desktop")
    assert bob.evaluate(UNNAMED_CONTROLS_JS) == []

    alice.reload()
    expect(alice.get_by_test_id("friends-bought")).to_contain_text("Bob bought this")
    alice.goto("/")
    picks = alice.get_by_test_id("friends-picks")
    expect(picks.get_by_role("heading")).to_have_text("Popular among your friends")
    expect(picks.get_by_test_id("pick-line").first).to_contain_text("Bob")
    screenshot(alice, request, "home-picks-phone")
    assert alice.evaluate(UNNAMED_CONTROLS_JS) == []

    # Alice's activity page shows Bob's review as he posts it (reviews are shared by default).
    alice.goto("/activity")
    expect(alice.get_by_role("heading", name="Friends' activity")).to_be_visible()
    bob.goto(path)
    write_review(bob, 5, "Soft and sturdy", "Lovely.")
    expect(alice.get_by_test_id("activity-text").first).to_contain_text(
        "reviewed Stonewashed Linen Cushion: 5 of 5 stars, “Soft and sturdy”"
    )
    screenshot(alice, request, "activity-phone")
    assert alice.evaluate(UNNAMED_CONTROLS_JS) == []


def open_live_session(app_database: str, host: str, title: str) -> int:
    """A session that is live now, as the host console leaves it after "Go live"."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with _db(app_database) as db:
        session_id = db.execute(
            "INSERT INTO live_session (host_id, title, description, cover_image, stream_url,"
            " starts_at, status, version, went_live_at, created_at)"
            " VALUES (?, ?, '', '/placeholder.svg', '', ?, 'live', 2, ?, ?)",
            (user_id(app_database, host), title, stamp, stamp, stamp),
        ).lastrowid
        db.execute(
            "INSERT INTO live_session_product (session_id, product_id, position) VALUES (?, ?, 0)",
            (session_id, PICKS_PRODUCT),
        )
    return int(session_id or 0)


def test_a_friend_watching_a_live_session_appears_and_goes_without_a_reload(
    open_shopper: OpenShopper,
    app_database: str,
    befriend: Callable[[str, str], None],
    request: pytest.FixtureRequest,
) -> None:
    title = "Linen evening"
    alice, bob = open_shopper("phone"), open_shopper("desktop")
    sign_in(alice, "Alice", "/activity")
    sign_in(bob, "Bob", "/settings")
    befriend("Alice", "Bob")
    session_id = open_live_session(app_database, "Alice", title)  # Alice is the demo host
    watching_entry = alice.get_by_test_id("activity").filter(has_text=f"is watching {title}")

    # Private by default: Bob watching shows nothing.
    alice.reload()
    expect(alice.get_by_role("heading", name="Friends' activity")).to_be_visible()
    bob.goto(f"/live/{session_id}")
    expect(bob.get_by_test_id("live-title")).to_have_text(title)
    # Counted among the viewers: his page is in the session's room (the title alone may be
    # the tab's previous visit, shown again before the page's load has run).
    expect(bob.get_by_test_id("viewer-count")).to_have_text("1")
    alice.wait_for_timeout(2_000)  # presence ticks twice a second: time enough to show wrongly
    expect(watching_entry).to_have_count(0)

    bob.goto("/settings")
    switch = bob.get_by_test_id("setting-share.watching").get_by_role("switch")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")

    # Bob opens the session: Alice's feed says so without a reload, and links to it.
    bob.goto(f"/live/{session_id}")
    expect(bob.get_by_test_id("live-title")).to_have_text(title)
    expect(bob.get_by_test_id("viewer-count")).to_have_text("1")
    expect(watching_entry).to_have_count(1, timeout=15_000)
    expect(watching_entry.get_by_test_id("activity-text")).to_have_text(
        re.compile(rf"^Bob[\w ]* is watching {title}$")
    )
    expect(watching_entry.get_by_role("link", name=f"is watching {title}")).to_have_attribute(
        "href", f"/live/{session_id}"
    )
    screenshot(alice, request, "activity-watching-phone")
    assert alice.evaluate(UNNAMED_CONTROLS_JS) == []

    # Bob leaves the session: the entry goes, still without a reload.
    bob.goto("/")
    expect(watching_entry).to_have_count(0, timeout=15_000)
