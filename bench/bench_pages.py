"""How fast the shop's pages paint, and whether they jump: Lighthouse against a production build.

    .venv/bin/python bench/bench_pages.py [--runs 3] [--pages home,catalog] [--presets mobile]
    .venv/bin/python bench/bench_pages.py --url http://localhost:3000   # an app already running

Starts the app as `make run` does (production build, one port) on a free port with a fresh
SQLite file and the demo shop, plus one shared cart for its invite page, and runs Lighthouse 12
(tools/lighthouse, Debian's Chromium) `runs` times per page and preset. The floor is a blank
Reflex page of the same build (`/_floor`, compiled only when BANDWAGON_FLOOR_PAGE is set, as
here): whatever a page costs beyond it is the page's own. Prints a table of medians, then as
its last line one JSON object: per preset, `perf` (the median score of the worst page), `cls`
and `lcp_ms` (the worst page's medians), `floor_lcp_ms`, and every page's medians; for the
first preset also `ws_state_ms`, the time from navigating to the websocket's first state
(unthrottled, one Playwright load: where a page waits for its data after the first paint).

Targets (issue 19): desktop perf >= 0.95 on every page, mobile >= 0.9, CLS <= 0.05, LCP within
1.3x of the floor's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.launcher.processes import ProcessGroup, free_port, wait_for_http  # noqa: E402

LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = ("home", "catalog", "product", "deal", "live", "cart")
FLOOR = "floor"
LIGHTHOUSE_ATTEMPTS = 3


def page_paths(data_dir: Path) -> dict[str, str]:
    """Each measured page's path in the demo shop (the first deal and live session, and a
    shared cart made here for its invite link)."""
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    from sqlmodel import col, select

    from app.adapters.db.models_carts import Cart
    from app.adapters.db.models_deals import Deal
    from app.adapters.db.models_live import LiveSession
    from app.adapters.db.models_people import User
    from app.services import carts
    from app.services.context import app_context

    ctx = app_context()
    with ctx.session() as session:
        deal_id = session.exec(select(Deal.id).order_by(col(Deal.id))).first()
        live_id = session.exec(select(LiveSession.id).order_by(col(LiveSession.id))).first()
        owner = session.exec(select(User.id).order_by(col(User.id))).first()
    if owner is None:
        raise SystemExit("the demo shop has no users: was it seeded?")
    cart_id = carts.start_shared_cart(ctx, owner, "Weekend picnic")
    with ctx.session() as session:
        code = session.exec(select(Cart.invite_code).where(Cart.id == cart_id)).one()
    return {
        "home": "/",
        "catalog": "/catalog",
        "product": "/product/harbor-stoneware-mug",
        "deal": f"/deals/{deal_id}",
        "live": f"/live/{live_id}",
        "cart": f"/cart/join/{code}",
        FLOOR: "/_floor",
    }


@contextmanager
def production_app(data_dir: Path) -> Iterator[str]:
    """The app as `make run` starts it, on a free port; its URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "FRONTEND_PORT": str(port),
        "APP_ENV": "test",
        "BANDWAGON_FLOOR_PAGE": "1",
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
    }
    env.pop("DATABASE_URL", None)
    log = data_dir / "app.log"
    with ProcessGroup() as group:
        server = group.start(
            [sys.executable, "-m", "app.launcher", "--port", str(port)],
            env=env,
            cwd=ROOT,
            log=log,
        )
        url = f"http://localhost:{port}"
        print(f"building and starting the app on {url} (log: {log})…", flush=True)
        wait_for_http(f"{url}/ping", timeout=900, process=server)
        wait_for_http(url, timeout=120, process=server)
        yield url


