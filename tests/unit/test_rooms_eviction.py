"""A member removed from a shared cart stops receiving it at once, even when the news of the
removal is coalesced with other edits arriving in the same instant."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.domain.events import DomainEvent, EventKind
from app.realtime.rooms import Rooms, Viewer
from app.states import cart_room
from app.states.cart_room import REMOVED, cart_renderer
from app.states.carts import CartState
from tests.fakes import FakeApp

CHANNEL = "cart:5"
ALICE, BOB = 1, 2


@pytest.fixture
def rooms(monkeypatch: pytest.MonkeyPatch) -> Rooms:
    """A process's rooms, the ones the cart renderer evicts from."""
    fresh = Rooms()
    monkeypatch.setattr(cart_room, "rooms", fresh)
    return fresh


def _received(app: FakeApp) -> dict[str, list[dict[str, Any]]]:
    """Each socket's deltas, resolving a room emit to the sockets in the room at that moment."""
    server = app.sio
    out: dict[str, list[dict[str, Any]]] = {}
    original = server.emit

    async def emit(event: str, data: dict[str, Any], to: str | None = None, **kw: Any) -> None:
        for sid in server.rooms.get(to or "", set()) or {to}:
            out.setdefault(str(sid), []).append(data["delta"])
        await original(event, data, to=to, **kw)

    server.emit = emit  # type: ignore[method-assign]
    return out


def _edit(version: int, members: list[int], **payload: Any) -> DomainEvent:
    snapshot = {"id": 5, "version": version, "member_ids": members}
    return DomainEvent(
        "cart", "5", version, EventKind.CART_CHANGED, {"snapshot": snapshot, **payload}
    )


def _views(deltas: list[dict[str, Any]]) -> list[Any]:
    return [values.get("view_rx_state_") for d in deltas for values in d.values()]


async def test_a_removal_coalesced_with_an_edit_still_ends_the_removed_members_view(
    rooms: Rooms,
) -> None:
    app = FakeApp()
    rooms.bind(app)
    rooms.register("cart", cart_renderer(CartState))
    received = _received(app)
    await rooms.enter("sid-alice", CHANNEL, Viewer(ALICE, "Alice"))
    await rooms.enter("sid-bob", CHANNEL, Viewer(BOB, "Bob"))

    # The owner removes Bob and, in the same instant, changes a line: both are news of one kind
    # for one room, so only the newer (which does not name Bob) is rendered.
    rooms.dispatch(_edit(7, [ALICE], removed_user=BOB))
    rooms.dispatch(_edit(8, [ALICE]))
    await asyncio.sleep(0.05)

    assert rooms.user_ids(CHANNEL) == {ALICE}
    bob = received["sid-bob"]
    assert [values["access_error_rx_state_"] for d in bob for values in d.values()] == [REMOVED]
    assert _views(bob) == [None]  # his copy of the cart is cleared, and nothing follows
    assert [v["version"] for v in _views(received["sid-alice"])] == [8]


async def test_a_socket_the_members_list_does_not_name_is_taken_out_on_the_next_push(
    rooms: Rooms,
) -> None:
    app = FakeApp()
    rooms.bind(app)
    rooms.register("cart", cart_renderer(CartState))
    received = _received(app)
    await rooms.enter("sid-alice", CHANNEL, Viewer(ALICE, "Alice"))
    await rooms.enter("sid-guest", CHANNEL, Viewer(None, "Guest"))

    rooms.dispatch(_edit(3, [ALICE]))
    await asyncio.sleep(0.05)

    assert rooms.local_count(CHANNEL) == 1
    assert all(view is None for view in _views(received["sid-guest"]))
