"""What a community's page and the list of communities show."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services.chat.views import ChatMessageView
from app.services.deals.views import DealCard
from app.services.live.views import ScheduleItem


@dataclass(frozen=True)
class CommunityCard:
    id: int
    slug: str
    name: str
    description: str
    category: str  # the catalog category's name, or ""
    members: int
    joined: bool


@dataclass(frozen=True)
class Face:
    user_id: int
    name: str
    initials: str
    avatar: str
    colour: str
    host: bool
    founding: bool


@dataclass(frozen=True)
class PostView:
    message: ChatMessageView
    photos: list[str]
    pinned: bool
    founding: bool  # the author is one of the community's founding members
    replies: list[ChatMessageView]  # the newest few, oldest first
    reply_count: int


@dataclass(frozen=True)
class CommunityFeed:
    """What every viewer of a community's page sees live (pushed on each change)."""

    community_id: int
    members: int
    faces: list[Face]
    posts: list[PostView]
    sessions: list[ScheduleItem] = field(default_factory=list)
    deals: list[DealCard] = field(default_factory=list)


@dataclass(frozen=True)
class CommunityHeader:
    id: int
    slug: str
    name: str
    description: str
    category: str
    category_slug: str
    created_by: str


@dataclass(frozen=True)
class Choice:
    """A deal or session a host may attach: ("deal", 7, "Kyoto teapot deal")."""

    kind: str
    ref_id: int
    label: str


@dataclass(frozen=True)
class CommunityPage:
    """A community as one viewer opens it."""

    header: CommunityHeader
    feed: CommunityFeed
    member: bool
    moderates: bool
    appoints: bool  # may name hosts: the creator and admins
    creator_id: int
    muted: list[tuple[int, str, str]]  # moderators: (user id, name, until ISO)
    attachable: list[Choice]  # moderators: open deals and upcoming sessions not shown yet
