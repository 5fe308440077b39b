"""The real app, started once per test session, and a real Chromium to look at it."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from app.config import PROJECT_ROOT
from app.launcher.processes import ProcessGroup, free_port, wait_for_http

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
    "narrow": {"width": 320, "height": 640},  # the smallest phones still sold
}


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app-data")


@pytest.fixture(scope="session")
def app_database(app_data_dir: Path) -> str:
    """The SQLite file the app under test uses, for checks a user cannot see."""
    return f"sqlite:///{app_data_dir / 'shop.db'}"


@pytest.fixture(scope="session")
def app_url(app_data_dir: Path) -> Iterator[str]:
    """The whole app as `make run` starts it, on a free port with its own SQLite file."""
    data_dir = app_data_dir
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "FRONTEND_PORT": str(port),
        "APP_ENV": "test",
    }
    env.pop("DATABASE_URL", None)
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "app-server.log"
    log.write_bytes(b"")
    with ProcessGroup() as group:
        server = group.start(
            [sys.executable, "-m", "app.launcher", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            log=log,
        )
        url = f"http://localhost:{port}"
        wait_for_http(f"{url}/ping", timeout=600, process=server)
        wait_for_http(url, timeout=120, process=server)
        yield url


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


OpenShopper = Callable[..., Page]


@pytest.fixture
def open_shopper(browser: Browser, app_url: str) -> Iterator[OpenShopper]:
    """Opens shoppers, each in a browser context of their own at a viewport ("desktop",
    "phone"); extra keyword arguments go to the context (e.g. timezone_id). All are closed
    when the test ends."""
    contexts: list[BrowserContext] = []

    def open_one(viewport: str = "desktop", **options: Any) -> Page:
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
            base_url=app_url,
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield open_one
    for context in contexts:
        context.close()


@pytest.fixture
def shopper(open_shopper: OpenShopper, viewport: str) -> Page:
    """A fresh browser context (one shopper) at the given viewport."""
    return open_shopper(viewport)


def screenshot(page: Page, request: pytest.FixtureRequest, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for a person to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    path = folder / f"{test_name}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Finds controls that a screen reader would announce without a name.
UNNAMED_CONTROLS_JS = """
() => {
  const named = (el) => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(' ').some(id => (document.getElementById(id)?.innerText || '').trim()))
      return true;
    if (el.id && document.querySelector(`label[for="${el.id}"]`)) return true;
    if (el.closest('label')) return true;
    if ((el.innerText || '').trim()) return true;
    if ([...el.querySelectorAll('img[alt]')].some(img => img.alt.trim())) return true;
    return !!(el.getAttribute('title') || '').trim();
  };
  const controls = document.querySelectorAll(
    'button, a[href], input:not([type=hidden]), select, textarea, [role=button]');
  return [...controls].filter(el => el.offsetParent !== null && !named(el))
    .map(el => el.outerHTML.slice(0, 160));
}
"""
