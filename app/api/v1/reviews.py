"""/products/{key}/reviews: a product's reviews as the key owner sees them on the product page
(friends marked, their own included), newest first (`read_reviews`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.api.v1.caching import cached
from app.api.v1.paging import Cursor, Limit, Page, decode, page_after
from app.api.v1.problems import ApiProblem, documented
from app.api.v1.products import ProductKey
from app.api.v1.security import context, needs
from app.domain.api_keys import Scope
from app.services import reviews
from app.services.api_access.keys import Principal
from app.services.reviews import ReviewView, SummaryView

router = APIRouter(prefix="/products", tags=["reviews"])
Reader = Annotated[Principal, Depends(needs(Scope.READ_REVIEWS))]


class ReviewPage(Page[ReviewView]):
    summary: SummaryView


@router.get(
    "/{product_key}/reviews",
    response_model=ReviewPage,
    summary="A product's reviews and star summary, newest first",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def list_reviews(
    request: Request,
    caller: Reader,
    product_key: ProductKey,
    limit: Limit = 20,
    cursor: Cursor = None,
    stars: Annotated[int | None, Query(ge=1, le=5, description="Only this many stars.")] = None,
) -> Response:
    after = decode(cursor, "reviews", int)
    found = reviews.product_reviews(
        context(request), caller.user_id, product_key, sort="newest", stars=stars or 0
    )
    if found.product_id == 0:
        raise ApiProblem(404, "product_not_found", "There is no such product.")
    page = page_after(found.reviews, lambda r: r.id, after, limit, "reviews", descending=True)
    out = ReviewPage(items=page.items, next_cursor=page.next_cursor, summary=found.summary)
    return cached(request, out, ReviewPage)
