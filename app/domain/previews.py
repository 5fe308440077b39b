"""Link previews: what a shared link says about itself to the apps that unfurl it.

Messaging apps and social sites fetch a shared link without running JavaScript and read the
Open Graph and Twitter card tags in its HTML head. This module turns the facts about a page
(`LinkPreview`) into those tags and puts them into the head of the site's page shell, so the
very same HTML also boots the app for a person. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from app.domain.money import format_minor

SITE_NAME = "Bandwagon"
CARD_WIDTH, CARD_HEIGHT = 1200, 630
DESCRIPTION_LIMIT = 200


@dataclass(frozen=True)
class CardContent:
    """What the preview picture shows: the product's picture, a headline, the price line and
    a smaller line under it (who joined, who hosts)."""

    picture: str  # a path on the site (/products/x.webp, /media/…) or "" for none
    headline: str
    price: str  # "$19.50" or ""
    detail: str  # "7 joined · 3 more for $17.00" or ""
    badge: str = ""  # "GROUP DEAL", "LIVE", "SHARED CART"…


@dataclass(frozen=True)
class LinkPreview:
    """The facts a shared page tells crawlers: all true at the moment of the request."""

    path: str  # the page's own path (the canonical address is the site URL + this)
    title: str
    description: str
    card: CardContent
    card_path: str  # where the rendered 1200×630 card image is served on this site
    kind: str = "website"  # og:type: "product" for a product, else "website"
    price_amount: str = ""  # "19.50": product:price:amount, only when a price is shown
    price_currency: str = ""  # "USD"
    preload: str = ""  # the page's main picture: the browser fetches it before the app runs


def clip(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return cut + "…"


def decimal_amount(minor: int, currency: str) -> str:
    """Minor units as the plain decimal Open Graph wants (1950 USD -> "19.50"), written the
    way the shop writes its prices, without the symbol or thousands separators."""
    shown = format_minor(minor, currency.upper())
    return re.sub(r"[^0-9.-]", "", shown)


def absolute(site_url: str, path: str) -> str:
    """A path on the site as an absolute URL (crawlers ignore relative image addresses)."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def preview_tags(preview: LinkPreview, site_url: str) -> list[tuple[str, str, str]]:
    """The head tags of a shared page as (attribute, key, content): `property` for Open Graph,
    `name` for the description and Twitter's card."""
    url = absolute(site_url, preview.path)
    image = absolute(site_url, preview.card_path)
    alt = preview.card.headline + (f", {preview.card.price}" if preview.card.price else "")
    tags = [
        ("name", "description", preview.description),
        ("property", "og:site_name", SITE_NAME),
        ("property", "og:type", preview.kind),
        ("property", "og:title", preview.title),
        ("property", "og:description", preview.description),
        ("property", "og:url", url),
        ("property", "og:image", image),
        ("property", "og:image:width", str(CARD_WIDTH)),
        ("property", "og:image:height", str(CARD_HEIGHT)),
        ("property", "og:image:alt", alt),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", preview.title),
        ("name", "twitter:description", preview.description),
        ("name", "twitter:image", image),
        ("name", "twitter:image:alt", alt),
    ]
    if preview.price_amount:
        tags += [
            ("property", "product:price:amount", preview.price_amount),
            ("property", "product:price:currency", preview.price_currency.upper()),
        ]
    return tags


# Tags of the shell that the preview replaces: its title, description and any Open Graph or
# Twitter tag (Reflex writes a relative og:image of its own).
_REPLACED = re.compile(
    r"<title>.*?</title>"
    r"|<meta\b[^>]*\b(?:name|property)=\"(?:description|og:[^\"]*|twitter:[^\"]*)\"[^>]*/?>",
    re.IGNORECASE | re.DOTALL,
)
_HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)


def inject(shell: str, preview: LinkPreview, site_url: str) -> str:
    """The page shell with the preview's title, canonical link and tags at the top of its
    head (a person's browser then boots the app from the same HTML)."""
    head = [f"<title>{escape(preview.title)} · {SITE_NAME}</title>"]
    head.append(f'<link rel="canonical" href="{escape(absolute(site_url, preview.path))}"/>')
    if preview.preload:
        # data-path: the page whose picture it is, for that page to paint it while it loads
        # (a later page the app goes to must not take it for its own).
        href, path = escape(preview.preload), escape(preview.path)
        head.append(
            f'<link rel="preload" as="image" href="{href}" fetchpriority="high"'
            f' data-path="{path}"/>'
        )
    head += [
        f'<meta {attribute}="{escape(key)}" content="{escape(content)}"/>'
        for attribute, key, content in preview_tags(preview, site_url)
    ]
    cleaned = _REPLACED.sub("", shell)
    # After the charset declaration, which browsers look for in the first 1024 bytes.
    anchor = _CHARSET.search(cleaned) or _HEAD_OPEN.search(cleaned)
    if anchor is None:
        return "<head>" + "".join(head) + "</head>" + cleaned
    at = anchor.end()
    return cleaned[:at] + "".join(head) + cleaned[at:]


def joined_text(joined: int) -> str:
    return "nobody has joined yet" if joined == 0 else f"{joined} joined"
