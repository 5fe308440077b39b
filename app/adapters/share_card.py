"""The 1200×630 picture a shared link unfurls with: the product's picture on the left, the
headline, the price and a line of detail on the right, drawn with Pillow as a PNG.

Pictures are read only from the two places the shop keeps its own (the demo pictures under
assets/, and the console's re-encoded uploads under DATA_DIR/media), never from a URL.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.config import PROJECT_ROOT
from app.domain.previews import CARD_HEIGHT, CARD_WIDTH, SITE_NAME, CardContent

if TYPE_CHECKING:  # Pillow itself is imported by what draws: only an unfurl needs it
    from PIL import Image, ImageDraw, ImageFont

    FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont

ASSETS = PROJECT_ROOT / "assets"
# Debian's fonts when present; Pillow's own embedded font otherwise (regular weight only).
_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

BACKGROUND = (255, 248, 245)
ACCENT = (209, 52, 21)  # the theme colour (tomato 10), as in the manifest
INK = (33, 32, 28)
MUTED = (99, 99, 94)
PANEL = 630  # the picture is a square on the left


class _HasDataDir(Protocol):
    @property
    def data_dir(self) -> Callable[[], Path]: ...


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> FontType:
    from PIL import ImageFont

    path = _BOLD if bold else _REGULAR
    if Path(path).exists():
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def picture_file(url: str, ctx: _HasDataDir) -> Path | None:
    """The file behind a picture's site path, when it is one of the shop's own."""
    if not url or ".." in url or not url.startswith("/"):
        return None
    path = url.split("?", 1)[0]
    if path.startswith("/media/"):
        candidate = ctx.data_dir() / "media" / path.removeprefix("/media/")
    else:
        candidate = ASSETS / path.lstrip("/")
    return candidate if candidate.is_file() else None


def _lines(
    draw: ImageDraw.ImageDraw, text: str, font: FontType, width: int, most: int
) -> list[str]:
    """`text` wrapped to `width` pixels, at most `most` lines (the last one cut with …)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        line = word
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _paste_picture(canvas: Image.Image, picture: Path | None) -> None:
    if picture is None:
        return
    from PIL import Image

    try:
        with Image.open(picture) as source:
            source.load()
            image = source.convert("RGB")
    except OSError:
        return  # an unreadable file: the card still shows the words and the price
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side)).resize((PANEL, PANEL))
    canvas.paste(square, (0, 0))


def render(card: CardContent, picture: Path | None) -> bytes:
    """The card as PNG bytes, exactly CARD_WIDTH × CARD_HEIGHT."""
    from PIL import Image, ImageDraw, ImageFont

    canvas = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), BACKGROUND)
    _paste_picture(canvas, picture)
    draw = ImageDraw.Draw(canvas)
    x = PANEL + 48 if picture else 80
    width = CARD_WIDTH - x - 56
    y = 56
    if card.badge:
        badge = _font(26, True)
        box = draw.textbbox((x, y), card.badge, font=badge)
        draw.rounded_rectangle((x - 14, y - 10, box[2] + 14, box[3] + 12), 10, fill=ACCENT)
        draw.text((x, y), card.badge, font=badge, fill=(255, 255, 255))
        y += 72
    headline = _font(52 if picture else 64, True)
    for line in _lines(draw, card.headline, headline, width, 3):
        draw.text((x, y), line, font=headline, fill=INK)
        y += int(headline.size * 1.2) if isinstance(headline, ImageFont.FreeTypeFont) else 60
    y += 24
    if card.price:
        price = _font(84, True)
        draw.text((x, y), card.price, font=price, fill=ACCENT)
        y += 108
    if card.detail:
        detail = _font(32, False)
        for line in _lines(draw, card.detail, detail, width, 3):
            draw.text((x, y), line, font=detail, fill=MUTED)
            y += 42
    brand = _font(34, True)
    draw.text((x, CARD_HEIGHT - 80), SITE_NAME, font=brand, fill=ACCENT)
    out = io.BytesIO()
    canvas.save(out, "PNG", optimize=True)
    return out.getvalue()
