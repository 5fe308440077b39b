"""Handler arguments come from the browser, or from anyone holding a websocket: a number can
arrive as "²", as twenty digits or as a list. Reflex hands a value it cannot convert to the
handler as it came, so every numeric argument of every event handler must pass through the one
number rule (app/domain/numbers.py) before it is used. A new handler that forgets fails here."""

from __future__ import annotations

import ast
from pathlib import Path

STATES = Path(__file__).resolve().parents[2] / "app" / "states"
PARSERS = {"id_or_zero", "int_or_zero", "parse_id", "parse_int", "parse_whole", "_int"}
NUMERIC = {"int", "int | None", "float", "Any"}


def _is_event(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for deco in fn.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Attribute) and target.attr == "event":
            return True
    return False


def _parser_call(node: ast.AST | None) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    return name in PARSERS


def _unparsed_uses(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    numeric = {
        a.arg
        for a in fn.args.args[1:]
        if a.annotation is not None and ast.unparse(a.annotation) in NUMERIC
    }
    parents = {child: node for node in ast.walk(fn) for child in ast.iter_child_nodes(node)}
    # `deal_id = int_or_zero(deal_id)` at the start makes every later use a parsed one
    rebound = {
        target.id
        for node in ast.walk(fn)
        if isinstance(node, ast.Assign) and _parser_call(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return [
        f"{fn.name}({node.id}) line {node.lineno}"
        for node in ast.walk(fn)
        if isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and node.id in numeric - rebound
        and not _parser_call(parents.get(node))
    ]


def test_every_numeric_handler_argument_goes_through_the_number_rule() -> None:
    unparsed = []
    for path in sorted(STATES.rglob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text())):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and _is_event(fn):
                unparsed += [f"{path.relative_to(STATES)}: {use}" for use in _unparsed_uses(fn)]
    assert unparsed == [], "parse these with app/domain/numbers.py:\n" + "\n".join(unparsed)
