"""The authorization matrix for HTTP routes (route_table.py): every route, as every role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reflex_base.constants import Endpoint
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from app.api.routes import http_api
from app.api.v1.app import public_api
from app.domain.api_keys import SHOPPER_SCOPES, Scope
from app.services.api_access import keys
from app.services.api_access.keys import KeyRefused
from app.services.context import set_app_context
from tests.integration.authorization import world
from tests.integration.authorization.harness import resolve
from tests.integration.authorization.roles import ROLES, Rule
from tests.integration.authorization.route_table import ROUTES

REFUSED = (401, 403, 404)
# When a key was last used: stamped on every call, refused or not.
KEY_USE = {"api_key"}


def app_routes() -> set[str]:
    """ "METHOD /path" of every route the backend answers, Reflex's own included."""
    found: set[str] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                inner = getattr(route.app, "routes", None)
                if inner is None:
                    found.add(f"GET {prefix}{route.path}")  # static files
                elif route.path != "/api/v1":
                    walk(inner, prefix + route.path)
            elif isinstance(route, Route):
                for method in sorted((route.methods or set()) - {"HEAD"}):
                    found.add(f"{method} {prefix}{route.path}")

    walk(http_api().routes, "")
    api = public_api()
    for path, operations in api.openapi()["paths"].items():
        found.update(f"{method.upper()} /api/v1{path}" for method in operations)
    found.update(f"GET /api/v1{p}" for p in ("/openapi.json", "/docs", "/docs/oauth2-redirect"))
    found.update(f"reflex /{endpoint.value}" for endpoint in Endpoint)
    return found


def test_every_route_is_in_the_table() -> None:
    routes = app_routes()
    missing = sorted(routes - set(ROUTES))
    stale = sorted(set(ROUTES) - routes)
    assert not missing, f"routes with no entry in route_table.ROUTES: {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> world.Template:
    built = world.build(tmp_path_factory.mktemp("routes") / "shop.db")
    with built.fresh(built.path.with_name("keys.db")) as shop:
        for role in ROLES[1:]:
            user = shop.ids[role]
            try:
                made = keys.create_key(shop.ctx(), user, "matrix", [s.value for s in Scope])
            except KeyRefused:
                shopper_scopes = [s.value for s in SHOPPER_SCOPES]
                made = keys.create_key(shop.ctx(), user, "matrix", shopper_scopes)
            built.keys[role] = made.token
    built.path = built.path.with_name("keys.db")
    return built


@pytest.fixture
def client_for(template: world.Template, tmp_path: Path) -> Iterator[Any]:
    made = 0

    def fresh() -> Any:
        nonlocal made
        made += 1
        return template.fresh(tmp_path / f"shop-{made}.db")

    yield fresh
    set_app_context(None)


def request(shop: world.Shop, rule: Rule, key: str, role: str, token: str) -> int:
    set_app_context(shop.ctx())
    method, _ = key.split(" ", 1)
    headers = {}
    if role != "guest":
        headers["Cookie"] = shop.cookies[role]
        headers["Authorization"] = f"Bearer {token}"
    args = resolve(rule.args, shop.ids)
    headers.update(args.pop("headers", {}))
    with TestClient(http_api(), base_url="http://localhost:3000") as client:
        answer = client.request(
            method, resolve(rule.path, shop.ids), headers=headers, follow_redirects=False, **args
        )
    return answer.status_code


@pytest.mark.parametrize("key", sorted(k for k, r in ROUTES.items() if r.runs))
def test_each_role_may_call_only_the_routes_its_entry_allows(
    key: str, template: world.Template, client_for: Any
) -> None:
    rule = ROUTES[key]
    problems: list[str] = []
    with client_for() as shop:
        for role in rule.refused():
            before = shop.fingerprint(also_ignore=KEY_USE)
            status = request(shop, rule, key, role, template.keys.get(role, ""))
            if status not in REFUSED:
                problems.append(f"{role} got {status}")
            if tables := world.changed(before, shop.fingerprint(also_ignore=KEY_USE)):
                problems.append(f"{role} changed {tables}")
    for role in rule.allowed():
        with client_for() as shop:
            before = shop.fingerprint(also_ignore=KEY_USE)
            status = request(shop, rule, key, role, template.keys.get(role, ""))
            if status >= 400 and not (rule.path.startswith("/review-photos") and status == 404):
                problems.append(f"{role} (allowed) got {status}")
            if rule.effect and shop.fingerprint(also_ignore=KEY_USE) == before:
                problems.append(f"{role} (allowed) changed nothing")
    assert not problems, f"{key}: " + "; ".join(problems)
