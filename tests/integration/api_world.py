"""The public API over a test database: the /api/v1 app mounted as on the backend, keys made
through the same service the settings page and the console use, and an httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from starlette.applications import Starlette

from app.adapters.leaky_buckets import BucketStore, MemoryBuckets
from app.api.v1.app import public_api
from app.api.v1.strict import api_mount
from app.domain.leaky_bucket import Bucket
from app.services.api_access import keys
from app.services.api_access.quota import Quota
from tests.factories import ShopWorld

ALL_SCOPES = [
    "read_products",
    "write_products",
    "read_deals",
    "read_orders",
    "read_carts",
    "read_reviews",
    "manage_webhooks",
]


@dataclass
class ApiWorld(ShopWorld):
    tokens: dict[str, str] = field(default_factory=dict)

    def key(self, owner: str, scopes: list[str], *, name: str = "ERP") -> str:
        """A new key of `owner`'s (a user of this world), as its token."""
        made = keys.create_key(self.ctx(), self.users[owner], name, scopes)
        return made.token

    def app(
        self,
        store: BucketStore | None = None,
        bucket: Bucket | None = None,
        *,
        now: datetime | None = None,
    ) -> Starlette:
        """The API mounted at /api/v1, as app/api/routes.py mounts it (its clock at `now`)."""
        quota = Quota(store or MemoryBuckets(), bucket or Bucket(1000, 60.0))
        api = public_api(context=lambda: self.ctx(now=now), quota=quota)
        return Starlette(routes=[api_mount("/api/v1", api)])

    @asynccontextmanager
    async def client(
        self, token: str | None = None, app: Starlette | None = None, address: str = "127.0.0.1"
    ) -> AsyncIterator[httpx.AsyncClient]:
        """A client of `app` (a fresh one by default) sending `token`, from `address`."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = httpx.ASGITransport(app=app or self.app(), client=(address, 50000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://shop.test/api/v1", headers=headers
        ) as client:
            yield client


def api_world(database_url: str) -> Iterator[ApiWorld]:
    with ApiWorld.open(database_url) as world:
        world.user("Ada", "admin")
        world.user("Sam")
        yield world
