"""The home page's hero picture: a few demo products on the brand's warm background, drawn once
with Pillow from the demo pictures and kept under assets/hero/ at the sizes the page shows.

    .venv/bin/python -m app.demo.hero_art     # writes assets/hero/hero-{640,1280}.webp
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from app.config import PROJECT_ROOT

PRODUCTS = ("harbor-stoneware-mug", "kyoto-glazed-teapot", "aero-wireless-earbuds", "arc-desk-lamp")
WIDTHS = (640, 1280)
RATIO = 0.625  # 16:10


def _tile(path: Path, side: int) -> Image.Image:
    with Image.open(path) as source:
        picture = source.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, side - 1, side - 1), side // 8, fill=255)
    tile = Image.new("RGBA", (side, side))
    tile.paste(picture, (0, 0), mask)
    return tile


def draw(width: int, assets: Path = PROJECT_ROOT / "assets") -> Image.Image:
    height = int(width * RATIO)
    canvas = Image.new("RGB", (width, height), (254, 236, 228))
    draw = ImageDraw.Draw(canvas)
    for step in range(height):  # a soft vertical wash from tomato to amber
        t = step / height
        colour = (int(254 - 3 * t), int(236 + 8 * t), int(228 - 20 * t))
        draw.line((0, step, width, step), fill=colour)
    side = int(height * 0.52)
    spots = ((0.04, 0.06), (0.5, 0.03), (0.22, 0.45), (0.64, 0.44))
    for slug, (x, y) in zip(PRODUCTS, spots, strict=True):
        tile = _tile(assets / "products" / f"{slug}-0.webp", side)
        canvas.paste(tile, (int(x * width), int(y * height)), tile)
    return canvas


def main() -> None:
    out = PROJECT_ROOT / "assets" / "hero"
    out.mkdir(exist_ok=True)
    for width in WIDTHS:
        draw(width).save(out / f"hero-{width}.webp", "WEBP", quality=78, method=6)


if __name__ == "__main__":
    main()
