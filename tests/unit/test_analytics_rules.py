"""What each logged event adds to the analytics metrics, and the dashboard's periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain import analytics as m
from app.domain.analytics import Tick


def test_a_page_view_counts_the_page_and_what_kind_of_page_it_is() -> None:
    assert m.page_of("/product/harbor-mug?ref=x") == ("product", "harbor-mug")
    assert m.page_of("/deals/12") == ("deal", "12")
    assert m.page_of("/deals/new") == ("deals", "new")
    assert m.page_of("/live/7") == ("live", "7")
    assert m.page_of("/") == ("home", "")
    view = {"visitor": "u1", "page": "live", "ref": "7"}
    assert m.ticks("page.viewed", "u1", view) == [
        Tick(m.PAGE),
        Tick(m.LIVE_VIEWERS, "7", live=True),
    ]


def test_a_shared_cart_add_counts_for_the_funnel_and_the_groups_top_products() -> None:
    added = {"action": "added", "product_id": 5, "quantity": 3, "shared": True}
    assert m.ticks("cart.changed", "9", added) == [
        Tick(m.CART_ADD),
        Tick(m.GROUP_PRODUCT, "5", count=3),
    ]
    assert m.ticks("cart.changed", "9", {**added, "shared": False}) == [Tick(m.CART_ADD)]
    assert m.ticks("cart.changed", "9", {"activity": "renamed"}) == []


def test_orders_carry_their_amount_and_a_shared_carts_capture() -> None:
    paid = {"user_id": 3, "amount": 8100, "shared": True}
    assert m.ticks("order.paid", "4", paid) == [
        Tick(m.PAID, amount=8100),
        Tick(m.GROUP_CAPTURED),
    ]
    assert m.ticks("checkout.started", "4", {"shared": False}) == [Tick(m.CHECKOUT)]


def test_deal_fill_goes_up_with_joins_and_down_with_leaves() -> None:
    assert Tick(m.DEAL_FILL, "12") in m.ticks("deal.joined", "12", {})
    assert m.ticks("deal.left", "12", {}) == [Tick(m.DEAL_FILL, "12", count=-1)]


def test_only_live_rooms_chat_counts_for_a_live_session() -> None:
    assert m.ticks("message_posted", "live:7", {}) == [Tick(m.LIVE_CHAT, "7", live=True)]
    assert m.ticks("message_posted", "product:7", {}) == []


def test_a_visit_starts_after_thirty_quiet_minutes_and_returning_means_an_earlier_day() -> None:
    at = datetime(2026, 12, 5, 12, tzinfo=UTC)
    assert m.starts_visit(None, at)
    assert not m.starts_visit(at - timedelta(minutes=29), at)
    assert m.starts_visit(at - timedelta(minutes=30), at)
    assert not m.is_returning(None, at)
    assert not m.is_returning(at - timedelta(hours=2), at)
    assert m.is_returning(at - timedelta(days=1), at)


def test_presets_compare_with_the_period_before_a_week_or_a_year_earlier() -> None:
    now = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)
    day = m.preset_period(1, now)
    assert (day.start, day.end, day.grain) == (
        datetime(2026, 12, 4, 13, tzinfo=UTC),
        datetime(2026, 12, 5, 13, tzinfo=UTC),
        "h",
    )
    week = m.preset_period(7, now)
    assert week.end == datetime(2026, 12, 6, tzinfo=UTC) and week.grain == "d"
    before = week.shifted("previous")
    assert before is not None and before.end == week.start
    a_year = week.shifted("year")
    assert a_year is not None and a_year.start.weekday() == week.start.weekday()
    assert week.shifted("none") is None
    assert m.months_between(datetime(2026, 11, 1, tzinfo=UTC), now) == 1
