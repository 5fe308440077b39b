"""Live shopping rules: scheduling a session, its lifecycle, who may run it, flash deals and
the reaction rate limit.

Pure functions over plain values (standard library and sibling domain modules only), so every
rule is testable without a database or a web framework.

Vocabulary:
- a *session* is one live show by a *host* (a user with the host role) about a few products;
- it is *scheduled*, then *live*, then *ended*, and never goes back;
- the *pinned* product is the one every viewer sees under the video right now;
- a *flash deal* is a group-buy deal the host launches from the stream, with a short deadline.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from app.domain.group_buy import DealTerms, PriceTier
from app.domain.people import Role
from app.domain.plain_text import has_hidden_characters
from app.domain.throttle import Rate

MAX_TITLE_LENGTH = 80
MAX_DESCRIPTION_LENGTH = 500
MAX_STREAM_URL_LENGTH = 500
MAX_PRODUCTS = 12
# A form filled in for "now" reaches the server a little later: do not refuse it for seconds.
START_GRACE = timedelta(minutes=2)
MAX_AHEAD = timedelta(days=90)

FLASH_MINUTES = (1, 60)
FLASH_MIN_TO_UNLOCK = (2, 50)
FLASH_DISCOUNT_PERCENT = (5, 80)

# Reactions: a burst of this many hearts, then this many per second.
# Hearts per person, on every process together: a burst of 6, then 3 a second.
HEARTS = Rate("live.heart", limit=6, seconds=2)


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class LiveAction(StrEnum):
    GO_LIVE = "go_live"
    END = "end"


# Where each action may start from; nothing ever moves back.
_TRANSITIONS: dict[LiveAction, tuple[tuple[SessionStatus, ...], SessionStatus]] = {
    LiveAction.GO_LIVE: ((SessionStatus.SCHEDULED,), SessionStatus.LIVE),
    # Ending a session that never went live cancels it; it still keeps its page.
    LiveAction.END: ((SessionStatus.SCHEDULED, SessionStatus.LIVE), SessionStatus.ENDED),
}

_REFUSALS: dict[tuple[LiveAction, SessionStatus], str] = {
    (LiveAction.GO_LIVE, SessionStatus.LIVE): "This session is already live.",
    (LiveAction.GO_LIVE, SessionStatus.ENDED): "This session has ended; schedule a new one.",
    (LiveAction.END, SessionStatus.ENDED): "This session has already ended.",
}


class LifecycleError(ValueError):
    """A lifecycle move the rules refuse; the message is fit to show the host."""


def allowed_from(action: LiveAction) -> tuple[SessionStatus, ...]:
    """The statuses `action` may start from (for a conditional UPDATE)."""
    return _TRANSITIONS[action][0]


def next_status(current: SessionStatus | str, action: LiveAction) -> SessionStatus:
    """The status after `action`, or LifecycleError when the session cannot move that way."""
    status = SessionStatus(current)
    sources, target = _TRANSITIONS[action]
    if status not in sources:
        raise LifecycleError(_REFUSALS.get((action, status), "That isn't possible right now."))
    return target


# --------------------------------------------------------------------------- who may do what


def can_run(user_id: int, role: str, host_id: int) -> bool:
    """Whether a user may run a session: go live, pin, launch deals, moderate, end.

    The session's host, and the shop's moderators and admins."""
    return user_id == host_id or role in (Role.MODERATOR, Role.ADMIN)


# --------------------------------------------------------------------------- scheduling


@dataclass(frozen=True)
class SessionDraft:
    """What a host entered to schedule a session. `starts_at` must be timezone-aware."""

    title: str
    cover_image: str
    starts_at: datetime | None
    stream_url: str = ""
    product_ids: tuple[int, ...] = ()
    description: str = ""


def clean_text(raw: str | None) -> str:
    """Collapse whitespace and normalise; keeps what people typed otherwise."""
    return " ".join(unicodedata.normalize("NFKC", raw or "").split())


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch)[0] == "C" for ch in text)


def stream_url_error(url: str) -> str | None:
    """Why a stream link cannot be used, or None. Empty means "no stream" (a poster shows).

    Only web links: http(s) on another host, or a path on this site ("/live/demo.mp4")."""
    if not url:
        return None
    if len(url) > MAX_STREAM_URL_LENGTH:
        return f"Links can be at most {MAX_STREAM_URL_LENGTH} characters."
    if any(ch.isspace() for ch in url) or _has_control_characters(url):
        return "Links can't contain spaces."
    if url.startswith("/") and not url.startswith("//"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return "That doesn't look like a link."
    if parts.scheme.lower() not in ("http", "https"):
        return "Use a link that starts with https:// or http://."
    if not parts.hostname:
        return "The link needs a host name, e.g. https://example.com/show.m3u8."
    return None


def validate_draft(
    draft: SessionDraft,
    now: datetime,
    *,
    covers: Collection[str] = (),
    known_products: Collection[int] | None = None,
) -> dict[str, str]:
    """Check a session a host wants to schedule; {field: message}, empty when it is fine.

    `covers` are the cover images on offer (empty: any); `known_products` the product ids that
    exist (None: not checked). Every problem is reported at once for the form."""
    errors: dict[str, str] = {}
    title = clean_text(draft.title)
    if not title:
        errors["title"] = "Give the session a title."
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = f"Titles can be at most {MAX_TITLE_LENGTH} characters."
    elif _has_control_characters(title):
        errors["title"] = "Titles can't contain control characters."

    description = clean_text(draft.description)
    if len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = f"Keep the description under {MAX_DESCRIPTION_LENGTH} characters."
    elif has_hidden_characters(description):
        errors["description"] = "Descriptions can't contain control or invisible characters."

    if covers and draft.cover_image not in covers:
        errors["cover_image"] = "Choose one of the cover images."

    starts = draft.starts_at
    if starts is None:
        errors["starts_at"] = "Choose when the session starts."
    elif starts.tzinfo is None or starts.tzinfo.utcoffset(starts) is None:
        errors["starts_at"] = "The start time needs a time zone."
    elif starts < now - START_GRACE:
        errors["starts_at"] = "The start time is in the past."
    elif starts > now + MAX_AHEAD:
        errors["starts_at"] = "Schedule sessions at most 90 days ahead."

    url_error = stream_url_error(draft.stream_url.strip())
    if url_error:
        errors["stream_url"] = url_error

    products = list(dict.fromkeys(draft.product_ids))
    if not products:
        errors["products"] = "Pick at least one product to show."
    elif len(products) > MAX_PRODUCTS:
        errors["products"] = f"Show at most {MAX_PRODUCTS} products in one session."
    elif known_products is not None and any(p not in known_products for p in products):
        errors["products"] = "One of the products is no longer in the shop."
    return errors


class StreamKind(StrEnum):
    NONE = "none"  # no stream: show the cover as a poster
    FILE = "file"  # an MP4/WebM file the browser plays itself
    HLS = "hls"  # an HLS playlist
    PAGE = "page"  # a video page link (the player picks the site's embed)


def stream_kind(url: str) -> StreamKind:
    if not url:
        return StreamKind.NONE
    path = urlsplit(url).path.lower()
    if path.endswith(".m3u8"):
        return StreamKind.HLS
    if path.endswith((".mp4", ".webm", ".m4v", ".mov", ".ogv")):
        return StreamKind.FILE
    return StreamKind.PAGE


def ordered_products(product_ids: Iterable[int]) -> list[int]:
    """Products in the host's order, each once."""
    return list(dict.fromkeys(product_ids))


