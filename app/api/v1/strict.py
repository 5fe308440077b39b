"""Unknown input is refused, not ignored: a query parameter no operation declares is a 422
naming it (bodies refuse unknown fields through their models), and the API's mount matches any
path below it, so even a path with a newline gets a problem detail from the API itself."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.dependencies.models import Dependant
from starlette.routing import Mount
from starlette.types import ASGIApp

from app.api.v1.problems import ApiProblem, FieldProblem

_known: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def no_unknown_query(request: Request) -> None:
    """A dependency of every operation."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _known.get(id(route))
    if known is None:
        known = _known[id(route)] = frozenset(_query_names(dependant))
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise ApiProblem(
            422,
            "unknown_parameter",
            "Unknown query parameters: " + ", ".join(repr(n[:40]) for n in unknown) + ".",
            errors=[
                FieldProblem(
                    field=f"query.{name[:40]}", message="Not a parameter of this operation."
                )
                for name in unknown
            ],
        )


def api_mount(path: str, app: ASGIApp) -> Mount:
    """Mount `app` at `path`, matching every path below it (Starlette's own pattern stops at a
    newline, which would hand such a path to whatever is mounted next)."""
    mount = Mount(path, app=app)
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    return mount
