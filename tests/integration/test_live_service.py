"""The live-shopping service on SQLite and PostgreSQL: scheduling, lifecycle, authorization,
pins, flash deals, follows and watch parties, with the events viewers redraw from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.adapters.db.models_deals import Deal
from app.adapters.db.models_live import LiveSession
from app.adapters.db.models_people import Friendship
from app.adapters.payments.configured import UnavailableGateway
from app.adapters.payments.stripe_gateway import StripeGateway
from app.domain.live import HEARTS, FlashDealRequest, LifecycleError, SessionDraft
from app.realtime.rooms import FIELD_MARKER
from app.services import context as context_module
from app.services import live
from app.services.live import LiveError, LiveValidationError
from app.states.live_schedule import LiveScheduleState
from app.states.live_watch import LiveRoomState, render_live
from app.states.watch_party import WatchPartyState, render_party
from tests.factories import ShopWorld
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


@dataclass
class Shop(ShopWorld):
    """The shared shop (`tests.factories.ShopWorld`) with a host's draft and actions run in the
    service context."""

    def do(self, action: Callable[..., object], *args: object, **kwargs: object) -> object:
        return action(self.ctx(), *args, **kwargs)

    def draft(self, **changes: object) -> SessionDraft:
        values: dict[str, object] = {
            "title": "Cosy kitchen picks",
            "cover_image": "/products/mug-0.webp",
            "starts_at": datetime.now(UTC) + timedelta(hours=1),
            "stream_url": "/live/demo-stream.mp4",
            "product_ids": (self.products["mug"], self.products["lamp"]),
        }
        values.update(changes)
        return SessionDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def shop(database_url: str) -> Iterator[Shop]:
    with Shop.open(database_url) as shop:
        shop.user("Alice", "host")
        shop.user("Bob")
        shop.user("Carol")
        shop.user("Mona", "moderator")
        for title, price in [("Mug", 1800), ("Lamp", 4500), ("Tent", 12000)]:
            shop.product(title, price, images=[f"/products/{title.lower()}-0.webp"])
        yield shop


def scheduled(shop: Shop) -> int:
    session_id = shop.do(live.schedule_session, shop.users["Alice"], shop.draft())
    assert isinstance(session_id, int)
    return session_id


def on_air(shop: Shop) -> int:
    session_id = scheduled(shop)
    shop.do(live.go_live, shop.users["Alice"], session_id)
    return session_id


def view(shop: Shop, session_id: int) -> live.LiveSessionView:
    return live.session_view(shop.ctx(), session_id)


# --------------------------------------------------------------------------- scheduling


def test_a_host_schedules_a_session_that_viewers_see_upcoming(shop: Shop) -> None:
    session_id = scheduled(shop)
    seen = view(shop, session_id)
    assert (seen.title, seen.status, seen.host_name) == ("Cosy kitchen picks", "scheduled", "Alice")
    assert [p.title for p in seen.products] == ["Mug", "Lamp"]
    assert seen.stream_kind == "file" and seen.pinned_product_id == 0
    lists = live.schedule(shop.ctx())
    assert [i.id for i in lists["upcoming"]] == [session_id] and lists["live"] == []
    assert shop.bus.kinds(f"live:{session_id}") == ["live.scheduled"]
    assert shop.bus.kinds("live:schedule") == ["live.scheduled"]


def test_scheduling_reports_field_errors_and_saves_nothing(shop: Shop) -> None:
    bad = shop.draft(
        title=" ",
        starts_at=datetime.now(UTC) - timedelta(days=1),
        stream_url="javascript:alert(1)",
        cover_image="/not-a-choice.png",
    )
    with pytest.raises(LiveValidationError) as caught:
        shop.do(live.schedule_session, shop.users["Alice"], bad)
    assert set(caught.value.field_errors) == {"title", "starts_at", "stream_url", "cover_image"}
    assert caught.value.field_errors["stream_url"].startswith("Use a link that starts with")
    with shop.session() as session:
        assert session.exec(select(LiveSession)).all() == []
    assert shop.bus.events == []


def test_only_hosts_schedule(shop: Shop) -> None:
    with pytest.raises(LiveError) as caught:
        shop.do(live.schedule_session, shop.users["Bob"], shop.draft())
    assert caught.value.code == "not_a_host"


# --------------------------------------------------------------------------- lifecycle


def test_scheduled_to_live_to_ended_and_no_way_back(shop: Shop) -> None:
    session_id = scheduled(shop)
    shop.do(live.go_live, shop.users["Alice"], session_id)
    assert view(shop, session_id).status == "live"
    with pytest.raises(LifecycleError, match="already live"):
        shop.do(live.go_live, shop.users["Alice"], session_id)
    shop.do(live.pin_product, shop.users["Alice"], session_id, shop.products["mug"])
    shop.do(live.end_session, shop.users["Alice"], session_id)
    ended = view(shop, session_id)
    assert ended.status == "ended" and ended.pinned_product_id == 0
    with pytest.raises(LifecycleError, match="has ended"):
        shop.do(live.go_live, shop.users["Alice"], session_id)
    with pytest.raises(LifecycleError, match="already ended"):
        shop.do(live.end_session, shop.users["Alice"], session_id)
    assert shop.bus.kinds("live:schedule") == ["live.scheduled", "live.started", "live.ended"]
    versions = [e.version for e in shop.bus.events if e.channel == f"live:{session_id}"]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)


def test_viewers_cannot_run_a_session_but_moderators_can(shop: Shop) -> None:
    session_id = scheduled(shop)
    for action, args in (
        (live.go_live, ()),
        (live.end_session, ()),
        (live.pin_product, (shop.products["mug"],)),
    ):
        with pytest.raises(LiveError) as caught:
            shop.do(action, shop.users["Bob"], session_id, *args)
        assert caught.value.code == "forbidden"
    assert view(shop, session_id).status == "scheduled"
    shop.do(live.go_live, shop.users["Mona"], session_id)
    shop.do(live.pin_product, shop.users["Mona"], session_id, shop.products["lamp"])
    assert view(shop, session_id).pinned_product_id == shop.products["lamp"]
    assert live.may_run(shop.ctx(), shop.users["Mona"], session_id)
    assert not live.may_run(shop.ctx(), shop.users["Bob"], session_id)
    assert not live.may_run(shop.ctx(), None, session_id)


# --------------------------------------------------------------------------- pins


def test_the_host_pins_and_unpins_a_session_product(shop: Shop) -> None:
    session_id = on_air(shop)
    shop.do(live.pin_product, shop.users["Alice"], session_id, shop.products["lamp"])
    assert view(shop, session_id).pinned_product_id == shop.products["lamp"]
    pinned = [e for e in shop.bus.events if e.kind == "live.pinned"]
    assert pinned[-1].payload == {"product_id": shop.products["lamp"]}
    shop.do(live.pin_product, shop.users["Alice"], session_id, None)
    assert view(shop, session_id).pinned_product_id == 0


def test_pins_need_a_live_session_and_one_of_its_products(shop: Shop) -> None:
    session_id = scheduled(shop)
    with pytest.raises(LiveError) as caught:
        shop.do(live.pin_product, shop.users["Alice"], session_id, shop.products["mug"])
    assert caught.value.code == "not_live"
    shop.do(live.go_live, shop.users["Alice"], session_id)
    with pytest.raises(LiveError) as caught:
        shop.do(live.pin_product, shop.users["Alice"], session_id, shop.products["tent"])
    assert caught.value.code == "unknown_product"


# --------------------------------------------------------------------------- flash deals


def launch(shop: Shop, session_id: int, user: str = "Alice", **changes: int) -> int:
    values = {"product_id": shop.products["mug"], "minutes": 5, "min_to_unlock": 2}
    values |= {"discount_percent": 20} | changes
    return live.launch_flash_deal(
        shop.ctx(), shop.users[user], session_id, FlashDealRequest(**values)
    )


def test_a_flash_deal_launched_from_the_stream_is_a_real_short_deal(shop: Shop) -> None:
    session_id = on_air(shop)
    before = datetime.now(UTC)
    deal_id = launch(shop, session_id)
    with shop.session() as session:
        deal = session.get(Deal, deal_id)
        assert deal is not None and deal.product_id == shop.products["mug"]
        deadline = deal.deadline if deal.deadline.tzinfo else deal.deadline.replace(tzinfo=UTC)
        assert before + timedelta(minutes=4) < deadline <= before + timedelta(minutes=6)
    assert live.session_of_deal(shop.ctx(), deal_id) == session_id
    seen = view(shop, session_id)
    assert [(d.id, d.status, d.joinable) for d in seen.deals] == [(deal_id, "open", True)]
    assert (seen.deals[0].current_price, seen.deals[0].full_price) == ("$16.20", "$14.40")
    assert seen.deals[0].regular_price == "$18.00"
    assert "live.deal_launched" in shop.bus.kinds(f"live:{session_id}")
    assert "deal.created" in shop.bus.kinds(f"deal:{deal_id}")


def test_flash_deals_are_for_runners_of_a_live_session_with_sane_values(shop: Shop) -> None:
    session_id = scheduled(shop)
    with pytest.raises(LiveError, match="while the session is live"):
        launch(shop, session_id)
    shop.do(live.go_live, shop.users["Alice"], session_id)
    with pytest.raises(LiveError) as caught:
        launch(shop, session_id, user="Bob")
    assert caught.value.code == "forbidden"
    with pytest.raises(LiveValidationError) as invalid:
        launch(shop, session_id, minutes=0, product_id=shop.products["tent"])
    assert set(invalid.value.field_errors) == {"minutes", "product"}
    with shop.session() as session:
        assert session.exec(select(Deal)).all() == []


def test_viewers_join_a_flash_deal_right_from_the_stream_in_the_sandbox(
    shop: Shop,
    stripe_gateway: StripeGateway,  # noqa: F811 - the imported fixture
) -> None:
    session_id = on_air(shop)
    deal_id = launch(shop, session_id)
    bob = shop.users["Bob"]
    sandbox = shop.ctx(stripe_gateway)
    assert live.session_page(sandbox, bob, session_id).pays_in_stream
    joined = live.join_flash_deal(sandbox, bob, deal_id)
    assert joined.status == live.StreamJoinStatus.JOINED
    page = live.session_page(sandbox, bob, session_id)
    assert page.joined_deal_ids == [deal_id] and page.view.deals[0].participants == 1
    with pytest.raises(LiveError):  # once is enough
        live.join_flash_deal(sandbox, bob, deal_id)
    # Without the local test server there is no card to use here: the deal page takes over.
    elsewhere = shop.ctx(UnavailableGateway())
    assert not live.session_page(elsewhere, bob, session_id).pays_in_stream
    carol = live.join_flash_deal(elsewhere, shop.users["Carol"], deal_id)
    assert carol.status == live.StreamJoinStatus.DEAL_PAGE


# --------------------------------------------------------------------------- follows


def test_shoppers_follow_hosts_once_and_can_unfollow(shop: Shop) -> None:
    bob, alice = shop.users["Bob"], shop.users["Alice"]
    assert shop.do(live.follow_host, bob, alice) is True
    assert shop.do(live.follow_host, bob, alice) is False
    assert live.following(shop.ctx(), bob) == [alice]
    assert live.follower_count(shop.ctx(), alice) == 1
    with pytest.raises(LiveError, match="Only hosts"):
        shop.do(live.follow_host, alice, shop.users["Carol"])
    with pytest.raises(LiveError, match="yourself"):
        shop.do(live.follow_host, alice, alice)
    assert shop.do(live.unfollow_host, bob, alice) is True
    assert live.following(shop.ctx(), bob) == []


def test_followers_find_the_host_live_on_the_schedule(shop: Shop) -> None:
    shop.do(live.follow_host, shop.users["Bob"], shop.users["Alice"])
    session_id = on_air(shop)
    followed = live.following(shop.ctx(), shop.users["Bob"])
    now_live = live.schedule(shop.ctx())["live"]
    assert [i.id for i in now_live if i.host_id in followed] == [session_id]


# --------------------------------------------------------------------------- watch together


def befriend(shop: Shop, a: str, b: str) -> None:
    low, high = sorted((shop.users[a], shop.users[b]))
    with shop.session() as session:
        session.add(Friendship(user_low=low, user_high=high))
        session.commit()


def party_of(shop: Shop, user_id: int, session_id: int) -> int:
    party = live.party_panel(shop.ctx(), user_id, session_id).party
    assert party is not None
    return party.id


def test_friends_watch_together_with_a_private_party_and_a_shared_cart(shop: Shop) -> None:
    session_id = on_air(shop)
    befriend(shop, "Bob", "Carol")
    bob, carol, alice = shop.users["Bob"], shop.users["Carol"], shop.users["Alice"]
    party_id = shop.do(live.start_watch_party, bob, session_id)
    assert shop.do(live.start_watch_party, bob, session_id) == party_id  # one per shopper
    assert isinstance(party_id, int)
    with pytest.raises(LiveError, match="only invite friends"):
        shop.do(live.invite_to_party, bob, party_id, alice)
    shop.do(live.invite_to_party, bob, party_id, carol)
    shop.do(live.add_to_party_cart, carol, party_id, shop.products["lamp"])
    seen = live.party_panel(shop.ctx(), bob, session_id).party
    assert seen is not None and [m.name for m in seen.members] == ["Bob", "Carol"]
    assert [(ln.title, ln.added_by) for ln in seen.cart_lines] == [("Lamp", "Carol")]
    with shop.session() as session:
        assert live.can_see_party(session, party_id, carol)
        assert not live.can_see_party(session, party_id, alice)
    assert live.party_panel(shop.ctx(), alice, session_id).party is None
    with pytest.raises(LiveError):
        shop.do(live.add_to_party_cart, alice, party_id, shop.products["mug"])
    assert f"liveparty:{session_id}:{carol}" in {e.channel for e in shop.bus.events}
    assert live.party_room_key(party_id) == f"watch:{party_id}"


# --------------------------------------------------------------------------- reactions


def test_reactions_are_coalesced_into_one_event_per_session_per_flush() -> None:
    tally = live.ReactionTally()
    for _ in range(20):
        tally.add(1)
    tally.add(2)
    events = tally.drain()
    assert sorted((e.channel, e.payload["count"]) for e in events) == [
        ("live:1", 20),
        ("live:2", 1),
    ]
    assert tally.drain() == [] and not tally.pending


async def test_hearts_go_only_to_a_live_session_and_within_each_persons_allowance(
    shop: Shop,
) -> None:
    bob, carol = shop.users["Bob"], shop.users["Carol"]
    waiting = scheduled(shop)
    assert not await live.send_heart(shop.ctx(), bob, waiting)  # not on air yet
    assert not await live.send_heart(shop.ctx(), bob, 99_999)  # no such session
    session_id = on_air(shop)
    sent = [await live.send_heart(shop.ctx(), bob, session_id) for _ in range(10)]
    assert sent == [True] * HEARTS.limit + [False] * (10 - HEARTS.limit)
    assert await live.send_heart(shop.ctx(), carol, session_id)  # everyone has their own


# --------------------------------------------------------------------------- events -> views


def _pushed(push: dict[str, dict[str, object]] | None, state: type, var: str) -> object:
    assert push is not None
    return push[state.get_full_name()][var + FIELD_MARKER]


async def test_every_live_event_redraws_what_a_fresh_read_gives(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Viewers redraw from the event: the room renderer reads what the event names. After each
    use case, what it pushes equals a fresh read after the commit, and the session's view
    carries the event's version, so a viewer can tell when it missed news."""
    monkeypatch.setattr(context_module, "_app_context", shop.ctx())
    befriend(shop, "Bob", "Carol")
    alice, bob, carol = shop.users["Alice"], shop.users["Bob"], shop.users["Carol"]
    session_id = scheduled(shop)
    steps: list[Callable[[], object]] = [
        lambda: shop.do(live.go_live, alice, session_id),
        lambda: shop.do(live.pin_product, alice, session_id, shop.products["lamp"]),
        lambda: launch(shop, session_id),
        lambda: shop.do(live.start_watch_party, bob, session_id),
        lambda: shop.do(live.invite_to_party, bob, party_of(shop, bob, session_id), carol),
        lambda: shop.do(
            live.add_to_party_cart, carol, party_of(shop, bob, session_id), shop.products["mug"]
        ),
        lambda: shop.do(live.end_session, alice, session_id),
    ]
    seen = len(shop.bus.events)
    for step in steps:
        step()
        news = [e for e in shop.bus.events[seen:] if e.aggregate in ("live", "liveparty")]
        seen = len(shop.bus.events)
        assert news, step
        for event in news:
            if event.aggregate == "liveparty":
                _, _, member = event.aggregate_id.partition(":")
                party = live.party_panel(shop.ctx(), int(member), session_id).party
                assert party is not None
                pushed = _pushed(await render_party(event), WatchPartyState, "party")
                assert pushed == asdict(party)
            elif event.aggregate_id == live.SCHEDULE_CHANNEL_ID:
                fresh = live.schedule(shop.ctx())
                pushed = _pushed(await render_live(event), LiveScheduleState, "live")
                assert pushed == [asdict(i) for i in fresh["live"]]
            else:
                fresh_view = live.session_view(shop.ctx(), session_id)
                pushed = _pushed(await render_live(event), LiveRoomState, "view")
                assert pushed == asdict(fresh_view)
                assert event.version == fresh_view.version
