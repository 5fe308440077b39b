"""Domain events: the news a service publishes after its transaction commits.

Each event names its aggregate and carries the aggregate's version after the change, so a client
that sees a gap in versions knows it missed news and reloads from the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.domain.clock import utcnow


class EventKind(StrEnum):
    """Every kind of news a service publishes; `aggregate.what_happened`."""

    CART_CHANGED = "cart.changed"
    DEAL_CREATED = "deal.created"
    DEAL_JOINED = "deal.joined"
    DEAL_LEFT = "deal.left"
    DEAL_SEAT_RESERVED = "deal.seat_reserved"
    DEAL_UNLOCKED = "deal.unlocked"
    DEAL_CLOSED = "deal.closed"
    DEAL_TEAM_EXPIRED = "deal.team_expired"
    LIVE_SCHEDULED = "live.scheduled"
    LIVE_STARTED = "live.started"
    LIVE_PINNED = "live.pinned"
    LIVE_DEAL_LAUNCHED = "live.deal_launched"
    LIVE_REACTIONS = "live.reactions"
    LIVE_ENDED = "live.ended"
    PARTY_OPENED = "party.opened"
    PARTY_MEMBER_ADDED = "party.member_added"
    PARTY_CART_CHANGED = "party.cart_changed"
    CHAT_MESSAGE_POSTED = "message_posted"
    CHAT_MESSAGE_DELETED = "message_deleted"
    CHAT_MESSAGE_REPORTED = "message_reported"
    CHAT_SETTINGS_CHANGED = "settings_changed"
    CHAT_FILTER_CHANGED = "filter_changed"
    CHAT_USER_MUTED = "user_muted"
    CHAT_USER_UNMUTED = "user_unmuted"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_REFUND_REQUESTED = "order.refund_requested"
    ORDER_REFUND_APPROVED = "order.refund_approved"
    ORDER_REFUNDED = "order.refunded"
    ORDER_REFUND_REJECTED = "order.refund_rejected"
    ORDER_REFUND_FAILED = "order.refund_failed"
    USER_ROLE_CHANGED = "user.role_changed"
    PRODUCT_CREATED = "product.created"
    PRODUCT_UPDATED = "product.updated"
    PRODUCT_ARCHIVED = "product.archived"
    DEAL_CANCELLED = "deal.cancelled"
    FRIEND_ADDED = "friend.added"
    FRIEND_REMOVED = "friend.removed"
    REVIEWS_CHANGED = "reviews.changed"
    QUESTIONS_CHANGED = "questions.changed"
    NOTIFICATIONS_CHANGED = "notify.changed"
    ACTIVITY_CHANGED = "activity.changed"
    CANDIDATES_CHANGED = "candidates.changed"
    PAGE_VIEWED = "page.viewed"  # a lightweight event for the analytics: visits and views
    CHECKOUT_STARTED = "checkout.started"
    ORDER_PAID = "order.paid"
    COMMUNITY_MEMBERS_CHANGED = "community.members_changed"
    COMMUNITY_POST_PINNED = "community.post_pinned"
    COMMUNITY_FEATURED = "community.featured"
    EXPERIMENT_EXPOSED = "experiment.exposed"
    # Made by the realtime layer itself, not by services.
    LIVE_DEAL_PROGRESS = "live.deal_progress"  # a flash deal moved: redraw its session's room
    PRESENCE = "presence"
    ANALYTICS_UPDATED = "analytics.updated"  # the rollups moved: open dashboards re-read them
    RESYNC = "resync"
    BUS_DOWN = "bus_down"
    BUS_UP = "bus_up"


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened to one aggregate (a cart, a deal, a chat room...)."""

    aggregate: str
    aggregate_id: str
    version: int
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    occurred_at: str = field(default_factory=lambda: utcnow().isoformat())
    # Who caused it, when the service knows (the event log records it; None: the system).
    actor_id: int | None = None

    @property
    def channel(self) -> str:
        """The bus channel that watchers of this aggregate subscribe to."""
        return f"{self.aggregate}:{self.aggregate_id}"

    def to_json(self) -> str:
        # Not `asdict`: it deep-copies the payload, and cart events carry the whole cart view.
        fields = {
            "aggregate": self.aggregate,
            "aggregate_id": self.aggregate_id,
            "version": self.version,
            "kind": self.kind,
            "payload": self.payload,
            "occurred_at": self.occurred_at,
            "actor_id": self.actor_id,
        }
        return json.dumps(fields, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> DomainEvent:
        return cls(**json.loads(raw))
