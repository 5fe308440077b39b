"""Pictures uploaded in the console, served from DATA_DIR/media (re-encoded, random names)."""

from __future__ import annotations

from starlette.staticfiles import StaticFiles

from app.config import settings


def media_app() -> StaticFiles:
    return StaticFiles(directory=settings().data_dir / "media", check_dir=False)
