"""A page served the SPA shell names its own scripts up front, read from the build's manifest."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from app.api.route_scripts import router_path, with_route_scripts
from app.api.share_routes import share_routes

MANIFEST = (
    'window.__reactRouterManifest={"entry":{"module":"/assets/entry.client-a.js","imports":[]},'
    '"routes":{"root":{"id":"root","path":"","module":"/assets/root-a.js",'
    '"imports":["/assets/react-a.js"]},'
    '"routes/[product].$[product_key]._index":{"id":"p","parentId":"root",'
    '"path":"product/:product_key","index":true,"module":"/assets/product-a.js",'
    '"imports":["/assets/react-a.js","/assets/icons-a.js","/assets/moment-a.js"]},'
    '"routes/[cart].$[cart_id]._index":{"id":"c","parentId":"root",'
    '"path":"cart/:cart_id","index":true,"module":"/assets/cart-a.js",'
    '"imports":["/assets/react-a.js","/assets/cart-lines-a.js"]}},'
    '"url":"/assets/manifest-a1.js","version":"a1"};'
)
SHELL = (
    '<html><head><meta charSet="utf-8"/>'
    '<link rel="modulepreload" fetchpriority="low" href="/assets/manifest-a1.js"/>'
    '<link rel="modulepreload" fetchpriority="low" href="/assets/react-a.js"/></head>'
    "<body></body></html>"
)


def _preloads(html: str) -> list[str]:
    """The scripts the page names, each at the low priority of the build's own links."""
    found = re.findall(r'<link rel="modulepreload" fetchpriority="low" href="([^"]+)"/>', html)
    assert len(found) == html.count("modulepreload")
    return found


def _build(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "manifest-a1.js").write_text(MANIFEST)
    return tmp_path


def test_router_path_is_react_routers_spelling() -> None:
    assert router_path("/product/[product_key]") == "product/:product_key"
    assert router_path("/deals/[deal_id]") == "deals/:deal_id"


def test_the_product_shell_names_the_product_script_and_its_imports_once(tmp_path: Path) -> None:
    html = with_route_scripts(SHELL, _build(tmp_path), "/product/[product_key]")
    assert _preloads(html) == [
        "/assets/manifest-a1.js",
        "/assets/react-a.js",
        "/assets/product-a.js",
        "/assets/icons-a.js",
        "/assets/moment-a.js",
    ]
    assert html.endswith("</head><body></body></html>")


def test_without_a_built_manifest_or_route_the_shell_is_unchanged(tmp_path: Path) -> None:
    assert with_route_scripts(SHELL, tmp_path, "/product/[product_key]") == SHELL
    built = _build(tmp_path)
    assert with_route_scripts(SHELL, built, "/live/[session_id]") == SHELL
    assert with_route_scripts("<html><head></head></html>", built, "/x/[y]").count("link") == 0


def test_a_cart_page_nobody_shares_is_served_its_shell_naming_its_scripts(tmp_path: Path) -> None:
    built = _build(tmp_path)
    (built / "404.html").write_text(SHELL)
    client = TestClient(Starlette(routes=share_routes(folder=lambda: built)))
    page = client.get("/cart/42")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert _preloads(page.text) == [
        "/assets/manifest-a1.js",
        "/assets/react-a.js",
        "/assets/cart-a.js",
        "/assets/cart-lines-a.js",
    ]
    assert "og:title" not in page.text  # no preview: nothing to read from the database
