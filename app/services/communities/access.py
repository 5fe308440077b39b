"""Who may read, post in and moderate a community, and the news it records.

A community's posts live in its chat room "community:<id>", registered here as a chat room kind:
anyone may read it, its creator owns it, and its appointed hosts moderate it besides the site's
moderators. So the chat's own moderation (delete, mute, reports, the console's queue) applies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from app.adapters.db.models_community import Community, CommunityMember
from app.adapters.db.models_people import User
from app.domain.chat import RoomKey, parse_room_key
from app.domain.communities import HOST, CommunityRefused
from app.domain.events import EventKind
from app.domain.numbers import parse_id
from app.domain.people import may_administer
from app.domain.plain_text import could_be_slug
from app.services import chat
from app.services.chat import rooms as chat_rooms
from app.services.unit_of_work import UnitOfWork

ROOM_KIND = "community"


def room_key(community_id: int) -> str:
    """The chat room of a community's posts and replies (and its bus channel's id)."""
    return f"{ROOM_KIND}:{community_id}"


def _community_id(key: RoomKey) -> int | None:
    return parse_id(key.ident)


def _readable(session: Session, key: RoomKey, _user_id: int | None) -> bool:
    community_id = _community_id(key)
    return community_id is not None and session.get(Community, community_id) is not None


def _owner(session: Session, key: RoomKey) -> int | None:
    community_id = _community_id(key)
    found = session.get(Community, community_id) if community_id is not None else None
    return found.created_by if found else None


def _hosts(session: Session, key: RoomKey, user_id: int) -> bool:
    community_id = _community_id(key)
    if community_id is None:
        return False
    row = session.get(CommunityMember, (community_id, user_id), populate_existing=True)
    return row is not None and row.role == HOST


chat.register_room_kind(
    ROOM_KIND, chat.RoomPolicy(can_read=_readable, owner_of=_owner, moderated_by=_hosts)
)


def find(session: Session, community_id: int) -> Community:
    found = session.get(Community, community_id)
    if found is None:
        raise CommunityRefused("That community doesn't exist.")
    return found


def membership(session: Session, community_id: int, user_id: int | None) -> CommunityMember | None:
    if not user_id:
        return None
    return session.get(CommunityMember, (community_id, user_id), populate_existing=True)


def signed_in(session: Session, user_id: int | None, what: str) -> User:
    who = session.get(User, user_id) if user_id else None
    if who is None:
        raise CommunityRefused(f"Sign in to {what}.")
    return who


def require_member(session: Session, community_id: int, user_id: int | None) -> User:
    """The acting user, if they are a member; CommunityRefused otherwise."""
    who = signed_in(session, user_id, "write in a community")
    if membership(session, community_id, who.id) is None:
        raise CommunityRefused("Join the community to write in it.")
    return who


def moderates(session: Session, community_id: int, user_id: int | None) -> bool:
    """Site moderators and admins, the community's creator and its hosts."""
    who = session.get(User, user_id) if user_id else None
    key = parse_room_key(room_key(community_id))
    return chat_rooms.moderates(session, key, who, chat_rooms.find_room(session, key.key))


def may_appoint(community: Community, who: User) -> bool:
    """Who names a community's hosts: its creator and the shop's admins."""
    return who.id == community.created_by or may_administer(who.role)


def record_news(
    uow: UnitOfWork, community_id: int, kind: EventKind, now: datetime, **payload: Any
) -> None:
    """News on the community's channel (its chat room's), so one renderer redraws its page."""
    key = parse_room_key(room_key(community_id))
    chat_rooms.record(uow, chat_rooms.room(uow.session, key, now), kind, **payload)


def community_by_slug(session: Session, slug: str) -> Community | None:
    if not could_be_slug(slug):
        return None
    return session.exec(select(Community).where(Community.slug == slug)).first()
