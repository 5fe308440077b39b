"""The broadcast path: one render and one emit per event and room, presence across processes."""

import asyncio
from typing import Any

from app.adapters.bus import InProcessBus
from app.domain.events import DomainEvent
from app.realtime import rooms as rooms_module
from app.realtime.hub import Hub
from app.realtime.rooms import Presence, Rooms, Viewer
from tests.fakes import FakeApp


class FakeState:
    @staticmethod
    def get_full_name() -> str:
        return "root.cart_state"


def _rooms() -> tuple[Rooms, FakeApp]:
    registry, app = Rooms(), FakeApp()
    registry.bind(app)
    return registry, app


def _alice() -> Viewer:
    return Viewer(1, "Alice Archer")


async def test_an_event_is_rendered_once_and_emitted_once_to_the_whole_room() -> None:
    registry, app = _rooms()
    renders: list[int] = []

    async def render(event: DomainEvent) -> dict[str, Any]:
        renders.append(event.version)
        return rooms_module.delta(FakeState, version=event.version)

    registry.register("cart", render)
    for sid in ("a", "b", "c"):
        await registry.enter(sid, "cart:7", Viewer(None, "guest"))
    registry.dispatch(DomainEvent("cart", "7", 3, "cart.changed"))
    registry.dispatch(DomainEvent("cart", "8", 1, "cart.changed"))  # nobody watches cart 8 here
    await asyncio.sleep(0.05)
    assert renders == [3]
    assert app.sio.emits == [
        ("cart:7", {"delta": {"root.cart_state": {"version_rx_state_": 3}}, "events": []})
    ]


async def test_pushes_keep_version_order_even_when_renders_take_different_times() -> None:
    registry, app = _rooms()

    async def render(event: DomainEvent) -> dict[str, Any]:
        await asyncio.sleep(0.03 if event.version == 1 else 0)
        return rooms_module.delta(FakeState, version=event.version)

    registry.register("cart", render)
    await registry.enter("a", "cart:7", _alice())
    registry.dispatch(DomainEvent("cart", "7", 1, "cart.changed"))
    await asyncio.sleep(0.005)  # the slow render of version 1 has started
    registry.dispatch(DomainEvent("cart", "7", 2, "cart.changed"))
    await asyncio.sleep(0.1)
    versions = [data["delta"]["root.cart_state"]["version_rx_state_"] for _, data in app.sio.emits]
    assert versions == [1, 2]


async def test_presence_counts_viewers_of_every_process_and_forgets_silent_ones() -> None:
    here, _ = _rooms()
    await here.enter("a", "cart:7", _alice())
    there, _ = _rooms()
    await there.enter("b", "cart:7", Viewer(2, "Bob Baker"))
    await there.enter("c", "cart:7", Viewer(2, "Bob Baker"))  # Bob in two tabs
    here.dispatch(there._presence_event(["cart:7"]))
    seen = here.presence("cart:7")
    assert seen.count == 3
    assert [v.name for v in seen.viewers] == ["Alice Archer", "Bob Baker"]
    await there.leave("b", "cart:7")
    await there.leave("c", "cart:7")
    here.dispatch(there._presence_event(["cart:7"]))
    assert here.presence("cart:7") == Presence(1, [_alice()])


async def test_unchanged_presence_from_another_process_pushes_nothing_but_silence_does() -> None:
    """Heartbeats keep other processes' counts alive without a burst of pushes; a process that
    stops announcing is forgotten and the room hears the new count."""
    here, _ = _rooms()
    await here.enter("a", "cart:7", _alice())
    there, _ = _rooms()
    await there.enter("b", "cart:7", Viewer(2, "Bob Baker"))
    here._dirty.clear()
    here.dispatch(there._presence_event(["cart:7"]))
    assert here._stale == {"cart:7"}  # Bob is new here
    here._stale.clear()
    here.dispatch(there._presence_event(["cart:7"]))  # a heartbeat: nothing changed
    assert here._stale == set()
    instance = next(iter(here._remote["cart:7"]))
    seen, count, viewers, ids = here._remote["cart:7"][instance]
    here._remote["cart:7"][instance] = (
        seen - rooms_module.PRESENCE_EXPIRY - 1,
        count,
        viewers,
        ids,
    )
    here._expire_remote()
    assert here._stale == {"cart:7"}
    assert here.presence("cart:7") == Presence(1, [_alice()])


