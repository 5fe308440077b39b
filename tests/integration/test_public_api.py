"""The public REST API through its real ASGI app, on SQLite and PostgreSQL: keys and scopes,
problem details, cursor pages, Idempotency-Key replays, ETags, and the data a key's owner may
see (their orders and carts, deals with live state, reviews)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from app.adapters.db.models import Product
from app.adapters.db.models_api import ApiKey
from app.adapters.db.models_events import AuditEntry
from app.adapters.db.models_people import User
from app.domain.api_keys import KeyRefused
from app.domain.clock import utcnow
from app.services.api_access import idempotency, keys
from app.services.carts import add_to_cart, start_shared_cart
from app.services.console.access import ConsoleRefused
from app.services.reviews import write_review
from tests.integration.api_world import ALL_SCOPES, ApiWorld, api_world
from tests.integration.social_world import SocialWorld

PROBLEM = "application/problem+json"
NEW_MUG = {"title": "Tide Mug", "price_minor": 2450, "stock": 7, "category": "home"}


@pytest.fixture
def world(database_url: str) -> Iterator[ApiWorld]:
    yield from api_world(database_url)


def _problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:bandwagon:problem:{code}" and body["title"] and body["detail"]
    return body


async def test_a_key_is_shown_once_stored_as_a_digest_and_stamped_when_used(
    world: ApiWorld,
) -> None:
    made = keys.create_key(world.ctx(), world.users["Sam"], "Spreadsheet", ["read_orders"])
    assert made.token.startswith(made.key.prefix + "_") and made.key.last_used == ""
    with world.session() as s:
        row = s.exec(select(ApiKey)).one()
    assert row.token_digest == hashlib.sha256(made.token.encode()).hexdigest()
    assert made.token not in (row.prefix, row.name, row.scopes)
    async with world.client(made.token) as client:
        assert (await client.get("/orders")).status_code == 200
    (listed,) = keys.my_keys(world.ctx(), world.users["Sam"])
    assert listed.prefix == made.key.prefix and listed.last_used != ""
    assert listed.scopes == ["read_orders"]


async def test_no_key_a_wrong_key_and_a_revoked_key_get_401_problems(world: ApiWorld) -> None:
    token = world.key("Sam", ["read_products"])
    async with world.client() as client:
        answer = await client.get("/products")
        _problem(answer, 401, "missing_key")
        assert answer.headers["www-authenticate"].startswith("Bearer")
        wrong = {"Authorization": "Bearer bw_aaaaaaaa_" + "x" * 43}
        _problem(await client.get("/products", headers=wrong), 401, "invalid_key")
        mine = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/products", headers=mine)).status_code == 200
        (key,) = keys.my_keys(world.ctx(), world.users["Sam"])
        assert keys.revoke_key(world.ctx(), world.users["Sam"], key.id)
        _problem(await client.get("/products", headers=mine), 401, "invalid_key")


async def test_a_key_without_the_scope_gets_403(world: ApiWorld) -> None:
    token = world.key("Sam", ["read_deals"])
    async with world.client(token) as client:
        body = _problem(await client.get("/products"), 403, "missing_scope")
        assert "read_products" in body["detail"]
        assert (await client.get("/deals")).status_code == 200


async def test_only_admins_give_write_scopes_and_a_demoted_admin_loses_them(
    world: ApiWorld,
) -> None:
    with pytest.raises(KeyRefused) as refused:
        keys.create_key(world.ctx(), world.users["Sam"], "Sync", ["write_products"])
    assert refused.value.field == "scopes"
    with pytest.raises(KeyRefused):
        keys.create_key(world.ctx(), world.users["Sam"], "Sync", ["read_everything"])
    world.product("Harbor Mug")
    token = world.key("Ada", ["read_products", "write_products"])
    async with world.client(token) as client:
        assert (await client.post("/products", json=NEW_MUG)).status_code == 201
        with world.session() as s:
            ada = s.get(User, world.users["Ada"])
            assert ada is not None
            ada.role = "shopper"
            s.add(ada)
            s.commit()
        _problem(await client.post("/products", json=NEW_MUG), 403, "missing_scope")


async def test_products_come_in_cursor_pages_of_at_most_100(world: ApiWorld) -> None:
    for n in range(25):
        world.product(f"Mug {n:02d}")
    token = world.key("Sam", ["read_products"])
    seen: list[int] = []
    async with world.client(token) as client:
        cursor = None
        sizes = []
        while True:
            params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/products", params=params)).json()
            sizes.append(len(page["items"]))
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sizes == [10, 10, 5]
        assert seen == sorted(set(seen)) and len(seen) == 25
        body = _problem(
            await client.get("/products", params={"limit": 101}), 422, "validation_failed"
        )
        assert [e["field"] for e in body["errors"]] == ["query.limit"]
        bad = await client.get("/products", params={"cursor": "bm9wZQ"})
        assert _problem(bad, 400, "invalid_cursor")["errors"][0]["field"] == "query.cursor"
        first = (await client.get("/categories", params={"limit": 1})).json()
        assert first["next_cursor"] is None  # one category only
        other_list = (await client.get("/products", params={"limit": 1})).json()["next_cursor"]
        _problem(
            await client.get("/categories", params={"cursor": other_list}), 400, "invalid_cursor"
        )
        unknown = await client.get("/products", params={"category": "no-such-shelf"})
        assert _problem(unknown, 422, "invalid_field")["errors"][0]["field"] == "query.category"


async def test_bad_bodies_are_refused_naming_the_field(world: ApiWorld) -> None:
    world.product("Harbor Mug")
    token = world.key("Ada", ALL_SCOPES)
    async with world.client(token) as client:
        extra = await client.post("/products", json={**NEW_MUG, "colour": "red"})
        assert _problem(extra, 422, "validation_failed")["errors"][0]["field"] == "body.colour"
        typed = await client.post("/products", json={**NEW_MUG, "price_minor": "lots"})
        assert [e["field"] for e in _problem(typed, 422, "validation_failed")["errors"]] == [
            "body.price_minor"
        ]
        # Rules of the console's own form, applied by the same service.
        shelf = await client.post("/products", json={**NEW_MUG, "category": "garden"})
        assert _problem(shelf, 422, "validation_failed")["errors"][0]["field"] == "body.category"
        blank = await client.post("/products", json={**NEW_MUG, "title": "   "})
        assert _problem(blank, 422, "validation_failed")["errors"][0]["field"] == "body.title"
        odd = await client.get("/products", params={"colour": "red"})
        assert _problem(odd, 422, "unknown_parameter")["errors"][0]["field"] == "query.colour"
        _problem(await client.get("/products/no-such-mug"), 404, "product_not_found")
        _problem(await client.get("/nowhere"), 404, "not_found")


async def test_a_repeated_post_replays_the_first_answer_for_a_day(world: ApiWorld) -> None:
    world.product("Harbor Mug")
    token = world.key("Ada", ALL_SCOPES)
    once = {"Idempotency-Key": "order-sync-0001"}
    async with world.client(token) as client:
        first = await client.post("/products", json=NEW_MUG, headers=once)
        again = await client.post("/products", json=NEW_MUG, headers=once)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        other = await client.post("/products", json={**NEW_MUG, "stock": 8}, headers=once)
        _problem(other, 422, "idempotency_key_reused")
        # A refusal is an answer too, replayed as it was.
        bad = {"Idempotency-Key": "order-sync-0002"}
        refused = await client.post("/products", json={**NEW_MUG, "category": "x"}, headers=bad)
        assert (
            await client.post("/products", json={**NEW_MUG, "category": "x"}, headers=bad)
        ).json() == refused.json()
    with world.session() as s:
        assert len(s.exec(select(Product).where(Product.title == "Tide Mug")).all()) == 1
    # Another key's Idempotency-Key space is its own.
    async with world.client(world.key("Ada", ALL_SCOPES, name="CMS")) as client:
        assert (
            "idempotent-replayed"
            not in (await client.post("/products", json=NEW_MUG, headers=once)).headers
        )
    # A day later the first answer is forgotten and the key may be used afresh.
    later = utcnow() + timedelta(hours=24, minutes=1)
    app = world.app(now=later)
    async with world.client(token, app=app) as client:
        fresh = await client.post("/products", json=NEW_MUG, headers=once)
        assert fresh.status_code == 201 and "idempotent-replayed" not in fresh.headers
        assert fresh.json()["id"] != first.json()["id"]


async def test_reads_carry_an_etag_and_if_none_match_gives_304(world: ApiWorld) -> None:
    mug = world.product("Harbor Mug")
    token = world.key("Ada", ALL_SCOPES)
    async with world.client(token) as client:
        first = await client.get(f"/products/{mug}")
        etag = first.headers["etag"]
        same = await client.get(f"/products/{mug}", headers={"If-None-Match": etag})
        assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
        assert same.headers["ratelimit-limit"]
        edited = await client.patch(f"/products/{mug}", json={"stock": 3})
        assert edited.status_code == 200 and edited.json()["stock"] == 3
        changed = await client.get(f"/products/{mug}", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag
    with world.session() as s:
        actions = s.exec(select(AuditEntry.action)).all()
    assert "product.edit" in actions  # the console's own use case ran, audit entry included


async def test_each_key_sees_only_its_owners_orders_carts_and_seats(world: ApiWorld) -> None:
    mug = world.product("Harbor Mug")
    social = SocialWorld(world.engine, world.ctx(), world.bus, world.users, world.products)
    social.buy("Sam", "harbor-mug")
    social.join("Sam", "harbor-mug")
    cart = start_shared_cart(world.ctx(), world.users["Sam"], "Picnic")
    add_to_cart(world.ctx(), world.users["Sam"], cart, mug, 2)
    write_review(world.ctx(), world.users["Sam"], mug, 4, "Solid mug", "Keeps tea hot.")
    sam = world.key(
        "Sam", [s for s in ALL_SCOPES if s not in ("write_products", "manage_webhooks")]
    )
    ada = world.key("Ada", ALL_SCOPES)
    async with world.client(sam) as client:
        (order,) = (await client.get("/orders")).json()["items"]
        assert order["key"].startswith("order-") or order["key"].startswith("deal-order-")
        detail = (await client.get(f"/orders/{order['key']}")).json()
        assert detail["key"] == order["key"] and detail["lines"]
        (summary,) = (await client.get("/carts")).json()["items"]
        assert summary["id"] == cart and summary["name"] == "Picnic"
        shared = (await client.get(f"/carts/{cart}")).json()
        assert shared["item_count"] == 2 and shared["lines"][0]["quantity"] == 2
        deals = (await client.get("/deals")).json()["items"]
        live = next(d for d in deals if d["status"] == "open" or d["joinable"])
        assert {"participants", "current_price", "next_needed", "deadline"} <= set(live)
        deal = (await client.get(f"/deals/{live['id']}")).json()
        assert deal["deal"]["card"]["id"] == live["id"] and deal["your_seat"]["status"]
        reviews = (await client.get("/products/harbor-mug/reviews")).json()
        assert [r["title"] for r in reviews["items"]] == ["Solid mug"]
        assert reviews["items"][0]["mine"] is True and reviews["summary"]["count"] == 1
    async with world.client(ada) as client:
        assert (await client.get("/orders")).json()["items"] == []
        _problem(await client.get(f"/orders/{order['key']}"), 404, "order_not_found")
        assert (await client.get("/carts")).json()["items"] == []
        _problem(await client.get(f"/carts/{cart}"), 404, "cart_not_found")
        other = (await client.get(f"/deals/{live['id']}")).json()
        assert other["your_seat"]["status"] != deal["your_seat"]["status"]


async def test_the_backend_serves_the_openapi_document_under_api_v1() -> None:
    from app.api.routes import http_api

    transport = httpx.ASGITransport(app=http_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
        document = (await client.get("/api/v1/openapi.json")).json()
        assert document["openapi"].startswith("3.1")
        assert {"/products", "/deals/{deal_id}", "/orders", "/carts"} <= set(document["paths"])
        assert "Problem" in document["components"]["schemas"]
        answer = await client.get("/api/v1/orders")
        assert answer.status_code == 401 and answer.json()["code"] == "missing_key"


def test_admins_see_and_revoke_every_key_and_shoppers_only_their_own(world: ApiWorld) -> None:
    world.user("Kim")
    sams = keys.create_key(world.ctx(), world.users["Sam"], "Budget sheet", ["read_orders"])
    with pytest.raises(KeyRefused):
        keys.revoke_key(world.ctx(), world.users["Kim"], sams.key.id)
    with pytest.raises(ConsoleRefused):
        keys.all_keys(world.ctx(), world.users["Kim"])
    assert keys.my_keys(world.ctx(), world.users["Kim"]) == []
    (listed,) = keys.all_keys(world.ctx(), world.users["Ada"])
    assert listed.owner == "Sam" and listed.name == "Budget sheet"
    assert keys.revoke_key(world.ctx(), world.users["Ada"], sams.key.id)
    assert not keys.revoke_key(world.ctx(), world.users["Sam"], sams.key.id)  # already
    assert keys.authenticate(world.ctx(), sams.token) is None


def test_simultaneous_first_requests_with_one_idempotency_key_run_once(world: ApiWorld) -> None:
    made = keys.create_key(world.ctx(), world.users["Ada"], "Sync", ["write_products"])
    digest = idempotency.request_digest("POST", "/api/v1/products", b"{}")
    with ThreadPoolExecutor(8) as pool:
        claims = list(
            pool.map(
                lambda _: idempotency.claim(world.ctx(), made.key.id, "same-key", digest),
                range(8),
            )
        )
    assert sum(c.run for c in claims) == 1
    assert all(c.run or c.busy for c in claims)
