"""What the deal pages read: one call per page load (or per live update), one transaction each.

The views themselves are composed in app/services/deals/views.py; these are the use cases the
states call, with the service context first and the viewer's id where the answer depends on who
asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.people import may_host
from app.services.context import Context
from app.services.deals.views import (
    NO_SEAT,
    DealCard,
    DealPage,
    HostForm,
    MySeat,
    active_cards,
    host_form,
    my_seat,
    product_id_for,
    read_deal_page,
    recent_closed_cards,
)


@dataclass(frozen=True)
class DealsOverview:
    """The /deals page: live cards, lately ended ones, and whether the viewer may host."""

    cards: list[DealCard] = field(default_factory=list)
    ended: list[DealCard] = field(default_factory=list)
    can_host: bool = False


@dataclass(frozen=True)
class ProductDeals:
    """A product page's deal cards; `product_id` 0 when the key names no product."""

    product_id: int
    cards: list[DealCard]


@dataclass(frozen=True)
class DealPageView:
    """One deal's page for one viewer: the public page (None: no such deal) and their seat."""

    page: DealPage | None
    seat: MySeat = NO_SEAT


def live_deal_cards(ctx: Context) -> list[DealCard]:
    """Every deal shoppers can still act on, as cards (the home page, and each live update of
    any page of cards)."""
    with ctx.uow() as uow:
        return active_cards(uow.session, as_utc(ctx.now()))


def deals_overview(ctx: Context, viewer_id: int | None) -> DealsOverview:
    """The /deals page for this viewer (None: a guest)."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        viewer = uow.session.get(User, viewer_id) if viewer_id else None
        return DealsOverview(
            cards=active_cards(uow.session, now),
            ended=recent_closed_cards(uow.session, now),
            can_host=viewer is not None and may_host(viewer.role),
        )


def product_deals(ctx: Context, product_key: str) -> ProductDeals:
    """The deal cards of a product's page; `product_key` is its slug or numeric id."""
    with ctx.uow() as uow:
        found = product_id_for(uow.session, product_key)
        return ProductDeals(found or 0, active_cards(uow.session, as_utc(ctx.now())))


def deal_page(ctx: Context, viewer_id: int | None, deal_id: int) -> DealPageView:
    """One deal's page as this viewer sees it (None: a guest, who has no seat)."""
    with ctx.uow() as uow:
        page = read_deal_page(uow.session, deal_id, as_utc(ctx.now()))
        seat = my_seat(uow.session, deal_id, viewer_id) if viewer_id and page else NO_SEAT
        return DealPageView(page, seat)


def public_deal_page(ctx: Context, deal_id: int) -> DealPage | None:
    """What every viewer of a deal sees (pushed to all of them on each change)."""
    with ctx.uow() as uow:
        return read_deal_page(uow.session, deal_id, as_utc(ctx.now()))


def deal_form(ctx: Context, actor_id: int) -> HostForm:
    """What the new-deal form offers this user: nothing unless their role may host deals."""
    with ctx.uow() as uow:
        user = uow.session.get(User, actor_id)
        return host_form(uow.session, user.role if user else "")
