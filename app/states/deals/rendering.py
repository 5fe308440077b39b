"""What the rooms push when a deal changes: one read per event and room, for every viewer.

A deal page's socket sits in the room "deal:<id>", a page of cards in "deals:cards"; these
renderers turn an event into the state delta every socket in the room receives.
"""

from __future__ import annotations

import asyncio

from app.domain.events import DomainEvent
from app.domain.numbers import parse_id
from app.realtime.rooms import Push, delta, rooms
from app.services import deals
from app.services.context import app_context
from app.states.deals.cards import DealCardsState
from app.states.deals.page import DealState


async def render_deal(event: DomainEvent) -> Push | None:
    """A deal changed: its page, loaded once, goes to everyone who has it open."""
    if parse_id(event.aggregate_id) is None:
        return None
    page = await asyncio.to_thread(deals.public_deal_page, app_context(), int(event.aggregate_id))
    return delta(DealState, deal=page) if page is not None else None


async def render_cards(_event: DomainEvent) -> Push | None:
    """Any deal changed: every page of cards gets the fresh list (one read for all of them)."""
    cards = await asyncio.to_thread(deals.live_deal_cards, app_context())
    return delta(DealCardsState, cards=cards)


rooms.register("deal", render_deal)
rooms.register("deals", render_cards)
