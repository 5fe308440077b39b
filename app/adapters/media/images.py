"""Product pictures from the console: only real images, re-encoded so nothing the uploader
sent (metadata, a polyglot file, an oversized canvas) reaches shoppers' browsers."""

from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.config import settings

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1600
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MEDIA_URL = "/media"


class ImageRejected(ValueError):
    """Not an image we take; the message is fit for the form."""


def reencode(data: bytes) -> bytes:
    """The picture as a fresh WebP at most MAX_SIDE pixels wide or tall; ImageRejected for
    anything that is not a JPEG, PNG, WebP or GIF image of a sane size."""
    if not data:
        raise ImageRejected("Choose a picture to upload.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(f"Pictures can be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise ImageRejected("Upload a JPEG, PNG, WebP or GIF picture.")
                if probe.width * probe.height > MAX_SOURCE_PIXELS:
                    raise ImageRejected("That picture is too large.")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)
                image.load()
                picture = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Warning) as error:
        raise ImageRejected("That file is not a picture we can read.") from error
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def media_dir() -> Path:
    return settings().data_dir / "media"


def store_product_image(webp: bytes, folder: Path | None = None) -> str:
    """Save a re-encoded picture under a random name; its URL."""
    return store_image(webp, "products", folder)


def store_image(webp: bytes, kind: str, folder: Path | None = None) -> str:
    """Save a re-encoded picture under a random name in the media folder `kind` ("products",
    "community"); its URL under /media."""
    target = (folder or media_dir()) / kind
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(12)}.webp"
    (target / name).write_bytes(webp)
    return f"{MEDIA_URL}/{kind}/{name}"


def remove_image(url: str, folder: Path | None = None) -> None:
    """Delete a picture this module stored, by its URL (a photo whose post was not saved)."""
    relative = url.removeprefix(MEDIA_URL + "/")
    if relative != url and ".." not in relative:
        ((folder or media_dir()) / relative).unlink(missing_ok=True)
