"""The analytics dashboard reads the rollups the event log feeds (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.adapters.db.models_people import User
from app.services import analytics, deals
from app.services.console.access import ConsoleRefused
from tests.integration.deal_world import FakeGateway, World, make_world, open_deal


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    yield from make_world(database_url)


def _admin(world: World) -> int:
    with world.session() as session:
        user = User(display_name="Boss", role="admin")
        session.add(user)
        session.commit()
        assert user.id is not None
        return user.id


def test_joins_show_up_in_the_dashboard_incrementally(world: World) -> None:
    boss = _admin(world)
    gateway = FakeGateway()
    deal_id = open_deal(world)
    first = world.make_users(1)[0]
    deals.join_deal(world.ctx(gateway), first, deal_id, 1, "pm_card_visa")
    board = analytics.dashboard(world.ctx(), boss, 1)
    joins = next(k for k in board.kpis if k.label == "Deal joins")
    assert (joins.value, joins.before, joins.change) == (1, 0, "+1")
    assert board.funnel[0].label == "Deals opened" and board.funnel[0].count == 1
    assert [f.joined for f in board.fill if f.deal_id == deal_id] == [1]

    second = world.make_users(1)[0]
    deals.join_deal(world.ctx(gateway), second, deal_id, 1, "pm_card_visa")
    board = analytics.dashboard(world.ctx(), boss, 7)
    assert sum(int(point["joins"]) for point in board.series) == 2
    assert len(board.series) == 7
    csv = analytics.series_csv(board)
    assert csv.splitlines()[0] == "period,Deal joins,Cart changes,Chat messages"
    assert len(csv.splitlines()) == 8


def test_only_admins_read_the_dashboard(world: World) -> None:
    with pytest.raises(ConsoleRefused):
        analytics.dashboard(world.ctx(), world.seller_id, 1)  # a host