async def test_presence_is_shared_over_the_bus_and_pushed_to_the_room() -> None:
    bus = InProcessBus()
    here, app = _rooms()
    there, _ = _rooms()
    here.register_presence(
        "cart",
        lambda channel, p: rooms_module.delta(FakeState, viewers=[v.name for v in p.viewers]),
    )
    runners = [asyncio.create_task(Hub(r).run(bus)) for r in (here, there)]
    await asyncio.sleep(0)
    await here.enter("a", "cart:7", _alice())
    await there.enter("b", "cart:7", Viewer(2, "Bob Baker"))
    await asyncio.sleep(rooms_module.PRESENCE_INTERVAL * 3)
    last = app.sio.emits[-1][1]["delta"]["root.cart_state"]["viewers_rx_state_"]
    assert last == ["Alice Archer", "Bob Baker"]
    for runner in runners:
        runner.cancel()


async def test_an_evicted_user_gets_the_last_word_and_leaves_the_room() -> None:
    registry, app = _rooms()
    await registry.enter("a", "cart:7", _alice())
    await registry.enter("b", "cart:7", Viewer(2, "Bob Baker"))
    await registry.evict("cart:7", 2, rooms_module.delta(FakeState, removed=True))
    assert app.sio.emits[-1][0] == "b"
    assert app.sio.rooms["cart:7"] == {"a"}
    assert registry.presence("cart:7").viewers == [_alice()]


async def test_a_disconnected_socket_leaves_every_room_and_reflex_still_hears_of_it() -> None:
    registry, app = _rooms()
    await registry.enter("a", "cart:7", _alice())
    await registry.enter("a", "deal:3", _alice())
    app.event_namespace.on_disconnect("a")
    assert registry.local_count("cart:7") == registry.local_count("deal:3") == 0
    assert app.event_namespace.disconnected == ["a"]


async def test_losing_the_bus_tells_everyone_and_getting_it_back_resyncs_rooms() -> None:
    registry, app = _rooms()
    registry.register_status(lambda ok: rooms_module.delta(FakeState, live_ok=ok))
    resynced: list[str] = []

    async def render(event: DomainEvent) -> dict[str, Any]:
        resynced.append(event.kind)
        return rooms_module.delta(FakeState, version=event.version)

    registry.register("cart", render)
    await registry.enter("a", "cart:7", _alice())
    hub = Hub(registry)
    hub.dispatch(DomainEvent("bus", "redis", 0, "bus_down", {}))
    await asyncio.sleep(0.01)
    assert not hub.bus_ok
    assert app.sio.emits[-1] == (
        None,
        {"delta": {"root.cart_state": {"live_ok_rx_state_": False}}, "events": []},
    )
    hub.dispatch(DomainEvent("bus", "redis", 0, "bus_up", {}))
    await asyncio.sleep(0.01)
    assert hub.bus_ok and resynced == ["resync"]
    # Every tab is also asked to load its page again: Redis may have lost its page state.
    back = next(data for _, data in app.sio.emits if data["events"])
    assert back["delta"] == {"root.cart_state": {"live_ok_rx_state_": True}}
    assert [e["name"] for e in back["events"]] == ["reflex___state____state.hydrate_and_load"]


async def test_a_burst_waiting_behind_a_render_is_pushed_as_its_newest_snapshot() -> None:
    registry, app = _rooms()

    async def render(event: DomainEvent) -> dict[str, Any]:
        await asyncio.sleep(0.02)
        return rooms_module.delta(FakeState, view=event.payload["snapshot"])

    registry.register("cart", render)
    await registry.enter("a", "cart:7", _alice())
    for version in range(1, 6):
        registry.dispatch(DomainEvent("cart", "7", version, "cart.changed", {"snapshot": version}))
        await asyncio.sleep(0)
    await asyncio.sleep(0.1)
    views = [data["delta"]["root.cart_state"]["view_rx_state_"] for _, data in app.sio.emits]
    assert views[-1] == 5 and views == sorted(views)
