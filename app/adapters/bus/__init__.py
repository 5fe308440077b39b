"""The event bus: news about committed changes, Redis pub/sub across processes or in-process."""

from __future__ import annotations

from functools import lru_cache

from app.adapters.bus.base import EventBus
from app.adapters.bus.memory import InProcessBus
from app.config import settings


@lru_cache(maxsize=1)
def bus() -> EventBus:
    """The process-wide bus: REDIS_CLUSTER_URL (sharded pub/sub), else REDIS_URL, else local."""
    if settings().redis_cluster_url:
        from app.adapters.bus.cluster_bus import ClusterBus

        return ClusterBus(settings().redis_cluster_url or "")
    url = settings().redis_url
    if url:
        from app.adapters.bus.redis_bus import RedisBus

        return RedisBus(url)
    return InProcessBus()


__all__ = ["EventBus", "InProcessBus", "bus"]
