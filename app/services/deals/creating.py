"""Opening a deal: from the host's form or from terms another use case built (a live session's
flash deal), checked against the domain's rules with every field problem reported at once."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlmodel import col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import DealCount, DealStatus, DealTerms, payment_mode, validate_terms
from app.domain.numbers import is_digits
from app.domain.people import may_host
from app.services.context import Context
from app.services.deals.errors import DealValidationError, NotAllowed
from app.services.deals.form import parse_deal_form
from app.services.deals.records import deal_payload, record
from app.services.unit_of_work import UnitOfWork

# The form's currency when no known product is chosen (the product error says what to fix).
_DEFAULT_CURRENCY = "USD"


def create_deal(ctx: Context, actor_id: int, product_id: int, terms: DealTerms) -> int:
    """Open a deal on a product; raise DealValidationError with every field problem at once.

    Only users whose role may host deals (hosts, admins) may do this: NotAllowed otherwise.
    Returns the new deal's id. Deals longer than the card-hold limit save cards instead of
    holding them (`payment_mode`)."""
    with ctx.uow() as uow:
        return open_deal_in(uow, actor_id, product_id, terms, as_utc(ctx.now()))


def create_deal_from_form(
    ctx: Context,
    actor_id: int,
    form: Mapping[str, str],
    offset_minutes: int,
    *,
    also: Callable[[UnitOfWork, int], None] | None = None,
) -> int:
    """Open a deal from the host's form (text fields; `offset_minutes` is the browser's
    `getTimezoneOffset()`, since datetime-local fields carry no zone). DealValidationError maps
    each bad field to its message; NotAllowed when the user may not host. `also(uow, deal_id)`
    runs in the same transaction (the console's audit entry)."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        chosen = form.get("product_id", "").strip()
        currency = (
            uow.session.exec(select(Product.currency).where(col(Product.id) == int(chosen))).first()
            if is_digits(chosen, 7)
            else None
        )
        parsed = parse_deal_form(form, currency or _DEFAULT_CURRENCY, offset_minutes, now)
        if parsed.terms is None:
            raise DealValidationError(parsed.errors)
        deal_id = open_deal_in(uow, actor_id, parsed.product_id, parsed.terms, now)
        if also is not None:
            also(uow, deal_id)
        return deal_id


def open_deal_in(
    uow: UnitOfWork, actor_id: int, product_id: int, terms: DealTerms, now: datetime
) -> int:
    """Open a deal inside a unit of work the caller holds (a live session launches its flash
    deal and links it to the session in one transaction). Same checks as `create_deal`."""
    creator = uow.session.get(User, actor_id)
    if creator is None or not may_host(creator.role):
        raise NotAllowed("Only hosts can open group-buy deals.")
    product = uow.session.get(Product, product_id)
    errors = validate_terms(terms, now)
    if product is None:
        errors["product_id"] = "Choose a product from the catalog."
    elif "currency" not in errors and terms.currency != product.currency:
        errors["currency"] = f"Use the product's currency ({product.currency})."
    if errors:
        raise DealValidationError(errors)
    deal = deal_row(product_id, actor_id, terms)
    uow.session.add(deal)
    uow.session.flush()
    assert deal.id is not None
    record(uow, deal.id, 1, EventKind.DEAL_CREATED, deal_payload(terms, DealCount()))
    return deal.id


def deal_row(product_id: int, created_by: int, terms: DealTerms) -> Deal:
    """A new open deal row for terms that passed `validate_terms` (also used by the demo seed)."""
    return Deal(
        product_id=product_id,
        tiers_json=json.dumps([[t.min_participants, t.unit_price] for t in terms.tiers]),
        currency=terms.currency,
        min_to_unlock=terms.min_to_unlock,
        max_participants=terms.max_participants,
        max_quantity_per_shopper=terms.max_quantity_per_shopper,
        starts_at=as_utc(terms.starts_at),
        deadline=as_utc(terms.deadline),
        team_size=terms.team_size,
        team_price=terms.team_price,
        payment_mode=payment_mode(terms).value,
        status=DealStatus.OPEN.value,
        version=1,
        created_by=created_by,
    )
