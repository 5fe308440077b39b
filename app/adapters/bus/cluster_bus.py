"""The bus on a Redis Cluster, with sharded pub/sub (Redis 7 SPUBLISH / SSUBSCRIBE).

Plain PUBLISH on a cluster is broadcast to every node, so every node carries every message and
adding nodes adds no pub/sub capacity. Sharded pub/sub keeps a message on the node that owns its
channel's hash slot. The bus therefore spreads its news over SHARDS channels
(`bandwagon:events:0` ... `:15`), picked by a stable hash of the aggregate's channel, so one
aggregate's events always travel one shard channel, in order, and the shards' slots fall on
different nodes.

Each backend process listens to every shard (its clients may watch any aggregate): one
connection per node owning shards, not one per shard. redis-py's asyncio cluster client has no
pub/sub, so the listener asks the cluster (the sync client) which node owns which shard and opens
plain asyncio connections to those nodes. When a node goes away or the slots move, the listener
says "bus down", rereads the slot map and subscribes again; on success it says "bus up", so the
hub resyncs every room from the database (messages sent meanwhile are lost: news, not truth).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import redis
import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.exceptions import RedisClusterException
from redis.retry import Retry

from app.adapters.bus.redis_bus import BUS_DOWN, BUS_UP, CHANNEL
from app.domain.events import DomainEvent

SHARDS = 16
log = logging.getLogger(__name__)


def cluster_nodes(url: str) -> list[tuple[str, int]]:
    """`redis+cluster://host:port[,host:port...]` -> the seed nodes (config checked the form)."""
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    nodes = []
    for part in netloc.split(","):
        host, _, port = part.strip().rpartition(":")
        nodes.append((host or "127.0.0.1", int(port or 6379)))
    return nodes


def shard_of(channel: str, shards: int = SHARDS) -> int:
    """Stable across processes and restarts (Python's hash() is salted per process)."""
    return zlib.crc32(channel.encode()) % shards


class ClusterBus:
    def __init__(self, url: str, prefix: str = CHANNEL, shards: int = SHARDS) -> None:
        self.url = url
        self.channels = [f"{prefix}:{n}" for n in range(shards)]
        self._seeds = [ClusterNode(host, port) for host, port in cluster_nodes(url)]
        self._cluster: RedisCluster | None = None  # connected on first use, not at import

    def _client(self) -> RedisCluster:
        if self._cluster is None:
            # One quick retry (slot moved, connection reset); never seconds of back-off inside
            # a request when a node is down: the news is dropped and the rooms resync later.
            self._cluster = RedisCluster(
                startup_nodes=self._seeds,
                socket_timeout=2,
                socket_connect_timeout=1,
                retry=Retry(NoBackoff(), 1),
            )
        return self._cluster

    def shard_channel(self, event: DomainEvent) -> str:
        return self.channels[shard_of(event.channel, len(self.channels))]

    def publish(self, event: DomainEvent) -> None:
        try:
            self._client().spublish(self.shard_channel(event), event.to_json())
        except (redis.RedisError, RedisClusterException) as error:
            # The change is committed; watchers resync from the database when the bus is back.
            log.warning("event %s not published: %s", event.kind, error)

    def owners(self) -> dict[tuple[str, int], list[str]]:
        """Which node owns which shard channels, as the cluster says now."""
        client = self._client()
        client.nodes_manager.initialize()  # reread the slot map (it may have moved)
        owned: dict[tuple[str, int], list[str]] = defaultdict(list)
        for channel in self.channels:
            node = client.get_node_from_key(channel)
            owned[(node.host, int(node.port))].append(channel)
        return dict(owned)

    async def listen(self) -> AsyncIterator[DomainEvent]:
        """Yield events forever; on any loss, "bus down", re-map the shards, "bus up"."""
        delay = 0.2
        lost = False
        while True:
            queue: asyncio.Queue[DomainEvent | BaseException] = asyncio.Queue()
            readers: list[asyncio.Task[None]] = []
            try:
                owners = await asyncio.to_thread(self.owners)
                ready = [asyncio.Event() for _ in owners]
                for (host, port), channels in owners.items():
                    done = ready[len(readers)]
                    readers.append(asyncio.create_task(_read(host, port, channels, queue, done)))
                await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 5)
                delay = 0.2
                if lost:
                    lost = False
                    yield BUS_UP
                while True:
                    item = await queue.get()
                    if isinstance(item, BaseException):
                        raise item
                    yield item
            except (redis.RedisError, RedisClusterException, OSError, TimeoutError) as error:
                log.warning("bus subscriber lost the cluster (%s); retrying in %.1fs", error, delay)
                if not lost:
                    lost = True
                    yield BUS_DOWN
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            finally:
                for reader in readers:
                    reader.cancel()
                for reader in readers:
                    with contextlib.suppress(BaseException):
                        await reader


async def _read(
    host: str,
    port: int,
    channels: list[str],
    queue: asyncio.Queue[DomainEvent | BaseException],
    ready: asyncio.Event,
) -> None:
    """One node's shard channels onto the shared queue; its failure goes there too.

    A bare connection: redis-py's asyncio PubSub has no SSUBSCRIBE, and its reader stops when
    it believes it has no (plain) subscriptions. The replies are RESP arrays:
    [b"ssubscribe", channel, count], [b"smessage", channel, data], [b"sunsubscribe", ...].
    """
    connection = aioredis.Connection(host=host, port=port, socket_connect_timeout=2)
    try:
        await connection.connect()
        for channel in channels:  # one command each: SSUBSCRIBE's channels must share a slot
            await connection.send_command("SSUBSCRIBE", channel)
        confirmed = 0
        while True:
            reply = await connection.read_response(timeout=None)
            kind = reply[0] if isinstance(reply, list) and reply else None
            if kind == b"smessage":
                try:
                    queue.put_nowait(DomainEvent.from_json(reply[2]))
                except (ValueError, TypeError):  # not ours: skip it, keep listening
                    log.warning("unreadable message on %r", reply[1])
            elif kind == b"ssubscribe":
                confirmed += 1
                if confirmed == len(channels):
                    ready.set()
            elif kind == b"sunsubscribe":  # the node gave the slot away (resharding)
                raise redis.ConnectionError(f"{host}:{port} dropped {reply[1]!r}")
            elif isinstance(reply, redis.ResponseError | Exception):
                raise redis.ConnectionError(f"{host}:{port}: {reply}")
    except (redis.RedisError, OSError) as error:  # the listener decides what a loss means
        queue.put_nowait(error)
    finally:
        await connection.disconnect()
