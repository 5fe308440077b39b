"""A page with a parameter is prerendered once at a stand-in path, and that frame is what the
backend serves for every value of the parameter (before the app's shell)."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from app import routes
from app.api.share_routes import SHELL_PAGES, share_routes
from app.frontend_build.route_shells import (
    prerendered_shell,
    stand_in_path,
    with_route_shells,
)

CONFIG = (
    'export default {"basename": "/", "future": {"unstable_optimizeDeps": true}, '
    '"ssr": false, "prerender": true, "build": "build"};'
)


def test_each_page_with_a_parameter_is_prerendered_at_its_stand_in_as_well() -> None:
    config = with_route_shells(CONFIG, ["/product/[product_key]", "/deals/[deal_id]/ledger"])
    assert '"prerender": true' not in config
    assert (
        '"prerender": async ({ getStaticPaths }) => '
        '[...getStaticPaths(), ...["/deals/_shell/ledger", "/product/_shell"]]'
    ) in config
    assert config.startswith('export default {"basename": "/"') and config.endswith("};")
    assert with_route_shells(config, ["/product/[product_key]"]) == config  # once only


def test_a_build_that_prerenders_nothing_is_left_alone() -> None:
    dev = 'export default {"basename": "/", "ssr": false};'
    assert with_route_shells(dev, ["/product/[product_key]"]) == dev


def test_the_stand_in_path_and_where_the_build_writes_it(tmp_path: Path) -> None:
    assert stand_in_path("/cart/join/[code]") == "/cart/join/_shell"
    assert prerendered_shell(tmp_path, "/deals/[deal_id]/ledger") == (
        tmp_path / "deals" / "_shell" / "ledger" / "index.html"
    )


def test_every_page_with_a_parameter_is_served_by_the_backend() -> None:
    assert sorted(page.route for page in SHELL_PAGES) == sorted(routes.PAGES_WITH_PARAMETER)


def test_the_backend_serves_the_pages_frame_compressed_else_the_apps_shell(
    tmp_path: Path,
) -> None:
    (tmp_path / "404.html").write_text("<html><head></head><body>the app's shell</body></html>")
    frame = prerendered_shell(tmp_path, routes.CART)
    frame.parent.mkdir(parents=True)
    body = "<html><head></head><body><header>Bandwagon</header>" + "placeholder " * 200
    frame.write_text(body + "</body></html>")
    client = TestClient(Starlette(routes=share_routes(folder=lambda: tmp_path)))

    page = client.get("/cart/42", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and "<header>Bandwagon</header>" in page.text
    assert page.headers["content-encoding"] == "gzip"
    assert int(page.headers["content-length"]) < len(body) / 4
    raw = client.get("/cart/42", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and "placeholder" in raw.text

    assert client.get("/orders/order-7").text.endswith("the app's shell</body></html>")
