import asyncio

from app.adapters.bus import InProcessBus
from app.domain.events import DomainEvent
from app.realtime.hub import Hub


def _event(version: int, aggregate_id: str = "7") -> DomainEvent:
    return DomainEvent("cart", aggregate_id, version, "cart.changed")


async def test_watchers_of_a_channel_get_its_events_and_nobody_else_does() -> None:
    bus = InProcessBus()
    hub = Hub()
    runner = asyncio.create_task(hub.run(bus))
    await asyncio.sleep(0)
    async with hub.watch("cart:7") as mine, hub.watch("cart:8") as other:
        bus.publish(_event(1))
        bus.publish(_event(2))
        got = [await asyncio.wait_for(mine.get(), 1), await asyncio.wait_for(mine.get(), 1)]
        assert [e.version for e in got] == [1, 2]
        assert other.empty()
    assert hub.watcher_count("cart:7") == 0
    runner.cancel()


async def test_a_stuck_watcher_is_trimmed_not_grown_forever() -> None:
    hub = Hub()
    async with hub.watch("cart:7") as queue:
        for version in range(500):
            hub.dispatch(_event(version))
        assert queue.qsize() <= 100
