"""GET /media/products/<name>: pictures uploaded in the console, re-encoded to WebP under random
names in DATA_DIR/media (only files the console wrote live there)."""

from __future__ import annotations

from starlette.staticfiles import StaticFiles

from app.config import settings


def console_media_app() -> StaticFiles:
    return StaticFiles(directory=settings().data_dir / "media", check_dir=False)
