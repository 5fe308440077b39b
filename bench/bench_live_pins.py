"""How fast a host's pin reaches every viewer of a live session, in real browsers.

    python bench/bench_live_pins.py --url http://localhost:3000 --viewers 8 --pins 10

Needs a running app with the demo sign-in (`make run`) and Chromium. Alice (a demo host) goes
live with a new session; guests watch it in separate browser contexts; each viewer page stamps
the moment its pinned card changes (MutationObserver, wall clock), the host stamps its click.
Prints one JSON line: viewers, pins, p50/p95/max milliseconds from click to card, over every
(viewer, pin).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.people_helpers import sign_in

WATCH_PINS = """
() => {
  window.__pins = [];
  const seen = () => {
    const el = document.querySelector('[data-testid=pinned-title]');
    const text = el ? el.textContent : '';
    const last = window.__pins.length ? window.__pins[window.__pins.length - 1][0] : null;
    if (text && text !== last) window.__pins.push([text, Date.now()]);
  };
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true,
                                                     characterData: true});
}
"""


def _new_session(host: Page) -> str:
    host.goto("/live/new")
    host.get_by_label("Title").fill(f"Pin bench {int(time.time())}")
    host.get_by_role("checkbox", name=re.compile("^Harbor Stoneware Mug")).check()
    host.get_by_role("checkbox", name=re.compile("^Arc Desk Lamp")).check()
    host.get_by_role("button", name="Schedule session").click()
    expect(host).to_have_url(re.compile(r"/live/\d+$"))
    host.get_by_role("button", name="Go live").click()
    expect(host.get_by_text("LIVE", exact=True)).to_be_visible()
    return "/live/" + host.url.rsplit("/", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:3000")
    parser.add_argument("--viewers", type=int, default=8)
    parser.add_argument("--pins", type=int, default=10)
    args = parser.parse_args()
    latencies: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        host = browser.new_context(base_url=args.url).new_page()
        host.set_default_timeout(30_000)
        sign_in(host, "Alice", "/live")
        path = _new_session(host)
        viewers = []
        for _ in range(args.viewers):
            page = browser.new_context(base_url=args.url).new_page()
            page.set_default_timeout(30_000)
            page.goto(path)
            expect(page.get_by_text("LIVE", exact=True)).to_be_visible()
            page.evaluate(WATCH_PINS)
            viewers.append(page)
        products = ["Harbor Stoneware Mug", "Arc Desk Lamp"]
        for index in range(args.pins):
            title = products[index % 2]
            clicked = host.evaluate("() => Date.now()")
            host.get_by_role("button", name=f"Pin {title}", exact=True).click()
            for page in viewers:
                expect(page.get_by_test_id("pinned-title")).to_have_text(title)
                stamps = page.evaluate("() => window.__pins")
                latencies.append(stamps[-1][1] - clicked)
            time.sleep(0.3)
        browser.close()
    latencies.sort()
    print(
        json.dumps(
            {
                "viewers": args.viewers,
                "pins": args.pins,
                "p50_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
                "max_ms": round(latencies[-1], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
