"""/carts: the shared carts the key owner is a member of, and any one of them as its members
see it (`read_carts`). Membership is checked by the same read the cart page uses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from app.api.v1.caching import cached
from app.api.v1.paging import Cursor, Limit, Page, decode, page_after
from app.api.v1.problems import ApiProblem, documented
from app.api.v1.security import context, needs
from app.domain.api_keys import Scope
from app.domain.carts import CartError
from app.services.api_access.keys import Principal
from app.services.api_access.reads import shared_carts
from app.services.cart_page import open_cart
from app.services.carts.reading import CartSummary
from app.services.carts.views import CartView

router = APIRouter(prefix="/carts", tags=["carts"])
Reader = Annotated[Principal, Depends(needs(Scope.READ_CARTS))]


@router.get(
    "",
    response_model=Page[CartSummary],
    summary="Your shared carts, newest first",
    responses=documented(400, 401, 403, 422, 429),
)
def list_shared_carts(
    request: Request, caller: Reader, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    after = decode(cursor, "carts", int)
    every = shared_carts(context(request), caller.user_id)
    page = page_after(every, lambda c: c.id, after, limit, "carts", descending=True)
    return cached(request, page, Page[CartSummary])


@router.get(
    "/{cart_id}",
    response_model=CartView,
    summary="One cart you are a member of: lines, members, totals",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def read_cart(
    request: Request, caller: Reader, cart_id: Annotated[int, Path(ge=1, le=999_999_999)]
) -> Response:
    try:
        page = open_cart(context(request), caller.user_id, str(cart_id))
    except CartError:
        raise ApiProblem(404, "cart_not_found", "There is no such cart of yours.") from None
    return cached(request, page.view, CartView)
