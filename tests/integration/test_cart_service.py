"""The cart service on SQLite and PostgreSQL: sharing, editing, locking, access and events."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.adapters.bus import InProcessBus
from app.adapters.db.models_carts import Cart
from app.domain.carts import CartAccessDenied, CartError, CartErrorCode, CartNotFound, SplitMode
from app.domain.events import DomainEvent
from app.services import carts
from app.services.carts.owner import rotate_code
from app.services.code_attempts import PER_ADDRESS, PER_PERSON
from app.services.unit_of_work import unit_of_work
from tests.integration.cart_world import Party, Shop, load_cart, party, refused, shop  # noqa: F401


def test_members_fill_a_shared_cart_and_see_who_added_what(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 2)
    shop.do(carts.add_item, party.cart, party.alice, party.lamp)
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 1)

    view = load_cart(shop, party.cart, party.alice)
    assert view.name == "Beach weekend" and view.kind == "shared"
    assert [(ln.title, ln.added_by, ln.quantity, ln.line_total) for ln in view.lines] == [
        ("Harbor Mug", "Bob", 3, "$54.00"),
        ("Desk Lamp", "Alice", 1, "$45.00"),
    ]
    assert view.lines[0].unit_price == "$18.00" and view.lines[0].image == "/placeholder.svg"
    assert [(m.name, m.role, m.subtotal) for m in view.members] == [
        ("Alice", "owner", "$45.00"),
        ("Bob", "member", "$54.00"),
    ]
    assert view.total == "$99.00" and view.item_count == 4
    # The owner pays everything by default.
    assert [(m.name, m.pays) for m in view.members] == [("Alice", "$99.00"), ("Bob", "$0.00")]
    assert view.activity[0].text == "Bob added 1 × Harbor Mug"
    assert [a.text for a in view.activity][-2:] == [
        "Bob joined the cart",
        "Alice started “Beach weekend”",
    ]
    assert view.version == view.activity[0].version


def test_change_quantity_note_and_remove_a_line(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 1)
    line = load_cart(shop, party.cart, party.bob).lines[0]
    shop.do(carts.set_quantity, party.cart, party.bob, line.id, 4)
    shop.do(carts.set_note, party.cart, party.bob, line.id, " the blue one ")
    view = load_cart(shop, party.cart, party.alice)
    assert (view.lines[0].quantity, view.lines[0].note) == (4, "the blue one")
    assert [a.text for a in view.activity[:2]] == [
        "Bob noted on Harbor Mug: “the blue one”",
        "Bob changed Harbor Mug from 1 to 4",
    ]
    # Only the person who added a line changes it; the owner may still take it out.
    error = refused(shop, carts.set_quantity, party.cart, party.alice, line.id, 2)
    assert error.code is CartErrorCode.NOT_YOUR_LINE
    shop.do(carts.remove_line, party.cart, party.alice, line.id)
    view = load_cart(shop, party.cart, party.bob)
    assert view.lines == () and view.activity[0].text == "Alice removed Bob's Harbor Mug"


def test_quantity_above_stock_is_refused_counting_every_member(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.alice, party.mug, 3)
    error = refused(shop, carts.add_item, party.cart, party.bob, party.mug, 3)
    assert error.code is CartErrorCode.NOT_ENOUGH_STOCK
    assert "you can add 2 more" in error.message
    assert refused(shop, carts.add_item, party.cart, party.bob, party.mug, 0).code is (
        CartErrorCode.INVALID_QUANTITY
    )
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 2)
    assert load_cart(shop, party.cart, party.bob).total == "$90.00"


def test_locked_cart_refuses_edits_until_the_owner_unlocks_it(party: Party) -> None:
    shop = party.shop
    shop.do(carts.lock, party.cart, party.alice)
    shop.do(carts.lock, party.cart, party.alice)  # twice is harmless
    error = refused(shop, carts.add_item, party.cart, party.bob, party.mug, 1)
    assert error.code is CartErrorCode.LOCKED
    assert (
        error.message == "This cart is locked, so it can't be changed. Ask the owner to unlock it."
    )
    assert refused(shop, carts.unlock, party.cart, party.bob).code is CartErrorCode.OWNER_ONLY
    assert load_cart(shop, party.cart, party.bob).locked_reason == "owner"
    shop.do(carts.unlock, party.cart, party.alice)
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 1)
    texts = [a.text for a in load_cart(shop, party.cart, party.bob).activity[:3]]
    assert texts == ["Bob added 1 × Harbor Mug", "Alice unlocked the cart", "Alice locked the cart"]


def test_passed_deadline_locks_the_cart(party: Party) -> None:
    shop = party.shop
    soon = datetime.now(UTC) + timedelta(hours=1)
    shop.do(carts.set_deadline, party.cart, party.alice, soon)
    later = soon + timedelta(minutes=1)
    with shop.uow() as uow:
        assert carts.lock_overdue_carts(uow, later) == [party.cart]
    with shop.uow() as uow:
        assert carts.lock_overdue_carts(uow, later) == []
    error = refused(shop, carts.add_item, party.cart, party.bob, party.mug, 1)
    assert error.code is CartErrorCode.LOCKED
    view = load_cart(shop, party.cart, party.bob)
    assert view.activity[0].text == "The deadline passed, so the cart is now locked"
    news = shop.bus.events[-1]
    assert news.payload["activity"] == view.activity[0].text
    # The news carries the locked cart as every member now sees it, at the same version.
    assert news.payload["snapshot"]["locked"] is True
    assert news.payload["snapshot"]["version"] == news.version == view.version


def test_deadline_in_the_past_refuses_edits_before_the_job_runs(party: Party) -> None:
    shop = party.shop
    with shop.session() as session:
        cart = session.get(Cart, party.cart)
        assert cart is not None
        cart.deadline = datetime.now(UTC) - timedelta(minutes=1)
        session.add(cart)
        session.commit()
    error = refused(shop, carts.add_item, party.cart, party.bob, party.mug, 1)
    assert error.code is CartErrorCode.DEADLINE_PASSED
    assert load_cart(shop, party.cart, party.bob).locked_reason == "deadline"
    error = refused(shop, carts.unlock, party.cart, party.alice)
    assert error.code is CartErrorCode.DEADLINE_PASSED and "Move the deadline" in error.message


def test_non_members_cannot_read_or_change_the_cart(party: Party) -> None:
    shop = party.shop
    with pytest.raises(CartAccessDenied), shop.session() as session:
        carts.load_cart(session, party.cart, party.carol)
    error = refused(shop, carts.add_item, party.cart, party.carol, party.mug, 1)
    assert isinstance(error, CartAccessDenied) and error.code is CartErrorCode.NOT_A_MEMBER
    assert refused(shop, carts.lock, party.cart, party.carol).code is CartErrorCode.NOT_A_MEMBER
    assert refused(shop, carts.lock, party.cart, party.bob).code is CartErrorCode.OWNER_ONLY
    assert shop.bus.events == []


def test_removed_member_loses_access_and_their_lines(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 2)
    assert refused(shop, carts.remove_member, party.cart, party.bob, party.alice).code is (
        CartErrorCode.OWNER_ONLY
    )
    shop.do(carts.remove_member, party.cart, party.alice, party.bob)
    view = load_cart(shop, party.cart, party.alice)
    assert view.lines == () and [m.name for m in view.members] == ["Alice"]
    assert view.activity[0].text == "Alice removed Bob from the cart"
    with pytest.raises(CartAccessDenied), shop.session() as session:
        carts.load_cart(session, party.cart, party.bob)
    assert isinstance(
        refused(shop, carts.add_item, party.cart, party.bob, party.mug, 1), CartAccessDenied
    )
    # The code no longer lets them back in; an invitation from a friend does.
    error = refused(shop, carts.join_by_code, party.bob, view.invite_code)
    assert error.code is CartErrorCode.REMOVED_BY_OWNER
    assert refused(shop, carts.invite_friend, party.cart, party.alice, party.bob).code is (
        CartErrorCode.NOT_FRIENDS
    )
    shop.befriend(party.alice, party.bob)
    shop.do(carts.invite_friend, party.cart, party.alice, party.bob)
    assert load_cart(shop, party.cart, party.bob).viewer_role == "member"


def test_only_the_owner_brings_back_someone_they_removed(party: Party) -> None:
    shop = party.shop
    # Carol joins and befriends Bob; the owner removes Bob.
    with shop.session() as session:
        code = carts.load_cart(session, party.cart, party.alice).invite_code
    shop.do(carts.join_by_code, party.carol, code)
    shop.befriend(party.carol, party.bob)
    shop.do(carts.remove_member, party.cart, party.alice, party.bob)
    # Carol, a member and Bob's friend, cannot overrule the owner: nothing changes.
    before = load_cart(shop, party.cart, party.alice)
    error = refused(shop, carts.invite_friend, party.cart, party.carol, party.bob)
    assert error.code is CartErrorCode.OWNER_REMOVED_THEM
    assert "only the owner" in error.code.message
    after = load_cart(shop, party.cart, party.alice)
    assert [m.name for m in after.members] == ["Alice", "Carol"]
    assert after.version == before.version


def test_member_leaves_and_owner_cannot(party: Party) -> None:
    shop = party.shop
    shop.do(carts.leave, party.cart, party.bob)
    assert [m.name for m in load_cart(shop, party.cart, party.alice).members] == ["Alice"]
    assert refused(shop, carts.leave, party.cart, party.alice).code is (
        CartErrorCode.OWNER_CANNOT_LEAVE
    )
    code = load_cart(shop, party.cart, party.alice).invite_code
    shop.do(carts.join_by_code, party.bob, code)
    assert len(load_cart(shop, party.cart, party.alice).members) == 2


def test_join_codes_and_invites(party: Party) -> None:
    shop = party.shop
    assert refused(shop, carts.join_by_code, party.carol, "nope").code is CartErrorCode.INVALID_CODE
    assert refused(shop, carts.join_by_code, party.carol, "ABCDEFGH").code is (
        CartErrorCode.UNKNOWN_CODE
    )
    code = load_cart(shop, party.cart, party.alice).invite_code
    first = shop.do(carts.join_by_code, party.bob, code)
    assert isinstance(first, carts.CartChange) and shop.bus.events == []  # already in: no news
    shop.befriend(party.bob, party.carol)
    shop.do(carts.invite_friend, party.cart, party.bob, party.carol)
    assert refused(shop, carts.invite_friend, party.cart, party.bob, party.carol).code is (
        CartErrorCode.ALREADY_MEMBER
    )
    assert (
        load_cart(shop, party.cart, party.carol).activity[0].text == "Bob added Carol to the cart"
    )


def test_owner_deletes_the_cart(party: Party) -> None:
    shop = party.shop
    assert refused(shop, carts.delete_cart, party.cart, party.bob).code is CartErrorCode.OWNER_ONLY
    shop.do(carts.delete_cart, party.cart, party.alice)
    with pytest.raises(CartNotFound), shop.session() as session:
        carts.load_cart(session, party.cart, party.alice)
    assert refused(shop, carts.add_item, party.cart, party.bob, party.mug, 1).code is (
        CartErrorCode.CART_NOT_FOUND
    )


def test_personal_cart_is_made_once_and_cannot_be_shared_or_deleted(party: Party) -> None:
    shop = party.shop
    first = shop.do(carts.personal_cart, party.carol)
    assert shop.do(carts.personal_cart, party.carol) == first
    assert isinstance(first, int)
    shop.do(carts.add_item, first, party.carol, party.lamp, 2)
    view = load_cart(shop, first, party.carol)
    assert view.kind == "personal" and view.invite_code == "" and view.total == "$90.00"
    assert refused(shop, carts.delete_cart, first, party.carol).code is (
        CartErrorCode.PERSONAL_CART_DELETE
    )
    shop.befriend(party.carol, party.alice)
    assert refused(shop, carts.invite_friend, first, party.carol, party.alice).code is (
        CartErrorCode.PERSONAL_CART
    )


def test_budget_warns_near_the_limit_and_refuses_beyond_it(shop: Shop) -> None:
    alice = shop.user("Alice")
    mug = shop.product("Harbor Mug", price=1800, stock=50)
    cart = shop.do(carts.create_shared_cart, alice, "Gifts", None, 4000)
    assert isinstance(cart, int)
    change = shop.do(carts.add_item, cart, alice, mug, 1)
    assert isinstance(change, carts.CartChange) and change.warning is None
    change = shop.do(carts.add_item, cart, alice, mug, 1)
    assert isinstance(change, carts.CartChange)
    assert change.warning == "Heads up: your share is $36.00 of the $40.00 budget."
    error = refused(shop, carts.add_item, cart, alice, mug, 1)
    assert error.code is CartErrorCode.OVER_BUDGET and "$54.00" in error.message
    assert load_cart(shop, cart, alice).members[0].budget_state == "warn"


def test_each_member_pays_their_own_lines_when_the_cart_says_so(shop: Shop) -> None:
    alice, bob = shop.user("Alice"), shop.user("Bob")
    mug = shop.product("Harbor Mug", price=1800, stock=50)
    cart = shop.do(carts.create_shared_cart, alice, "Split", split_mode=SplitMode.EACH_PAYS_OWN)
    assert isinstance(cart, int)
    shop.do(carts.join_by_code, bob, load_cart(shop, cart, alice).invite_code)
    shop.do(carts.add_item, cart, bob, mug, 2)
    assert [(m.name, m.pays) for m in load_cart(shop, cart, bob).members] == [
        ("Alice", "$0.00"),
        ("Bob", "$36.00"),
    ]


def test_events_carry_increasing_versions_and_go_out_only_after_commit(party: Party) -> None:
    shop = party.shop
    with shop.uow() as uow:
        carts.add_item(uow, party.cart, party.bob, party.mug, 1)
        carts.add_item(uow, party.cart, party.alice, party.lamp, 1)
        assert shop.bus.events == []  # nothing announced before the data is visible
    shop.do(carts.lock, party.cart, party.alice)
    events = shop.bus.events
    assert [e.kind for e in events] == ["cart.changed"] * 3
    assert {(e.aggregate, e.aggregate_id) for e in events} == {("cart", str(party.cart))}
    versions = [e.version for e in events]
    assert versions == sorted(versions) and len(set(versions)) == 3
    assert versions[-1] == load_cart(shop, party.cart, party.bob).version
    assert [e.payload["activity"] for e in events] == [
        "Bob added 1 × Harbor Mug",
        "Alice added 1 × Desk Lamp",
        "Alice locked the cart",
    ]


def test_a_refused_change_is_rolled_back_and_announces_nothing(party: Party) -> None:
    shop = party.shop
    before = load_cart(shop, party.cart, party.bob).version

    def add_mug_then_too_many_lamps() -> None:
        with shop.uow() as uow:
            carts.add_item(uow, party.cart, party.bob, party.mug, 1)
            carts.add_item(uow, party.cart, party.bob, party.lamp, 99)

    with pytest.raises(CartError):
        add_mug_then_too_many_lamps()
    view = load_cart(shop, party.cart, party.bob)
    assert view.version == before and view.lines == ()
    assert shop.bus.events == []


def test_events_reach_an_in_process_bus_listener(party: Party) -> None:
    bus = InProcessBus()

    async def scenario() -> DomainEvent:
        listener = bus.listen()
        first = asyncio.ensure_future(anext(listener))
        await asyncio.sleep(0)
        with unit_of_work(party.shop.session, bus) as uow:
            carts.add_item(uow, party.cart, party.bob, party.mug, 2)
        event = await asyncio.wait_for(first, 5)
        await listener.aclose()
        return event

    event = asyncio.run(scenario())
    assert event.payload["activity"] == "Bob added 2 × Harbor Mug"
    assert [line["quantity"] for line in event.payload["snapshot"]["lines"]] == [2]


def test_the_owner_makes_a_new_code_and_the_old_link_stops_working(party: Party) -> None:
    shop = party.shop
    old = load_cart(shop, party.cart, party.alice).invite_code
    assert len(old) == 12
    assert refused(shop, rotate_code, party.cart, party.bob).code is CartErrorCode.OWNER_ONLY
    shop.do(rotate_code, party.cart, party.alice)
    view = load_cart(shop, party.cart, party.alice)
    assert view.invite_code != old and len(view.invite_code) == 12
    assert [m.name for m in view.members] == ["Alice", "Bob"]  # members stay
    assert view.activity[0].text.endswith("the old link no longer works")
    assert refused(shop, carts.join_by_code, party.carol, old).code is CartErrorCode.UNKNOWN_CODE
    shop.do(carts.join_by_code, party.carol, view.invite_code)


def test_wrong_cart_codes_run_out_for_the_person_and_the_address(party: Party) -> None:
    shop, ctx = party.shop, party.shop.ctx()
    good = load_cart(shop, party.cart, party.alice).invite_code
    for attempt in range(PER_PERSON.limit):
        with pytest.raises(CartError):
            carts.invite_preview(ctx, party.carol, f"WRONG{attempt:07d}"[:12], "198.51.100.4")
    # Out of attempts: even the right code is refused now, and nothing changed.
    with pytest.raises(CartError) as caught:
        carts.join_cart(ctx, party.carol, good, "198.51.100.4")
    assert caught.value.code is CartErrorCode.TOO_MANY_CODES
    assert "try again in" in caught.value.message
    assert [m.name for m in load_cart(shop, party.cart, party.alice).members] == ["Alice", "Bob"]
    # Someone else, elsewhere, who uses the code they were given spends nothing.
    for _ in range(PER_PERSON.limit + 2):
        assert carts.invite_preview(ctx, party.alice, good, "192.0.2.1").name == "Beach weekend"
    # A guest on the same address as the guesser shares the address's allowance.
    for attempt in range(PER_ADDRESS.limit - PER_PERSON.limit):
        with pytest.raises(CartError):
            carts.invite_preview(ctx, None, f"GUEST{attempt:07d}"[:12], "198.51.100.4")
    with pytest.raises(CartError) as caught:
        carts.invite_preview(ctx, None, good, "198.51.100.4")
    assert caught.value.code is CartErrorCode.TOO_MANY_CODES
