"""Deals in the console: open one with the shop's own form parsing, call one off (every hold
released once), and the list a host or admin runs from. Through the shop's deal services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal
from app.domain.clock import as_utc
from app.domain.group_buy import DealStatus
from app.domain.people import HOSTING_ROLES, may_administer
from app.services import deals
from app.services.console.access import require
from app.services.console.audit import note
from app.services.context import Context
from app.services.deals.closing import CloseReport
from app.services.deals.views import STATUS_LABELS
from app.services.unit_of_work import UnitOfWork

_LIVE = (DealStatus.SCHEDULED.value, DealStatus.OPEN.value)


@dataclass(frozen=True)
class ConsoleDeal:
    id: int
    product: str
    status: str
    status_label: str
    participants: int
    min_to_unlock: int
    deadline: str  # ISO 8601, UTC
    cancellable: bool


def open_deal(ctx: Context, actor_id: int, form: Mapping[str, str], offset_minutes: int) -> int:
    """Open a deal from the console's tier editor (the shop's form parsing and rules: a
    DealValidationError maps each bad field to its message). Hosts and admins."""

    def audit(uow: UnitOfWork, deal_id: int) -> None:
        note(uow, actor_id, "deal.create", f"deal {deal_id}", f"product {form.get('product_id')}")

    with ctx.session() as session:
        require(session, actor_id, HOSTING_ROLES)
    return deals.create_deal_from_form(ctx, actor_id, form, offset_minutes, also=audit)


def cancel_deal(ctx: Context, actor_id: int, deal_id: int) -> CloseReport | None:
    """Call a deal off and release every hold; None if it was already over (a second cancel
    releases nothing and writes no audit entry)."""

    def audit(uow: UnitOfWork) -> None:
        note(uow, actor_id, "deal.cancel", f"deal {deal_id}")

    with ctx.session() as session:
        require(session, actor_id, HOSTING_ROLES)
    return deals.cancel_deal(ctx, actor_id, deal_id, also=audit)


def console_deals(ctx: Context, actor_id: int, limit: int = 100) -> list[ConsoleDeal]:
    """Newest deals first: every deal for admins, a host's own for hosts."""
    with ctx.session() as session:
        actor = require(session, actor_id, HOSTING_ROLES)
        statement = select(Deal, Product.title).join(
            Product, col(Product.id) == col(Deal.product_id)
        )
        if not may_administer(actor.role):
            statement = statement.where(Deal.created_by == actor_id)
        rows = session.exec(statement.order_by(col(Deal.id).desc()).limit(limit)).all()
    return [
        ConsoleDeal(
            id=deal.id or 0,
            product=title,
            status=deal.status,
            status_label=STATUS_LABELS.get(deal.status, deal.status.title()),
            participants=deal.participants,
            min_to_unlock=deal.min_to_unlock,
            deadline=as_utc(deal.deadline).isoformat(timespec="minutes"),
            cancellable=deal.status in _LIVE,
        )
        for deal, title in rows
    ]


__all__ = ["ConsoleDeal", "cancel_deal", "console_deals", "open_deal"]
