"""Writing in a community: posts (with photos) and replies, and pinning a post.

A post or a reply is written by the chat's own `write_message`, so the mute, the word filter,
slow mode and the sender's rate limit are the chat's. Posts also spend an hourly allowance
(`rate_limits.stamp`), since each may carry photos. Photos are checked and re-encoded to WebP
like the console's product pictures, before the transaction (CPU work, no locks held).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, func, select, update

from app.adapters.db.models_chat import ChatMessage
from app.adapters.db.models_community import CommunityPhoto, CommunityPost
from app.adapters.media import images
from app.domain import communities as rules
from app.domain.chat import parse_room_key
from app.domain.clock import as_utc
from app.domain.communities import CommunityRefused
from app.domain.events import EventKind
from app.domain.throttle import Rate
from app.services import rate_limits
from app.services.allowances import spend
from app.services.chat import moderation as chat_moderation
from app.services.chat.rooms import record
from app.services.chat.sending import (
    MESSAGES_PER_ADDRESS,
    spend_message,
    too_fast,
    write_message,
)
from app.services.communities.access import find, require_member, room_key
from app.services.context import Context

POST_ACTION = "community_post"
# A person posts POSTS_PER_HOUR (10, the database window); an address, five people's worth.
POSTS_PER_ADDRESS = Rate("community.post.address", limit=50, seconds=3600)


def _pictures(photos: list[tuple[str, bytes]]) -> list[bytes]:
    refusal = rules.photo_count_refusal(len(photos))
    if refusal is not None:
        raise refusal
    out = []
    for name, data in photos:
        try:
            out.append(images.reencode(data))
        except images.ImageRejected as rejected:
            raise CommunityRefused(f"{name[:60]}: {rejected}", "photos") from None
    return out


def post(
    ctx: Context,
    actor_id: int | None,
    community_id: int,
    text: str,
    photos: list[tuple[str, bytes]] | None = None,
    address: str | None = None,
) -> int:
    """A member posts (plain text with safe links, up to 4 photos); the post's id.
    CommunityRefused (not a member, a photo we can't take) or ChatRefused (empty, too long,
    muted, filtered word, too fast for the person or their address) with the reason; nothing
    is kept when refused."""
    body = rules.clean_post(text)
    pictures = _pictures(photos or [])
    now = as_utc(ctx.now())
    key = parse_room_key(room_key(community_id))
    folder = ctx.data_dir() / "media"
    stored: list[str] = []
    try:
        with ctx.uow() as uow:
            session = uow.session
            find(session, community_id)
            author = require_member(session, community_id, actor_id)
            rate_limits.stamp(
                session,
                author.id or 0,
                POST_ACTION,
                limit=rules.POSTS_PER_HOUR,
                window=timedelta(hours=1),
                now=now,
                refuse=too_fast,
            )
            message = write_message(uow, key, author, body, None, now)
            message_id = message.id or 0
            # The address's allowances, before any photo is stored: a refusal keeps nothing.
            spend(ctx, too_fast, (POSTS_PER_ADDRESS, address), (MESSAGES_PER_ADDRESS, address))
            session.add(CommunityPost(message_id=message_id, community_id=community_id))
            for position, picture in enumerate(pictures):
                url = images.store_image(picture, "community", folder)
                stored.append(url)
                session.add(CommunityPhoto(message_id=message_id, url=url, position=position))
            return message_id
    except Exception:
        for url in stored:  # the rows were rolled back: so go the files
            images.remove_image(url, folder)
        raise


def _visible_post(session: Session, community_id: int, post_id: int) -> CommunityPost:
    row = session.exec(
        select(CommunityPost)
        .join(ChatMessage, col(ChatMessage.id) == col(CommunityPost.message_id))
        .where(
            CommunityPost.message_id == post_id,
            CommunityPost.community_id == community_id,
            col(ChatMessage.deleted_at).is_(None),
        )
    ).first()
    if row is None:
        raise CommunityRefused("That post was deleted.")
    return row


def reply(
    ctx: Context,
    actor_id: int | None,
    community_id: int,
    post_id: int,
    text: str,
    address: str | None = None,
) -> int:
    """A member replies to a post (chat-sized plain text); the reply's id. Replies spend the
    chat's allowances (the person's and the address's)."""
    body = rules.clean_reply(text)
    now = as_utc(ctx.now())
    key = parse_room_key(room_key(community_id))
    with ctx.uow() as uow:
        find(uow.session, community_id)
        author = require_member(uow.session, community_id, actor_id)
        _visible_post(uow.session, community_id, post_id)
        message = write_message(uow, key, author, body, post_id, now)
        spend_message(ctx, address)
        return message.id or 0


@dataclass(frozen=True)
class PinPost:
    """A moderation command (run by the chat's `moderation.run`, which checks the actor
    moderates the room): pin a post on top of the feed, or unpin it. At most MAX_PINNED."""

    post_id: int
    pinned: bool = True

    def apply(self, act: chat_moderation.Act) -> bool:
        session = act.uow.session
        community_id = int(act.key.ident)
        _visible_post(session, community_id, self.post_id)
        if self.pinned:
            count = session.exec(
                select(func.count())
                .select_from(CommunityPost)
                .where(
                    CommunityPost.community_id == community_id,
                    col(CommunityPost.pinned_at).is_not(None),
                    CommunityPost.message_id != self.post_id,
                )
            ).one()
            if count >= rules.MAX_PINNED:
                raise CommunityRefused(
                    f"At most {rules.MAX_PINNED} posts can be pinned: unpin one first."
                )
        changed = session.exec(
            update(CommunityPost)
            .where(col(CommunityPost.message_id) == self.post_id)
            .values(
                pinned_at=act.now if self.pinned else None,
                pinned_by=act.actor_id if self.pinned else None,
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            return False
        record(
            act.uow,
            act.room,
            EventKind.COMMUNITY_POST_PINNED,
            message_id=self.post_id,
            pinned=self.pinned,
        )
        return True


def pin_post(
    ctx: Context, actor_id: int | None, community_id: int, post_id: int, pinned: bool = True
) -> bool:
    """A host (or a site moderator) pins a post on top of the feed, or unpins it."""
    return chat_moderation.run(ctx, actor_id, room_key(community_id), PinPost(post_id, pinned))
