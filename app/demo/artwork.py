"""Draw the demo catalog's product images ourselves, so the shop ships no borrowed art.

Every image is a "studio photo" style illustration: a soft backdrop, a floor shadow and
the object drawn from simple shaded shapes in the product's palette.

How it fits together:

* Recipes (one per ``DemoProduct.art``) draw a single object onto a transparent
  ``Layer`` in a 1000 x 1000 design space, so they never think about pixel sizes.
* ``render`` places that object layer into one of three scenes (``view`` 0, 1, 2),
  fitting it to the frame by its visible bounding box, and adds backdrop and shadows.
* Everything is drawn at 2x and downsampled, because Pillow's shape primitives are not
  anti-aliased; the downsample gives smooth edges for free.

Run ``python -m app.demo.artwork [--force]`` to (re)write ``assets/products`` and
``assets/categories``.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from app.adapters.media.images import SMALL_SUFFIX, small_variant
from app.demo.catalog_data import CATEGORIES, PRODUCTS, DemoCategory, DemoProduct

RGB = tuple[int, int, int]
Point = tuple[float, float]
Shader = Callable[[int, int], Image.Image]
Fill = RGB | Shader
Mask = tuple[Image.Image, tuple[int, int]]  # an "L" mask and where its top-left sits

UNITS = 1000  # recipes draw in a UNITS x UNITS design space
SUPERSAMPLE = 2  # draw at 2x and downsample: Pillow primitives have no anti-aliasing
TILT = 0.2  # ry / rx of circular rims: we look at objects from slightly above
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
METAL: RGB = (196, 200, 206)
BRASS: RGB = (200, 164, 92)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PRODUCT_SIZE = 800
BANNER_SIZE = (1200, 400)
WEBP_QUALITY = 80


# -- colour -------------------------------------------------------------------------


def rgb(hex_colour: str) -> RGB:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def lighter(c: RGB, t: float) -> RGB:
    return mix(c, WHITE, t)


def darker(c: RGB, t: float) -> RGB:
    return mix(c, BLACK, t)


def luminance(c: RGB) -> float:
    return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255


# -- shaders: fill a shape's bounding box with light and shade -------------------------


def _ramp(stops: Sequence[tuple[float, RGB]], length: int = 256) -> Image.Image:
    """A length x 1 strip interpolating colour stops; resized later (cheap gradients)."""
    strip = Image.new("RGB", (length, 1))
    for i in range(length):
        t = i / (length - 1)
        for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
            if t0 <= t <= t1:
                strip.putpixel((i, 0), mix(c0, c1, (t - t0) / ((t1 - t0) or 1)))
                break
    return strip


def across(*stops: tuple[float, RGB]) -> Shader:
    strip = _ramp(stops)
    return lambda w, h: strip.resize((w, h), Image.Resampling.BILINEAR)


def down(*stops: tuple[float, RGB]) -> Shader:
    strip = _ramp(stops).transpose(Image.Transpose.ROTATE_270)
    return lambda w, h: strip.resize((w, h), Image.Resampling.BILINEAR)


def vertical(top: RGB, bottom: RGB) -> Shader:
    return down((0.0, top), (1.0, bottom))


def cylinder(c: RGB) -> Shader:
    """Key light from the upper left: dark edge, bright band, body colour, shadow side."""
    return across(
        (0.0, darker(c, 0.3)),
        (0.22, lighter(c, 0.22)),
        (0.45, c),
        (0.85, darker(c, 0.22)),
        (1.0, darker(c, 0.38)),
    )


def dome(c: RGB) -> Shader:
    """Radial light with the hot spot up and to the left, for round things."""

    def shade(w: int, h: int) -> Image.Image:
        grad = Image.radial_gradient("L").resize((max(1, int(w * 1.7)), max(1, int(h * 1.7))))
        ox, oy = int(w * 0.85 - w * 0.36), int(h * 0.85 - h * 0.3)
        grad = grad.crop((ox, oy, ox + w, oy + h))
        return ImageOps.colorize(
            grad, black=lighter(c, 0.35), mid=c, white=darker(c, 0.4), midpoint=110
        )

    return shade


# -- smooth outlines ------------------------------------------------------------------


def smooth(points: Sequence[Point], closed: bool = False, steps: int = 10) -> list[Point]:
    """Catmull-Rom through the points, so recipes give a few knots, not hundreds."""
    pts = list(points)
    if len(pts) < 3:
        return pts
    ext = [pts[-1], *pts, pts[0], pts[1]] if closed else [pts[0], *pts, pts[-1]]
    out: list[Point] = []
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1], ext[i], ext[i + 1], ext[i + 2]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            x, y = (
                0.5
                * (
                    2 * p1[k]
                    + (-p0[k] + p2[k]) * t
                    + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                    + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                )
                for k in (0, 1)
            )
            out.append((x, y))
    if not closed:
        out.append(pts[-1])
    return out


def ellipse_points(
    cx: float, cy: float, rx: float, ry: float, a0: float = 0, a1: float = 360, n: int = 48
) -> list[Point]:
    """Points along an ellipse; angles in degrees, clockwise from 3 o'clock like Pillow."""
    return [
        (
            cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
            cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
        )
        for i in range(n + 1)
    ]


def box(cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
    return (cx - rx, cy - ry, cx + rx, cy + ry)


# -- the drawing surface ----------------------------------------------------------------


class Layer:
    """A transparent RGBA sheet that recipes address in design units."""

    def __init__(self, px: int) -> None:
        self.px = px
        self.k = px / UNITS
        self.img = Image.new("RGBA", (px, px), (0, 0, 0, 0))

    def mask(
        self,
        kind: str,
        geom: Sequence[Point] | Sequence[float],
        *,
        width: float = 0,
        radius: float = 0,
        start: float = 0,
        end: float = 360,
        blur: float = 0,
    ) -> Mask | None:
        """Rasterise one shape into a mask just big enough for it (keeps painting fast)."""
        k = self.k
        pts: list[Point]
        if kind in ("polygon", "line"):
            pts = [(float(x), float(y)) for x, y in geom]  # type: ignore[misc]
        else:
            x0, y0, x1, y1 = (float(v) for v in geom)  # type: ignore[arg-type]
            pts = [(min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1))]
        pad = width * k / 2 + blur * k * 3 + 2
        left = max(0, int(min(p[0] for p in pts) * k - pad))
        top = max(0, int(min(p[1] for p in pts) * k - pad))
        right = min(self.px, int(max(p[0] for p in pts) * k + pad) + 1)
        bottom = min(self.px, int(max(p[1] for p in pts) * k + pad) + 1)
        if right - left < 1 or bottom - top < 1:
            return None
        m = Image.new("L", (right - left, bottom - top), 0)
        d = ImageDraw.Draw(m)
        local = [(x * k - left, y * k - top) for x, y in pts]
        w = max(1, round(width * k))
        if kind == "ellipse":
            d.ellipse(local, fill=255)
        elif kind == "rect":
            d.rounded_rectangle(local, radius=radius * k, fill=255)
        elif kind == "polygon":
            d.polygon(local, fill=255)
        elif kind == "line":
            d.line(local, fill=255, width=w, joint="curve")
            for x, y in (local[0], local[-1]):  # round caps look like real tubes and straps
                d.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=255)
        elif kind == "arc":
            d.arc(local, start, end, fill=255, width=w)
        elif kind == "chord":
            d.chord(local, start, end, fill=255)
        else:
            raise ValueError(f"unknown shape {kind!r}")
        if blur:
            m = m.filter(ImageFilter.GaussianBlur(blur * k))
        return m, (left, top)

    def paint(
        self,
        kind: str,
        geom: Sequence[Point] | Sequence[float],
        fill: Fill,
        *,
        alpha: float = 1.0,
        clip: Mask | None = None,
        **shape: float,
    ) -> Mask | None:
        """Fill a shape with a colour or shader; returns its mask so later parts can clip."""
        made = self.mask(kind, geom, **shape)
        if made is None:
            return None
        m, (left, top) = made
        if clip is not None:
            cm, (cx, cy) = clip
            region = cm.crop((left - cx, top - cy, left - cx + m.width, top - cy + m.height))
            m = ImageChops.multiply(m, region)
        if alpha < 1:
            m = m.point(lambda v: int(v * alpha))
        tile = fill(m.width, m.height) if callable(fill) else Image.new("RGB", m.size, fill)
        tile = tile.convert("RGBA")
        tile.putalpha(m)
        self.img.alpha_composite(tile, (left, top))
        return made

    def rotated(self, angle: float, centre: Point, draw: Callable[[Layer], None]) -> None:
        """Draw upright on a scratch layer, then turn it: shading turns with the object."""
        scratch = Layer(self.px)
        draw(scratch)
        turned = scratch.img.rotate(
            angle,
            resample=Image.Resampling.BICUBIC,
            center=(centre[0] * self.k, centre[1] * self.k),
        )
        self.img.alpha_composite(turned)


