"""Handlers run on the event loop that serves every tab of a backend process: a database round
trip made there stalls all of them while it waits (bench-prod's tail latencies). So the states
read only in a thread: `await self._user_now()` for who is signed in, `asyncio.to_thread` for
a service."""

from __future__ import annotations

import ast
from pathlib import Path

STATES = Path(__file__).resolve().parents[2] / "app" / "states"
TREES = {path: ast.parse(path.read_text()) for path in sorted(STATES.rglob("*.py"))}


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of `function`'s own body (not of functions nested in it)."""
    found, pending = [], list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _called_names(function: ast.AST) -> set[str]:
    """Names `function` calls itself and does not await: `f()` and `x.f()` alike (a function
    passed to asyncio.to_thread is not called here; an awaited one is async)."""
    nodes = _own_nodes(function)
    awaited = {id(node.value) for node in nodes if isinstance(node, ast.Await)}
    names = set()
    for node in nodes:
        if isinstance(node, ast.Call) and id(node) not in awaited:
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
    return names


def _functions() -> list[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef]]:
    return [
        (path, node)
        for path, tree in TREES.items()
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def _readers() -> set[str]:
    """Plain functions and methods of the states that read the database where they run."""
    readers = {"app_context"}
    while True:
        more = {
            node.name
            for _, node in _functions()
            if isinstance(node, ast.FunctionDef) and _called_names(node) & readers
        }
        if more <= readers:
            return readers
        readers |= more


# Measured and kept on the loop: the chat window's read, once per message and process (not per
# viewer); in a thread it cost 5-15 ms more per delivery (see render_chat's docstring).
ON_PURPOSE = {("chat.py", "render_chat")}


def test_no_state_reads_the_database_on_the_event_loop() -> None:
    readers = _readers()
    offenders = []
    for path, node in _functions():
        if (path.name, node.name) in ON_PURPOSE:
            continue
        decorators = {ast.unparse(d).split("(")[0] for d in node.decorator_list}
        is_handler = bool(decorators & {"rx.event", "rx.var"})
        # Making the context reads nothing: an async function may pass it to a thread.
        reading = readers - {"app_context"} if isinstance(node, ast.AsyncFunctionDef) else readers
        if isinstance(node, ast.AsyncFunctionDef) or is_handler:
            for name in sorted(_called_names(node) & reading):
                offenders.append(f"{path.relative_to(STATES.parents[1])}:{node.lineno} {name}")
    assert offenders == [], (
        "read in a thread (`await asyncio.to_thread(...)`, `await self._user_now()`):\n"
        + "\n".join(offenders)
    )


def test_the_rule_finds_a_read_on_the_loop() -> None:
    tree = ast.parse("def load(self):\n    self.rows = shop.rows(app_context())\n")
    assert _called_names(tree.body[0]) & _readers() == {"app_context"}
