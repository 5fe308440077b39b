"""The cart use cases the pages call, one per user action, on SQLite and PostgreSQL."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.carts import CartAccessDenied, CartError, CartErrorCode, SplitMode
from app.services import accounts, carts
from app.services.cart_page import cart_room, open_cart
from tests.integration.cart_world import Party, Shop, load_cart, party, shop  # noqa: F401


def _signed_in(shop: Shop, user_id: int) -> carts.SessionToken:
    with shop.session() as session:
        token = accounts.start_session(session, user_id)
        session.commit()
    return carts.SessionToken(token)


def test_a_page_edit_resolves_the_shopper_in_its_own_transaction(party: Party) -> None:
    shop, ctx = party.shop, party.shop.ctx()
    bob = _signed_in(shop, party.bob)
    added = carts.add_to_cart(ctx, bob, party.cart, party.mug, 1)
    assert added.by is not None and added.by.id == party.bob and added.by.name == "Bob"
    line = load_cart(shop, party.cart, party.bob).lines[0].id

    change = carts.change_quantity(ctx, bob, party.cart, line, 1)

    assert change.by is not None and change.by.id == party.bob
    assert change.version == load_cart(shop, party.cart, party.bob).version
    assert load_cart(shop, party.cart, party.alice).lines[0].quantity == 2
    # An ended or unknown session changes nothing and announces nothing.
    before = len(shop.bus.events)
    for nobody in (carts.SessionToken("not-a-session"), carts.SessionToken(None)):
        with pytest.raises(carts.NotSignedIn):
            carts.change_quantity(ctx, nobody, party.cart, line, 1)
    assert load_cart(shop, party.cart, party.alice).lines[0].quantity == 2
    assert len(shop.bus.events) == before
    # By user id (another use case, the API): nobody to report back.
    assert carts.change_quantity(ctx, party.bob, party.cart, line, -1).by is None


def test_every_page_action_is_one_call(party: Party) -> None:
    shop, ctx, cart = party.shop, party.shop.ctx(), party.cart
    alice, bob, carol = party.alice, party.bob, party.carol
    carts.add_to_cart(ctx, bob, cart, party.mug, 2)
    line = load_cart(shop, cart, bob).lines[0].id
    carts.set_line_quantity(ctx, bob, cart, line, 3)
    carts.save_note(ctx, bob, cart, line, "blue")
    shop.befriend(alice, carol)
    carts.add_friend(ctx, alice, cart, carol)
    carts.leave_cart(ctx, carol, cart)
    carts.choose_who_pays(ctx, alice, cart, SplitMode.EACH_PAYS_OWN.value)
    carts.lock_cart(ctx, alice, cart)
    carts.unlock_cart(ctx, alice, cart)
    deadline = datetime.now(UTC) + timedelta(days=1)
    carts.move_deadline(ctx, alice, cart, deadline)
    carts.move_deadline(ctx, alice, cart, None)
    carts.remove_cart_line(ctx, alice, cart, line)
    carts.remove_cart_member(ctx, alice, cart, bob)

    assert [a.text for a in load_cart(shop, cart, alice).activity[:11]] == [
        "Alice removed Bob from the cart",
        "Alice removed Bob's Harbor Mug",
        "Alice removed the deadline",
        f"Alice set the deadline to {deadline:%Y-%m-%d %H:%M} UTC",
        "Alice unlocked the cart",
        "Alice locked the cart",
        "Alice chose: everyone pays for their own items",
        "Carol left the cart",
        "Alice added Carol to the cart",
        "Bob noted on Harbor Mug: “blue”",
        "Bob changed Harbor Mug from 2 to 3",
    ]
    with pytest.raises(CartAccessDenied):
        carts.add_to_cart(ctx, bob, cart, party.mug, 1)
    carts.delete_shared_cart(ctx, alice, cart)
    with pytest.raises(CartError) as gone:
        carts.lock_cart(ctx, alice, cart)
    assert gone.value.code is CartErrorCode.CART_NOT_FOUND


def test_starting_joining_and_the_product_page_menu(shop: Shop) -> None:
    ctx = shop.ctx()
    alice, bob = shop.user("Alice"), shop.user("Bob")
    lamp = shop.product("Desk Lamp", price=4500, stock=3)
    cart = carts.start_shared_cart(ctx, alice, " Gifts ", budget_minor=10_000)
    code = load_cart(shop, cart, alice).invite_code
    preview = carts.invite_preview(ctx, bob, code.lower())
    assert (preview.name, preview.owner, preview.already_member) == ("Gifts", "Alice", False)
    assert carts.join_cart(ctx, bob, code).cart_id == cart
    assert carts.carts_to_add_to(ctx, bob) == [carts.CartTarget(cart, "Gifts")]
    carts.lock_cart(ctx, alice, cart)
    assert carts.carts_to_add_to(ctx, bob) == []  # a locked cart takes nothing
    # No cart named: the shopper's own, made on first use.
    mine = carts.add_to_cart(ctx, bob, None, lamp, 2)
    assert load_cart(shop, mine.cart_id, bob).kind == "personal"
    assert carts.add_to_cart(ctx, bob, None, lamp, 1).cart_id == mine.cart_id


def test_the_cart_page_loads_with_one_call(party: Party) -> None:
    shop, ctx = party.shop, party.shop.ctx()
    shop.befriend(party.alice, party.carol)
    shared = open_cart(ctx, party.alice, str(party.cart))
    assert shared.view.name == "Beach weekend" and shared.view.viewer_role == "owner"
    assert shared.checkout is None and shared.shared_carts == []
    assert [f.name for f in shared.friends] == ["Carol"]
    assert shared.payments_ready is False  # this shop has no payment provider
    own = open_cart(ctx, party.bob, None)
    assert own.view.kind == "personal" and [c.name for c in own.shared_carts] == ["Beach weekend"]
    assert open_cart(ctx, party.bob, None).view.id == own.view.id
    with pytest.raises(CartAccessDenied):
        open_cart(ctx, party.carol, str(party.cart))
    with pytest.raises(CartError) as bad:
        open_cart(ctx, party.alice, "12abc")
    assert bad.value.code is CartErrorCode.CART_NOT_FOUND
    room = cart_room(ctx, party.cart)
    assert room.view is not None and room.view.viewer_id == 0 and room.checkout is None
    carts.delete_shared_cart(ctx, party.alice, party.cart)
    assert cart_room(ctx, party.cart) == type(room)(None, None)