# -- shared parts -----------------------------------------------------------------------


def glint(layer: Layer, geom: Sequence[float], alpha: float = 0.45, blur: float = 6) -> None:
    """A soft specular highlight; the cheapest way to make a shape read as glossy."""
    layer.paint("ellipse", geom, WHITE, alpha=alpha, blur=blur)


def lathe(
    layer: Layer,
    cx: float,
    profile: Sequence[tuple[float, float]],
    fill: Fill,
    *,
    alpha: float = 1.0,
    clip: Mask | None = None,
) -> Mask | None:
    """A turned silhouette (mug, vase, bottle) from (y, half-width) knots, top to bottom.

    The bottom is closed with half an ellipse so the object sits in perspective.
    """
    right = smooth([(cx + w, y) for y, w in profile], steps=8)
    y_end, w_end = profile[-1]
    base = ellipse_points(cx, y_end, w_end, w_end * TILT, 0, 180, 24)
    left = [(2 * cx - x, y) for x, y in reversed(right)]
    return layer.paint("polygon", right + base + left, fill, alpha=alpha, clip=clip)


def rim(
    layer: Layer, cx: float, y: float, rx: float, edge: RGB, inside: RGB, lip: float = 14
) -> None:
    """The open top of a vessel: a lit lip and a darker inside."""
    layer.paint("ellipse", box(cx, y, rx, rx * TILT), lighter(edge, 0.12))
    layer.paint(
        "ellipse",
        box(cx, y + lip * 0.15, rx - lip, (rx - lip) * TILT),
        vertical(darker(inside, 0.45), darker(inside, 0.1)),
    )


def tube(layer: Layer, points: Sequence[Point], width: float, c: RGB) -> None:
    """A round rod or strap: dark body with a thinner lit core offset toward the light."""
    layer.paint("line", points, darker(c, 0.15), width=width)
    core = [(x - width * 0.12, y - width * 0.12) for x, y in points]
    layer.paint("line", core, lighter(c, 0.18), width=width * 0.4, blur=width * 0.08)


def tube_arc(
    layer: Layer, geom: Sequence[float], a0: float, a1: float, width: float, c: RGB
) -> None:
    """A curved handle: same look as ``tube`` but along an ellipse."""
    x0, y0, x1, y1 = geom
    tube(
        layer,
        ellipse_points(
            (x0 + x1) / 2,
            (y0 + y1) / 2,
            (x1 - x0) / 2 - width / 2,
            (y1 - y0) / 2 - width / 2,
            a0,
            a1,
            40,
        ),
        width,
        c,
    )


def sweep(layer: Layer, path: Sequence[Point], w0: float, w1: float, fill: Fill) -> None:
    """A tapering tube along a curve (spouts, stems): offset the smoothed path both ways."""
    pts = smooth(path, steps=8)
    left: list[Point] = []
    right: list[Point] = []
    for i, (x, y) in enumerate(pts):
        nx, ny = pts[min(i + 1, len(pts) - 1)]
        px_, py_ = pts[max(i - 1, 0)]
        dx, dy = nx - px_, ny - py_
        norm = math.hypot(dx, dy) or 1
        half = (w0 + (w1 - w0) * i / (len(pts) - 1)) / 2
        left.append((x - dy / norm * half, y + dx / norm * half))
        right.append((x + dy / norm * half, y - dx / norm * half))
    layer.paint("polygon", left + right[::-1], fill)


