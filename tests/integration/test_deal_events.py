"""For every kind of deal event, what a watching page draws from it equals a fresh read of the
database after the commit (SQLite and PostgreSQL).

A deal page and every page of deal cards sit in rooms; on each event the room's renderer
(app/states/deals) turns the event into the view it pushes. Whatever that renderer does (read
again, or one day use a view the event carries), a client must end up with exactly what a
reload would show, and the event's version must be the one the database holds, or clients
would either miss news or reload for nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.adapters.db.models_people import User
from app.domain.events import DomainEvent, EventKind
from app.realtime.rooms import FIELD_MARKER
from app.services import deals
from app.services.context import set_app_context
from app.services.deals import views
from app.states.deals import DealCardsState, DealState, render_cards, render_deal
from tests.integration.deal_world import (
    NOW,
    FakeGateway,
    World,
    make_world,
    open_deal,
)

DEAL_KINDS = {kind for kind in EventKind if kind.value.startswith("deal.")}


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    yield from make_world(database_url)
    set_app_context(None)


def pushed(push: dict[str, dict[str, Any]] | None, state: Any, var: str) -> Any:
    assert push is not None
    return push[state.get_full_name()][var + FIELD_MARKER]


class Watcher:
    """Runs one action at a time on a stopped clock and checks what watchers of the deal see."""

    def __init__(self, world: World, deal_id: int) -> None:
        self.world, self.deal_id, self.gateway = world, deal_id, FakeGateway()
        self.seen: set[str] = set()

    async def after(self, now: datetime, action: Callable[[Any], object]) -> list[DomainEvent]:
        ctx = self.world.ctx(self.gateway, now=now)
        set_app_context(ctx)
        self.world.bus.clear()
        action(ctx)
        published = list(self.world.bus.events)
        mine = [e for e in published if e.aggregate == "deal"]
        assert mine, "the action published nothing about the deal"
        self.seen.update(e.kind for e in mine)

        with self.world.session() as session:
            fresh = views.read_deal_page(session, self.deal_id, now)
            fresh_cards = views.active_cards(session, now)
        assert fresh is not None
        # Each event reaches its page's room; the newest version is what the database holds.
        assert max(e.version for e in mine) == fresh.version
        for event in mine:
            assert pushed(await render_deal(event), DealState, "deal") == fresh
        # Each also reaches every page of cards, through the one cards feed.
        notes = [e for e in published if e.channel == deals.CARDS_CHANNEL]
        assert [n.kind for n in notes] == [e.kind for e in mine]
        for note in notes:
            assert pushed(await render_cards(note), DealCardsState, "cards") == fresh_cards
        # What the news says about the deal is what a reload shows.
        last = max(mine, key=lambda e: e.version)
        if last.kind != EventKind.DEAL_CLOSED:  # closed: the final count, not the seats
            assert last.payload["participants"] == fresh.card.participants
            assert last.payload["unlocked"] == (fresh.card.still_needed == 0)
        return mine


async def test_every_deal_event_leads_watchers_to_what_a_fresh_read_shows(world: World) -> None:
    deal_id = open_deal(
        world, min_to_unlock=2, team_size=2, team_price=7000, deadline=NOW + timedelta(days=2)
    )
    watch = Watcher(world, deal_id)
    ada, ben, cy, dan, lead = world.make_users(5)

    # Created: another deal opens; its page and the cards show it at once.
    ctx = world.ctx(watch.gateway, now=NOW)
    set_app_context(ctx)
    world.bus.clear()
    other = open_deal(world)
    (event,) = [e for e in world.bus.events if e.aggregate == "deal"]
    watch.seen.add(event.kind)
    with world.session() as session:
        fresh = views.read_deal_page(session, other, NOW)
        fresh_cards = views.active_cards(session, NOW)
    assert fresh is not None and event.version == fresh.version
    assert pushed(await render_deal(event), DealState, "deal") == fresh
    (note,) = [e for e in world.bus.events if e.channel == deals.CARDS_CHANNEL]
    assert pushed(await render_cards(note), DealCardsState, "cards") == fresh_cards

    def join(user: int, card: str = "pm_card_visa") -> Callable[[Any], object]:
        return lambda ctx: deals.join_deal(ctx, user, deal_id, 1, card)

    await watch.after(NOW, join(ada))  # seat reserved, joined
    kinds = [e.kind for e in await watch.after(NOW, join(ben))]  # ... and unlocked
    assert EventKind.DEAL_UNLOCKED in kinds
    await watch.after(NOW, lambda ctx: deals.leave_deal(ctx, ben, deal_id))  # left
    await watch.after(NOW, join(cy, "pm_3ds"))  # reserved, waiting for the bank
    await watch.after(NOW, lambda ctx: deals.start_team(ctx, lead, deal_id, 1, "pm_card_visa"))
    later = NOW + timedelta(hours=25)
    kinds = [e.kind for e in await watch.after(later, deals.expire_overdue_teams)]
    assert EventKind.DEAL_TEAM_EXPIRED in kinds and EventKind.DEAL_LEFT in kinds
    await watch.after(later, join(dan))
    closing = NOW + timedelta(days=2, seconds=1)
    await watch.after(closing, lambda ctx: deals.close_deal(ctx, deal_id))  # closed
    assert watch.seen == DEAL_KINDS - {EventKind.DEAL_CANCELLED}  # its own test, below


async def test_a_cancelled_deal_leads_watchers_to_what_a_fresh_read_shows(world: World) -> None:
    deal_id = open_deal(world)
    watch = Watcher(world, deal_id)
    (ada,) = world.make_users(1)
    await watch.after(NOW, lambda ctx: deals.join_deal(ctx, ada, deal_id, 1, "pm_card_visa"))
    with world.session() as session:
        boss = User(display_name="Boss", role="admin")
        session.add(boss)
        session.commit()
        boss_id = boss.id or 0
    await watch.after(NOW, lambda ctx: deals.cancel_deal(ctx, boss_id, deal_id))
    assert {EventKind.DEAL_CANCELLED, EventKind.DEAL_CLOSED} <= watch.seen
