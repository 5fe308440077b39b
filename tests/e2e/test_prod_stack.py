"""Through nginx, as in production: two shoppers keep editing one shared cart while one of the
two backend workers is killed (SIGKILL) and started again by the supervisor."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from app.adapters.db.session import make_engine
from app.services import carts
from bench.bench_carts import build_carts
from tests.e2e.conftest import ARTIFACTS, VIEWPORTS, screenshot
from tests.support.cluster import Cluster
from tests.support.databases import fresh_postgres
from tests.support.stack import PrivateRedis, Stack, http_get, running_stack, stack_environment

pytestmark = pytest.mark.e2e

LIVE = 15_000  # ms: a change made in one browser must show in the other within this
PRODUCT = "Bench Mug"  # what build_carts puts in every member's line


@pytest.fixture(scope="module")
def prod_stack(
    postgres_server: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Stack, Cluster]]:
    redis_server = PrivateRedis()
    redis_server.start()
    folder = tmp_path_factory.mktemp("prod-e2e")
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with fresh_postgres("bandwagon_prod_e2e") as database:
            env = stack_environment(database, redis_server.url, folder / "data")
            with running_stack(env, ARTIFACTS / "prod-stack.log", workers=2) as stack:
                engine = make_engine(database)
                yield stack, Cluster(database, [stack.url], engine, folder)
                engine.dispose()
    finally:
        redis_server.stop()


def _signed_in(browser: Browser, stack: Stack, cookie: str) -> Page:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], base_url=stack.url)  # type: ignore[arg-type]
    name, value = cookie.split("=", 1)
    context.add_cookies([{"name": name, "value": value, "url": stack.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def _quantity(page: Page, added_by: str):  # type: ignore[no-untyped-def]
    line = page.get_by_test_id("cart-line").filter(has_text=f"added by {added_by}")
    return line.get_by_test_id("line-quantity")


def _shown(count: int) -> re.Pattern[str]:
    return re.compile(rf"^(× )?{count}$")


def test_two_shoppers_keep_editing_while_a_worker_is_killed_and_restarted(
    browser: Browser, prod_stack: tuple[Stack, Cluster], request: pytest.FixtureRequest
) -> None:
    stack, shop = prod_stack
    first, second = build_carts(shop, count=1, size=2)[0]
    cart_id = first.cart_id
    pages = [_signed_in(browser, stack, m.shopper.cookie) for m in (first, second)]
    names = [first.shopper.name, second.shopper.name]
    counts = [1, 1]
    try:
        for page in pages:
            page.goto(f"/cart/{cart_id}")
            expect(_quantity(page, "you")).to_have_text(_shown(1), timeout=LIVE)

        def edit(who: int) -> None:
            """One more of their own line; both shoppers see the new quantity."""
            pages[who].get_by_role("button", name=f"One more {PRODUCT}").click()
            counts[who] += 1
            expect(_quantity(pages[who], "you")).to_have_text(_shown(counts[who]), timeout=LIVE)
            other = pages[1 - who]
            expect(_quantity(other, names[who])).to_have_text(_shown(counts[who]), timeout=LIVE)

        def a_round() -> None:
            edit(0)
            edit(1)

        a_round()
        port, pid = sorted(stack.workers().items())[0]
        os.killpg(pid, signal.SIGKILL)  # the worker: Granian's main process and its server
        killed_at = time.monotonic()
        # An edit sent in the very moment of the kill dies with the worker (a person would see
        # nothing happen and click again); the pages learn of it from nginx within milliseconds.
        time.sleep(0.5)
        # While the worker is down and being started again: the shopper whose page was on it
        # reconnects through nginx to the other worker; nobody's edit goes missing.
        for _ in range(2):
            a_round()
        deadline = killed_at + 30
        while stack.workers().get(port) in (None, pid) or not _answers(port):
            assert time.monotonic() < deadline, "the killed worker did not come back"
            time.sleep(0.2)
        a_round()  # and with both workers up again
        screenshot(pages[0], request, "shared-cart-after-worker-restart")

        with shop.session() as session:
            view = carts.load_cart(session, cart_id, first.shopper.user_id)
        by_adder = {line.added_by_id: line.quantity for line in view.lines}
        assert by_adder == {first.shopper.user_id: counts[0], second.shopper.user_id: counts[1]}
        assert counts == [5, 5]
    finally:
        for page in pages:
            page.context.close()
    assert "exited (code -9)" in stack.output()


def _answers(port: int) -> bool:
    try:
        return http_get(f"http://127.0.0.1:{port}/healthz", timeout=1)[0] == 200
    except OSError:
        return False
