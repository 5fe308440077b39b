"""Shared links answer apps that unfurl them (and run no JavaScript) with preview tags.

Reflex pages are a client-rendered app: a page with a parameter in its path (/product/mug) is
the same HTML for every product (its frame, prerendered at a stand-in path by the build:
app/frontend_build/route_shells.py; else the build's SPA fallback), and its title and tags come
from JavaScript. For the pages people share, the backend answers instead: that same HTML with
the page's Open Graph and Twitter card tags put into its head, read from the database now. A
person's browser then boots the app from it as from the plain page, and lands on the page.

`make run` serves these routes from the one backend process in front of the built pages; under
`make prod`, nginx passes these paths to the workers (`share_paths_pattern()` fills the site
file's `{{share_routes}}`). Another shared page: a reader in app/services/previews.py and a
`SharedPage` line here. The other pages with a parameter (a cart, an order) are served here
too, without tags: every shell names its page's scripts (app/api/route_scripts.py).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route, request_response

from app import routes
from app.api.guards import client_address
from app.api.route_scripts import with_route_scripts
from app.config import PROJECT_ROOT, settings
from app.domain.previews import LinkPreview, inject
from app.frontend_build.route_shells import prerendered_shell
from app.services import previews
from app.services.context import Context, app_context

SHELLS = ("__spa-fallback.html", "404.html")  # what the build serves for a page with a param
_PARAM = re.compile(r"\[(\w+)\]")


@dataclass(frozen=True)
class SharedPage:
    kind: str  # a reader in app/services/previews.py READERS; "" for a page without tags
    route: str  # the page's route in app/routes.py, with one [parameter]
    numeric: bool = False  # the parameter is a number (/deals/new stays a page of its own)

    @property
    def path(self) -> str:
        """The Starlette path: /deals/[deal_id] -> /deals/{key:int}."""
        return _PARAM.sub("{key:int}" if self.numeric else "{key}", self.route)

    @property
    def nginx(self) -> str:
        """The same path as a regex without its leading slash, for the nginx site file."""
        parts = self.route.strip("/").split("/")
        return "/".join(
            ("[0-9]+" if self.numeric else "[^/]+") if _PARAM.fullmatch(p) else re.escape(p)
            for p in parts
        )


SHARED_PAGES = (
    SharedPage("product", routes.PRODUCT),
    SharedPage("deal", routes.DEAL, numeric=True),
    SharedPage("cart", routes.CART_JOIN),
    SharedPage("live", routes.LIVE, numeric=True),
    SharedPage("community", routes.COMMUNITY),
)
# Pages with a parameter nobody unfurls: their shell only names their scripts.
UNSHARED_PAGES = (
    SharedPage("", routes.CART, numeric=True),
    SharedPage("", routes.ORDER),
    SharedPage("", routes.DEAL_LEDGER, numeric=True),
    SharedPage("", routes.INVITE),
    SharedPage("", routes.TRIP),
)
SHELL_PAGES = SHARED_PAGES + UNSHARED_PAGES


def share_paths_pattern(pages: tuple[SharedPage, ...] = SHELL_PAGES) -> str:
    """One regex for every path whose shell the backend serves (nginx passes them on)."""
    return "|".join(page.nginx for page in pages)


def pages_dir() -> Path:
    """The built pages this process serves: PAGES_DIR, else the folder Reflex builds into."""
    configured = settings().pages_dir
    if configured is not None:
        return configured
    web = Path(os.environ.get("REFLEX_WEB_WORKDIR") or PROJECT_ROOT / ".web")
    return web / "build" / "client"


@lru_cache(maxsize=64)  # a frame per page with a parameter, and the app's shell, per build
def _read_shell(path: Path, _mtime: float) -> str:
    return path.read_text(encoding="utf-8")


def page_shell(folder: Path, route: str) -> str:
    """The page's prerendered frame from the build (app/frontend_build/route_shells.py), which
    names the page's scripts itself, else the app's shell naming them; re-read when a new build
    replaces it."""
    frame = prerendered_shell(folder, route)
    try:
        return _read_shell(frame, frame.stat().st_mtime)
    except OSError:
        pass
    for path in (folder / name for name in SHELLS):
        try:
            return with_route_scripts(_read_shell(path, path.stat().st_mtime), folder, route)
        except OSError:
            continue
    # No build (the hot-reloading dev server serves pages itself): the tags alone still tell
    # an app what the link is, and a person follows the link to the page.
    return '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/></head><body></body></html>'


_HTML_HEADERS = {
    # The shell names this build's scripts: never keep it past a new build.
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}


def share_routes(
    *,
    context: Callable[[], Context] = app_context,
    folder: Callable[[], Path] = pages_dir,
    pages: tuple[SharedPage, ...] = SHELL_PAGES,
) -> list[Route]:
    """The pages with a parameter (their shell, with preview tags when shared) and the
    preview cards."""

    def page_route(page: SharedPage) -> Route:
        async def shared(request: Request) -> Response:
            built = folder()
            shell = page_shell(built, page.route)
            if not page.kind:
                return HTMLResponse(shell, headers=_HTML_HEADERS)
            key = str(request.path_params["key"])
            query = dict(request.query_params)
            found: LinkPreview | None = await asyncio.to_thread(
                previews.link_preview,
                context(),
                page.kind,
                key,
                query,
                client_address(request.scope),
            )
            # An unknown key still gets the app, which says so on the page itself.
            body = shell if found is None else inject(shell, found, settings().site_url)
            return HTMLResponse(body, headers=_HTML_HEADERS)

        # The built pages go out compressed (the build's .br and .gz); a page's frame, read and
        # filled here, is compressed as it goes: about a quarter of the bytes on a phone's link.
        compressed = GZipMiddleware(request_response(shared), minimum_size=1024)
        return Route(page.path, compressed, methods=["GET", "HEAD"])

    async def card(request: Request) -> Response:
        kind, key = str(request.path_params["kind"]), str(request.path_params["key"])
        query = {k: v for k, v in request.query_params.items() if k != "v"}
        png = await asyncio.to_thread(
            previews.preview_card, context(), kind, key, query, client_address(request.scope)
        )
        if png is None:
            return PlainTextResponse("Not found", status_code=404)
        return Response(
            png,
            media_type="image/png",
            # The address changes (its v=) whenever the picture would: a short life is enough.
            headers={"Cache-Control": "public, max-age=600", "X-Content-Type-Options": "nosniff"},
        )

    async def site_card(_request: Request) -> Response:
        png = await asyncio.to_thread(previews.site_card)
        return Response(
            png, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
        )

    return [
        Route(previews.SITE_CARD_URL, site_card, methods=["GET", "HEAD"]),
        Route(previews.CARD_URL, card, methods=["GET", "HEAD"]),
        *(page_route(page) for page in pages),
    ]
