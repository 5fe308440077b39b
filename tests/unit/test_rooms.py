"""The rooms broadcast path with a stand-in socket.io server: one render and one emit per event
for a whole room, bursts coalesced, nothing rendered for rooms nobody here watches."""

from __future__ import annotations

import asyncio
from typing import Any

from app.domain.events import DomainEvent
from app.realtime.rooms import Push, Rooms, Viewer


class FakeServer:
    def __init__(self) -> None:
        self.emits: list[tuple[Any, str | None]] = []
        self.rooms: dict[str, set[str]] = {}

    async def enter_room(self, sid: str, room: str, namespace: str) -> None:
        self.rooms.setdefault(room, set()).add(sid)

    async def leave_room(self, sid: str, room: str, namespace: str) -> None:
        self.rooms.get(room, set()).discard(sid)

    async def emit(self, event: str, data: Any, to: str | None = None, namespace: str = "") -> None:
        self.emits.append((data, to))


class FakeNamespace:
    def on_disconnect(self, sid: str) -> None:
        pass


class FakeApp:
    def __init__(self) -> None:
        self.sio = FakeServer()
        self.event_namespace = FakeNamespace()


def _rooms() -> tuple[Rooms, FakeServer, list[DomainEvent]]:
    rooms = Rooms()
    app = FakeApp()
    rooms.bind(app)
    rendered: list[DomainEvent] = []

    async def render(event: DomainEvent) -> Push | None:
        rendered.append(event)
        await asyncio.sleep(0.05)  # a database read
        return {"S": {"window_rx_state_": event.version}}

    rooms.register("chat", render)
    return rooms, app.sio, rendered


def _event(version: int, kind: str = "message_posted") -> DomainEvent:
    return DomainEvent("chat", "product:1", version, kind)


async def test_one_render_and_one_room_emit_per_event_for_any_number_of_viewers() -> None:
    rooms, server, rendered = _rooms()
    for i in range(500):
        await rooms.enter(f"sid{i}", "chat:product:1", Viewer(i, f"V{i}"))
    rooms.dispatch(_event(1))
    await asyncio.sleep(0.2)
    assert len(rendered) == 1
    assert server.emits == [
        ({"delta": {"S": {"window_rx_state_": 1}}, "events": []}, "chat:product:1")
    ]
    assert rooms.presence("chat:product:1").count == 500


async def test_a_burst_while_a_render_runs_costs_one_more_render_not_one_each() -> None:
    rooms, server, rendered = _rooms()
    await rooms.enter("sid", "chat:product:1", Viewer(1, "Alice"))
    rooms.dispatch(_event(1))
    await asyncio.sleep(0.01)  # the first render is reading
    for version in range(2, 12):
        rooms.dispatch(_event(version))
    await asyncio.sleep(0.3)
    assert [e.version for e in rendered] == [1, 11]  # the newest of the burst
    assert len(server.emits) == 2


async def test_different_kinds_of_news_are_not_merged() -> None:
    rooms, _, rendered = _rooms()
    await rooms.enter("sid", "chat:product:1", Viewer(1, "Alice"))
    rooms.dispatch(_event(1))
    await asyncio.sleep(0.01)
    rooms.dispatch(_event(2, "message_deleted"))
    rooms.dispatch(_event(3, "message_posted"))
    await asyncio.sleep(0.3)
    assert sorted(e.kind for e in rendered) == [
        "message_deleted",
        "message_posted",
        "message_posted",
    ]


async def test_rooms_without_viewers_here_are_not_rendered() -> None:
    rooms, server, rendered = _rooms()
    rooms.dispatch(_event(1))
    await rooms.enter("sid", "chat:product:1", Viewer(1, "Alice"))
    await rooms.leave("sid", "chat:product:1")
    rooms.dispatch(_event(2))
    await asyncio.sleep(0.1)
    assert rendered == [] and server.emits == []


def test_the_pushed_message_shape_matches_the_state_var() -> None:
    from dataclasses import asdict

    from app.domain.chat import segments
    from app.services.chat import ChatMessageView
    from app.states.chat import message_dict

    view = ChatMessageView(
        7, 3, "Alice Archer", "AA", "", "iris", "2026-11-23T20:00:00Z", True,
        segments("see https://example.com"), 5, "Bob Baker", "hi",
    )  # fmt: skip
    assert message_dict(view) == asdict(view)
