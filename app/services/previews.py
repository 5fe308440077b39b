"""Link previews of shared pages: what a product, deal, team, cart invite or live session link
says about itself, read from the same views the pages show (so the numbers are the true ones),
and the 1200×630 card picture that goes with it.

A reader takes the page's key (the path parameter) and its query parameters and returns a
`LinkPreview`, or None when there is nothing at that address. `READERS` names them by kind;
another shared page adds a reader there (and a route in app/api/share_routes.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from app.adapters import share_card
from app.domain.carts import CartError
from app.domain.numbers import parse_id
from app.domain.previews import CardContent, LinkPreview, clip, decimal_amount, joined_text
from app.routes import (
    SHARE_CARD,
    SITE_CARD,
    cart_join_url,
    community_url,
    deal_url,
    live_url,
    product_url,
)
from app.services import catalog, communities
from app.services.carts import invite_preview
from app.services.context import Context
from app.services.deals.reading import public_deal_page
from app.services.live.errors import LiveError
from app.services.live.viewing import session_view

Reader = Callable[[Context, str, Mapping[str, str], "str | None"], "LinkPreview | None"]

CARD_URL = SHARE_CARD
SITE_CARD_URL = SITE_CARD  # the og:image of every other page
SHOP_CARD = CardContent(
    picture="",
    headline="Shop together. Pay less.",
    price="",
    detail="Shared carts with friends and group deals whose price drops as more people join.",
)


def _card_path(kind: str, key: str, card: CardContent, query: Mapping[str, str]) -> str:
    """The card picture's address; `v` changes with what it shows, so an app that cached the
    old picture fetches the new one once the price or the count moved."""
    digest = hashlib.sha256(repr(card).encode()).hexdigest()[:12]
    params = {**query, "v": digest}
    return CARD_URL.format(kind=kind, key=key) + "?" + urlencode(params)


def _int(key: str) -> int | None:
    return parse_id(key)


def product_preview(
    ctx: Context, key: str, query: Mapping[str, str], address: str | None = None
) -> LinkPreview | None:
    """/product/<slug or id>: the title, the price and the first picture."""
    try:
        product = catalog.get_product(ctx, key[:200])
    except catalog.ProductNotFound:
        return None
    card = CardContent(
        picture=product.images[0].url if product.images else "",
        headline=product.title,
        price=product.price,
        detail=product.stock_label,
    )
    return LinkPreview(
        path=product_url(product.slug),
        title=f"{product.title} · {product.price}",
        description=clip(f"{product.price}. {product.description}"),
        card=card,
        card_path=_card_path("product", product.slug, card, {}),
        kind="product",
        price_amount=decimal_amount(product.price_minor, product.currency),
        price_currency=product.currency,
        preload=card.picture,
    )


def deal_preview(
    ctx: Context, key: str, query: Mapping[str, str], address: str | None = None
) -> LinkPreview | None:
    """/deals/<id>, and /deals/<id>?team=<id> (the link a team leader shares): the price now,
    how many joined (confirmed holds only, as on the page) and what the next tier needs."""
    deal_id = _int(key)
    page = public_deal_page(ctx, deal_id) if deal_id is not None else None
    if page is None:
        return None
    deal = page.card
    joined = joined_text(deal.participants)
    if deal.next_needed:
        more = f"{deal.next_needed} more for {deal.next_price}"
    elif deal.still_needed:
        more = f"{deal.still_needed} more to unlock"
    else:
        more = deal.status_label
    team_id = _int(query.get("team", ""))
    team = next((t for t in page.teams if t.id == team_id), None)
    if team is not None:
        title = f"Join {team.leader_name}'s team: {deal.title} for {page.team_price}"
        detail = f"Team {team.member_count} of {team.size} · {joined}"
        description = (
            f"{team.leader_name}'s team has {team.member_count} of {team.size}; when it fills, "
            f"everyone in it pays {page.team_price}. Group deal: {deal.current_price} now, "
            f"{joined}. {deal.status_label}."
        )
        price, badge, params = page.team_price, "TEAM DEAL", {"team": str(team.id)}
    else:
        title = f"{deal.title}: group deal at {deal.current_price} · {joined}"
        detail = f"{joined} · {more}"
        description = (
            f"Group deal: {deal.current_price} now, {joined}; {more}. "
            f"{deal.status_label}, until {deal.deadline_text}."
        )
        price, badge, params = deal.current_price, "GROUP DEAL", {}
    card = CardContent(deal.image, deal.title, price, detail, badge)
    return LinkPreview(
        path=deal_url(deal.id, team_id=team.id if team else None),
        title=title,
        description=clip(description),
        card=card,
        card_path=_card_path("deal", key, card, params),
        preload=deal.image,
    )


def cart_invite_preview(
    ctx: Context, key: str, query: Mapping[str, str], address: str | None = None
) -> LinkPreview | None:
    """/cart/join/<code>: whose shared cart, its name and how many are in it (what the invite
    page shows anyone who has the link; never its lines)."""
    try:
        # A guessed code spends the address's attempts, as on the invite page itself.
        cart = invite_preview(ctx, None, key[:20], address)
    except CartError:
        return None
    people = "1 person" if cart.member_count == 1 else f"{cart.member_count} people"
    card = CardContent("", cart.name, "", f"{cart.owner}'s shared cart · {people}", "SHARED CART")
    return LinkPreview(
        path=cart_join_url(cart.code),
        title=f"Join {cart.owner}'s shared cart “{cart.name}”",
        description=clip(
            f"{cart.owner} invites you to fill the shared cart “{cart.name}” together "
            f"({people} in it so far). Everyone sees each change live and pays their share."
        ),
        card=card,
        card_path=_card_path("cart", cart.code, card, {}),
    )


def live_preview(
    ctx: Context, key: str, query: Mapping[str, str], address: str | None = None
) -> LinkPreview | None:
    """/live/<id>: the session's title, host, status and the deal it runs now, if any."""
    session_id = _int(key)
    if session_id is None:
        return None
    try:
        view = session_view(ctx, session_id)
    except LiveError:
        return None
    status = {"live": "Live now", "scheduled": "Starting soon", "ended": "Replay"}.get(
        view.status, view.status
    )
    deal = next((d for d in view.deals if d.joinable), None)
    price = deal.current_price if deal else ""
    detail = f"{status} · hosted by {view.host_name}"
    if deal is not None:
        detail += f" · {joined_text(deal.participants)}"
    offer = (
        f" Flash deal: {deal.product_title} at {deal.current_price}, "
        f"{joined_text(deal.participants)}."
        if deal
        else ""
    )
    badge = "LIVE" if view.status == "live" else "LIVE SHOPPING"
    card = CardContent(view.cover_image, view.title, price, detail, badge)
    return LinkPreview(
        path=live_url(view.id),
        title=f"{view.title} · {status} with {view.host_name}",
        description=clip(
            f"{status}: {view.title}, hosted by {view.host_name}.{offer} {view.description}"
        ),
        card=card,
        card_path=_card_path("live", key, card, {}),
        preload=view.cover_image,
    )


