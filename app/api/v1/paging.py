"""Cursor pagination: an opaque cursor in the query, the next one in the body (null at the end),
at most 100 items a page."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from app.api.v1.problems import field_problem

T = TypeVar("T")
K = TypeVar("K", int, str)
MAX_LIMIT = 100

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page, 1 to 100.")]
Cursor = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The `next_cursor` of the previous page; omit for the first page.",
    ),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


def encode(kind: str, value: int | str) -> str:
    raw = json.dumps([kind, value], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(raw: str | None, kind: str, of_type: type[K]) -> K | None:
    """The position a cursor names, or None for the first page; 400 naming `cursor` for one
    this list did not make."""
    if raw is None:
        return None
    try:
        padded = raw + "=" * (-len(raw) % 4)
        found_kind, value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error):
        found_kind, value = None, None
    if found_kind != kind or type(value) is not of_type:
        raise field_problem(
            "query.cursor", "This cursor is not one this list gave out.", 400, "invalid_cursor"
        )
    return value


def paged(rows: Sequence[T], limit: int, kind: str, key: Callable[[T], K]) -> Page[T]:
    """The page of `rows` (those after the cursor, in the list's order; one more than `limit`
    read tells there are more): its first `limit`, and the cursor naming the last of them
    when more follow (null at the end)."""
    chunk = list(rows[:limit])
    more = len(rows) > limit
    return Page[T](items=chunk, next_cursor=encode(kind, key(chunk[-1])) if more else None)


def page_after(
    items: Sequence[T],
    key: Callable[[T], K],
    after: K | None,
    limit: int,
    kind: str,
    *,
    descending: bool = False,
) -> Page[T]:
    """A page of `items`, sorted here by `key`, of those after the key `after`. For lists read
    whole from a page's read model; comparing keys (not positions) keeps a cursor good when
    items come or go between pages."""
    ordered = sorted(items, key=key, reverse=descending)
    if after is not None:
        ordered = [
            item for item in ordered if (key(item) < after if descending else key(item) > after)
        ]
    return paged(ordered, limit, kind, key)


def page_following(
    items: Sequence[T], key: Callable[[T], str], after: str | None, limit: int, kind: str
) -> Page[T]:
    """A page of `items` in the read model's own order, after the item keyed `after`. For lists
    whose items never leave (orders); a cursor naming none of them is refused."""
    start = 0
    if after is not None:
        keys = [key(item) for item in items]
        if after not in keys:
            raise field_problem(
                "query.cursor", "This cursor is not one this list gave out.", 400, "invalid_cursor"
            )
        start = keys.index(after) + 1
    return paged(items[start:], limit, kind, key)
