"""The cart service calls behind the cart pages: steps, lists, previews, room views, events."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.carts import CartError, CartErrorCode, SplitMode
from app.domain.events import EventKind
from app.services import carts
from app.services.carts.views import plain
from tests.integration.cart_world import Party, Shop, load_cart, party, refused, shop  # noqa: F401


def test_plus_and_minus_steps_add_up_and_stay_within_stock(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 1)
    line = load_cart(shop, party.cart, party.bob).lines[0].id
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: shop.do(carts.adjust_quantity, party.cart, party.bob, line, 1),
                      range(3)))  # fmt: skip
    assert load_cart(shop, party.cart, party.alice).lines[0].quantity == 4
    shop.do(carts.adjust_quantity, party.cart, party.bob, line, -1)
    assert load_cart(shop, party.cart, party.alice).lines[0].quantity == 3
    assert refused(shop, carts.adjust_quantity, party.cart, party.bob, line, -3).code is (
        CartErrorCode.INVALID_QUANTITY
    )
    assert refused(shop, carts.adjust_quantity, party.cart, party.bob, line, 3).code is (
        CartErrorCode.NOT_ENOUGH_STOCK
    )
    assert refused(shop, carts.adjust_quantity, party.cart, party.alice, line, 1).code is (
        CartErrorCode.NOT_YOUR_LINE
    )
    assert refused(shop, carts.adjust_quantity, party.cart, party.carol, line, 1).code is (
        CartErrorCode.NOT_A_MEMBER
    )
    texts = [e.payload["activity"] for e in shop.bus.events]
    assert texts[-1] == "Bob changed Harbor Mug from 4 to 3"


def test_room_view_is_the_same_for_every_member(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 2)
    with shop.session() as session:
        room = carts.load_room_view(session, party.cart)
    assert room is not None
    assert room.viewer_id == 0 and room.viewer_role == ""
    assert all(not line.mine for line in room.lines)
    assert room.member_ids == (party.alice, party.bob)
    mine = load_cart(shop, party.cart, party.bob)
    assert (room.lines[0].id, room.total, room.version) == (
        mine.lines[0].id,
        mine.total,
        mine.version,
    )
    shop.do(carts.delete_cart, party.cart, party.alice)
    with shop.session() as session:
        assert carts.load_room_view(session, party.cart) is None


def test_removal_and_leaving_tell_the_room_whom_to_evict(party: Party) -> None:
    shop = party.shop
    shop.do(carts.remove_member, party.cart, party.alice, party.bob)
    assert shop.bus.events[-1].payload["removed_user"] == party.bob
    shop.do(carts.join_by_code, party.carol, load_cart(shop, party.cart, party.alice).invite_code)
    shop.do(carts.leave, party.cart, party.carol)
    assert shop.bus.events[-1].payload["left_user"] == party.carol
    shop.do(carts.delete_cart, party.cart, party.alice)
    assert shop.bus.events[-1].payload["deleted"] is True


def test_list_of_shared_carts_and_invite_preview(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.bob, party.lamp, 2)
    shop.do(carts.personal_cart, party.bob)  # personal carts are not listed
    with shop.session() as session:
        [summary] = carts.list_carts(session, party.bob)
        code = load_cart(shop, party.cart, party.alice).invite_code
        preview = carts.find_by_code(session, code.lower(), party.carol)
        member_preview = carts.find_by_code(session, code, party.bob)
        assert carts.list_carts(session, party.carol) == []
    assert (summary.name, summary.role, summary.owner, summary.member_count) == (
        "Beach weekend",
        "member",
        "Alice",
        2,
    )
    assert (summary.item_count, summary.total, summary.locked) == (2, "$90.00", False)
    assert (preview.name, preview.owner, preview.member_count) == ("Beach weekend", "Alice", 2)
    assert not preview.already_member and member_preview.already_member
    with pytest.raises(CartError) as bad, shop.session() as session:
        carts.find_by_code(session, "nope", None)
    assert bad.value.code is CartErrorCode.INVALID_CODE


def test_owner_chooses_who_pays(party: Party) -> None:
    shop = party.shop
    shop.do(carts.add_item, party.cart, party.bob, party.mug, 1)
    assert refused(shop, carts.set_split_mode, party.cart, party.bob, "each_pays_own").code is (
        CartErrorCode.OWNER_ONLY
    )
    shop.do(carts.set_split_mode, party.cart, party.alice, SplitMode.EACH_PAYS_OWN.value)
    view = load_cart(shop, party.cart, party.bob)
    assert view.split_mode == "each_pays_own"
    assert [(m.name, m.pays) for m in view.members] == [("Alice", "$0.00"), ("Bob", "$18.00")]
    assert view.activity[0].text == "Alice chose: everyone pays for their own items"


def test_a_quantity_change_carries_the_room_view_a_fresh_read_gives(shop: Shop) -> None:
    """The "+" path composes its event's view from the rows it read before writing; it must be
    exactly what a reader would see after the commit (lines, totals, shares, budget, feed)."""
    alice, bob = shop.user("Alice"), shop.user("Bob")
    mug = shop.product("Harbor Mug", price=2300, stock=9)
    lamp = shop.product("Desk Lamp", price=4500, stock=3)
    cart = shop.do(
        carts.create_shared_cart,
        alice,
        "Trip",
        budget_minor=10_000,
        split_mode=SplitMode.EACH_PAYS_OWN,
    )
    assert isinstance(cart, int)
    shop.do(carts.join_by_code, bob, load_cart(shop, cart, alice).invite_code)
    shop.do(carts.add_item, cart, alice, lamp, 1)
    shop.do(carts.add_item, cart, bob, mug, 2)
    line = next(ln.id for ln in load_cart(shop, cart, bob).lines if ln.added_by_id == bob)
    shop.bus.events.clear()

    change = shop.do(carts.adjust_quantity, cart, bob, line, 2)

    assert isinstance(change, carts.CartChange)
    assert change.warning and "budget" in change.warning  # 4 × $23 = $92 of $100
    [event] = shop.bus.events
    with shop.session() as session:
        fresh = carts.load_room_view(session, cart)
    assert fresh is not None and event.version == fresh.version == change.version
    assert event.payload["snapshot"] == plain(fresh)
    assert fresh.activity[0].text == "Bob changed Harbor Mug from 2 to 4"
    assert [m.subtotal for m in fresh.members] == ["$45.00", "$92.00"]


def _carries_a_fresh_read(shop: Shop, cart: int) -> None:
    """The last event's room view is what a reader sees after the commit, at its version."""
    event = shop.bus.events[-1]
    with shop.session() as session:
        fresh = carts.load_room_view(session, cart)
    if fresh is None:  # deleted: no view to carry; the page says so
        assert "snapshot" not in event.payload and event.payload["deleted"] is True
        return
    assert event.kind == EventKind.CART_CHANGED and event.version == fresh.version
    assert event.payload["snapshot"] == plain(fresh)
    assert fresh.activity[0].text == event.payload["activity"]


