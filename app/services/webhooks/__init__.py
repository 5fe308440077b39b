"""Outbound webhooks (Standard Webhooks): endpoints merchants register for event kinds, and
the worker that delivers the event log to them, signed, retried and in order per aggregate."""

from __future__ import annotations

from app.services.webhooks.delivery import DeliveryWorker, Policy, claim_due, record_outcome
from app.services.webhooks.endpoints import (
    WebhookError,
    WebhookNotFound,
    delete_endpoint,
    endpoint_attempts,
    endpoint_secret,
    event_types,
    list_endpoints,
    register_endpoint,
    replay_message,
    rotate_secret,
    set_endpoint_active,
)
from app.services.webhooks.fanout import fan_out
from app.services.webhooks.views import AttemptView, CreatedEndpoint, EndpointView

__all__ = [
    "AttemptView",
    "CreatedEndpoint",
    "DeliveryWorker",
    "EndpointView",
    "Policy",
    "WebhookError",
    "WebhookNotFound",
    "claim_due",
    "delete_endpoint",
    "endpoint_attempts",
    "endpoint_secret",
    "event_types",
    "fan_out",
    "list_endpoints",
    "record_outcome",
    "register_endpoint",
    "replay_message",
    "rotate_secret",
    "set_endpoint_active",
]
