"""Deal news reaches a live session's viewers: one redraw of the session's room per burst."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.events import DomainEvent
from app.realtime import deal_relay
from app.realtime.hub import hub


@pytest.fixture
def redraws(monkeypatch: pytest.MonkeyPatch) -> list[DomainEvent]:
    seen: list[DomainEvent] = []
    monkeypatch.setattr(deal_relay.rooms, "local_count", lambda _channel: 1)
    monkeypatch.setattr(
        deal_relay.rooms, "dispatch", lambda e: seen.append(e) if e.aggregate == "live" else None
    )
    return seen


async def test_a_burst_of_joins_is_one_redraw_and_closing_ends_the_relay(
    redraws: list[DomainEvent],
) -> None:
    deadline = datetime.now(UTC) + timedelta(minutes=5)
    relay = asyncio.create_task(deal_relay.relay_deal(7, 3, deadline))
    await asyncio.sleep(0.05)
    for version in range(5):
        hub.dispatch(DomainEvent("deal", "3", version, "deal.joined"))
    await asyncio.sleep(0.3)
    assert [(e.channel, e.kind) for e in redraws] == [("live:7", "live.deal_progress")]
    hub.dispatch(DomainEvent("deal", "3", 9, "deal.closed"))
    await asyncio.wait_for(relay, 1)
    assert len(redraws) == 2


async def test_the_deadline_redraws_the_room_without_any_news(
    redraws: list[DomainEvent],
) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=0.2)
    relay = asyncio.create_task(deal_relay.relay_deal(8, 4, deadline))
    await asyncio.sleep(1.0)
    assert [e.channel for e in redraws] == ["live:8"]
    relay.cancel()
