"""A page with a parameter paints its frame before its scripts run (issue 19).

The build prerenders every page without a parameter: its header and sized placeholders are in
its HTML. A page with one (/product/<slug>, /deals/<id>) had only the app's empty shell, so a
shared link stayed blank on a phone until the scripts had loaded and drawn the page. Here the
build also prerenders each such page once, at a stand-in parameter (/product/_shell). Before
its data arrives a page draws the same frame whatever its parameter (the data comes over the
websocket afterwards), so that HTML is every product's first paint: the backend serves it for
any /product/... (app/api/share_routes.py) and the browser's React hydrates it in place.

React Router prerenders the paths its config lists; Reflex writes `"prerender": true` (all the
paths without a parameter) and offers no option for more, so the config is edited on each
compile (BuildShape in rxconfig.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

ROUTER_CONFIG = "react-router.config.js"
STAND_IN = "_shell"
_PARAM = re.compile(r"\[\w+\]")
_PRERENDER_ALL = '"prerender": true'


def stand_in_path(route: str) -> str:
    """The path a page with a parameter is prerendered at: /product/[key] -> /product/_shell."""
    return _PARAM.sub(STAND_IN, route)


def prerendered_shell(folder: Path, route: str) -> Path:
    """Where the build wrote that page's HTML."""
    return folder / stand_in_path(route).strip("/") / "index.html"


def with_route_shells(config: str, routes: Iterable[str]) -> str:
    """React Router's config prerendering the stand-in path of each route too. Unchanged when
    the build prerenders nothing (the dev server)."""
    if _PRERENDER_ALL not in config:
        return config
    paths = json.dumps(sorted({stand_in_path(route) for route in routes}))
    prerender = f'"prerender": async ({{ getStaticPaths }}) => [...getStaticPaths(), ...{paths}]'
    return config.replace(_PRERENDER_ALL, prerender, 1)
