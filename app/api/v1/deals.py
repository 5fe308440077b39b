"""/deals: group-buy deals with their live state (participants, current price, the next tier,
the deadline), read from the same read models as the deal pages (`read_deals`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from starlette.responses import Response

from app.api.v1.caching import cached
from app.api.v1.paging import Cursor, Limit, Page, decode, page_after
from app.api.v1.problems import ApiProblem, documented
from app.api.v1.security import context, needs
from app.domain.api_keys import Scope
from app.services import deals
from app.services.api_access.keys import Principal
from app.services.deals.views import DealCard, DealPage, MySeat

router = APIRouter(prefix="/deals", tags=["deals"])
Reader = Annotated[Principal, Depends(needs(Scope.READ_DEALS))]


class DealOut(BaseModel):
    """A deal as its page shows it, and the key owner's own seat in it."""

    deal: DealPage
    your_seat: MySeat


@router.get(
    "",
    response_model=Page[DealCard],
    summary="Open deals and lately ended ones, in id order",
    responses=documented(400, 401, 403, 422, 429),
)
def list_deals(
    request: Request, caller: Reader, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    after = decode(cursor, "deals", int)
    overview = deals.deals_overview(context(request), caller.user_id)
    page = page_after([*overview.cards, *overview.ended], lambda d: d.id, after, limit, "deals")
    return cached(request, page, Page[DealCard])


@router.get(
    "/{deal_id}",
    response_model=DealOut,
    summary="One deal with its tiers, teams and your seat",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def read_deal(
    request: Request, caller: Reader, deal_id: Annotated[int, Path(ge=1, le=999_999_999)]
) -> Response:
    view = deals.deal_page(context(request), caller.user_id, deal_id)
    if view.page is None:
        raise ApiProblem(404, "deal_not_found", "There is no such deal.")
    return cached(request, DealOut(deal=view.page, your_seat=view.seat), DealOut)
