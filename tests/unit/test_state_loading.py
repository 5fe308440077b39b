"""What Reflex must load from Redis for each event stays the event's own branch of the state tree.

A computed var that reads a var of the root state (self.router) or of SessionState makes Reflex
fetch, unpickle and recompute its state for every event of every page: one such var on the trips
page made every shared-cart change four times slower (bench/bench_carts.py p50 6.5 -> 26.8 ms).
Join such values in the browser instead (`State.router.url.origin + State.some_path`).
"""

from __future__ import annotations

import importlib
import pkgutil

from reflex.state import State

import app.states
from app.states.session import SessionState


def _load_every_state() -> None:
    for module in pkgutil.walk_packages(app.states.__path__, "app.states."):
        importlib.import_module(module.name)


def test_no_state_is_loaded_for_every_event() -> None:
    _load_every_state()
    for shared in (State, SessionState):
        others = shared._potentially_dirty_states - {shared.get_full_name()}
        assert others == set(), f"computed vars that read {shared.__name__}'s vars: {others}"
        assert shared._always_dirty_substates == set(), (
            f"states with cache=False computed vars below {shared.__name__}: "
            f"{shared._always_dirty_substates}"
        )
