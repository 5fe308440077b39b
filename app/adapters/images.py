"""Shopper photos: checked by content (not by name), re-encoded with Pillow, stored as files.

Re-encoding keeps only the pixels: no metadata (GPS position, camera serial), no trailing bytes,
no polyglot tricks survive, and what we serve is always a JPEG we wrote ourselves.

Pillow is imported when a photo is re-encoded, not with the module: every worker imports this
one, few ever receive a photo (see app/adapters/media/images.py).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

# Extension -> the format Pillow must find inside. Anything else is refused.
ACCEPTED = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# Decompression bombs: refuse before decoding more pixels than a large phone photo has.
MAX_PIXELS = 40_000_000


class PhotoRefused(ValueError):
    """A file we will not take, with a message for the person."""


@dataclass(frozen=True)
class StoredPhoto:
    file_name: str
    width: int
    height: int


def reencode(name: str, data: bytes, *, max_bytes: int, max_side: int) -> tuple[bytes, int, int]:
    """The photo as a fresh JPEG (at most `max_side` pixels a side), or PhotoRefused."""
    label = Path(name).name[:60] or "The file"
    if len(data) > max_bytes:
        raise PhotoRefused(f"{label} is too big: photos can be at most {max_bytes // 2**20} MB.")
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED:
        raise PhotoRefused(f"{label}: only JPEG, PNG or WebP photos can be added.")
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            found = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused(f"{label} has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoRefused(f"{label} is not a photo we can read.") from None
    if found != ACCEPTED[suffix]:
        raise PhotoRefused(f"{label} is named {suffix} but is not a {ACCEPTED[suffix]} image.")
    picture.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), picture.width, picture.height


def store(folder: Path, jpeg: bytes, width: int, height: int) -> StoredPhoto:
    """Write a re-encoded photo under a random name (never the uploaded one)."""
    folder.mkdir(parents=True, exist_ok=True)
    file_name = secrets.token_urlsafe(18) + ".jpg"
    (folder / file_name).write_bytes(jpeg)
    return StoredPhoto(file_name, width, height)


def remove(folder: Path, file_name: str) -> None:
    (folder / file_name).unlink(missing_ok=True)
