"""Which paths nginx hands to the app's shell: the pages with a parameter, and nothing else."""

from __future__ import annotations

import re

from app.launcher.nginx import backend_lines, page_routes_pattern

ROUTES = ["index", "cart", "cart/[cart_id]", "cart/join/[code]", "deals/new", "docs/[...rest]"]


def _is_app_page(path: str) -> bool:
    return re.fullmatch(f"/({page_routes_pattern(ROUTES)})/?", path) is not None


def test_pages_with_a_parameter_match_and_fixed_pages_do_not() -> None:
    assert _is_app_page("/cart/42")
    assert _is_app_page("/cart/join/AB12CD34/")
    assert _is_app_page("/docs/a/b/c")
    assert not _is_app_page("/cart")
    assert not _is_app_page("/cart/42/extra")
    assert not _is_app_page("/deals/new")


def test_an_app_without_parameters_matches_nothing() -> None:
    assert re.fullmatch(f"/({page_routes_pattern(['index', 'catalog'])})/?", "/catalog") is None


def test_each_worker_is_one_upstream_server_left_out_while_it_fails() -> None:
    assert backend_lines(["127.0.0.1:8001", "127.0.0.1:8002"]).splitlines() == [
        "    server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;",
        "    server 127.0.0.1:8002 max_fails=1 fail_timeout=5s;",
    ]


def test_pages_with_a_parameter_go_to_the_backend_but_their_fixed_neighbours_do_not() -> None:
    from app.api.share_routes import SHARED_PAGES, share_paths_pattern

    def backend(path: str) -> bool:
        return re.fullmatch(f"/({share_paths_pattern()})/?", path) is not None

    assert backend("/product/harbor-stoneware-mug")
    assert backend("/deals/7")
    assert backend("/cart/join/AB12CD34")
    assert backend("/live/3/")
    # Not shared, but their shell names their scripts all the same.
    assert backend("/deals/7/ledger")
    assert backend("/cart/42")
    assert backend("/orders/order-3")
    assert backend("/trips/AB12")
    assert not backend("/deals/new")
    assert not backend("/live/new")
    assert not backend("/cart")
    assert not backend("/orders")
    assert {page.path for page in SHARED_PAGES} >= {"/product/{key}", "/deals/{key:int}"}
