"""Who reads and moderates the chat rooms of live sessions and watch parties."""

from __future__ import annotations

from sqlmodel import Session

from app.adapters.db.models_live import LiveSession, WatchParty
from app.domain.chat import RoomKey
from app.domain.numbers import parse_id
from app.services import chat
from app.services.live.watch_parties import can_see_party


def _ident(key: RoomKey) -> int | None:
    return parse_id(key.ident)


def _live_chat_readable(session: Session, key: RoomKey, _user_id: int | None) -> bool:
    """A session's chat is public, live and as a replay."""
    session_id = _ident(key)
    return session_id is not None and session.get(LiveSession, session_id) is not None


def _live_chat_owner(session: Session, key: RoomKey) -> int | None:
    session_id = _ident(key)
    live = session.get(LiveSession, session_id) if session_id is not None else None
    return live.host_id if live else None  # the host moderates their session's chat


def _party_chat_readable(session: Session, key: RoomKey, user_id: int | None) -> bool:
    """A watch party's chat: its members only."""
    party_id = _ident(key)
    return party_id is not None and can_see_party(session, party_id, user_id)


def _party_chat_owner(session: Session, key: RoomKey) -> int | None:
    party_id = _ident(key)
    party = session.get(WatchParty, party_id) if party_id is not None else None
    return party.owner_id if party else None


def register() -> None:
    """Open the `live` and `watch` room kinds (done once, when the live package loads)."""
    chat.register_room_kind(
        "live", chat.RoomPolicy(can_read=_live_chat_readable, owner_of=_live_chat_owner)
    )
    chat.register_room_kind(
        "watch", chat.RoomPolicy(can_read=_party_chat_readable, owner_of=_party_chat_owner)
    )
