"""Redis pub/sub bus: one channel, one subscriber connection per process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import redis
import redis.asyncio as aioredis

from app.domain.events import DomainEvent

# Sent to the local listener only: the hub shows "reconnecting" and resyncs rooms on recovery.
BUS_DOWN = DomainEvent("bus", "redis", 0, "bus_down", {})
BUS_UP = DomainEvent("bus", "redis", 0, "bus_up", {})

CHANNEL = "bandwagon:events"
log = logging.getLogger(__name__)


class RedisBus:
    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self.url = url
        self.channel = channel
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def publish(self, event: DomainEvent) -> None:
        try:
            self._client.publish(self.channel, event.to_json())
        except redis.RedisError as error:
            # The change is committed; watchers resync from the database when Redis is back.
            log.warning("event %s not published: %s", event.kind, error)

    async def listen(self) -> AsyncIterator[DomainEvent]:
        """Yield events forever, reconnecting with backoff when Redis goes away."""
        delay = 0.2
        lost = False
        while True:
            client = aioredis.Redis.from_url(self.url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    delay = 0.2
                    if lost:
                        lost = False
                        yield BUS_UP
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            yield DomainEvent.from_json(message["data"])
            except (redis.RedisError, OSError) as error:
                log.warning("bus subscriber lost Redis (%s); retrying in %.1fs", error, delay)
                if not lost:
                    lost = True
                    yield BUS_DOWN
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            finally:
                await client.aclose()
