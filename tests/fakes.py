"""Fakes of the socket layer, for tests of the broadcast path that need no browser."""

from __future__ import annotations

from typing import Any


class FakeSocketServer:
    """Records what python-socketio would be asked to do."""

    def __init__(self) -> None:
        self.rooms: dict[str, set[str]] = {}
        self.emits: list[tuple[str | None, dict[str, Any]]] = []

    async def enter_room(self, sid: str, room: str, namespace: str) -> None:
        self.rooms.setdefault(room, set()).add(sid)

    async def leave_room(self, sid: str, room: str, namespace: str) -> None:
        self.rooms.get(room, set()).discard(sid)

    async def emit(self, event: str, data: dict[str, Any], to: str | None = None, **_: Any) -> None:
        self.emits.append((to, data))


class FakeNamespace:
    def __init__(self) -> None:
        self.disconnected: list[str] = []

    def on_disconnect(self, sid: str) -> None:
        self.disconnected.append(sid)


class FakeApp:
    def __init__(self) -> None:
        self.sio = FakeSocketServer()
        self.event_namespace = FakeNamespace()
