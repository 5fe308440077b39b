"""The chart of `make bench-prod`: p99 per action and throughput for each worker count.

matplotlib when it is installed; otherwise a plain bar chart drawn with Pillow (a dependency of
the app already), so the bench never needs a plotting library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

COLOURS = ["#d13415", "#2b6cb0", "#2f855a", "#805ad5"]


def draw_chart(results: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        _pillow(results, path)
        return
    actions = list(results[0]["actions"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    width = 0.8 / len(results)
    for i, result in enumerate(results):
        xs = [a + i * width for a in range(len(actions))]
        p99 = [result["actions"][name]["p99_ms"] for name in actions]
        left.bar(xs, p99, width, label=f"{result['workers']} worker(s)", color=COLOURS[i % 4])
    left.set_xticks([a + width * (len(results) - 1) / 2 for a in range(len(actions))], actions)
    left.set_ylabel("p99 latency (ms)")
    left.legend()
    workers = [str(r["workers"]) for r in results]
    right.bar(workers, [r["rps"] for r in results], color=COLOURS[1])
    right.set_xlabel("workers")
    right.set_ylabel("actions per second")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pillow(results: list[dict[str, Any]], path: Path) -> None:
    actions = list(results[0]["actions"])
    width, height, top, bottom, left = 980, 460, 50, 60, 70
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((left, 12), "p99 latency per action (ms), by worker count; actions/s on the right",
              fill="black")  # fmt: skip
    chart_width = 640
    highest = max(
        [r["actions"][a]["p99_ms"] for r in results for a in actions if r["actions"][a]["count"]]
        + [1.0]
    )
    plot_h = height - top - bottom
    draw.line((left, top, left, height - bottom, left + chart_width, height - bottom), "black")
    for tick in range(5):
        value = highest * tick / 4
        y = height - bottom - plot_h * tick / 4
        draw.text((8, y - 6), f"{value:.0f}", fill="black")
        draw.line((left - 4, y, left, y), "black")
    group_w = chart_width / len(actions)
    bar_w = group_w * 0.8 / len(results)
    for g, action in enumerate(actions):
        x0 = left + g * group_w + group_w * 0.1
        for i, result in enumerate(results):
            value = result["actions"][action]["p99_ms"]
            value = 0.0 if value != value else value  # NaN: nothing done
            h = plot_h * value / highest
            x = x0 + i * bar_w
            draw.rectangle((x, height - bottom - h, x + bar_w - 2, height - bottom),
                           fill=COLOURS[i % 4])  # fmt: skip
        draw.text((x0, height - bottom + 8), action, fill="black")
    # Throughput bars.
    rx0 = left + chart_width + 60
    most = max([r["rps"] for r in results] + [1.0])
    draw.line((rx0, top, rx0, height - bottom, width - 20, height - bottom), "black")
    for i, result in enumerate(results):
        h = plot_h * result["rps"] / most
        x = rx0 + 10 + i * 60
        draw.rectangle((x, height - bottom - h, x + 40, height - bottom), fill=COLOURS[i % 4])
        draw.text((x, height - bottom - h - 14), f"{result['rps']}", fill="black")
        draw.text((x, height - bottom + 8), f"{result['workers']}w", fill="black")
    for i, result in enumerate(results):
        draw.rectangle((left + i * 130, height - 22, left + i * 130 + 12, height - 10),
                       fill=COLOURS[i % 4])  # fmt: skip
        draw.text(
            (left + i * 130 + 18, height - 22), f"{result['workers']} worker(s)", fill="black"
        )
    image.save(path)
