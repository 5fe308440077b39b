"""A page's own scripts named in the shell it is served, so a browser fetches them at once.

A page with a parameter in its path (/product/mug) gets the build's SPA shell, which names only
the root's scripts. The running app then finds the page's script, and that script its imports:
two more round trips before the first paint, the costliest part of a phone's wait for the
product, deal and live pages (issue 19). React Router's manifest (the /assets/manifest-*.js the
shell loads) lists every route's script and its imports; the backend, which serves these pages'
shells anyway (app/api/share_routes.py), names them as modulepreload links, at the low priority
of the build's own (app/frontend_build/script_priority.py).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from app.frontend_build.script_priority import module_preload

_MANIFEST_LINK = re.compile(r'href="(/assets/manifest-[\w.-]+\.js)"')
_MANIFEST_START = "window.__reactRouterManifest="
_PARAM = re.compile(r"\[(\w+)\]")


def router_path(route: str) -> str:
    """A Reflex route as React Router's manifest writes it: /product/[key] -> product/:key."""
    return _PARAM.sub(r":\1", route.strip("/"))


def parse_manifest(text: str) -> dict[str, tuple[str, ...]]:
    """Each route's path -> its script and that script's imports, from the manifest's text."""
    start = text.index(_MANIFEST_START) + len(_MANIFEST_START)
    manifest, _ = json.JSONDecoder().raw_decode(text, start)
    return {
        route["path"]: (route["module"], *route.get("imports", ()))
        for route in manifest["routes"].values()
        if isinstance(route.get("path"), str) and route.get("module")
    }


@lru_cache(maxsize=4)
def _read_manifest(path: Path, _mtime: float) -> dict[str, tuple[str, ...]]:
    return parse_manifest(path.read_text(encoding="utf-8"))


def with_route_scripts(shell: str, folder: Path, route: str) -> str:
    """The shell with modulepreload links for the route's scripts it does not name yet.
    Unchanged when the build has no manifest (the dev server) or it lacks the route."""
    found = _MANIFEST_LINK.search(shell)
    if found is None:
        return shell
    path = folder / found.group(1).lstrip("/")
    try:
        scripts = _read_manifest(path, path.stat().st_mtime).get(router_path(route), ())
    except (OSError, ValueError, KeyError):
        return shell
    links = "".join(module_preload(script) for script in scripts if f'"{script}"' not in shell)
    return shell.replace("</head>", links + "</head>", 1)
