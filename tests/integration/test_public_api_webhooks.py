"""/api/v1/webhooks: an admin's key with `manage_webhooks` registers, reads, rotates and removes
endpoints through the console's use cases; the same checks refuse the same bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services import webhooks
from tests.integration.api_world import ApiWorld, api_world

PROBLEM = "application/problem+json"


@pytest.fixture
def world(database_url: str) -> Iterator[ApiWorld]:
    yield from api_world(database_url)


async def test_an_admin_key_manages_endpoints_as_the_console_does(world: ApiWorld) -> None:
    token = world.key("Ada", ["manage_webhooks"])
    async with world.client(token) as client:
        kinds = (await client.get("/webhooks/event-types")).json()
        assert "deal.joined" in kinds
        made = await client.post(
            "/webhooks",
            json={"url": "https://erp.example/hooks", "event_types": ["deal.joined"]},
            headers={"Idempotency-Key": "hook-1"},
        )
        assert made.status_code == 201, made.text
        created = made.json()
        assert created["secret"].startswith("whsec_")
        endpoint_id = created["endpoint"]["id"]
        assert made.headers["Location"].endswith(f"/webhooks/{endpoint_id}")
        again = await client.post(
            "/webhooks",
            json={"url": "https://erp.example/hooks", "event_types": ["deal.joined"]},
            headers={"Idempotency-Key": "hook-1"},
        )
        assert again.json() == created  # replayed, not registered twice
        listed = (await client.get("/webhooks")).json()
        assert [e["url"] for e in listed["items"]] == ["https://erp.example/hooks"]
        assert listed["next_cursor"] is None
        one = await client.get(f"/webhooks/{endpoint_id}")
        assert one.json()["event_types"] == ["deal.joined"] and one.headers["ETag"]
        rotated = await client.post(f"/webhooks/{endpoint_id}/rotate-secret")
        assert rotated.json()["secret"] != created["secret"]
        assert (await client.get(f"/webhooks/{endpoint_id}")).json()["rotating"] is True
        assert (await client.delete(f"/webhooks/{endpoint_id}")).status_code == 204
        gone = await client.get(f"/webhooks/{endpoint_id}")
        assert gone.status_code == 404 and gone.json()["code"] == "webhook_not_found"
    assert webhooks.list_endpoints(world.ctx(), world.users["Ada"]) == []


async def test_bad_endpoints_are_refused_naming_the_field(world: ApiWorld) -> None:
    token = world.key("Ada", ["manage_webhooks"])
    async with world.client(token) as client:
        for url, field in [
            ("ftp://erp.example/hooks", "body.url"),
            ("http://localhost:3000/hooks", "body.url"),  # the shop itself
        ]:
            answer = await client.post(
                "/webhooks", json={"url": url, "event_types": ["deal.joined"]}
            )
            assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
            assert [e["field"] for e in answer.json()["errors"]] == [field]
        unknown = await client.post(
            "/webhooks", json={"url": "https://erp.example/h", "event_types": ["no.such"]}
        )
        assert [e["field"] for e in unknown.json()["errors"]] == ["body.event_types"]
    assert webhooks.list_endpoints(world.ctx(), world.users["Ada"]) == []


async def test_shoppers_cannot_have_the_scope_and_other_keys_lack_it(world: ApiWorld) -> None:
    with pytest.raises(ValueError, match="manage_webhooks|admin"):
        world.key("Sam", ["manage_webhooks"])
    token = world.key("Ada", ["read_products"])
    async with world.client(token) as client:
        answer = await client.get("/webhooks")
        assert answer.status_code == 403 and answer.json()["code"] == "missing_scope"
