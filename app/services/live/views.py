"""What the live pages show, as plain values (the states hold them, components draw them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveProductView:
    id: int
    slug: str
    title: str
    price: str
    image: str
    stock: int


@dataclass(frozen=True)
class LiveDealView:
    id: int
    product_id: int
    product_title: str
    status: str  # scheduled / open / unlocked / closing / succeeded / failed / cancelled
    joinable: bool
    participants: int
    min_to_unlock: int
    unlocked: bool
    current_price: str
    full_price: str
    regular_price: str
    deadline: str  # ISO 8601 UTC
    progress: int  # 0..100, towards unlocking


@dataclass(frozen=True)
class LiveSessionView:
    id: int
    title: str
    description: str
    host_id: int
    host_name: str
    host_initials: str
    cover_image: str
    stream_url: str
    stream_kind: str
    starts_at: str  # ISO 8601 UTC
    status: str
    pinned_product_id: int  # 0: nothing pinned
    version: int
    products: list[LiveProductView]
    deals: list[LiveDealView]


@dataclass(frozen=True)
class ScheduleItem:
    id: int
    title: str
    host_id: int
    host_name: str
    cover_image: str
    starts_at: str
    status: str
    product_count: int


@dataclass(frozen=True)
class ProductChoice:
    id: int
    title: str
    price: str


@dataclass(frozen=True)
class CoverChoice:
    url: str
    label: str


@dataclass(frozen=True)
class PartyMemberView:
    id: int
    name: str
    initials: str


@dataclass(frozen=True)
class PartyLineView:
    title: str
    quantity: int
    added_by: str


@dataclass(frozen=True)
class WatchPartyView:
    id: int
    session_id: int
    owner_id: int
    cart_id: int
    members: list[PartyMemberView]
    cart_lines: list[PartyLineView]
    cart_total: str


@dataclass(frozen=True)
class PartyPanel:
    """A viewer's watch party (None: not in one) and the friends they can still invite."""

    party: WatchPartyView | None
    invitable: list[PartyMemberView]


@dataclass(frozen=True)
class SchedulePage:
    """/live: sessions live now, upcoming, recent replays, and the viewer's own bits."""

    live: list[ScheduleItem]
    upcoming: list[ScheduleItem]
    ended: list[ScheduleItem]
    followed_ids: list[int]
    is_host: bool


@dataclass(frozen=True)
class NewSessionForm:
    """/live/new: what a host picks from."""

    may_host: bool
    covers: list[CoverChoice]
    products: list[ProductChoice]


@dataclass(frozen=True)
class SessionPage:
    """/live/<id> at load: the session everyone sees plus this viewer's own view of it."""

    view: LiveSessionView
    can_run: bool
    following: bool
    joined_deal_ids: list[int]
    party: PartyPanel
    pays_in_stream: bool  # a test card joins flash deals right here (the local test server)