def test_every_kind_of_cart_change_carries_the_room_view_a_fresh_read_gives(
    party: Party,
) -> None:
    """Whatever changed the cart (a line, a member, the owner's controls, the deadline job),
    the view its event carries equals a fresh read after commit, so a page that applies the
    event shows the truth."""
    shop, cart, alice, bob, carol = party.shop, party.cart, party.alice, party.bob, party.carol
    shop.befriend(alice, carol)
    soon = datetime.now(UTC) + timedelta(hours=1)
    changes: list[tuple[Callable[..., object], tuple[object, ...]]] = [
        (carts.add_item, (cart, bob, party.mug, 2)),
        (carts.add_item, (cart, alice, party.lamp, 1)),
        (carts.set_note, (cart, bob, "line:bob", "the blue one")),
        (carts.set_quantity, (cart, bob, "line:bob", 3)),
        (carts.adjust_quantity, (cart, bob, "line:bob", -1)),
        (carts.remove_line, (cart, alice, "line:alice")),
        (carts.invite_friend, (cart, alice, carol)),
        (carts.leave, (cart, carol)),
        (carts.remove_member, (cart, alice, bob)),
        (carts.join_by_code, (carol, "code")),
        (carts.set_split_mode, (cart, alice, SplitMode.EACH_PAYS_OWN.value)),
        (carts.lock, (cart, alice)),
        (carts.unlock, (cart, alice)),
        (carts.set_deadline, (cart, alice, soon)),
        (carts.set_deadline, (cart, alice, None)),
    ]
    for step, raw in changes:
        args = tuple(_resolve(shop, cart, alice, bob, value) for value in raw)
        shop.do(step, *args)
        _carries_a_fresh_read(shop, cart)

    shop.do(carts.set_deadline, cart, alice, soon)
    carts.lock_overdue(shop.ctx(now=soon + timedelta(minutes=1)))
    _carries_a_fresh_read(shop, cart)
    shop.do(carts.set_deadline, cart, alice, None)
    shop.do(carts.delete_cart, cart, alice)
    _carries_a_fresh_read(shop, cart)


def _resolve(shop: Shop, cart: int, alice: int, bob: int, value: object) -> object:
    """Placeholders for what exists only once the earlier changes ran."""
    if value == "code":
        return load_cart(shop, cart, alice).invite_code
    if value in ("line:bob", "line:alice"):
        owner = bob if value == "line:bob" else alice
        return next(ln.id for ln in load_cart(shop, cart, alice).lines if ln.added_by_id == owner)
    return value
