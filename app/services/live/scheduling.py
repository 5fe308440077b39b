"""Scheduling a live session: the form's choices and the host's submission."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.adapters.db.models import Product, ProductImage
from app.adapters.db.models_live import LiveSession, LiveSessionProduct
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.live import (
    SessionDraft,
    SessionStatus,
    clean_text,
    ordered_products,
    validate_draft,
)
from app.domain.money import format_minor
from app.domain.people import may_host
from app.services.context import Context
from app.services.live.errors import LiveError, LiveValidationError
from app.services.live.records import actor_of, live_event, schedule_event
from app.services.live.views import CoverChoice, NewSessionForm, ProductChoice


def _cover_choices(session: Session) -> list[CoverChoice]:
    """Upload-free cover images: the first picture of every product in the shop."""
    rows = session.exec(
        select(ProductImage.url, Product.title)
        .join(Product, col(Product.id) == col(ProductImage.product_id))
        .where(ProductImage.position == 0)
        .order_by(col(Product.title))
    ).all()
    return [CoverChoice(url, title) for url, title in rows]


def _product_choices(session: Session) -> list[ProductChoice]:
    """Every product a host can show, by title."""
    rows = session.exec(select(Product).order_by(col(Product.title))).all()
    return [
        ProductChoice(p.id or 0, p.title, format_minor(p.price_amount, p.currency)) for p in rows
    ]


def new_session_form(ctx: Context, viewer_id: int) -> NewSessionForm:
    """What /live/new offers: whether this user may host, the covers and the products."""
    with ctx.session() as session:
        return NewSessionForm(
            may_host=may_host(actor_of(session, viewer_id).role),
            covers=_cover_choices(session),
            products=_product_choices(session),
        )


def schedule_session(ctx: Context, actor_id: int, draft: SessionDraft) -> int:
    """A host schedules a session; its id. Raises LiveError when the user may not host, and
    LiveValidationError with every field problem at once."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        if not may_host(actor_of(session, actor_id).role):
            raise LiveError("Only hosts can schedule live sessions.", "not_a_host")
        wanted = ordered_products(draft.product_ids)
        found = session.exec(select(Product.id).where(col(Product.id).in_(wanted))).all()
        known = {int(pid) for pid in found if pid is not None}
        covers = {c.url for c in _cover_choices(session)}
        errors = validate_draft(draft, now, covers=covers, known_products=known)
        if errors:
            raise LiveValidationError(errors)
        assert draft.starts_at is not None
        live = LiveSession(
            host_id=actor_id,
            title=clean_text(draft.title),
            description=clean_text(draft.description),
            cover_image=draft.cover_image,
            stream_url=draft.stream_url.strip(),
            starts_at=as_utc(draft.starts_at),
            status=SessionStatus.SCHEDULED.value,
            version=1,
        )
        session.add(live)
        session.flush()
        assert live.id is not None
        session.add_all(
            LiveSessionProduct(session_id=live.id, product_id=pid, position=i)
            for i, pid in enumerate(wanted)
        )
        uow.record(live_event(live.id, 1, EventKind.LIVE_SCHEDULED))
        uow.record(schedule_event(EventKind.LIVE_SCHEDULED, live.id))
        return live.id
