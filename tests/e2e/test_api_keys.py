"""API keys in real browsers: the admin makes a write key in the console, it works against
/api/v1 and stops the moment it is revoked; a shopper on a phone makes a read key for their own
orders on the settings page (a nameless key is refused next to the field; write scopes are not
offered)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper, screenshot
from tests.e2e.people_helpers import sign_in

pytestmark = pytest.mark.e2e


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _make_key(page: Page, name: str, scopes: list[str]) -> str:
    page.get_by_label("Name", exact=True).fill(name)
    for scope in scopes:
        page.get_by_test_id(f"api-scope-{scope}").get_by_role("checkbox").click()
    page.get_by_test_id("api-key-create").click()
    token = page.get_by_test_id("api-key-token")
    expect(token).to_contain_text("bw_")
    return token.inner_text().strip()


def test_the_admin_makes_a_write_key_that_works_until_revoked(
    open_shopper: OpenShopper, request: pytest.FixtureRequest
) -> None:
    admin = open_shopper("desktop")
    sign_in(admin, "Demo Admin", "/console")
    admin.get_by_role("tab", name="API keys").click()
    token = _make_key(admin, "Warehouse ERP", ["read_products", "write_products"])
    assert admin.evaluate(UNNAMED_CONTROLS_JS) == []
    screenshot(admin, request, "console-api-keys")

    made = admin.request.post(
        "/api/v1/products",
        headers={**_bearer(token), "Idempotency-Key": "e2e-erp-1"},
        data={"title": "ERP Oak Shelf", "price_minor": 8900, "stock": 4, "category": "home"},
    )
    assert made.status == 201, made.text()
    assert made.headers["ratelimit-limit"]
    listed = admin.request.get("/api/v1/products?limit=100", headers=_bearer(token))
    assert "ERP Oak Shelf" in listed.text()

    card = admin.get_by_test_id("api-key").filter(has_text="Warehouse ERP")
    admin.get_by_role("tab", name="Products").click()
    admin.get_by_role("tab", name="API keys").click()  # reload: last use shows
    expect(card).to_contain_text("last used")
    card.get_by_role("button", name="Revoke the key Warehouse ERP").click()
    expect(card).to_contain_text("Revoked")
    gone = admin.request.get("/api/v1/products", headers=_bearer(token))
    assert gone.status == 401 and gone.json()["code"] == "invalid_key"


def test_a_shopper_makes_a_read_key_for_their_own_orders_on_a_phone(
    open_shopper: OpenShopper, request: pytest.FixtureRequest
) -> None:
    shopper = open_shopper("phone")
    sign_in(shopper, "Carol", "/settings")
    expect(shopper.get_by_role("heading", name="API keys")).to_be_visible()
    expect(shopper.get_by_test_id("api-scope-write_products")).to_have_count(0)
    shopper.get_by_test_id("api-scope-read_orders").get_by_role("checkbox").click()
    shopper.get_by_test_id("api-key-create").click()
    expect(shopper.get_by_test_id("api-key-error-name")).to_contain_text("Give the key a name")
    token = _make_key(shopper, "My spreadsheet", [])
    orders = shopper.request.get("/api/v1/orders", headers=_bearer(token))
    assert orders.status == 200 and orders.json()["next_cursor"] is None
    refused = shopper.request.get("/api/v1/products", headers=_bearer(token))
    assert refused.status == 403 and refused.json()["code"] == "missing_scope"
    screenshot(shopper, request, "settings-api-keys")
    shopper.get_by_role("button", name="Done").click()
    expect(shopper.get_by_test_id("api-key-token")).to_have_count(0)
