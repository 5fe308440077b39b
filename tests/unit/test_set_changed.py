"""Only a changed value is set on a state (and so sent to the browser)."""

from __future__ import annotations

from typing import Any

from app.states.changes import set_changed


class Recorder:
    def __init__(self) -> None:
        object.__setattr__(self, "set", [])
        object.__setattr__(self, "unread", 0)
        object.__setattr__(self, "live_ok", True)

    def __setattr__(self, name: str, value: Any) -> None:
        self.set.append(name)
        object.__setattr__(self, name, value)


def test_only_changed_values_are_set() -> None:
    state = Recorder()
    set_changed(state, unread=0, live_ok=False)  # type: ignore[arg-type]
    assert state.set == ["live_ok"] and state.live_ok is False and state.unread == 0
