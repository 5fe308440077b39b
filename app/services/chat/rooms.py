"""Chat rooms: who may read and moderate each kind, the room row and its versioned news.

Rooms are keyed by channel-like keys ("product:12", "live:7", "watch:7"). Who may read a room
of each kind, who owns it (moderates it besides site moderators) and which product makes
someone a "buyer" there comes from a `RoomPolicy` registered per kind, so live sessions and
private side chats reuse this package unchanged. Unknown kinds are closed to everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models import Product
from app.adapters.db.models_chat import ChatMessage, ChatRoom
from app.adapters.db.models_people import User
from app.domain import chat as rules
from app.domain.chat import ChatRefused, Refusal, RoomKey
from app.domain.events import DomainEvent, EventKind
from app.domain.numbers import parse_id
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RoomPolicy:
    """How rooms of one kind behave. `can_read(session, key, user_id)` (user_id None for a
    guest) gates reading and posting; `owner_of` names the room's own moderator;
    `buyer_product` names the product whose buyers get the "buyer" badge (who bought what is
    app/services/buyers.py says who bought it: the one rule reviews and answers use too);
    `moderated_by(session, key, user_id)` names further moderators of one room (a community's
    hosts) besides its owner and the site's moderators."""

    can_read: Callable[[Session, RoomKey, int | None], bool]
    owner_of: Callable[[Session, RoomKey], int | None] = lambda _s, _k: None
    buyer_product: Callable[[Session, RoomKey], int | None] = lambda _s, _k: None
    moderated_by: Callable[[Session, RoomKey, int], bool] = lambda _s, _k, _u: False


_policies: dict[str, RoomPolicy] = {}


def register_room_kind(kind: str, policy: RoomPolicy) -> None:
    """Open rooms of `kind` ("live", "watch"...) with the given rules. Call at import time."""
    if kind not in rules.ROOM_KINDS:
        raise ValueError(f"unknown room kind {kind!r}; add it to app.domain.chat.ROOM_KINDS")
    _policies[kind] = policy


def policy(key: RoomKey) -> RoomPolicy | None:
    return _policies.get(key.kind)


def _product_id(key: RoomKey) -> int | None:
    return parse_id(key.ident)


def _product_room_readable(session: Session, key: RoomKey, _user_id: int | None) -> bool:
    product_id = _product_id(key)
    return product_id is not None and session.get(Product, product_id) is not None


register_room_kind(
    "product",
    RoomPolicy(
        can_read=_product_room_readable,
        buyer_product=lambda _s, key: _product_id(key),
    ),
)


def find_room(session: Session, room_key: str) -> ChatRoom | None:
    return session.exec(select(ChatRoom).where(ChatRoom.key == room_key)).first()


def room(session: Session, key: RoomKey, now: datetime) -> ChatRoom:
    """The room row, created on first use (concurrent creators end with the same row)."""
    found = find_room(session, key.key)
    if found is not None:
        return found
    kind = policy(key)
    owner = kind.owner_of(session, key) if kind else None
    insert_ignoring_conflicts(
        session,
        ChatRoom,
        {"key": key.key, "owner_id": owner, "slow_mode_seconds": 0, "version": 0,
         "created_at": now},
    )  # fmt: skip
    found = find_room(session, key.key)
    assert found is not None
    return found


def user(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id else None


def readable(session: Session, key: RoomKey, user_id: int | None) -> bool:
    kind = policy(key)
    return kind is not None and kind.can_read(session, key, user_id)


def _owner(session: Session, key: RoomKey, found: ChatRoom | None) -> int | None:
    if found is not None and found.owner_id is not None:
        return found.owner_id
    kind = policy(key)
    return kind.owner_of(session, key) if kind else None


def moderates(session: Session, key: RoomKey, who: User | None, found: ChatRoom | None) -> bool:
    if who is None:
        return False
    if rules.can_moderate(who.role, who.id or 0, _owner(session, key, found)):
        return True
    kind = policy(key)
    return kind is not None and kind.moderated_by(session, key, who.id or 0)


def require_reader(session: Session, key: RoomKey, user_id: int | None) -> User:
    who = user(session, user_id)
    if who is None:
        raise ChatRefused(Refusal.SIGN_IN, "Sign in to chat.")
    if not readable(session, key, who.id):
        raise ChatRefused(Refusal.FORBIDDEN, "You can't write in this chat.")
    return who


def require_moderator(
    session: Session, key: RoomKey, actor_id: int | None, now: datetime
) -> ChatRoom:
    who = require_reader(session, key, actor_id)
    found = room(session, key, now)
    if not moderates(session, key, who, found):
        raise ChatRefused(Refusal.FORBIDDEN, "Only the host or a moderator can do that.")
    return found


def visible_message(session: Session, key: RoomKey, message_id: int) -> ChatMessage:
    """A message of this room that is not deleted; ChatRefused NOT_FOUND otherwise."""
    found = find_room(session, key.key)
    message = session.get(ChatMessage, message_id) if found is not None else None
    if message is None or found is None or message.room_id != found.id or message.deleted_at:
        raise ChatRefused(Refusal.NOT_FOUND, "That message was deleted.")
    return message


def _bump(session: Session, room_id: int) -> int:
    row = session.exec(
        update(ChatRoom)
        .where(col(ChatRoom.id) == room_id)
        .values(version=col(ChatRoom.version) + 1)
        .returning(col(ChatRoom.version))
        .execution_options(synchronize_session=False)
    ).first()
    assert row is not None
    return int(row[0])


def record(uow: UnitOfWork, found: ChatRoom, kind: EventKind, **payload: Any) -> None:
    """Bump the room's version and record the news on its channel (chat:<room key>)."""
    version = _bump(uow.session, found.id or 0)
    uow.record(DomainEvent("chat", found.key, version, kind, payload))


def ensure_room(ctx: Context, room_key: str, owner_id: int | None = None) -> None:
    """Create a room ahead of use, or set its owner (who moderates it besides moderators)."""
    key = rules.parse_room_key(room_key)
    with ctx.uow() as uow:
        found = room(uow.session, key, ctx.now())
        if owner_id is not None and found.owner_id != owner_id:
            uow.session.exec(
                update(ChatRoom)
                .where(col(ChatRoom.id) == found.id)
                .values(owner_id=owner_id)
                .execution_options(synchronize_session=False)
            )
