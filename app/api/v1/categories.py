"""/categories: every category with its count of products on sale (`read_products`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.api.v1.caching import cached
from app.api.v1.paging import Cursor, Limit, Page, decode, page_after
from app.api.v1.problems import documented
from app.api.v1.security import context, needs
from app.domain.api_keys import Scope
from app.domain.catalog import CategoryView
from app.services import catalog
from app.services.api_access.keys import Principal

router = APIRouter(prefix="/categories", tags=["categories"])
Reader = Annotated[Principal, Depends(needs(Scope.READ_PRODUCTS))]


@router.get(
    "",
    response_model=Page[CategoryView],
    summary="Categories, by slug",
    responses=documented(400, 401, 403, 422, 429),
)
def list_categories(
    request: Request, caller: Reader, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    after = decode(cursor, "categories", str)
    every = catalog.list_categories(context(request))
    page = page_after(every, lambda c: c.slug, after, limit, "categories")
    return cached(request, page, Page[CategoryView])