# --------------------------------------------------------------------------- flash deals


@dataclass(frozen=True)
class FlashDealRequest:
    """What the host console sends: a product, how long, how many to unlock, how much off."""

    product_id: int
    minutes: int
    min_to_unlock: int
    discount_percent: int


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_flash_deal(
    request: FlashDealRequest, session_products: Collection[int]
) -> dict[str, str]:
    """Field errors for a flash deal the host wants to launch."""
    errors: dict[str, str] = {}
    if request.product_id not in session_products:
        errors["product"] = "Choose one of this session's products."
    for name, value, (low, high), label in (
        ("minutes", request.minutes, FLASH_MINUTES, "The deal runs"),
        ("min_to_unlock", request.min_to_unlock, FLASH_MIN_TO_UNLOCK, "Shoppers needed:"),
        ("discount_percent", request.discount_percent, FLASH_DISCOUNT_PERCENT, "Discount:"),
    ):
        if not _is_int(value) or not low <= value <= high:
            errors[name] = f"{label} between {low} and {high}."
    return errors


def flash_deal_terms(
    price: int, currency: str, request: FlashDealRequest, now: datetime
) -> DealTerms:
    """Deal terms for a flash deal: half the discount for the first shopper, the full discount
    once `min_to_unlock` shoppers joined, open from now for `minutes`."""
    full = price - price * request.discount_percent // 100
    first = price - price * request.discount_percent // 200
    tiers = [PriceTier(1, max(first, 1))]
    if request.min_to_unlock > 1 and 0 < full < tiers[0].unit_price:
        tiers.append(PriceTier(request.min_to_unlock, full))
    return DealTerms(
        tiers=tuple(tiers),
        currency=currency,
        min_to_unlock=request.min_to_unlock,
        max_participants=None,
        starts_at=now,
        deadline=now + timedelta(minutes=request.minutes),
    )


# --------------------------------------------------------------------------- reactions