def lighthouse(url: str, preset: str, out: Path) -> dict[str, float]:
    """One Lighthouse run; the figures we report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--max-wait-for-load=45000",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # On a loaded machine Lighthouse now and then loses the trace (NO_NAVSTART): run it again.
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        try:
            subprocess.run(command, check=True, env=env, timeout=240)
            break
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if attempt == LIGHTHOUSE_ATTEMPTS:
                raise
            print(f"  Lighthouse failed on {url}: again ({attempt}/{LIGHTHOUSE_ATTEMPTS})")
    report = json.loads(out.read_text())
    audits, categories = report["audits"], report["categories"]
    return {
        "perf": categories["performance"]["score"] or 0.0,
        "a11y": categories["accessibility"]["score"] or 0.0,
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
    }


def first_state_ms(url: str) -> float | None:
    """Milliseconds from starting the navigation to the first state the websocket delivers
    (the page's data), without throttling: where Reflex's pages wait after their first paint."""
    import time

    from playwright.sync_api import WebSocket, sync_playwright

    arrived: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()

        def watch(socket: WebSocket) -> None:
            def on_frame(payload: str | bytes) -> None:
                text = payload if isinstance(payload, str) else payload.decode(errors="ignore")
                if not arrived and '"delta"' in text:
                    arrived.append(time.perf_counter())

            socket.on("framereceived", on_frame)

        page.on("websocket", watch)
        started = time.perf_counter()
        page.goto(url, wait_until="load")
        deadline = started + 30
        while not arrived and time.perf_counter() < deadline:
            page.wait_for_timeout(20)
        browser.close()
    return round((arrived[0] - started) * 1000, 1) if arrived else None


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}


def measure(
    url: str, paths: dict[str, str], pages: list[str], presets: list[str], runs: int, work: Path
) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    for preset in presets:
        results[preset] = {}
        for page in [*pages, FLOOR]:
            figures = []
            for run in range(runs):
                out = work / f"{preset}-{page}-{run}.json"
                figures.append(lighthouse(url + paths[page], preset, out))
            results[preset][page] = medians(figures)
            if preset == presets[0]:
                ws_ms = first_state_ms(url + paths[page])
                results[preset][page]["ws_state_ms"] = ws_ms if ws_ms is not None else -1.0
            shown = " ".join(f"{k}={v}" for k, v in results[preset][page].items())
            print(f"  {preset:7} {page:8} {shown}", flush=True)
    return results


def summary(results: dict[str, dict[str, dict[str, float]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for preset, pages in results.items():
        measured = {name: figures for name, figures in pages.items() if name != FLOOR}
        out[preset] = {
            "perf": min(f["perf"] for f in measured.values()),
            "cls": max(f["cls"] for f in measured.values()),
            "lcp_ms": max(f["lcp_ms"] for f in measured.values()),
            "floor_lcp_ms": pages[FLOOR]["lcp_ms"],
            "a11y": min(f["a11y"] for f in measured.values()),
            "pages": measured,
        }
    return out


def print_table(results: dict[str, dict[str, dict[str, float]]]) -> None:
    header = f"{'preset':8} {'page':8} {'perf':>5} {'a11y':>5} {'FCP ms':>7} {'LCP ms':>7}"
    header += f" {'CLS':>6} {'TBT ms':>7} {'WS state ms':>11}"
    print(header)
    for preset, pages in results.items():
        for page, f in pages.items():
            print(
                f"{preset:8} {page:8} {f['perf']:5.2f} {f['a11y']:5.2f} {f['fcp_ms']:7.0f} "
                f"{f['lcp_ms']:7.0f} {f['cls']:6.3f} {f['tbt_ms']:7.0f} "
                + (f"{f['ws_state_ms']:11.0f}" if "ws_state_ms" in f else "")
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help="of " + ",".join(PAGES))
    parser.add_argument("--presets", default="desktop,mobile")
    parser.add_argument("--url", help="measure an app already running (with its DATA_DIR)")
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: npm ci --prefix tools/lighthouse", file=sys.stderr)
        return 2
    presets = [p for p in args.presets.split(",") if p]
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        if args.url:
            data_dir = Path(os.environ.get("DATA_DIR") or ROOT / "data")
            results = measure(
                args.url.rstrip("/"), page_paths(data_dir), pages, presets, args.runs, work
            )
        else:
            data_dir = work / "data"
            data_dir.mkdir()
            with production_app(data_dir) as url:
                paths = page_paths(data_dir)
                results = measure(url, paths, pages, presets, args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(results)
    print(json.dumps(summary(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
