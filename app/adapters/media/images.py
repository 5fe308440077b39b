"""Product pictures from the console: only real images, re-encoded so nothing the uploader
sent (metadata, a polyglot file, an oversized canvas) reaches shoppers' browsers.

Pillow is imported by the functions that decode or encode: every worker imports this module (for
`srcset_for`), and only uploads need Pillow (about 4 MB resident per worker otherwise)."""

from __future__ import annotations

import io
import secrets
import warnings
from functools import lru_cache
from pathlib import Path

from app.config import PROJECT_ROOT, settings

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
    from PIL import Image, UnidentifiedImageError

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


# Cards show pictures about 200-300 px wide: a second, smaller WebP beside each stored picture
# lets browsers on small or 1x screens fetch a quarter of the bytes (`srcset`).
SMALL_WIDTH = 400
SMALL_SUFFIX = f".w{SMALL_WIDTH}.webp"


def small_variant(webp: bytes) -> bytes:
    """The picture at most SMALL_WIDTH pixels wide, as WebP."""
    from PIL import Image

    with Image.open(io.BytesIO(webp)) as image:
        image.load()
        picture = image.copy()
    picture.thumbnail((SMALL_WIDTH, SMALL_WIDTH * 4))
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


def small_url(url: str) -> str:
    return url.removesuffix(".webp") + SMALL_SUFFIX


def store_product_image(webp: bytes, folder: Path | None = None) -> str:
    """Save a re-encoded picture under a random name, with its small variant; its URL."""
    url = store_image(webp, "products", folder)
    small = (folder or media_dir()) / "products" / small_url(url.rsplit("/", 1)[1])
    small.write_bytes(small_variant(webp))
    return url


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


def _file_of(url: str) -> Path | None:
    """The file behind a picture's site path: an upload (/media/…) or one of assets/."""
    if not url.startswith("/") or ".." in url:
        return None
    if url.startswith(MEDIA_URL + "/"):
        return media_dir() / url.removeprefix(MEDIA_URL + "/")
    return PROJECT_ROOT / "assets" / url.lstrip("/")


@lru_cache(maxsize=4096)
def srcset_for(url: str) -> str:
    """`srcset` for a stored WebP picture that has its small variant ("" otherwise: the
    browser then uses `src` alone). Pictures only gain variants, so the answer is cached."""
    if not url.endswith(".webp") or url.endswith(SMALL_SUFFIX):
        return ""
    small = _file_of(small_url(url))
    if small is None or not small.is_file():
        return ""
    return f"{small_url(url)} {SMALL_WIDTH}w, {url} 800w"
