"""The notification rows of one person: writing, counting, listing and marking read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from app.adapters.db.models_social import Notification
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.services.context import Context
from app.services.preferences import wants
from app.services.unit_of_work import UnitOfWork

CHANNEL = "notify"
PAGE_SIZE = 50


class NotificationKind(StrEnum):
    QUESTION_TO_ANSWER = "question_to_answer"
    ANSWER_TO_YOUR_QUESTION = "answer_to_your_question"
    DEAL_OUTCOME = "deal_outcome"
    HOST_LIVE = "host_live"
    FRIEND_ACCEPTED = "friend_accepted"
    SHARED_CART = "shared_cart"
    WEBHOOK_DISABLED = "webhook_disabled"


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    title: str
    body: str
    link: str
    question_id: int
    unread: bool
    created_at: str  # ISO 8601, UTC
    when: str  # "2026-12-05 16:30 UTC"


@dataclass(frozen=True)
class NotificationsPage:
    unread: int
    items: list[NotificationView]


def notify(
    uow: UnitOfWork,
    user_id: int,
    kind: NotificationKind,
    title: str,
    *,
    body: str = "",
    link: str = "",
    question_id: int | None = None,
    ref: str | None = None,
) -> bool:
    """Tell one person something, inside the caller's transaction, unless they turned this
    kind of notification off. With `ref` (the fact it is about) a person is told once however
    many processes derive it. True if a notification was written."""
    if not wants(uow.session, user_id, f"notify.{kind.value}"):
        return False
    row = Notification(
        user_id=user_id,
        kind=kind.value,
        title=title[:200],
        body=body[:300],
        link=link[:200],
        question_id=question_id,
        ref=ref,
    )
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:  # told already (another process, or an earlier tick)
        return False
    uow.record(_changed(user_id))
    return True


def _changed(user_id: int) -> DomainEvent:
    return DomainEvent(CHANNEL, str(user_id), 0, EventKind.NOTIFICATIONS_CHANGED)


def _unread(session: Session, user_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, col(Notification.read_at).is_(None))
        ).one()
    )


def unread_count(ctx: Context, viewer_id: int) -> int:
    """How many notifications the person has not read (the bell's number)."""
    with ctx.session() as session:
        return _unread(session, viewer_id)


def notifications_page(ctx: Context, viewer_id: int) -> NotificationsPage:
    """The person's newest notifications, newest first, with the unread count."""
    with ctx.session() as session:
        rows = session.exec(
            select(Notification)
            .where(Notification.user_id == viewer_id)
            .order_by(col(Notification.id).desc())
            .limit(PAGE_SIZE)
        ).all()
        items = [
            NotificationView(
                id=n.id or 0,
                kind=n.kind,
                title=n.title,
                body=n.body,
                link=n.link,
                question_id=n.question_id or 0,
                unread=n.read_at is None,
                created_at=as_utc(n.created_at).isoformat(),
                when=as_utc(n.created_at).strftime("%Y-%m-%d %H:%M UTC"),
            )
            for n in rows
        ]
        return NotificationsPage(_unread(session, viewer_id), items)


def mark_read(ctx: Context, actor_id: int, notification_id: int) -> None:
    """Mark one of the actor's notifications read (someone else's id changes nothing)."""
    with ctx.uow() as uow:
        result = uow.session.exec(
            update(Notification)
            .where(
                col(Notification.id) == notification_id,
                col(Notification.user_id) == actor_id,
                col(Notification.read_at).is_(None),
            )
            .values(read_at=ctx.now())
        )
        if result.rowcount:
            uow.record(_changed(actor_id))


def mark_all_read(ctx: Context, actor_id: int) -> None:
    """Mark every notification of the actor read."""
    with ctx.uow() as uow:
        result = uow.session.exec(
            update(Notification)
            .where(col(Notification.user_id) == actor_id, col(Notification.read_at).is_(None))
            .values(read_at=ctx.now())
        )
        if result.rowcount:
            uow.record(_changed(actor_id))
