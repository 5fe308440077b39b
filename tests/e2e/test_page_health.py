"""The main pages load cleanly: no same-origin request answers 4xx/5xx, no console error."""

from __future__ import annotations

import functools
import io
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from app.config import PROJECT_ROOT
from tests.e2e.conftest import OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e

# (path, the page's h1: proof the real page rendered, not an error page)
GUEST_PAGES = (
    ("/", "Shop together. Pay less."),
    ("/catalog", "All products"),
    ("/product/harbor-stoneware-mug", "Harbor Stoneware Mug"),
    ("/deals", "Group deals"),
    ("/live", "Live shopping"),
)
SIGNED_IN_PAGES = (
    ("/cart", "My cart"),
    ("/deals", "Group deals"),
    ("/live", "Live shopping"),
    ("/friends", "Friends"),
)


def _watch(page: Page, app_url: str) -> list[str]:
    """Collect, from now on, this app's failed responses and every console error."""
    problems: list[str] = []
    origin = urlsplit(app_url).netloc

    def on_response(response: Response) -> None:
        if response.status >= 400 and urlsplit(response.url).netloc == origin:
            problems.append(f"HTTP {response.status} {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        # Script errors, and failed loads that no response event shows.
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _visit(page: Page, path: str, heading: str) -> None:
    page.goto(path)
    expect(page.locator("main h1").first).to_have_text(heading)
    page.wait_for_load_state("networkidle")


def _assert_icons_exist(page: Page) -> None:
    """Browsers fetch the icon themselves, after the load and unseen by response events (its
    404 reached the console only now and then), and guess /favicon.ico when no link names one."""
    icons = page.eval_on_selector_all("link[rel~=icon]", "links => links.map(l => l.href)")
    assert icons
    for href in icons:
        assert page.request.get(href).ok, href


def test_main_pages_load_without_errors(
    shopper: Page, viewport: str, app_url: str, request: pytest.FixtureRequest
) -> None:
    page = shopper
    problems = _watch(page, app_url)
    for path, heading in GUEST_PAGES:
        _visit(page, path, heading)
        # The address people share is the page itself, not a redirect to it with a slash.
        assert httpx.get(app_url + path, follow_redirects=False).status_code == 200, path
    _assert_icons_exist(page)
    # The header's sign-in is one control (a button inside a link would be two Tab stops).
    expect(page.locator("header a button, header button a")).to_have_count(0)
    screenshot(page, request, "guest")

    sign_in(page, "Alice")
    for path, heading in SIGNED_IN_PAGES:
        _visit(page, path, heading)
    screenshot(page, request, "signed-in")
    assert problems == []


# ------------------------------------------------------------------ shared pages, 320 px, install

# Elements wider than the window: at 320 px nothing may need sideways scrolling.
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('main *')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && getComputedStyle(el).position !== 'fixed';
  });
  return {scroll: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 5).map(el => el.outerHTML.slice(0, 120))};
}
"""


@pytest.fixture(scope="module")
def shared_paths(app_url: str, app_database: str) -> dict[str, str]:
    """The pages people share, in the demo shop: a deal, a live session, a cart invite."""
    from sqlmodel import Session, col, select

    from app.adapters.db.models_carts import Cart
    from app.adapters.db.models_deals import Deal
    from app.adapters.db.models_live import LiveSession
    from app.adapters.db.models_people import User
    from app.adapters.db.session import make_engine
    from app.services import carts
    from tests.factories import SilentBus, make_context

    engine = make_engine(app_database)
    try:
        with Session(engine) as session:
            deal_id = session.exec(select(Deal.id).order_by(col(Deal.id))).first()
            live_id = session.exec(select(LiveSession.id).order_by(col(LiveSession.id))).first()
            owner = session.exec(select(User).where(User.display_name.startswith("Alice"))).first()  # type: ignore[attr-defined]
        assert deal_id and live_id and owner
        ctx = make_context(engine, bus=SilentBus())
        cart_id = carts.start_shared_cart(ctx, owner.id or 0, "Picnic for four")
        with Session(engine) as session:
            code = session.exec(select(Cart.invite_code).where(Cart.id == cart_id)).one()
    finally:
        engine.dispose()
    return {
        "deal": f"/deals/{deal_id}",
        "live": f"/live/{live_id}",
        "cart": f"/cart/join/{code}",
        "product": "/product/harbor-stoneware-mug",
    }


def test_shared_pages_unfurl_without_javascript_and_boot_for_people(
    open_shopper: OpenShopper, shared_paths: dict[str, str], app_url: str
) -> None:
    """What a messaging app reads (no JavaScript), then what a person sees at 320 px."""
    page = open_shopper("narrow", java_script_enabled=False)
    for kind, path in shared_paths.items():
        html = page.request.get(path).text()
        tags = dict(re.findall(r'<meta property="(og:[a-z:]+)" content="([^"]*)"', html))
        assert tags.get("og:url") == app_url + path, (kind, tags)
        assert tags["og:title"] and tags["og:description"], kind
        card = page.request.get(tags["og:image"])
        assert card.ok and card.headers["content-type"] == "image/png", kind
        with Image.open(io.BytesIO(card.body())) as picture:
            assert (picture.format, picture.size) == ("PNG", (1200, 630)), kind
    assert "$18.00" in page.request.get(shared_paths["product"]).text()


def test_product_and_live_pages_show_their_picture_before_their_data(
    open_shopper: OpenShopper, shared_paths: dict[str, str], request: pytest.FixtureRequest
) -> None:
    """With the websocket silent (no data yet), a shared product or live page already shows
    its main picture, the one its shell preloads, where the page will show it."""
    page = open_shopper("phone")
    page.route_web_socket(re.compile(r"/_event"), lambda socket: None)  # never reaches the app
    for kind in ("product", "live"):
        page.goto(shared_paths[kind])
        preload = page.locator("link[rel=preload][as=image]").get_attribute("href")
        assert preload, kind
        holder = "loading-placeholder" if kind == "product" else "live-loading"
        picture = page.get_by_test_id(holder).locator("img")
        expect(picture).to_have_attribute("src", preload)
        expect(picture).to_be_visible()
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), kind
        screenshot(page, request, f"{kind}-before-data")


def test_a_shared_page_paints_its_frame_before_any_script_then_the_app_takes_it_over(
    open_shopper: OpenShopper,
    shared_paths: dict[str, str],
    app_url: str,
    request: pytest.FixtureRequest,
) -> None:
    """A link opened on a phone draws the shop's header and the page's placeholder from its
    HTML alone (the page prerendered at a stand-in address), then React hydrates that frame in
    place: no hydration error, nothing in it still points at the stand-in address, and the
    tab is named after what the page shows once its data has come."""
    still = open_shopper("phone", java_script_enabled=False)
    for kind, path in shared_paths.items():
        still.goto(path)
        expect(still.get_by_role("searchbox", name="Search products")).to_be_visible()
        expect(still.locator("main [aria-busy=true]").first).to_be_visible()
        assert "_shell" not in still.content(), kind
        screenshot(still, request, f"{kind}-frame-before-scripts")
    page = open_shopper("phone")
    problems = _watch(page, app_url)
    for kind, path in shared_paths.items():
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert page.locator("a.skip-link").get_attribute("href") == "#main", kind
        if kind in ("product", "deal", "live"):  # the tab says which, not only what kind
            name = page.locator("main h1").first.inner_text()
            expect(page).to_have_title(f"{name} · Bandwagon")
    assert problems == []
    frame = httpx.get(app_url + shared_paths["product"], headers={"Accept-Encoding": "gzip"})
    assert frame.headers.get("content-encoding") == "gzip"


def test_a_shared_page_names_its_own_scripts_which_come_compressed(
    shared_paths: dict[str, str], app_url: str
) -> None:
    """A phone fetches six files at a time: the product page's shell names every script the
    page needs (not only the app's root), few of them, each served as Brotli when accepted."""
    html = httpx.get(app_url + shared_paths["product"]).text
    scripts = re.findall(r'<link rel="modulepreload"[^>]* href="(/assets/[^"]+\.js)"', html)
    own = [script for script in scripts if "product_key" in script]  # the page's, not the root's
    assert own, scripts
    assert len(scripts) == len(set(scripts)) < 30, scripts  # 55 when each icon had a file
    style = re.search(r'href="(/assets/[^"]+\.css)"', html)
    assert style is not None
    for accepted, sent in (("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")):
        for path in (style.group(1), own[0]):
            with httpx.stream("GET", app_url + path, headers={"Accept-Encoding": accepted}) as got:
                assert got.headers.get("content-encoding") == sent, (path, accepted)


def test_a_page_loads_the_radix_components_it_draws_not_all_of_them(app_url: str) -> None:
    """Radix is imported by module (app/frontend_build/radix-deep-imports.js): the catalog's
    scripts hold its buttons and cards, not the selects, sliders, tabs and tooltips of other
    pages, which the product page's scripts do hold."""

    def scripts_of(html: str) -> str:
        found = sorted(set(re.findall(r'"(/assets/[^"]+\.js)"', html)))
        return "".join(httpx.get(app_url + script).text for script in found)

    catalog = scripts_of(httpx.get(app_url + "/catalog").text)
    assert "rt-BaseButton" in catalog and "rt-Card" in catalog
    for elsewhere in ("rt-SelectTrigger", "rt-SliderTrack", "rt-TabsList", "rt-TooltipContent"):
        assert elsewhere not in catalog, elsewhere
    assert "rt-SelectTrigger" in scripts_of(
        httpx.get(app_url + "/product/harbor-stoneware-mug").text
    )


def test_a_pages_scripts_wait_for_what_its_first_paint_needs(app_url: str) -> None:
    """The built pages name their scripts at low priority (app/frontend_build/script_priority.py):
    the stylesheet and the hero picture come first; the home page keeps its hero at high."""
    for path in ("/", "/catalog", "/product/harbor-stoneware-mug", "/deals"):
        html = httpx.get(app_url + path).text
        preloads = re.findall(r'<link rel="modulepreload"[^>]*>', html)
        assert len(preloads) >= 3, path
        assert all('fetchpriority="low"' in link for link in preloads), (path, preloads)
    assert 'fetchPriority="high"' in httpx.get(app_url + "/").text


def test_the_catalog_shows_no_count_before_its_search_answers(app_url: str) -> None:
    """The catalog's first HTML (what shows before the live data) holds the placeholder, and
    no "0 products" that the search has not said."""
    shell = httpx.get(app_url + "/catalog").text
    assert 'data-testid="loading-placeholder"' in shell
    assert "0 products" not in shell


# The classes (responsive ones too: md:rt-r-gtc-2) of the Radix elements on the page that no
# rule of the page's stylesheets names.
_UNSTYLED_RADIX_CLASSES = r"""() => {
  const selectors = [];
  const collect = (rules) => {
    for (const rule of rules) {
      if (rule.selectorText) selectors.push(rule.selectorText);
      if (rule.cssRules) collect(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) collect(sheet.cssRules);
  const text = selectors.join("\n");
  const classes = new Set();
  for (const element of document.querySelectorAll("[class*='rt-']")) {
    for (const name of element.classList) if (/^([a-z]{2}:)?rt-/.test(name)) classes.add(name);
  }
  return [...classes].filter((name) => {
    const escaped = CSS.escape(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return !new RegExp(`\\.${escaped}(?![\\w-])`).test(text);
  });
}"""


def test_the_stylesheet_keeps_the_radix_rules_the_pages_draw_with(
    open_shopper: OpenShopper, shared_paths: dict[str, str], app_url: str
) -> None:
    """The build cuts Radix Themes' stylesheet to what the pages use (app/frontend_build/):
    far smaller, and every Radix class an element of these pages has, if Radix styles it, still
    has its rules."""
    full = (PROJECT_ROOT / ".web/node_modules/@radix-ui/themes/styles.css").read_text()
    page = open_shopper("phone")
    for path in ("/", "/catalog", shared_paths["product"], shared_paths["deal"], "/sign-in"):
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        expect(page.get_by_test_id("loading-placeholder")).to_have_count(0)
        unstyled = page.evaluate(_UNSTYLED_RADIX_CLASSES)
        # A class Radix gives an element but writes no rule for is not a loss.
        lost = [name for name in unstyled if "." + name.replace(":", "\\:") in full]
        assert not lost, (path, lost)
    sheet = re.search(r'href="(/assets/__reflex_global_styles[^"]+\.css)"', httpx.get(app_url).text)
    assert sheet is not None
    assert len(httpx.get(app_url + sheet.group(1)).text) < len(full) * 0.6


def test_every_page_fits_a_320_px_phone_and_the_shop_installs(
    open_shopper: OpenShopper,
    shared_paths: dict[str, str],
    app_url: str,
    request: pytest.FixtureRequest,
) -> None:
    page = open_shopper("narrow")
    problems = _watch(page, app_url)
    headings = {
        "deal": re.compile(r"\w"),
        "live": re.compile(r"\w"),
        "cart": re.compile(r"\w"),
        "product": re.compile("Harbor Stoneware Mug"),
    }
    for path, heading in GUEST_PAGES:
        headings[path] = re.compile(re.escape(heading))
    visits = [*(p for p, _ in GUEST_PAGES), *(shared_paths[k] for k in ("deal", "live", "cart"))]
    for path in visits:
        page.goto(path)
        key = next((k for k, v in shared_paths.items() if v == path), path)
        expect(page.locator("main h1").first).to_have_text(headings[key])
        page.wait_for_load_state("networkidle")
        fit = page.evaluate(OVERFLOW_JS)
        assert fit["scroll"] <= fit["width"], (path, fit)
        # No control inside another (a button in a link is two Tab stops, announced twice).
        expect(page.locator("a button, button a, a a, button button")).to_have_count(0)
        assert page.locator('meta[name="description"]').first.get_attribute("content")
    screenshot(page, request, "narrow-deal")
    manifest = page.request.get("/manifest.webmanifest").json()
    assert manifest["theme_color"] and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        answer = page.request.get(icon["src"])
        with Image.open(io.BytesIO(answer.body())) as picture:
            assert f"{picture.width}x{picture.height}" == icon["sizes"]
    assert problems == []


def test_the_offline_page_shows_when_the_server_is_gone(
    open_shopper: OpenShopper, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The shop's own service worker and offline page (assets/), served from a server that then
    goes away: the next page someone opens is the offline page, not the browser's error."""
    site = tmp_path / "site"
    shutil.copytree(PROJECT_ROOT / "assets" / "icons", site / "icons")
    for name in ("sw.js", "offline.html"):
        shutil.copy(PROJECT_ROOT / "assets" / name, site / name)
    (site / "index.html").write_text(
        "<!DOCTYPE html><title>Shop</title><h1>Shop</h1>"
        "<script>navigator.serviceWorker.register('/sw.js')</script>"
    )
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    page = open_shopper("phone")
    try:
        page.goto(origin + "/")
        page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=20_000)
    finally:
        server.shutdown()
        server.server_close()
    page.goto(origin + "/deals")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    screenshot(page, request, "offline")


def test_a_page_load_sends_the_header_no_unchanged_values(open_shopper: OpenShopper) -> None:
    """The bell (no unread news for a guest) and the live badge (the bus is up) keep their
    first values: the page's load sends neither again, so the header is not drawn again."""
    page = open_shopper("phone")
    frames: list[str] = []
    page.on(
        "websocket",
        lambda socket: socket.on(
            "framereceived", lambda f: frames.append(f if isinstance(f, str) else f.decode())
        ),
    )
    page.goto("/catalog")
    expect(page.locator("main h1").first).to_have_text("All products")
    page.wait_for_load_state("networkidle")
    assert any("catalog_state" in frame for frame in frames)  # the page's own data came
    assert not [f for f in frames if "bell_state" in f or "live_status" in f], frames
