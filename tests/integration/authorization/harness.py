"""Calling the app's real Reflex event handlers in this process, as a given browser would.

Each call builds the app's state tree afresh (as a new tab would get), puts the role's cookie
and the page's route arguments into the router data Reflex fills from the websocket, sets the
entry's state vars, runs the handler's own function and drains what it yields. The handlers
read the signed-in user from the cookie and call the services through `app_context()`, which
the test points at a copy of the shop.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

from reflex.state import BaseState, State
from reflex_base.constants import RouteArgType

import app.states
from tests.integration.authorization.roles import Rule

SID = "matrix-sid"  # the socket id of every tab the matrix plays
ROUTE_ARGS = ("cart_id", "code", "deal_id", "order_key", "product_key", "session_id", "slug")
State.setup_dynamic_args(dict.fromkeys(ROUTE_ARGS, RouteArgType.SINGLE))


def app_states() -> list[type[BaseState]]:
    """Every state class the app defines (each module of app.states imported)."""
    for module in pkgutil.walk_packages(app.states.__path__, "app.states."):
        importlib.import_module(module.name)

    def below(cls: type[BaseState]) -> Iterator[type[BaseState]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    found = {cls for cls in below(State) if cls.__module__.startswith("app.states")}
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


def handler_key(cls: type[BaseState], name: str) -> str:
    """`module.Class.handler` (module below app.states) of the class that defines it."""
    definer = next(c for c in cls.__mro__ if name in vars(c))
    return f"{definer.__module__.removeprefix('app.states.')}.{definer.__name__}.{name}"


def app_handlers() -> dict[str, type[BaseState]]:
    """Every event handler the app itself defines (Reflex's own, like setvar, left out), by
    key, with the first concrete state class that has it (a mixin's handlers run there)."""
    handlers: dict[str, type[BaseState]] = {}
    for cls in app_states():
        if cls._mixin:
            continue
        for name, handler in cls.event_handlers.items():
            if handler.fn.__module__.startswith(("reflex", "reflex_base")):
                continue
            handlers.setdefault(handler_key(cls, name), cls)
    return handlers


@functools.cache
def APP_HANDLERS_BY_KEY() -> dict[str, type[BaseState]]:  # noqa: N802 - a cached constant
    return app_handlers()


def resolve(value: Any, ids: dict[str, Any]) -> Any:
    """Replace "@name" by the shop's id of name, also inside strings ("/cart/@cart")."""
    if isinstance(value, str):
        if value.startswith("@") and value[1:] in ids:
            return ids[value[1:]]
        return re.sub(r"@([a-z_]+)", lambda m: str(ids.get(m[1], m[0])), value)
    if isinstance(value, dict):
        return {resolve(k, ids): resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, ids) for v in value]
    return value


def route_params(path: str) -> dict[str, str]:
    """The dynamic segments of a path, as the app's routes name them."""
    parts = [p for p in path.split("/") if p]
    names = {
        "cart": "cart_id",
        "deals": "deal_id",
        "product": "product_key",
        "live": "session_id",
        "orders": "order_key",
        "join": "code",
        "book": "code",
        "invite": "code",
        "communities": "slug",
    }
    return {names[a]: b for a, b in zip(parts, parts[1:], strict=False) if a in names}


async def call_handler(
    cls: type[BaseState], name: str, rule: Rule, cookie: str, ids: dict[str, Any]
) -> tuple[list[Any], BaseState]:
    """Run one handler as the browser holding `cookie`: what it yielded or returned, and the
    state it ran on."""
    path = resolve(rule.path, ids)
    root = State(_reflex_internal_init=True)
    router_data = {
        "pathname": path,
        "asPath": path,
        "query": route_params(path),
        "headers": {"cookie": cookie, "origin": "http://localhost:3000"},
        "token": "matrix-tab",
        "sid": SID,
        "ip": "203.0.113.7",
    }
    root.router_data = root._update_router_vars(router_data, {})
    state = root.get_substate(cls.get_full_name().split("."))
    for var, value in resolve(rule.state, ids).items():
        setattr(state, var, value)
    out: list[Any] = []
    if rule.before:
        first_cls, first = (
            (APP_HANDLERS_BY_KEY()[rule.before], rule.before.rsplit(".", 1)[1])
            if "." in rule.before
            else (cls, rule.before)
        )
        first_state = root.get_substate(first_cls.get_full_name().split("."))
        await drain(first_cls.event_handlers[first].fn(first_state), out)
    await drain(cls.event_handlers[name].fn(state, **resolve(rule.args, ids)), out)
    return out, state


async def drain(result: Any, out: list[Any]) -> None:
    """Run what a handler's function returned to the end, keeping what it sent back."""
    if inspect.isawaitable(result):
        result = await result
    if inspect.isasyncgen(result):
        out.extend([item async for item in result])
    elif inspect.isgenerator(result):
        out.extend(result)
    elif result is not None:
        out.append(result)
