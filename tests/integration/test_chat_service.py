"""The chat service on SQLite and PostgreSQL: posting, limits, moderation, history, buyers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.adapters.db.models_carts import Cart
from app.adapters.db.models_deals import Deal, DealOrder, Participation
from app.adapters.db.models_orders import OrderLine, ShopOrder
from app.domain.chat import ChatRefused, Refusal, RoomKey
from app.services import chat
from app.services import context as context_module
from app.services.chat import rooms as chat_rooms
from app.services.context import Context
from app.states.chat import message_dict, window_values
from tests.factories import ShopWorld


@dataclass
class World(ShopWorld):
    """The shared shop (`tests.factories.ShopWorld`) with one product's chat room and posting
    at a stopped clock."""

    @property
    def product_id(self) -> int:
        return self.products["mug"]

    @property
    def room(self) -> str:
        return f"product:{self.product_id}"

    def post(
        self, who: str, text: str, reply_to: int | None = None, now: float | None = None
    ) -> int:
        """Post as `who`, the clock stopped at `now` (a Unix time) when given."""
        at = datetime.fromtimestamp(now, UTC) if now is not None else None
        return chat.post_message(self.ctx(now=at), self.users[who], self.room, text, reply_to)

    def refused(self, action: Callable[[], object]) -> ChatRefused:
        with pytest.raises(ChatRefused) as refused:
            action()
        return refused.value

    def window(self) -> chat.ChatWindow:
        return chat.window(self.ctx(), self.room)

    def texts(self) -> list[str]:
        return ["".join(p.text for p in m.parts) for m in self.window().messages]


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    with World.open(database_url) as world:
        world.product("Mug", 1800, category="mugs")
        world.user("Alice Archer", key="alice")
        world.user("Bob Baker", key="bob")
        world.user("Carol Chen", key="carol")
        world.user("Mo Derator", "moderator", key="mod")
        yield world


# ------------------------------------------------------------------------------------- posting
def test_a_posted_message_is_in_the_window_with_author_links_and_an_event(world: World) -> None:
    world.post("alice", "Love it, see https://example.com/review <b>bold</b>")
    view = world.window()
    (message,) = view.messages
    assert message.author_name == "Alice Archer" and message.author_initials == "AA"
    assert [(p.text, p.href) for p in message.parts] == [
        ("Love it, see ", ""),
        ("https://example.com/review", "https://example.com/review"),
        (" <b>bold</b>", ""),
    ]
    assert message.sent_at.endswith("Z") and not message.buyer
    (event,) = world.bus.events
    assert (event.channel, event.kind, event.version) == (f"chat:{world.room}", "message_posted", 1)
    world.post("bob", "me too")
    assert world.bus.events[-1].version == 2
    assert world.texts() == ["Love it, see https://example.com/review <b>bold</b>", "me too"]


def test_guests_unknown_rooms_and_missing_products_are_refused(world: World) -> None:
    assert world.refused(lambda: chat.post_message(world.ctx(), None, world.room, "hi")).code == (
        Refusal.SIGN_IN
    )
    for room, code in [("cart:1", Refusal.INVALID), ("product:99999", Refusal.FORBIDDEN),
                       ("live:1", Refusal.FORBIDDEN)]:  # fmt: skip
        refusal = world.refused(
            lambda room=room: chat.post_message(world.ctx(), world.users["alice"], room, "hi")
        )
        assert refusal.code == code
    assert chat.viewing(world.ctx(), None, world.room) == chat.Viewing(True, False, False)
    assert chat.viewing(world.ctx(), None, "product:99999").can_read is False
    assert world.bus.events == []


def test_empty_and_over_long_messages_are_refused_with_the_reason(world: World) -> None:
    assert world.refused(lambda: world.post("alice", "   ")).code == Refusal.EMPTY
    refusal = world.refused(lambda: world.post("alice", "x" * 501))
    assert refusal.code == Refusal.TOO_LONG and "500" in refusal.message
    assert world.window().messages == []


def test_a_reply_quotes_its_parent(world: World) -> None:
    first = world.post("alice", "Does it fit a 350 ml pour-over?\nAsking for a friend")
    world.post("bob", "Yes, easily", reply_to=first)
    reply = world.window().messages[-1]
    assert reply.reply_to_id == first
    assert reply.reply_author == "Alice Archer"
    assert reply.reply_excerpt == "Does it fit a 350 ml pour-over? Asking for a friend"
    assert chat.message_brief(world.ctx(), world.users["carol"], world.room, first)[0] == (
        "Alice Archer"
    )


# ----------------------------------------------------------------------------------- rate limit
def test_sixth_message_within_ten_seconds_is_refused_and_later_allowed(world: World) -> None:
    start = time.time()
    for i in range(5):
        world.post("alice", f"message {i}", now=start + i)
    refusal = world.refused(lambda: world.post("alice", "one too many", now=start + 5))
    assert refusal.code == Refusal.RATE_LIMITED
    assert "5 messages every 10 seconds" in refusal.message and "5 seconds" in refusal.message
    world.post("bob", "others still talk", now=start + 5)
    world.post("alice", "after the window", now=start + 10.5)
    assert len(world.window().messages) == 7


def test_concurrent_senders_cannot_beat_the_rate_limit(world: World) -> None:
    """Twelve parallel sends by one person (as from several backend processes) at one moment:
    the database lets exactly five through."""
    now = time.time()
    results: list[str] = []
    barrier = threading.Barrier(12)

    def send(i: int) -> None:
        barrier.wait()
        try:
            world.post("alice", f"burst {i}", now=now)
            results.append("ok")
        except ChatRefused as refusal:
            results.append(refusal.code.value)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results.count("ok") == 5
    assert set(results) == {"ok", "rate_limited"}
    assert len(world.window().messages) == 5


# ----------------------------------------------------------------------------------- moderation
def test_a_muted_user_is_refused_until_the_mute_ends(world: World) -> None:
    until = chat.mute_user(world.ctx(), world.users["mod"], world.room, world.users["bob"], 10)
    refusal = world.refused(lambda: world.post("bob", "let me talk"))
    assert refusal.code == Refusal.MUTED and "10 minutes" in refusal.message
    world.post("alice", "I can still talk")
    world.post("bob", "back", now=(until + timedelta(seconds=1)).timestamp())
    panel = chat.moderation_panel(world.ctx(), world.users["mod"], world.room)
    assert panel.muted and panel.muted[0][1] == "Bob Baker"
    chat.unmute_user(world.ctx(), world.users["mod"], world.room, world.users["bob"])
    world.post("bob", "unmuted")


def test_only_moderators_moderate_and_moderators_cannot_be_muted(world: World) -> None:
    message = world.post("alice", "hello")
    bob, mod = world.users["bob"], world.users["mod"]
    actions: list[Callable[[Context], object]] = [
        lambda ctx: chat.delete_message(ctx, bob, world.room, message),
        lambda ctx: chat.mute_user(ctx, bob, world.room, world.users["alice"], 10),
        lambda ctx: chat.set_slow_mode(ctx, bob, world.room, 10),
        lambda ctx: chat.add_filter_word(ctx, bob, world.room, "scam"),
        lambda ctx: chat.dismiss_reports(ctx, bob, world.room, message),
        lambda ctx: chat.mute_user(ctx, None, world.room, world.users["alice"], 10),
    ]
    for action in actions:
        code = world.refused(lambda action=action: action(world.ctx())).code
        assert code in (Refusal.FORBIDDEN, Refusal.SIGN_IN)
    assert world.refused(lambda: chat.moderation_panel(world.ctx(), bob, world.room)).code == (
        Refusal.FORBIDDEN
    )
    refusal = world.refused(lambda: chat.mute_user(world.ctx(), mod, world.room, mod, 10))
    assert refusal.code == Refusal.FORBIDDEN
    assert len(world.window().messages) == 1


def test_slow_mode_spaces_out_each_shoppers_messages_but_not_moderators(world: World) -> None:
    chat.set_slow_mode(world.ctx(), world.users["mod"], world.room, 30)
    assert world.window().slow_mode_seconds == 30
    assert world.bus.events[-1].kind == "settings_changed"
    now = time.time()
    world.post("bob", "first", now=now)
    refusal = world.refused(lambda: world.post("bob", "second", now=now + 5))
    assert refusal.code == Refusal.SLOW_MODE and "25 seconds" in refusal.message
    world.post("alice", "someone else", now=now + 5)
    world.post("mod", "mods are exempt", now=now + 1)
    world.post("mod", "really", now=now + 2)
    world.post("bob", "second", now=now + 31)
    chat.set_slow_mode(world.ctx(), world.users["mod"], world.room, 0)
    world.post("bob", "third", now=now + 32)
    assert world.refused(
        lambda: chat.set_slow_mode(world.ctx(), world.users["mod"], world.room, 99999)
    ).code == (Refusal.INVALID)


def test_filtered_words_refuse_messages_until_removed(world: World) -> None:
    mod = world.users["mod"]
    assert chat.add_filter_word(world.ctx(), mod, world.room, "  SCAM ") == "scam"
    refusal = world.refused(lambda: world.post("bob", "total ｓｃａｍ, avoid"))
    assert refusal.code == Refusal.FILTERED and "rephrase" in refusal.message
    world.post("bob", "scampi would fit in it")
    assert chat.moderation_panel(world.ctx(), mod, world.room).filter_words == ["scam"]
    chat.remove_filter_word(world.ctx(), mod, world.room, "scam")
    world.post("carol", "not a scam at all")
    assert world.texts() == ["scampi would fit in it", "not a scam at all"]


def test_a_deleted_message_leaves_the_window_for_everyone(world: World) -> None:
    keep = world.post("alice", "keep me")
    rude = world.post("bob", "something rude")
    world.post("carol", "quoting it", reply_to=rude)
    assert chat.delete_message(world.ctx(), world.users["mod"], world.room, rude) is True
    assert chat.delete_message(world.ctx(), world.users["mod"], world.room, rude) is False
    view = world.window()
    assert [m.id for m in view.messages] == [keep, rude + 1]
    assert view.removed_ids == [rude]
    assert view.messages[-1].reply_excerpt == "Message deleted"
    assert [e.kind for e in world.bus.events][-1] == "message_deleted"
    refusal = world.refused(lambda: world.post("alice", "replying", reply_to=rude))
    assert refusal.code == Refusal.NOT_FOUND


def test_reports_reach_moderators_once_per_person_and_close_on_delete(world: World) -> None:
    target = world.post("bob", "buy followers at spam.example")
    other = world.post("alice", "hmm")
    for who in ("alice", "carol", "alice"):
        chat.report_message(world.ctx(), world.users[who], world.room, target, "spam")
    refusal = world.refused(
        lambda: chat.report_message(world.ctx(), world.users["bob"], world.room, target)
    )
    assert refusal.code == Refusal.INVALID  # not your own
    chat.report_message(world.ctx(), world.users["bob"], world.room, other)
    mod = world.users["mod"]
    reports = chat.moderation_panel(world.ctx(), mod, world.room).reports
    assert {(r.message.id, r.reports) for r in reports} == {(target, 2), (other, 1)}
    chat.delete_message(world.ctx(), mod, world.room, target)
    assert chat.dismiss_reports(world.ctx(), mod, world.room, other) == 1
    assert chat.moderation_panel(world.ctx(), mod, world.room).reports == []


# ---------------------------------------------------------------------------------------- history
def test_the_window_holds_the_newest_thirty_and_older_pages_reach_back(world: World) -> None:
    now = time.time() - 1000
    names = ["alice", "bob", "carol"]
    ids = [world.post(names[i % 3], f"m{i}", now=now + (i // 3) * 2.5) for i in range(75)]
    view = world.window()
    assert [m.id for m in view.messages] == ids[-30:] and view.has_older
    ctx = world.ctx()
    page, more = chat.older_messages(ctx, None, world.room, ids[45], ids[45])
    assert [m.id for m in page] == ids[15:45] and more
    page, more = chat.older_messages(ctx, None, world.room, ids[15], ids[45])
    assert [m.id for m in page] == ids[:45] and not more  # contiguous up to the window
    assert chat.older_messages(ctx, None, world.room, ids[0]) == ([], False)


def test_buyers_get_a_badge(world: World) -> None:
    with world.session() as session:
        deal = Deal(
            product_id=world.product_id, tiers_json="[[1, 1500]]", currency="USD",
            min_to_unlock=1, starts_at=datetime.now(UTC), deadline=datetime.now(UTC),
            created_by=world.users["mod"],
        )  # fmt: skip
        session.add(deal)
        session.flush()
        part = Participation(deal_id=deal.id or 0, user_id=world.users["bob"], status="captured")
        session.add(part)
        session.flush()
        session.add(
            DealOrder(
                deal_id=deal.id or 0,
                participation_id=part.id or 0,
                user_id=world.users["bob"],
                product_id=world.product_id,
                quantity=1,
                unit_price=1500,
                amount=1500,
                currency="USD",
            )  # fmt: skip
        )
        session.commit()
        assert chat.buyers_of(session, world.product_id, world.users.values()) == {
            world.users["bob"]
        }
    world.post("alice", "is it good?")
    world.post("bob", "yes, I bought two")
    assert [m.buyer for m in world.window().messages] == [False, True]


def test_a_paid_cart_order_earns_the_badge_and_an_unpaid_one_does_not(world: World) -> None:
    """The badge follows the same rule as "Verified buyer" on reviews: a line of a completed
    cart order counts (for whoever added it), a checkout that never completed does not."""
    with world.session() as session:
        for who, status in (("carol", "complete"), ("alice", "pending")):
            user_id = world.users[who]
            cart = Cart(name="Mine", owner_id=user_id, kind="shared")
            session.add(cart)
            session.flush()
            order = ShopOrder(
                cart_id=cart.id or 0, owner_id=user_id, cart_name="Mine", mode="owner_pays",
                status=status, currency="USD", total=1800,
                expires_at=datetime.now(UTC) + timedelta(minutes=15),
                closed_at=datetime.now(UTC) if status == "complete" else None,
            )  # fmt: skip
            session.add(order)
            session.flush()
            session.add(
                OrderLine(
                    order_id=order.id or 0,
                    cart_line_id=0,
                    product_id=world.product_id,
                    title="Mug",
                    unit_price=1800,
                    quantity=1,
                    added_by=user_id,
                    payer_id=user_id,
                )  # fmt: skip
            )
        session.commit()
        assert chat.buyers_of(session, world.product_id, world.users.values()) == {
            world.users["carol"]
        }
    world.post("alice", "worth it?")
    world.post("carol", "I have one, yes")
    assert [m.buyer for m in world.window().messages] == [False, True]


def test_a_room_owner_moderates_their_own_room(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies = dict(chat_rooms._policies)
    monkeypatch.setattr(chat_rooms, "_policies", policies)
    chat.register_room_kind("live", chat.RoomPolicy(can_read=lambda _s, key, _u: key.ident == "7"))
    host = world.users["carol"]
    ctx = world.ctx()
    chat.ensure_room(ctx, "live:7", owner_id=host)
    assert chat.viewing(ctx, host, "live:7").can_moderate
    assert not chat.viewing(ctx, world.users["bob"], "live:7").can_moderate
    assert not chat.viewing(ctx, host, "live:8").can_read
    message = chat.post_message(ctx, world.users["bob"], "live:7", "hi host")
    assert chat.delete_message(ctx, host, "live:7", message)
    assert isinstance(RoomKey("live", "7").key, str)


def test_every_window_event_pushes_what_a_fresh_read_gives(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Viewers redraw from the event: the room renderer reads the window of the room the event
    names. After each change, what it pushes equals a fresh read after the commit, and the
    event's version is the room's, so a viewer can tell when it missed news."""
    monkeypatch.setattr(context_module, "_app_context", world.ctx())
    mod = world.users["mod"]
    first = world.post("alice", "Is the glaze food safe?")
    steps: list[Callable[[], object]] = [
        lambda: world.post("bob", "Yes, it says so on the box", reply_to=first),
        lambda: chat.set_slow_mode(world.ctx(), mod, world.room, 10),
        lambda: chat.delete_message(world.ctx(), mod, world.room, first),
        lambda: world.post("carol", "Thanks both"),
    ]
    for step in steps:
        seen = len(world.bus.events)
        step()
        [event] = world.bus.events[seen:]
        assert event.kind in chat.WINDOW_KINDS
        pushed = window_values(event.aggregate_id)
        fresh = world.window()
        assert event.channel == f"chat:{world.room}" and event.version == fresh.version
        assert pushed == {
            "messages": [message_dict(m) for m in fresh.messages],
            "has_older": fresh.has_older,
            "slow_mode_seconds": fresh.slow_mode_seconds,
            "removed_ids": fresh.removed_ids,
            "name_badges": {},  # nobody here has earned a badge
        }
