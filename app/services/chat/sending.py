"""Writing in a room: posting (with its limits) and reporting a message.

Limits hold across backend processes because they live in the database: the send throttle is a
row per key moved by compare-and-set, a mute is a row per (room, user).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select, update

from app.adapters.db.models_chat import ChatMessage, ChatMute, ChatReport, ChatThrottle
from app.adapters.db.models_people import User
from app.domain import chat as rules
from app.domain.chat import ChatRefused, Refusal, RoomKey
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.plain_text import one_line
from app.domain.throttle import Rate, format_stamps, parse_stamps, throttle
from app.services.allowances import spend
from app.services.chat.reading import filter_words
from app.services.chat.rooms import (
    insert_ignoring_conflicts,
    moderates,
    record,
    require_reader,
    room,
    visible_message,
)
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork

THROTTLE_ATTEMPTS = 8
# One person sends at most RATE_LIMIT_MESSAGES per RATE_LIMIT_SECONDS (30 a minute, the window
# in the database); an address, five such people at full speed: a household or an office chatting
# at once is never stopped, a script with many accounts is. Community posts and replies count too.
MESSAGES_PER_ADDRESS = Rate("chat.address", limit=150, seconds=60)
# Reports: once per message per person already; these keep one person (20 an hour) or one
# address (100) from burying the moderators' queue under reports of every message in sight.
REPORTS_PER_PERSON = Rate("chat.report.person", limit=20, seconds=3600)
REPORTS_PER_ADDRESS = Rate("chat.report.address", limit=100, seconds=3600)


def too_fast(message: str) -> ChatRefused:
    return ChatRefused(Refusal.RATE_LIMITED, message)


def spend_message(ctx: Context, address: str | None) -> None:
    """Spend one message of the address's allowance, last in the message's transaction."""
    spend(ctx, too_fast, (MESSAGES_PER_ADDRESS, address))


def _take(session: Session, key: str, limit: int, period: float, now: float) -> float:
    """Spend one send from the sliding window of `key`; 0.0 if allowed, else the wait in
    seconds. Compare-and-set on the stored window, so concurrent senders on any process can
    never both take the last slot."""
    for _ in range(THROTTLE_ATTEMPTS):
        stored = session.exec(select(ChatThrottle.stamps).where(ChatThrottle.key == key)).first()
        decision = throttle(parse_stamps(stored or ""), now, limit, period)
        if not decision.allowed:
            return decision.retry_after
        new = format_stamps(decision.stamps)
        if stored is None:
            if insert_ignoring_conflicts(session, ChatThrottle, {"key": key, "stamps": new}):
                return 0.0
            continue
        result = session.exec(
            update(ChatThrottle)
            .where(col(ChatThrottle.key) == key, col(ChatThrottle.stamps) == stored)
            .values(stamps=new)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            return 0.0
    return 1.0  # heavy contention on one sender's window: ask them to retry shortly


def _mute_remaining(session: Session, room_id: int, user_id: int, now: datetime) -> float:
    mute = session.get(ChatMute, (room_id, user_id), populate_existing=True)
    if mute is None or as_utc(mute.until) <= now:
        return 0.0
    return (as_utc(mute.until) - now).total_seconds()


def post_message(
    ctx: Context,
    actor_id: int | None,
    room_key: str,
    text: str,
    reply_to_id: int | None = None,
    address: str | None = None,
) -> int:
    """Post a message; its id. ChatRefused with the reason when the text is empty or too long,
    the sender is not signed in, may not read the room, is muted, sends too fast (rate limit
    or slow mode, or their address's allowance), uses a filtered word, or replies to a deleted
    message."""
    key = rules.parse_room_key(room_key)
    body = rules.clean_message(text)
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        author = require_reader(uow.session, key, actor_id)
        parent_id = None
        if reply_to_id:
            parent_id = visible_message(uow.session, key, int(reply_to_id)).id
        message = write_message(uow, key, author, body, parent_id, now)
        spend_message(ctx, address)
        return message.id or 0


def write_message(
    uow: UnitOfWork,
    key: RoomKey,
    author: User,
    body: str,
    parent_id: int | None,
    now: datetime,
) -> ChatMessage:
    """Store an already cleaned message by an author who may read the room, inside the caller's
    unit of work, after the room's own checks: the mute, the word filter, slow mode and the
    sender's rate limit (each refusal a ChatRefused). Records the posted event."""
    session = uow.session
    uid = author.id or 0
    found = room(session, key, now)
    remaining = _mute_remaining(session, found.id or 0, uid, now)
    if remaining > 0:
        raise rules.muted_refusal(remaining)
    moderator = moderates(session, key, author, found)
    if rules.blocked_word(body, filter_words(session, found.id or 0)) is not None:
        raise rules.filtered_refusal()
    moment = now.timestamp()
    if found.slow_mode_seconds > 0 and not moderator:
        slow = found.slow_mode_seconds
        wait = _take(session, f"slow:{found.id}:{uid}", 1, slow, moment)
        if wait:
            raise rules.slow_mode_refusal(slow, wait)
    wait = _take(
        session, f"rate:{uid}", rules.RATE_LIMIT_MESSAGES, rules.RATE_LIMIT_SECONDS, moment
    )
    if wait:
        raise rules.rate_limited(wait)
    message = ChatMessage(
        room_id=found.id or 0, user_id=uid, body=body, reply_to_id=parent_id, created_at=now
    )
    session.add(message)
    session.flush()
    record(uow, found, EventKind.CHAT_MESSAGE_POSTED, message_id=message.id, user_id=uid)
    return message


def report_message(
    ctx: Context,
    actor_id: int | None,
    room_key: str,
    message_id: int,
    reason: str = "",
    address: str | None = None,
) -> bool:
    """Flag a message for the moderators; True the first time this person reports it.
    ChatRefused (nothing kept) when the person or their address reports too fast."""
    key = rules.parse_room_key(room_key)
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session
        reporter = require_reader(session, key, actor_id)
        message = visible_message(session, key, message_id)
        if message.user_id == reporter.id:
            raise ChatRefused(Refusal.INVALID, "You can't report your own message.")
        reason = one_line(reason, rules.MAX_REPORT_REASON)
        values = {
            "message_id": message.id, "room_id": message.room_id, "reporter_id": reporter.id,
            "reason": reason, "created_at": now,
        }  # fmt: skip
        if not insert_ignoring_conflicts(session, ChatReport, values):
            return False
        record(uow, room(session, key, now), EventKind.CHAT_MESSAGE_REPORTED, message_id=message.id)
        spend(ctx, too_fast, (REPORTS_PER_PERSON, reporter.id), (REPORTS_PER_ADDRESS, address))
        return True
