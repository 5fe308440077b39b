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
