"""/orders: the key owner's orders, as on /orders and /orders/<key> (`read_orders`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from app.api.v1.caching import cached
from app.api.v1.paging import Cursor, Limit, Page, decode, page_following
from app.api.v1.problems import ApiProblem, documented
from app.api.v1.security import context, needs
from app.domain.api_keys import Scope
from app.services import checkout, orders
from app.services.api_access.keys import Principal
from app.services.checkout import OrderView
from app.services.orders import OrderPage

router = APIRouter(prefix="/orders", tags=["orders"])
Reader = Annotated[Principal, Depends(needs(Scope.READ_ORDERS))]
MOST_ORDERS = 5000  # the read model's own cap, far above any shopper's history


@router.get(
    "",
    response_model=Page[OrderView],
    summary="Your orders, newest first",
    responses=documented(400, 401, 403, 422, 429),
)
def list_orders(
    request: Request, caller: Reader, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    after = decode(cursor, "orders", str)
    every = checkout.list_orders(context(request), caller.user_id, MOST_ORDERS)
    page = page_following(every, lambda o: o.key, after, limit, "orders")
    return cached(request, page, Page[OrderView])


@router.get(
    "/{order_key}",
    response_model=OrderPage,
    summary="One of your orders: lines, payments, refunds",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def read_order(
    request: Request,
    caller: Reader,
    order_key: Annotated[str, Path(pattern=r"^(?:order|deal-order)-[1-9][0-9]{0,8}$")],
) -> Response:
    page = orders.order_page(context(request), caller.user_id, order_key)
    if page is None:
        raise ApiProblem(404, "order_not_found", "There is no such order of yours.")
    return cached(request, page, OrderPage)