def community_preview(
    ctx: Context, key: str, query: Mapping[str, str], address: str | None = None
) -> LinkPreview | None:
    """/community/<slug>: the community's name, members and what is coming up there."""
    try:
        page = communities.community_page(ctx, None, key[:80])
    except communities.CommunityRefused:
        return None
    head, feed = page.header, page.feed
    people = "1 member" if feed.members == 1 else f"{feed.members} members"
    upcoming = len(feed.deals) + len(feed.sessions)
    detail = people + (f" · {upcoming} coming up" if upcoming else "")
    picture = feed.deals[0].image if feed.deals else ""
    card = CardContent(picture, head.name, "", detail, "COMMUNITY")
    about = head.description or f"A Bandwagon community around {head.category or head.name}."
    return LinkPreview(
        path=community_url(head.slug),
        title=f"{head.name} · a Bandwagon community",
        description=clip(f"{about} {people}: posts, live sessions and group deals."),
        card=card,
        card_path=_card_path("community", head.slug, card, {}),
    )


READERS: dict[str, Reader] = {
    "product": product_preview,
    "deal": deal_preview,
    "cart": cart_invite_preview,
    "live": live_preview,
    "community": community_preview,
}


def link_preview(
    ctx: Context, kind: str, key: str, query: Mapping[str, str], address: str | None = None
) -> LinkPreview | None:
    """The preview of the shared page of this kind at this key, or None. `address`: who asks
    (codes in keys are limited per address)."""
    reader = READERS.get(kind)
    return reader(ctx, key, query, address) if reader else None


def preview_card(
    ctx: Context, kind: str, key: str, query: Mapping[str, str], address: str | None = None
) -> bytes | None:
    """The 1200×630 PNG card of a shared page, drawn now from its current facts; None when
    there is no such page."""
    preview = link_preview(ctx, kind, key, query, address)
    if preview is None:
        return None
    return _render(preview.card, share_card.picture_file(preview.card.picture, ctx))


def site_card() -> bytes:
    """The shop's own card, for the pages that are not about one thing."""
    return _render(SHOP_CARD, None)


@lru_cache(maxsize=128)
def _render(card: CardContent, picture: Path | None) -> bytes:
    # The same facts draw the same picture: a burst of apps unfurling one link draws it once.
    return share_card.render(card, picture)
