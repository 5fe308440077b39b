"""The one event the shop writes only for the analytics: a page was viewed."""

from __future__ import annotations

from app.domain.analytics import page_of
from app.domain.events import DomainEvent, EventKind
from app.services.context import Context


def record_page_view(ctx: Context, user_id: int | None, visitor: str, path: str) -> None:
    """Log that `visitor` (a signed-in user, or an anonymous browser tab) opened `path`: the
    visits, product and deal views and live viewers of the dashboard come from these."""
    page, ref = page_of(path)
    key = f"u{user_id}" if user_id is not None else f"t{visitor}"[:64]
    with ctx.uow() as uow:
        uow.record(
            DomainEvent(
                "visitor",
                key,
                0,
                EventKind.PAGE_VIEWED,
                {"visitor": key, "page": page, "ref": ref},
                actor_id=user_id,
            )
        )
