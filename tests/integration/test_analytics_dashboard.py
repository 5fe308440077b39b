"""The analytics dashboard reads the rollups that the event log feeds, and the shop writes the
events each metric needs (SQLite and PostgreSQL)."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.adapters.db.models_people import User
from app.domain.analytics import RangeError, custom_period
from app.domain.events import DomainEvent, EventKind
from app.services import analytics, checkout, deals
from app.services.analytics import Board
from app.services.analytics.tracking import record_page_view
from app.services.console import orders as console_orders
from app.services.console.access import ConsoleRefused
from app.services.context import Context
from tests.integration.checkout_world import (  # noqa: F401
    Party,
    owner_pays,
    store,
)
from tests.integration.deal_world import FakeGateway, World, make_world, open_deal
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    yield from make_world(database_url)


def _admin(session_factory: World | Party) -> int:
    world = session_factory if isinstance(session_factory, World) else session_factory.store
    with world.session() as session:
        user = User(display_name="Boss", role="admin")
        session.add(user)
        session.commit()
        assert user.id is not None
        return user.id


def _kpi(board: Board, key: str) -> str:
    return next(k.value for k in board.kpis if k.key == key)


def _steps(board: Board, chart: str) -> list[int]:
    return [int(row["count"]) for row in board.charts[chart]]


def test_deal_joins_reach_the_dashboard_once_the_log_is_followed(world: World) -> None:
    boss = _admin(world)
    gateway = FakeGateway()
    deal_id = open_deal(world)
    first, second = world.make_users(2)
    record_page_view(world.ctx(), first, "", f"/deals/{deal_id}")
    deals.join_deal(world.ctx(gateway), first, deal_id, 1, "pm_card_visa")
    # Nothing is folded in until the log is followed (the job does it in the app).
    assert _kpi(analytics.dashboard(world.ctx(), boss, 1), "joins") == "0"
    assert analytics.follow_log(world.ctx()) >= 2
    # Open dashboards hear that the rollups moved (they re-read on this news, never poll).
    [news] = [e for e in world.bus.events if e.kind == "analytics.updated"]
    assert news.channel == analytics.CHANNEL and news.payload["applied"] >= 2
    board = analytics.dashboard(world.ctx(), boss, 1)
    assert _kpi(board, "joins") == "1"
    assert _steps(board, "deals") == [1, 1, 0]  # viewed, joined, not unlocked
    assert board.visitors_now == 1
    assert board.fill_names[0].startswith(f"#{deal_id} Kettle")
    assert board.charts["fill"][-1]["s1"] == 1

    deals.join_deal(world.ctx(gateway), second, deal_id, 1, "pm_card_visa")
    analytics.follow_log(world.ctx())
    week = analytics.dashboard(world.ctx(), boss, 7)
    assert len(week.charts["trend"]) == 7 and week.charts["fill"][-1]["s1"] == 2
    csv = analytics.chart_csv(week, "deals").splitlines()
    assert csv == ["Step,Now,Before", "Deal viewed,1,0", "Joined,2,0", "Unlocked,0,0"]
    # Following again with nothing new applies nothing, counts nothing twice, says nothing.
    said = len(world.bus.events)
    assert analytics.follow_log(world.ctx()) == 0
    assert len(world.bus.events) == said
    assert _kpi(analytics.dashboard(world.ctx(), boss, 7), "joins") == "2"


def test_only_admins_read_the_dashboard(world: World) -> None:
    with pytest.raises(ConsoleRefused):
        analytics.dashboard(world.ctx(), world.seller_id, 1)  # a host


def test_a_paid_shared_cart_fills_the_social_funnel_sales_and_top_products(
    owner_pays: Party,
) -> None:
    p, store = owner_pays, owner_pays.store
    boss = _admin(p)
    for user, path in ((p.alice, "/"), (p.alice, "/product/harbor-mug"), (p.bob, "/cart")):
        record_page_view(store.ctx(), user, "", path)
    order_id = checkout.start_checkout(store.ctx(), p.alice, p.cart)
    assert store.pay(p.alice, order_id).paid
    analytics.follow_log(store.ctx())
    board = analytics.dashboard(store.ctx(), boss, 1)
    # Alice's two pages make one visit, Bob's one; Bob added mugs, Alice a lamp.
    assert _steps(board, "funnel") == [2, 1, 2, 1, 1]
    assert _steps(board, "social") == [1, 1, 1, 1]
    assert _kpi(board, "orders_today") == "1"
    assert _kpi(board, "sales_today") == "$81.00"
    assert _kpi(board, "aov") == "$81.00"
    assert _kpi(board, "returning") == "0%"
    assert board.charts["products"] == [
        {"product": "Harbor Mug", "quantity": 2},
        {"product": "Desk Lamp", "quantity": 1},
    ]
    assert board.charts["cohorts"][-1]["shoppers"] == 1
    assert board.charts["cohorts"][-1]["m0"] == 100
    assert analytics.chart_csv(board, "sales").splitlines()[0] == (
        "Period,Sales (cents),Compared (cents)"
    )
    # The console's order list shows it too (admins only).
    [listed] = console_orders.recent_orders(store.ctx(), boss)
    assert (listed.key, listed.owner, listed.total) == (f"order-{order_id}", "Alice", "$81.00")
    with pytest.raises(ConsoleRefused):
        console_orders.recent_orders(store.ctx(), p.bob)


def _log(ctx: Context, kind: EventKind, aggregate: str, key: str, **payload: object) -> None:
    with ctx.uow() as uow:
        uow.record(DomainEvent(aggregate, key, 1, kind, dict(payload)))


def test_returning_shoppers_cohorts_and_a_live_sessions_minutes(world: World) -> None:
    boss = _admin(world)
    shopper = world.make_users(1)[0]
    now = datetime.now(UTC)
    month_ago = now - timedelta(days=35)
    # A first order five weeks ago, another today: a returning shopper in month 1 of a cohort.
    event_time = month_ago.isoformat()
    with world.ctx().uow() as uow:
        uow.record(
            DomainEvent(
                "checkout",
                "1",
                1,
                EventKind.ORDER_PAID,
                {"user_id": shopper, "amount": 500},
                occurred_at=event_time,
            )
        )
    _log(world.ctx(), EventKind.ORDER_PAID, "checkout", "2", user_id=shopper, amount=1500)
    # A live session: two viewers and a chat message in its room.
    for visitor in ("a", "b"):
        record_page_view(world.ctx(), None, visitor, "/live/7")
    _log(world.ctx(), EventKind.CHAT_MESSAGE_POSTED, "chat", "live:7", user_id=shopper)
    analytics.follow_log(world.ctx())
    board = analytics.dashboard(world.ctx(), boss, 90)
    assert _kpi(board, "returning") == "50%"  # of the two orders, one was a returning shopper's
    cohort = board.charts["cohorts"][0]
    assert (cohort["shoppers"], cohort["m0"]) == (1, 100)
    assert board.live_title.startswith("#7")
    assert sum(int(r["viewers"]) for r in board.charts["live"]) == 2
    assert sum(int(r["chat"]) for r in board.charts["live"]) == 1
    assert board.visitors_now == 2  # the two anonymous tabs


def test_a_custom_range_is_checked_next_to_its_fields() -> None:
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    period = custom_period("2026-11-01", "2026-11-30", now)
    assert (period.start.day, period.end.day, period.grain) == (1, 1, "d")
    for raw_from, raw_to, field in (
        ("yesterday", "2026-11-30", "from"),
        ("2026-11-10", "2026-11-01", "to"),
        ("2026-11-10", "2026-12-24", "to"),
        ("2024-01-01", "2026-11-30", "to"),
    ):
        with pytest.raises(RangeError) as refused:
            custom_period(raw_from, raw_to, now)
        assert refused.value.field == field