def stitches(
    layer: Layer,
    points: Sequence[Point],
    c: RGB,
    width: float = 4,
    dash: float = 14,
    alpha: float = 0.8,
) -> None:
    """A dashed seam along a polyline: tiny detail that makes fabric read as sewn."""
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        n = max(1, int(length // (dash * 2)))
        for i in range(n):
            t0, t1 = i / n, (i + 0.5) / n
            layer.paint(
                "line",
                [
                    (x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0),
                    (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1),
                ],
                c,
                width=width,
                alpha=alpha,
            )


def leaf(layer: Layer, base: Point, angle: float, length: float, width: float, c: RGB) -> None:
    """A pointed leaf with a midrib; angle in degrees, 0 = pointing straight up."""
    a = math.radians(angle)
    ux, uy = math.sin(a), -math.cos(a)  # along the leaf
    vx, vy = -uy, ux  # across the leaf
    side1, side2 = [], []
    for i in range(13):
        t = i / 12
        half = width / 2 * math.sin(math.pi * t) ** 0.75 * (1.1 - 0.3 * t)
        x, y = base[0] + ux * length * t, base[1] + uy * length * t
        side1.append((x + vx * half, y + vy * half))
        side2.append((x - vx * half, y - vy * half))
    layer.paint("polygon", side1 + side2[::-1], across((0, lighter(c, 0.15)), (1, darker(c, 0.2))))
    tip = (base[0] + ux * length * 0.9, base[1] + uy * length * 0.9)
    layer.paint("line", [base, tip], darker(c, 0.3), width=max(2.0, width * 0.05), alpha=0.6)


@dataclass(frozen=True)
class Face:
    """A parallelogram face of a box, with (u, v) in 0..1 so decorations follow it."""

    origin: Point
    u: Point
    v: Point

    def at(self, s: float, t: float) -> Point:
        return (
            self.origin[0] + self.u[0] * s + self.v[0] * t,
            self.origin[1] + self.u[1] * s + self.v[1] * t,
        )

    def poly(self, uv: Iterable[Point]) -> list[Point]:
        return [self.at(s, t) for s, t in uv]

    def rect(self, s0: float, t0: float, s1: float, t1: float) -> list[Point]:
        return self.poly([(s0, t0), (s1, t0), (s1, t1), (s0, t1)])

    def dot(self, s: float, t: float, r: float) -> list[Point]:
        """A circle painted on the face (an ellipse once the face is skewed)."""
        return self.poly(
            (s + r * math.cos(a), t + r * math.sin(a))
            for a in (2 * math.pi * i / 24 for i in range(24))
        )


@dataclass(frozen=True)
class Block:
    front: Face
    top: Face
    side: Face


def block(
    layer: Layer,
    x: float,
    y: float,
    w: float,
    h: float,
    dx: float,
    dy: float,
    front: RGB,
    top: RGB | None = None,
    side: RGB | None = None,
) -> Block:
    """A box seen from the front-left and above: front face at (x, y, w, h), depth dx, dy."""
    top = top or front
    side = side or front
    f = Face((x, y), (w, 0), (0, h))
    t = Face((x + dx, y - dy), (w, 0), (-dx, dy))
    s = Face((x + w, y), (dx, -dy), (0, h))
    layer.paint("polygon", f.rect(0, 0, 1, 1), vertical(front, darker(front, 0.12)))
    layer.paint("polygon", t.rect(0, 0, 1, 1), vertical(lighter(top, 0.08), lighter(top, 0.22)))
    layer.paint("polygon", s.rect(0, 0, 1, 1), vertical(darker(side, 0.18), darker(side, 0.32)))
    return Block(f, t, s)


# -- recipes: one function per ``DemoProduct.art`` --------------------------------------
# Each takes (layer, main colour, accent colour, rng) and draws one object centred
# around x = 500 standing on roughly y = 800. Exact size does not matter: ``render``
# fits the visible object to the frame.

Recipe = Callable[[Layer, RGB, RGB, random.Random], None]


def draw_mug(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 480
    tube_arc(layer, (cx + 95, 470, cx + 265, 700), -80, 80, 44, a)  # handle behind body
    body = lathe(layer, cx, [(400, 160), (650, 160), (760, 152), (785, 140)], cylinder(a))
    # a "dipped" glaze line across the lower third, clipped to the body
    wave = [(cx - 170 + i * 20, 630 + 10 * math.sin(i * 0.9 + rng.random())) for i in range(18)]
    layer.paint("polygon", [*wave, (cx + 180, 830), (cx - 180, 830)], cylinder(b), clip=body)
    rim(layer, cx, 400, 160, a, a)
    glint(layer, (cx - 118, 440, cx - 88, 610), 0.35, 8)


def draw_teapot(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 500
    tube_arc(layer, (cx + 120, 470, cx + 320, 720), -95, 95, 40, a)
    sweep(
        layer,
        [(cx - 160, 700), (cx - 250, 660), (cx - 300, 580), (cx - 330, 500)],
        90,
        36,
        cylinder(a),
    )
    layer.paint("ellipse", box(cx - 330, 500, 20, 7), darker(a, 0.45))
    lathe(
        layer,
        cx,
        [(470, 150), (520, 205), (610, 228), (700, 212), (770, 160), (790, 125)],
        cylinder(a),
    )
    layer.paint("ellipse", box(cx, 470, 152, 26), darker(a, 0.2))
    layer.paint("chord", box(cx, 470, 125, 70), dome(lighter(a, 0.05)), start=180, end=360)
    layer.paint("ellipse", box(cx, 398, 30, 26), dome(b))
    layer.paint("arc", box(cx, 600, 226, 70), b, start=20, end=160, width=10)  # glaze band
    glint(layer, (cx - 150, 520, cx - 95, 660), 0.4, 10)


def draw_kettle(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 500
    sweep(
        layer,
        [(cx - 130, 720), (cx - 220, 690), (cx - 280, 610), (cx - 300, 540)],
        90,
        40,
        cylinder(a),
    )
    layer.paint("rect", box(cx - 300, 535, 26, 16), dome(b), radius=8)  # whistle cap
    lathe(layer, cx, [(440, 120), (500, 150), (620, 195), (730, 218), (790, 200)], cylinder(a))
    layer.paint("ellipse", box(cx, 440, 122, 24), darker(a, 0.15))
    layer.paint("chord", box(cx, 442, 100, 50), dome(a), start=180, end=360)
    layer.paint("ellipse", box(cx, 384, 26, 20), dome(b))
    tube(layer, [(cx - 118, 445), (cx - 150, 380)], 26, b)
    tube(layer, [(cx + 118, 445), (cx + 150, 380)], 26, b)
    tube_arc(layer, box(cx, 400, 175, 130), 195, 345, 44, b)
    glint(layer, (cx - 175, 520, cx - 120, 740), 0.5, 10)
    glint(layer, (cx + 95, 560, cx + 115, 720), 0.25, 6)


def _bowl(
    layer: Layer, cx: float, rim_y: float, rx: float, depth: float, outer: RGB, inner: RGB
) -> None:
    layer.paint(
        "ellipse", box(cx, rim_y + depth - 8, rx * 0.42, rx * 0.42 * TILT), darker(outer, 0.3)
    )  # foot ring
    layer.paint(
        "chord", (cx - rx, rim_y - depth, cx + rx, rim_y + depth), cylinder(outer), start=0, end=180
    )
    layer.paint("ellipse", box(cx, rim_y, rx, rx * TILT), lighter(outer, 0.25))
    layer.paint(
        "ellipse",
        box(cx, rim_y + 2, rx - 12, (rx - 12) * TILT),
        vertical(darker(inner, 0.3), lighter(inner, 0.1)),
    )
    glint(
        layer, (cx - rx * 0.75, rim_y + depth * 0.15, cx - rx * 0.5, rim_y + depth * 0.55), 0.3, 8
    )


def draw_bowl(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    _bowl(layer, 500, 560, 280, 200, a, b)


def draw_bowls(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    _bowl(layer, 450, 500, 240, 190, a, b)
    _bowl(layer, 660, 640, 165, 130, a, b)
    _bowl(layer, 330, 690, 115, 95, a, b)


def draw_lamp(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 430
    layer.paint("ellipse", box(cx + 205, 610, 120, 45), lighter(b, 0.5), alpha=0.3, blur=25)
    layer.paint("ellipse", box(cx, 800, 140, 34), darker(a, 0.35))
    layer.paint("ellipse", box(cx, 784, 140, 34), dome(a))
    tube(layer, [(cx - 10, 780), (cx - 60, 470)], 24, a)
    tube(layer, [(cx - 60, 470), (cx + 180, 330)], 22, a)
    layer.paint("ellipse", box(cx - 60, 470, 22, 22), dome(b))
    shade = [(cx + 160, 330), (cx + 240, 330), (cx + 330, 560), (cx + 80, 560)]
    layer.paint("polygon", smooth(shade, closed=True, steps=3), cylinder(a))
    layer.paint("ellipse", box(cx + 205, 560, 126, 30), lighter(b, 0.25))
    layer.paint("ellipse", box(cx + 205, 562, 80, 18), (255, 244, 214), blur=4)
    glint(layer, (cx + 140, 380, cx + 170, 520), 0.35, 6)


def draw_plant(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 500
    for i in range(9):
        angle = -75 + i * 150 / 8 + rng.uniform(-8, 8)
        length = rng.uniform(200, 330)
        a_rad = math.radians(angle)
        stem_end = (cx + math.sin(a_rad) * length * 0.55, 560 - math.cos(a_rad) * length * 0.55)
        layer.paint("line", [(cx, 570), stem_end], darker(a, 0.2), width=10)
        shade_t = rng.uniform(0, 0.25)
        leaf(
            layer,
            stem_end,
            angle + rng.uniform(-15, 15),
            length * 0.75,
            length * 0.55,
            darker(a, shade_t) if i % 2 else lighter(a, shade_t * 0.6),
        )
    lathe(layer, cx, [(560, 150), (790, 115)], cylinder(b))
    lathe(layer, cx, [(540, 165), (600, 163)], cylinder(lighter(b, 0.05)))
    layer.paint("ellipse", box(cx, 540, 165, 33), lighter(b, 0.2))
    layer.paint("ellipse", box(cx, 544, 150, 27), vertical((70, 50, 38), (96, 70, 52)))


def draw_candle(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 500
    jar = lathe(layer, cx, [(430, 150), (790, 150)], cylinder(b))
    layer.paint(
        "rect", (cx - 112, 545, cx + 112, 715), vertical(a, darker(a, 0.1)), radius=6, clip=jar
    )
    layer.paint("rect", (cx - 60, 595, cx + 60, 615), darker(b, 0.1), radius=8)  # "wordmark"
    layer.paint("rect", (cx - 40, 640, cx + 40, 650), darker(b, 0.05), radius=5, alpha=0.6)
    rim(layer, cx, 430, 150, lighter(b, 0.2), a, lip=18)
    layer.paint("line", [(cx, 432), (cx + 3, 400)], (60, 50, 45), width=6)
    layer.paint("ellipse", box(cx + 2, 360, 70, 90), (255, 196, 90), alpha=0.45, blur=22)
    flame = [(cx + 2, 300), (cx + 20, 360), (cx + 2, 398), (cx - 16, 360)]
    layer.paint(
        "polygon", smooth(flame, closed=True, steps=6), vertical((255, 245, 200), (255, 160, 50))
    )
    glint(layer, (cx - 120, 460, cx - 95, 760), 0.4, 8)


def draw_cushion(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    outline = smooth(
        [
            (250, 300),
            (500, 335),
            (750, 300),
            (720, 550),
            (755, 800),
            (500, 770),
            (245, 800),
            (280, 550),
        ],
        closed=True,
        steps=10,
    )
    body = layer.paint("polygon", outline, dome(a))
    for x in (600, 640, 680):  # woven accent stripes
        layer.paint(
            "rect", (x, 280, x + 18, 820), vertical(b, darker(b, 0.2)), clip=body, alpha=0.9
        )
    for corner in ((250, 300), (750, 300), (755, 800), (245, 800)):  # creases toward centre
        mid = ((corner[0] + 500) / 2, (corner[1] + 550) / 2)
        layer.paint("line", [corner, mid], darker(a, 0.3), width=18, blur=10, alpha=0.35, clip=body)
    layer.paint("line", [*outline, outline[0]], darker(a, 0.12), width=12)  # piping
    glint(layer, (330, 360, 480, 470), 0.25, 25)


def draw_vase(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 500
    stem = (88, 120, 70)
    sweep(layer, [(cx, 560), (cx - 10, 400), (cx + 20, 230), (cx + 60, 140)], 10, 6, stem)
    leaf(layer, (cx - 8, 380), -40, 120, 50, stem)
    leaf(layer, (cx + 10, 300), 35, 110, 45, stem)
    layer.paint("ellipse", box(cx + 62, 130, 34, 42), dome((236, 150, 140)))
    glass = lathe(
        layer,
        cx,
        [(360, 40), (420, 45), (480, 110), (600, 155), (720, 145), (790, 115)],
        cylinder(a),
        alpha=0.82,
    )
    for i in range(-7, 8):  # ribs: alternating light and dark lines across the glass
        x = cx + i * 20
        layer.paint(
            "line",
            [(x, 340), (x, 800)],
            darker(b, 0.1) if i % 2 else lighter(a, 0.4),
            width=5,
            alpha=0.35,
            clip=glass,
        )
    rim(layer, cx, 360, 42, lighter(a, 0.2), b, lip=8)
    glint(layer, (cx - 110, 520, cx - 85, 740), 0.5, 8)


def draw_headphones(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    tube_arc(layer, (250, 210, 750, 740), 180, 360, 50, a)
    layer.paint("arc", (282, 244, 718, 706), darker(b, 0.2), start=200, end=340, width=22)
    for side in (-1, 1):
        x = 500 + side * 232
        layer.paint(
            "rect",
            (x - 10, 440, x + 10, 560),
            across((0, darker(METAL, 0.2)), (0.4, lighter(METAL, 0.5)), (1, darker(METAL, 0.3))),
            radius=8,
        )
        pad_x = x - side * 40
        layer.paint("ellipse", box(pad_x, 650, 60, 115), dome(darker(a, 0.35)))
        layer.paint("ellipse", box(x + side * 10, 650, 85, 120), dome(a))
        layer.paint("arc", box(x + side * 10, 650, 60, 85), b, width=10)
        glint(layer, box(x + side * 10 - 30, 600, 18, 30), 0.35, 6)


def draw_earbuds(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    case = layer.paint("rect", (330, 500, 670, 790), cylinder(a), radius=120)
    layer.paint("line", [(330, 590), (670, 590)], darker(a, 0.25), width=4, clip=case)
    layer.paint("ellipse", box(500, 650, 9, 9), (80, 200, 120))
    glint(layer, (365, 540, 395, 720), 0.5, 8)
    for side in (-1, 1):
        head = (500 + side * 250, 640)
        tube(layer, [head, (head[0] + side * 30, 800)], 40, a)
        layer.paint("ellipse", box(head[0] - side * 38, head[1] + 4, 34, 30), dome(b))
        layer.paint("ellipse", box(*head, 60, 58), dome(a))
        layer.paint("ellipse", box(head[0] + side * 20, head[1] - 12, 14, 10), darker(b, 0.4))


def draw_speaker_pill(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    tube_arc(layer, (160, 520, 300, 700), 90, 270, 22, b)  # wrist strap loop
    body = layer.paint(
        "rect",
        (220, 440, 780, 790),
        down((0, lighter(a, 0.25)), (0.5, a), (1, darker(a, 0.35))),
        radius=170,
    )
    assert body is not None
    for row in range(11):  # fabric grille: a grid of small dark dots
        for col in range(24):
            x, y = 262 + col * 20 + (row % 2) * 10, 500 + row * 24
            layer.paint("ellipse", box(x, y, 4, 4), darker(a, 0.35), alpha=0.6, clip=body)
    layer.paint("rect", (400, 425, 600, 455), dome(b), radius=15)
    for x in (450, 500, 550):
        layer.paint("ellipse", box(x, 440, 8, 6), lighter(b, 0.5))
    layer.paint("rect", (300, 770, 700, 800), darker(b, 0.2), radius=14)  # rubber foot
    glint(layer, (300, 470, 600, 520), 0.35, 14)


def _driver(layer: Layer, c: Point, r: float, cone: RGB) -> None:
    """A speaker driver: surround ring, cone and dust cap."""
    layer.paint("ellipse", box(*c, r, r), darker(cone, 0.3))
    layer.paint("ellipse", box(*c, r * 0.86, r * 0.86), dome(lighter(cone, 0.15)))
    layer.paint("ellipse", box(*c, r * 0.3, r * 0.3), dome(lighter(cone, 0.3)))


def draw_speaker_box(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    for x0 in (160, 530):
        s = block(layer, x0, 330, 260, 430, 60, 45, b, a, a)
        for i in range(6):  # walnut grain on top and side
            t = 0.1 + i * 0.16
            layer.paint(
                "line",
                s.top.poly([(0.05, t), (0.95, t + 0.04)]),
                darker(a, 0.2),
                width=3,
                alpha=0.5,
            )
            layer.paint(
                "line",
                s.side.poly([(t, 0.05), (t + 0.05, 0.95)]),
                darker(a, 0.4),
                width=3,
                alpha=0.5,
            )
        _driver(layer, s.front.at(0.5, 0.27), 48, lighter(b, 0.1))
        _driver(layer, s.front.at(0.5, 0.65), 100, lighter(b, 0.1))
        glint(layer, (x0 + 20, 350, x0 + 60, 740), 0.12, 10)


def draw_backpack(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    tube_arc(layer, (440, 230, 560, 350), 180, 360, 22, darker(a, 0.2))
    outline = smooth(
        [(300, 790), (292, 500), (330, 345), (500, 290), (670, 345), (708, 500), (700, 790)],
        steps=10,
    )
    body = layer.paint("polygon", outline, cylinder(a))
    layer.paint("rect", (280, 745, 720, 820), darker(a, 0.35), clip=body, alpha=0.9)
    layer.paint("arc", (320, 320, 680, 650), darker(a, 0.45), start=198, end=342, width=7)
    layer.paint("rect", (342, 540, 658, 760), cylinder(darker(a, 0.1)), radius=60)
    stitches(layer, [(362, 600), (362, 740), (638, 740), (638, 600)], lighter(a, 0.35))
    layer.paint("line", [(372, 568), (628, 568)], darker(a, 0.5), width=7)
    for x in (398, 572):  # compression straps with buckles
        layer.paint("rect", (x, 380, x + 30, 620), vertical(b, darker(b, 0.2)), radius=6)
        layer.paint("rect", (x - 6, 470, x + 36, 500), (45, 45, 48), radius=6)
    layer.paint("rect", (580, 560, 596, 600), b, radius=6)  # zip pulls
    layer.paint("rect", (612, 340, 628, 382), b, radius=6)
    glint(layer, (330, 380, 360, 700), 0.25, 10)


def draw_tent(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    for x0, x1 in ((120, 270), (880, 730)):  # guy lines and pegs
        layer.paint("line", [(x1, 500), (x0, 780)], (120, 120, 120), width=3)
        layer.paint("line", [(x0, 760), (x0, 790)], (90, 90, 90), width=6)
    dome_box = (170, 320, 830, 1120)
    body = layer.paint("chord", dome_box, cylinder(a), start=180, end=360)
    for rx in (330, 180):  # poles
        layer.paint(
            "arc", box(500, 720, rx, 400), darker(a, 0.3), start=180, end=360, width=6, clip=body
        )
    layer.paint(
        "chord",
        box(500, 740, 130, 300),
        vertical(darker(b, 0.1), darker(b, 0.4)),
        start=180,
        end=360,
    )
    layer.paint("arc", box(500, 740, 130, 300), lighter(b, 0.3), start=270, end=360, width=5)
    layer.paint("line", [(372, 730), (380, 540)], lighter(a, 0.1), width=26)  # rolled door
    layer.paint("rect", (160, 712, 840, 730), darker(b, 0.2), radius=6)  # bathtub floor
    glint(layer, (250, 420, 330, 650), 0.25, 20)


def draw_lantern(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 500
    layer.paint("ellipse", box(cx, 560, 250, 250), b, alpha=0.35, blur=45)  # warm glow
    tube_arc(layer, box(cx, 360, 90, 110), 180, 360, 16, METAL)
    lathe(layer, cx, [(700, 118), (790, 128)], cylinder(a))
    lathe(layer, cx, [(440, 95), (700, 95)], cylinder(lighter(b, 0.45)))
    layer.paint("ellipse", box(cx, 570, 60, 110), (255, 250, 225), alpha=0.9, blur=20)
    for dx in (-62, 0, 62):  # cage bars
        layer.paint("line", [(cx + dx, 440), (cx + dx, 705)], darker(a, 0.2), width=10)
    lathe(layer, cx, [(370, 60), (405, 110), (445, 125)], cylinder(a))
    layer.paint("ellipse", box(cx, 360, 26, 12), dome(darker(a, 0.2)))
    layer.paint("ellipse", box(cx + 70, 750, 12, 10), b)  # power button
    glint(layer, (cx - 95, 470, cx - 75, 680), 0.5, 6)


def draw_bottle(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    cx = 500
    tube_arc(layer, box(cx, 215, 52, 52), 180, 360, 20, b)
    lathe(layer, cx, [(230, 85), (330, 92)], cylinder(b))
    layer.paint("ellipse", box(cx, 230, 85, 17), lighter(b, 0.2))
    lathe(layer, cx, [(330, 96), (350, 98)], cylinder(METAL))
    lathe(layer, cx, [(350, 100), (385, 120), (780, 122), (800, 112)], cylinder(a))
    layer.paint(
        "polygon",
        [(cx - 50, 560), (cx - 12, 500), (cx + 8, 530), (cx + 22, 512), (cx + 55, 560)],
        lighter(a, 0.35),
    )  # embossed mountain mark
    glint(layer, (cx - 88, 400, cx - 62, 760), 0.4, 8)


def draw_sneaker(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    sole_c = (246, 243, 236)
    profile = [
        (165, 700),
        (185, 652),
        (240, 622),
        (330, 597),
        (430, 566),
        (520, 526),
        (600, 482),
        (640, 470),
        (690, 486),
        (750, 490),
        (812, 462),
        (845, 498),
        (862, 600),
        (862, 700),
    ]
    upper = layer.paint(
        "polygon", smooth(profile, steps=6), vertical(lighter(a, 0.12), darker(a, 0.15))
    )
    layer.paint(
        "ellipse", (110, 600, 300, 800), vertical(sole_c, darker(sole_c, 0.1)), clip=upper
    )  # rubber toe cap
    layer.paint(
        "polygon",
        [(790, 440), (880, 440), (880, 700), (800, 700), (770, 560)],
        vertical(b, darker(b, 0.25)),
        clip=upper,
    )  # heel counter
    sweep(layer, [(400, 672), (540, 640), (690, 560)], 30, 14, b)  # side stripes
    sweep(layer, [(430, 694), (570, 664), (715, 592)], 12, 7, lighter(b, 0.25))
    layer.paint(
        "polygon",
        smooth([(560, 512), (580, 448), (620, 432), (650, 470)], closed=True, steps=4),
        lighter(a, 0.05),
    )  # tongue
    layer.paint(
        "line", smooth([(636, 474), (700, 488), (760, 488), (814, 464)]), darker(b, 0.45), width=18
    )  # padded collar edge
    for i in range(5):  # laces cross the throat; eyelets sit just below it
        t = i / 4
        x, y = 445 + t * 150, 562 - t * 80
        layer.paint("line", [(x - 22, y + 2), (x + 14, y + 30)], WHITE, width=11)
        layer.paint("ellipse", box(x + 16, y + 32, 7, 7), darker(a, 0.55))
    layer.paint("rect", (150, 690, 875, 782), vertical(sole_c, darker(sole_c, 0.14)), radius=42)
    layer.paint("line", [(165, 714), (860, 714)], b, width=8)  # foxing stripe
    layer.paint("rect", (160, 758, 865, 782), darker(sole_c, 0.3), radius=12)  # outsole
    glint(layer, (240, 625, 380, 655), 0.3, 10)


def draw_tshirt(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    neck_front = ellipse_points(500, 240, 90, 62, 0, 180, 16)  # right to left, dipping down
    shirt = [
        (590, 240),
        (680, 262),
        (845, 380),
        (775, 480),
        (690, 430),
        (685, 810),
        (315, 810),
        (310, 430),
        (225, 480),
        (155, 380),
        (320, 262),
        (410, 240),
        *neck_front[::-1][1:-1],
    ]
    # neck_front runs right -> left; reversed it runs left -> right along the neckline
    body = layer.paint("polygon", shirt, vertical(lighter(a, 0.06), darker(a, 0.08)))
    layer.paint(
        "polygon", ellipse_points(500, 240, 90, 14, 180, 360, 12) + neck_front, darker(a, 0.3)
    )  # the inside of the back, seen through the neck opening
    layer.paint("arc", box(500, 240, 92, 16), a, start=180, end=360, width=12)
    layer.paint("arc", box(500, 240, 92, 64), darker(a, 0.12), start=0, end=180, width=16)
    for path in ([(320, 440), (380, 620), (350, 800)], [(680, 440), (630, 640), (660, 800)]):
        layer.paint(
            "line", smooth(path), darker(a, 0.25), width=20, blur=12, alpha=0.4, clip=body
        )  # folds
    sun = layer.mask("ellipse", box(500, 480, 85, 85))
    assert sun is not None
    layer.paint("ellipse", box(500, 480, 85, 85), b)
    for i in range(4):  # retro sunset print: stripes cut into the lower half
        y = 490 + i * 18
        layer.paint("rect", (400, y, 600, y + 5 + i * 2), lighter(a, 0.06), clip=sun)
    stitches(layer, [(320, 790), (680, 790)], darker(a, 0.2))
    stitches(layer, [(165, 395), (232, 462)], darker(a, 0.2))
    stitches(layer, [(835, 395), (768, 462)], darker(a, 0.2))


def draw_cap(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    crown_box = (300, 340, 720, 760)
    crown = layer.paint("chord", crown_box, dome(a), start=180, end=360)
    for rx in (110, 40):  # panel seams
        layer.paint(
            "arc",
            box(530 - rx * 0.3, 550, rx, 210),
            darker(a, 0.25),
            start=180,
            end=360,
            width=4,
            clip=crown,
        )
    layer.paint("ellipse", box(510, 340, 22, 12), dome(darker(a, 0.1)))
    layer.paint("rect", (660, 520, 710, 560), BRASS, radius=6)  # strap buckle
    layer.paint("arc", (300, 340, 720, 760), darker(a, 0.3), start=180, end=360, width=6)
    brim = [(460, 540), (300, 542), (185, 556), (140, 582), (165, 606), (300, 602), (460, 574)]
    layer.paint(
        "polygon", smooth(brim, closed=True, steps=8), vertical(lighter(a, 0.1), darker(a, 0.3))
    )
    for inset in (12, 26):  # rows of stitching that follow the brim's edge
        layer.paint(
            "line",
            smooth(
                [
                    (440, 548 + inset * 0.4),
                    (300, 552 + inset * 0.5),
                    (190, 566 + inset * 0.6),
                    (160 + inset, 588),
                ]
            ),
            b,
            width=3,
            alpha=0.7,
        )
    glint(layer, (390, 400, 470, 450), 0.3, 12)


def draw_tote(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    tube_arc(layer, (370, 150, 630, 610), 180, 360, 28, darker(b, 0.25))
    outline = [(300, 380), (700, 380), (735, 800), (265, 800)]
    bag = layer.paint("polygon", outline, cylinder(a))
    layer.paint("rect", (250, 380, 750, 418), darker(a, 0.08), clip=bag)  # top hem
    layer.paint("polygon", [(250, 680), (750, 680), (750, 810), (250, 810)], cylinder(b), clip=bag)
    stitches(layer, [(304, 410), (696, 410)], darker(a, 0.3))
    stitches(layer, [(258, 688), (742, 688)], lighter(b, 0.4))
    tube_arc(layer, (350, 170, 650, 600), 180, 360, 30, b)
    for x in (355, 645):  # stitched boxes where the handles meet the bag
        layer.paint("rect", (x - 18, 385, x + 18, 440), b, radius=4)
        layer.paint("line", [(x - 12, 390), (x + 12, 435)], lighter(b, 0.4), width=3)
        layer.paint("line", [(x + 12, 390), (x - 12, 435)], lighter(b, 0.4), width=3)


def draw_notebook(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    paper = (246, 241, 228)
    nb = block(layer, 320, 250, 340, 530, 70, 48, a, paper, paper)
    for i in range(1, 9):  # page edges
        t = i / 9
        layer.paint("line", nb.side.poly([(t, 0.02), (t, 0.98)]), darker(paper, 0.12), width=2)
        layer.paint("line", nb.top.poly([(0.02, t), (0.98, t)]), darker(paper, 0.12), width=2)
    layer.paint("polygon", nb.front.rect(0.8, 0, 0.86, 1), vertical(b, darker(b, 0.2)))
    layer.paint("polygon", nb.front.rect(0.18, 0.16, 0.62, 0.3), lighter(a, 0.15), alpha=0.6)
    layer.paint("polygon", nb.front.rect(0, 0, 0.05, 1), darker(a, 0.2), alpha=0.6)  # spine
    glint(layer, (340, 270, 380, 520), 0.2, 12)


def _pen(
    layer: Layer, cx: float, top: float, bottom: float, r: float, body: RGB, trim: RGB, nib: RGB
) -> None:
    """An upright pen; callers rotate it with ``Layer.rotated``."""
    length = bottom - top
    grip = top + length * 0.78
    layer.paint(
        "polygon",
        [
            (cx - r * 0.7, grip),
            (cx + r * 0.7, grip),
            (cx + r * 0.2, bottom),
            (cx - r * 0.2, bottom),
        ],
        cylinder(nib),
    )
    layer.paint("line", [(cx, grip + 30), (cx, bottom - 8)], darker(nib, 0.5), width=2)
    layer.paint(
        "rect",
        (cx - r * 0.85, top + length * 0.66, cx + r * 0.85, grip),
        cylinder(trim),
        radius=r * 0.3,
    )
    layer.paint("rect", (cx - r, top, cx + r, top + length * 0.68), cylinder(body), radius=r)
    layer.paint(
        "rect", (cx - r, top + length * 0.36, cx + r, top + length * 0.39), cylinder(trim)
    )  # cap band
    layer.paint(
        "rect",
        (cx + r * 0.35, top + length * 0.05, cx + r * 0.75, top + length * 0.32),
        cylinder(trim),
        radius=r * 0.2,
    )  # clip


def draw_pen(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    layer.rotated(-50, (500, 500), lambda s: _pen(s, 500, 120, 880, 34, a, b, BRASS))


def draw_pens(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    colours = [a, b, (255, 190, 11), (131, 56, 236), (6, 200, 150)]

    def pen_in(colour: RGB) -> Callable[[Layer], None]:
        return lambda s: _pen(s, 500, 200, 860, 24, lighter(colour, 0.7), colour, METAL)

    for i, c in enumerate(colours):  # fanned out from the nibs
        layer.rotated((i - 2) * 9, (500, 860), pen_in(c))


def draw_boardgame(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    g = block(layer, 200, 560, 540, 110, 110, 270, a, a, a)
    lid = g.top
    layer.paint("polygon", lid.rect(0.03, 0.04, 0.97, 0.96), vertical(lighter(b, 0.35), b))
    for i, (base, amp, c) in enumerate([(0.62, 0.08, lighter(a, 0.2)), (0.75, 0.06, a)]):
        hill = [
            (s / 12 * 0.94 + 0.03, base + amp * math.sin(s / 12 * math.pi * 2 + i * 2))
            for s in range(13)
        ]
        layer.paint("polygon", lid.poly([*hill, (0.97, 0.96), (0.03, 0.96)]), c)
    layer.paint("polygon", lid.dot(0.72, 0.35, 0.09), lighter(b, 0.6))  # sun / moon
    layer.paint("polygon", lid.rect(0.2, 0.1, 0.8, 0.22), darker(a, 0.35))  # title banner
    layer.paint("polygon", g.front.rect(0, 0.4, 1, 0.6), b, alpha=0.8)
    for x, c in ((270, b), (330, lighter(a, 0.4))):  # two playing pieces in front
        layer.paint(
            "polygon",
            smooth(
                [(x - 28, 790), (x - 12, 730), (x + 12, 730), (x + 28, 790)], closed=True, steps=3
            ),
            cylinder(c),
        )
        layer.paint("ellipse", box(x, 720, 20, 20), dome(c))
    _cube(layer, 720, 740, 60, (250, 250, 245), darker(a, 0.3), 5)


def _cube(layer: Layer, x: float, bottom: float, s: float, c: RGB, pip: RGB, value: int) -> Block:
    """A small die or toy block sitting at (x, bottom); ``value`` pips on the front."""
    cube = block(layer, x, bottom - s, s, s, s * 0.45, s * 0.35, c)
    layouts = {
        1: [(0.5, 0.5)],
        2: [(0.28, 0.28), (0.72, 0.72)],
        3: [(0.25, 0.25), (0.5, 0.5), (0.75, 0.75)],
        4: [(0.28, 0.28), (0.72, 0.28), (0.28, 0.72), (0.72, 0.72)],
        5: [(0.26, 0.26), (0.74, 0.26), (0.5, 0.5), (0.26, 0.74), (0.74, 0.74)],
    }
    for face, n in ((cube.front, value), (cube.top, 1 + value % 5), (cube.side, 2 + value % 4)):
        for u, v in layouts[min(max(n, 1), 5)]:
            layer.paint("polygon", face.dot(u, v, 0.085), pip)
    return cube


def draw_dice(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    # a d20: hexagon silhouette with the facet lines that make it read as icosahedral
    cx, cy, r = 560, 490, 190
    hexagon = [
        (cx + r * math.cos(math.radians(90 + 60 * i)), cy - r * math.sin(math.radians(90 + 60 * i)))
        for i in range(6)
    ]
    tri = [(cx, cy - r * 0.55), (cx + r * 0.5, cy + r * 0.33), (cx - r * 0.5, cy + r * 0.33)]
    layer.paint("polygon", hexagon, dome(a))
    layer.paint("polygon", tri, dome(lighter(a, 0.15)))
    facets = [(0, 0), (1, 0), (1, 2), (2, 2), (3, 2), (3, 1), (4, 1), (5, 1), (5, 0)]
    for corner, vertex in facets:
        layer.paint("line", [hexagon[corner], tri[vertex]], lighter(a, 0.3), width=4, alpha=0.7)
    layer.paint("line", [*tri, tri[0]], lighter(a, 0.3), width=4, alpha=0.7)
    layer.paint("polygon", [(cx - 18, cy + 30), (cx, cy - 20), (cx + 18, cy + 30)], b)
    _cube(layer, 250, 800, 150, a, b, 5)
    # a d4: two visible faces of a pyramid
    apex, base_l, base_r, base_f = (750, 560), (660, 790), (860, 770), (770, 810)
    layer.paint("polygon", [apex, base_l, base_f], lighter(a, 0.1))
    layer.paint("polygon", [apex, base_f, base_r], darker(a, 0.25))
    layer.paint("ellipse", box(745, 730, 10, 10), b)
    glint(layer, (cx - 120, cy - 120, cx - 60, cy - 40), 0.4, 10)


def draw_blocks(layer: Layer, a: RGB, b: RGB, rng: random.Random) -> None:
    paints = [b, (225, 85, 84), (76, 175, 122), (245, 190, 60)]
    s = 170
    spots = [
        (250, 800),
        (250 + s, 800),
        (250 + s * 2, 800),
        (335, 800 - s),
        (335 + s, 800 - s),
        (420, 800 - 2 * s),
    ]
    for i, (x, bottom) in enumerate(spots):
        wood = a if i % 2 == 0 else lighter(a, 0.12)
        cube = block(layer, x, bottom - s, s, s, s * 0.3, s * 0.22, wood)
        painted = paints[i % len(paints)]
        if i % 3 == 0:
            layer.paint("polygon", cube.front.dot(0.5, 0.5, 0.3), painted)
        elif i % 3 == 1:
            layer.paint(
                "polygon", cube.front.poly([(0.5, 0.18), (0.82, 0.8), (0.18, 0.8)]), painted
            )
        else:
            layer.paint("polygon", cube.front.rect(0.2, 0.2, 0.8, 0.8), painted)
    # a loose cylinder block in front for variety
    lathe(layer, 880, [(720, 60), (830, 60)], cylinder(b))
    layer.paint("ellipse", box(880, 720, 60, 12), lighter(b, 0.2))


RECIPES: dict[str, Recipe] = {
    "mug": draw_mug,
    "teapot": draw_teapot,
    "kettle": draw_kettle,
    "bowl": draw_bowl,
    "bowls": draw_bowls,
    "lamp": draw_lamp,
    "plant": draw_plant,
    "candle": draw_candle,
    "cushion": draw_cushion,
    "vase": draw_vase,
    "headphones": draw_headphones,
    "earbuds": draw_earbuds,
    "speaker_pill": draw_speaker_pill,
    "speaker_box": draw_speaker_box,
    "backpack": draw_backpack,
    "tent": draw_tent,
    "lantern": draw_lantern,
    "bottle": draw_bottle,
    "sneaker": draw_sneaker,
    "tshirt": draw_tshirt,
    "cap": draw_cap,
    "tote": draw_tote,
    "notebook": draw_notebook,
    "pen": draw_pen,
    "pens": draw_pens,
    "boardgame": draw_boardgame,
    "dice": draw_dice,
    "blocks": draw_blocks,
}


# -- scenes -----------------------------------------------------------------------------


def _object(product: DemoProduct, px: int) -> Image.Image:
    """The product alone on a transparent layer (same in every view: it is one object)."""
    layer = Layer(px)
    a, b = (rgb(c) for c in product.palette)
    RECIPES[product.art](layer, a, b, random.Random(product.slug))
    return layer.img


def _solid_bbox(img: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box of the opaque parts, ignoring soft glows and highlights."""
    bbox = img.getchannel("A").point(lambda v: 255 if v > 110 else 0).getbbox()
    return bbox or (0, 0, img.width, img.height)


def _fit(
    obj: Image.Image,
    canvas: int,
    cx: float,
    bottom: float,
    max_w: float,
    max_h: float,
    mirror: bool = False,
) -> Image.Image:
    """Scale the object so its visible box fits max_w x max_h, centred on cx, on ``bottom``."""
    x0, y0, x1, y1 = _solid_bbox(obj)
    scale = min(max_w / (x1 - x0), max_h / (y1 - y0))
    pad = int(0.12 * obj.width)  # keep glows that spill past the solid box
    crop = obj.crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    if mirror:
        crop = ImageOps.mirror(crop)
    size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
    crop = crop.resize(size, Image.Resampling.LANCZOS)
    out = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    out.paste(crop, (round(cx - size[0] / 2), round(bottom - (y1 - y0 + pad) * scale)))
    return out


def _shadow(obj: Image.Image, strength: float = 1.0) -> Image.Image:
    """A floor shadow: tight dark contact ellipse plus a wide soft one, then a drop shadow."""
    px = obj.width
    x0, _, x1, y1 = _solid_bbox(obj)
    w = x1 - x0
    layer = Image.new("L", obj.size, 0)
    d = ImageDraw.Draw(layer)
    cx = (x0 + x1) / 2
    d.ellipse(box(cx, y1 - w * 0.01, w * 0.55, w * 0.07), fill=int(70 * strength))
    soft = layer.filter(ImageFilter.GaussianBlur(px * 0.025))
    d = ImageDraw.Draw(layer)
    d.ellipse(box(cx, y1 - w * 0.01, w * 0.42, w * 0.035), fill=int(150 * strength))
    tight = layer.filter(ImageFilter.GaussianBlur(px * 0.008))
    drop = obj.getchannel("A").point(lambda v: int(v * 0.16 * strength))
    drop = ImageChops.offset(drop, int(px * 0.012), int(px * 0.015))
    drop = drop.filter(ImageFilter.GaussianBlur(px * 0.02))
    alpha = ImageChops.lighter(ImageChops.lighter(soft, tight), drop)
    shadow = Image.new("RGBA", obj.size, (30, 24, 20, 0))
    shadow.putalpha(alpha)
    return shadow


def _gradient(size: tuple[int, int], *stops: tuple[float, RGB]) -> Image.Image:
    return down(*stops)(*size).convert("RGBA")


def _spot(img: Image.Image, geom: Sequence[float], colour: RGB, alpha: int, blur: float) -> None:
    """Soft light or tint patch on a backdrop (studio light pool, window light)."""
    m = Image.new("L", img.size, 0)
    ImageDraw.Draw(m).ellipse(geom, fill=alpha)
    m = m.filter(ImageFilter.GaussianBlur(blur))
    tint = Image.new("RGBA", img.size, colour)
    tint.putalpha(m)
    img.alpha_composite(tint)


def _tone(a: RGB, b: RGB) -> RGB:
    """A backdrop hue that contrasts with the object: very pale objects get their accent."""
    return a if luminance(a) < 0.72 else b


def _studio(px: int, tone: RGB, object_colour: RGB) -> Image.Image:
    """Seamless paper sweep: pale tint of the product colour, lighter toward the floor."""
    pale = luminance(object_colour) > 0.8  # white objects need a deeper backdrop to show
    top = mix(tone, WHITE, 0.62 if pale else 0.8)
    floor = mix(tone, WHITE, 0.78 if pale else 0.93)
    img = _gradient((px, px), (0, top), (0.6, mix(top, floor, 0.6)), (1, floor))
    _spot(img, (px * 0.15, px * 0.1, px * 0.85, px * 0.8), WHITE, 70, px * 0.12)
    return img


def _props(px: int, rng: random.Random) -> Image.Image:
    """A neutral supporting object for lifestyle shots: a small book stack or a sprig."""
    layer = Layer(px)
    if rng.random() < 0.5:
        colours = [(112, 128, 144), (214, 196, 170), (160, 90, 70)]
        rng.shuffle(colours)
        for i, c in enumerate(colours):
            y = 800 - (i + 1) * 70
            block(layer, 200 + i * 14, y, 520 - i * 40, 60, 120, 60, c, (244, 238, 226), c)
    else:
        stem = (98, 128, 82)
        sweep(layer, [(500, 600), (480, 400), (520, 220)], 10, 6, stem)
        for i in range(5):
            leaf(layer, (490 + (i % 2) * 12, 520 - i * 60), -50 if i % 2 else 45, 120, 55, stem)
        lathe(layer, 500, [(560, 70), (650, 120), (760, 110), (800, 80)], cylinder((226, 220, 210)))
        rim(layer, 500, 560, 70, (226, 220, 210), (180, 170, 160), lip=10)
    return layer.img


TABLES: tuple[tuple[RGB, RGB], ...] = (
    ((205, 160, 112), (176, 128, 84)),  # oak
    ((236, 232, 226), (214, 210, 204)),  # pale marble
    ((150, 106, 76), (120, 82, 56)),  # walnut
    ((196, 203, 186), (168, 176, 158)),  # sage linen
)


def _lifestyle(px: int, tone: RGB, rng: random.Random) -> Image.Image:
    """A wall, a table top with a little grain, and light falling from a window."""
    wall = mix(tone, (245, 238, 228), 0.8)
    near, far = TABLES[rng.randrange(len(TABLES))]
    horizon = int(px * 0.64)
    img = _gradient((px, px), (0, darker(wall, 0.06)), (0.64, wall), (0.64, far), (1, near))
    _spot(img, (px * 0.45, -px * 0.2, px * 1.3, px * 0.6), WHITE, 80, px * 0.08)
    grain = Image.new("L", (px, px), 0)
    d = ImageDraw.Draw(grain)
    for _ in range(7):
        y = rng.uniform(horizon + px * 0.03, px)
        d.line(
            [(0, y), (px, y + rng.uniform(-px * 0.02, px * 0.02))], fill=40, width=max(1, px // 300)
        )
    grain = grain.filter(ImageFilter.GaussianBlur(px * 0.003))
    tint = Image.new("RGBA", (px, px), darker(near, 0.25))
    tint.putalpha(grain)
    img.alpha_composite(tint)
    d = ImageDraw.Draw(img)  # the table's back edge catches the light
    d.line([(0, horizon), (px, horizon)], fill=(*lighter(far, 0.3), 255), width=max(1, px // 200))
    return img


def render(product: DemoProduct, view: int, size: int = PRODUCT_SIZE) -> Image.Image:
    """One product photo: 0 = studio front, 1 = close-up on the accent colour, 2 = lifestyle."""
    if view not in (0, 1, 2):
        raise ValueError("view must be 0, 1 or 2")
    px = size * SUPERSAMPLE
    rng = random.Random(f"{product.slug}:{view}")
    a, b = (rgb(c) for c in product.palette)
    obj = _object(product, px)
    if view == 0:
        scene = _studio(px, _tone(a, b), a)
        placed = _fit(obj, px, px * 0.5, px * 0.83, px * 0.68, px * 0.66)
        shadow = 1.0
    elif view == 1:
        accent = b if luminance(b) < 0.85 else mix(a, (120, 120, 120), 0.5)
        scene = _studio(px, accent, a)
        placed = _fit(obj, px, px * 0.5, px * 0.95, px * 0.88, px * 0.8, mirror=True)
        shadow = 0.8
    else:
        scene = _lifestyle(px, _tone(a, b), rng)
        prop = _fit(_props(px, rng), px, px * 0.2, px * 0.74, px * 0.26, px * 0.24)
        scene.alpha_composite(_shadow(prop, 0.7))
        scene.alpha_composite(prop.filter(ImageFilter.GaussianBlur(px * 0.004)))  # soft focus
        placed = _fit(obj, px, px * 0.58, px * 0.86, px * 0.56, px * 0.55)
        shadow = 1.0
    scene.alpha_composite(_shadow(placed, shadow))
    scene.alpha_composite(placed)
    return scene.convert("RGB").resize((size, size), Image.Resampling.LANCZOS)


def render_category_banner(category: DemoCategory) -> Image.Image:
    """A 1200 x 400 tile: gradient in the category's colours and three of its products."""
    width, height = BANNER_SIZE
    ss_w, ss_h = width * SUPERSAMPLE, height * SUPERSAMPLE
    members = [p for p in PRODUCTS if p.category == category.slug]
    a = rgb(members[0].palette[0]) if members else (180, 180, 180)
    b = rgb(members[1].palette[0]) if len(members) > 1 else a
    img = across((0, mix(a, WHITE, 0.55)), (1, mix(b, WHITE, 0.8)))(ss_w, ss_h).convert("RGBA")
    rng = random.Random(category.slug)
    for _ in range(9):  # soft confetti circles, so empty space is not dead space
        r = rng.uniform(0.03, 0.12) * ss_h * 2
        x, y = rng.uniform(0, ss_w), rng.uniform(0, ss_h)
        _spot(img, (x - r, y - r, x + r, y + r), WHITE, rng.randint(40, 90), r * 0.15)
    # prefer products drawn by different recipes, so a tile never shows three lookalikes
    first_of_art: dict[str, DemoProduct] = {}
    for member in members:
        first_of_art.setdefault(member.art, member)
    distinct = list(first_of_art.values())
    showcase = (distinct + [p for p in members if p not in distinct])[:3]
    # objects sit on the right so the left side stays free for a heading over the image
    for i, product in enumerate(showcase):
        obj = _object(product, ss_h)
        placed = _fit(obj, ss_h, ss_h * 0.5, ss_h * 0.86, ss_h * 0.62, ss_h * 0.62)
        tile = Image.new("RGBA", (ss_w, ss_h), (0, 0, 0, 0))
        offset = int(ss_w * (0.42 + i * 0.19) - ss_h * 0.5)
        tile.paste(_shadow(placed, 0.9), (offset, 0))
        img.alpha_composite(tile)
        tile = Image.new("RGBA", (ss_w, ss_h), (0, 0, 0, 0))
        tile.paste(placed, (offset, 0))
        img.alpha_composite(tile)
    return img.convert("RGB").resize(BANNER_SIZE, Image.Resampling.LANCZOS)


# -- command line -----------------------------------------------------------------------


def _save(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "WEBP", quality=WEBP_QUALITY, method=6)
    if path.parent.name == "products":  # cards fetch the small one (srcset)
        small = path.with_name(path.stem + SMALL_SUFFIX)
        small.write_bytes(small_variant(path.read_bytes()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the demo catalog's images.")
    parser.add_argument("--force", action="store_true", help="redraw files that exist")
    parser.add_argument("--out", type=Path, default=ASSETS, help="assets directory")
    args = parser.parse_args(argv)
    written = 0
    for product in PRODUCTS:
        for view in range(3):
            path = args.out / "products" / f"{product.slug}-{view}.webp"
            if args.force or not path.exists():
                _save(render(product, view), path)
                written += 1
    for category in CATEGORIES:
        path = args.out / "categories" / f"{category.slug}.webp"
        if args.force or not path.exists():
            _save(render_category_banner(category), path)
            written += 1
    print(f"wrote {written} images under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
