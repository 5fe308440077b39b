"""A short demo "stream": an MP4 made from the demo product images, so a live session plays a
real video offline. Made at seed time with the ffmpeg binary that the imageio-ffmpeg wheel
ships (no download at run time); without it, sessions show their cover as a poster instead.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

WIDTH, HEIGHT, FPS = 640, 360, 24
SECONDS_PER_PICTURE = 2.5
DEMO_STREAM_PATH = "/live/demo-stream.mp4"  # as the browser sees it (under assets/)


def _frames(pictures: list[Path]):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=26)
    small = ImageFont.load_default(size=16)
    per_picture = int(SECONDS_PER_PICTURE * FPS)
    for index, picture in enumerate(pictures):
        with Image.open(picture) as source:
            base = source.convert("RGB")
        side = min(base.size)
        base = base.crop((0, 0, side, side))
        for step in range(per_picture):
            # A slow zoom into the picture, letterboxed on a warm background.
            zoom = 1.0 + 0.08 * step / per_picture
            size = int(HEIGHT * zoom)
            frame = Image.new("RGB", (WIDTH, HEIGHT), (38, 28, 26))
            tile = base.resize((size, size))
            frame.paste(tile, ((WIDTH - size) // 2, (HEIGHT - size) // 2))
            draw = ImageDraw.Draw(frame)
            # Top right: the page puts its own badges top left.
            if (step // (FPS // 2)) % 2 == 0:  # the "on air" dot blinks twice a second
                draw.ellipse((WIDTH - 190, 20, WIDTH - 172, 38), fill=(229, 77, 46))
            draw.text((WIDTH - 162, 14), "LIVE DEMO", font=font, fill=(255, 255, 255))
            draw.text((20, HEIGHT - 34), f"Bandwagon demo stream · {index + 1}/{len(pictures)}",
                      font=small, fill=(255, 255, 255))  # fmt: skip
            yield frame.tobytes()


def make_demo_stream(assets_dir: Path, pictures: list[Path]) -> str:
    """Write assets/live/demo-stream.mp4 once; return its site path, or "" when no encoder
    is installed (or it failed: the demo then shows posters)."""
    target = assets_dir / DEMO_STREAM_PATH.lstrip("/")
    if target.exists() and target.stat().st_size > 0:
        return DEMO_STREAM_PATH
    pictures = [p for p in pictures if p.exists()]
    if not pictures:
        return ""
    try:
        import imageio_ffmpeg
    except ImportError:
        return ""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part.mp4")
    try:
        writer = imageio_ffmpeg.write_frames(
            str(partial),
            (WIDTH, HEIGHT),
            fps=FPS,
            codec="libx264",
            pix_fmt_out="yuv420p",
            quality=5,
            macro_block_size=8,
            output_params=["-movflags", "+faststart", "-profile:v", "baseline"],
            ffmpeg_log_level="error",
        )
        writer.send(None)
        for frame in _frames(pictures):
            writer.send(frame)
        writer.close()
        partial.replace(target)
    except Exception:
        log.exception("could not make the demo stream; sessions will show posters")
        partial.unlink(missing_ok=True)
        return ""
    return DEMO_STREAM_PATH
