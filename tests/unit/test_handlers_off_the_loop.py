"""Handlers run on the event loop that serves every tab of a backend process: a database round
trip made there stalls all of them while it waits (bench-prod's tail latencies). Async handlers
ask who is signed in with `await self._user_now()`, which waits in a thread."""

from __future__ import annotations

import ast
from pathlib import Path

STATES = Path(__file__).resolve().parents[2] / "app" / "states"


def _calls_in_own_body(function: ast.AsyncFunctionDef, name: str) -> list[int]:
    """Lines where `function` itself (not a function nested in it) calls `<x>.name()`."""
    found, pending = [], list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == name
        ):
            found.append(node.lineno)
        pending.extend(ast.iter_child_nodes(node))
    return found


def test_async_handlers_check_the_session_off_the_loop() -> None:
    offenders = [
        f"{path.relative_to(STATES.parents[1])}:{line} {node.name}"
        for path in sorted(STATES.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.AsyncFunctionDef)
        for line in _calls_in_own_body(node, "signed_in_user")
    ]
    assert offenders == [], "use `await self._user_now()` in async code:\n" + "\n".join(offenders)
