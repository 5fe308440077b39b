"""Schemathesis against the real running API: the /api/v1 app served over HTTP by uvicorn on
a seeded database, every operation of its OpenAPI document called with generated requests
(valid and invalid), each answer checked: no 5xx, and status, content type, headers and body
as the document says. Bounded: a few examples per operation, well under a minute."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.adapters.leaky_buckets import MemoryBuckets
from app.api.v1.app import public_api
from app.cli import migrate
from app.services.api_access.quota import Quota
from app.services.carts import add_to_cart, start_shared_cart
from app.services.reviews import write_review
from tests.integration.api_world import ALL_SCOPES, ApiWorld
from tests.integration.social_world import SocialWorld

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def running_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The API serving a small shop over HTTP: its base URL and an all-scopes admin key."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('api')) / 'shop.db'}"
    migrate(url)
    with ApiWorld.open(url) as world:
        world.user("Ada", "admin")
        world.user("Sam")
        mug = world.product("Harbor Mug")
        world.product("Tide Lamp", category="lighting")
        social = SocialWorld(world.engine, world.ctx(), world.bus, world.users, world.products)
        social.buy("Ada", "harbor-mug")
        social.join("Ada", "harbor-mug")
        cart = start_shared_cart(world.ctx(), world.users["Ada"], "Picnic")
        add_to_cart(world.ctx(), world.users["Ada"], cart, mug, 1)
        write_review(world.ctx(), world.users["Ada"], mug, 5, "Lovely", "Holds a lot of tea.")
        token = world.key("Ada", ALL_SCOPES)
        port = _free_port()
        config = uvicorn.Config(world.app(), host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the API did not start"
        try:
            yield f"http://127.0.0.1:{port}/api/v1", token
        finally:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def api_schema(running_api: tuple[str, str]) -> schemathesis.BaseSchema:
    base_url, _ = running_api
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


def _operations() -> list[tuple[str, str]]:
    document = public_api(quota=Quota(MemoryBuckets())).openapi()
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


@pytest.mark.parametrize(("method", "path"), _operations())
def test_every_operation_answers_as_documented(
    method: str, path: str, api_schema: schemathesis.BaseSchema, running_api: tuple[str, str]
) -> None:
    base_url, token = running_api
    operation = api_schema[path][method]
    cases = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(case=cases)
    def answers_as_documented(case: schemathesis.Case) -> None:
        headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=10)

    answers_as_documented()
