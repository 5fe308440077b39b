"""A page's address without a trailing slash is the page itself, not a redirect to it.

The build writes each page as <route>/index.html. The static files Reflex serves under
`make run` answer /catalog with a 307 to /catalog/: one more round trip (on a phone's network
about as long as the page's own request) before anything starts, for every link the app makes
and every link people share. Here such a request is served the folder's page directly, as
nginx's try_files does under `make prod`. The client-side router knows both spellings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.share_routes import pages_dir


@lru_cache(maxsize=4)
def _page_folders(folder: Path, _built_at: float) -> frozenset[str]:
    """Every built page folder as a path (/catalog, /deals/new), read once per build: a request
    is then a set lookup, whatever its path (an API call too)."""
    return frozenset(
        "/" + index.parent.relative_to(folder).as_posix()
        for index in folder.rglob("index.html")
        if index.parent != folder
    )


# Paths no page folder can have: files (a dot in the last part), the public API, and Reflex's
# own endpoints. They are most requests, and are answered without touching the disk.
_NOT_PAGES = ("/api/", "/_")


def page_folder_path(folder: Path, path: str) -> str | None:
    """`path` + "/" when it names a built page's folder without the slash, else None."""
    if path.startswith(_NOT_PAGES) or "." in path.rpartition("/")[2]:
        return None
    try:
        built_at = folder.stat().st_mtime  # a new build is a new folder
    except OSError:
        return None
    return path + "/" if path in _page_folders(folder, built_at) else None


class SlashlessPages:
    """Serves GET /catalog as GET /catalog/ (the built page), with no redirect."""

    def __init__(self, app: ASGIApp, folder: Callable[[], Path] = pages_dir) -> None:
        self.app = app
        self.folder = folder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            page = page_folder_path(self.folder(), scope.get("path", ""))
            if page is not None:
                scope = {**scope, "path": page, "raw_path": page.encode()}
        await self.app(scope, receive, send)
