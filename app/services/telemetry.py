"""Counters and timings any layer may feed; GET /metrics (app/api/metrics.py) shows them.

They live here, below everything that increments them: services (deal closes), the realtime
layer (bus lag, renders) and the HTTP routes (webhook failures). With several workers,
prometheus-client's multiprocess mode sums them over the processes.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

BUS_EVENTS = Counter(
    "bandwagon_bus_events", "Domain events received from the bus, by aggregate", ["aggregate"]
)
BUS_LAG_SECONDS = Histogram(
    "bandwagon_bus_lag_seconds",
    "From a change's commit (the event's time) to its arrival at a worker's hub",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
RENDER_SECONDS = Histogram(
    "bandwagon_render_seconds",
    "Rendering one room's update and putting it on its members' sockets, by aggregate",
    ["aggregate"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
DEAL_CLOSES = Counter(
    "bandwagon_deal_closes", "Deals closed (final status recorded), by outcome", ["outcome"]
)
WEBHOOK_FAILURES = Counter(
    "bandwagon_webhook_failures",
    "Webhook deliveries refused or failed, by source and reason; increment it from any receiver",
    ["source", "reason"],
)
