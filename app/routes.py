"""Every path of the site, in one place: pages register these routes, links and redirects build
their addresses with these functions.

The functions take plain values (`deal_url(7)`) or, in components, string Vars
(`deal_url(card.id.to_string())`): a Var joined to a str is a Var, so one function serves both.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode, urlsplit

HOME = "/"
CATALOG = "/catalog"
PRODUCT = "/product/[product_key]"
DEALS = "/deals"
NEW_DEAL = "/deals/new"
DEAL = "/deals/[deal_id]"
DEAL_LEDGER = "/deals/[deal_id]/ledger"
CARTS = "/cart"
CART = "/cart/[cart_id]"
CART_JOIN = "/cart/join/[code]"
ORDERS = "/orders"
ORDER = "/orders/[order_key]"
ADMIN_REFUNDS = "/admin/refunds"
LIVE_LIST = "/live"
NEW_LIVE = "/live/new"
LIVE = "/live/[session_id]"
FRIENDS = "/friends"
INVITE = "/friends/invite/[code]"
PROFILE = "/profile"
CONSOLE = "/console"
SIGN_IN = "/sign-in"
SIGN_IN_ERROR = "/sign-in/error"
NOTIFICATIONS = "/notifications"
SETTINGS = "/settings"
ACTIVITY = "/activity"
VOTE = "/vote"
REWARDS = "/rewards"
COMMUNITIES = "/communities"
COMMUNITY = "/community/[slug]"
TRIP = "/trips/[code]"
NOT_FOUND = "404"
# The pages whose path holds a parameter: the build prerenders each once, at a stand-in value
# (app/frontend_build/route_shells.py), and the backend serves that HTML for every value.
PAGES_WITH_PARAMETER = (
    PRODUCT,
    DEAL,
    DEAL_LEDGER,
    CART,
    CART_JOIN,
    ORDER,
    LIVE,
    INVITE,
    COMMUNITY,
    TRIP,
)
# Link previews' card pictures (drawn by the backend: app/api/share_routes.py).
SHARE_CARD = "/share/card/{kind}/{key}.png"
SITE_CARD = "/share/card/site.png"


def _under(prefix: str, key: Any) -> Any:
    return prefix + (str(key) if isinstance(key, int) else key)


def catalog_url(**params: str) -> str:
    """The catalog, optionally filtered (`category=`, `q=`)."""
    query = {name: value for name, value in params.items() if value}
    return CATALOG + ("?" + urlencode(query) if query else "")


def product_url(product_key: Any) -> Any:
    """A product page by slug (or id)."""
    return _under("/product/", product_key)


def deals_url() -> str:
    return DEALS


def new_deal_url() -> str:
    return NEW_DEAL


def deal_url(deal_id: Any, *, team_id: int | None = None) -> Any:
    """A group-buy deal's page; with `team_id`, the link a team leader shares."""
    url = _under("/deals/", deal_id)
    return url if team_id is None else f"{url}?team={team_id}"


def deal_ledger_url(deal_id: Any) -> Any:
    """A deal's public ledger: who is in, since when, and every price change."""
    return _under("/deals/", deal_id) + "/ledger"


def carts_url() -> str:
    """The shopper's own cart and their shared carts."""
    return CARTS


def cart_url(cart_id: Any) -> Any:
    return _under("/cart/", cart_id)


def cart_join_url(code: Any) -> Any:
    return _under("/cart/join/", code)


def orders_url() -> str:
    return ORDERS


def order_url(order_key: Any) -> Any:
    """One order's page; keys are "order-<id>" (carts) and "deal-order-<id>" (group buys)."""
    return "/orders/" + order_key


def admin_refunds_url() -> str:
    """The admins' queue of refund requests."""
    return ADMIN_REFUNDS


def live_list_url() -> str:
    return LIVE_LIST


def new_live_url() -> str:
    return NEW_LIVE


def live_url(session_id: Any) -> Any:
    return _under("/live/", session_id)


def friends_url() -> str:
    return FRIENDS


def invite_url(code: Any) -> Any:
    return _under("/friends/invite/", code)


def notifications_url() -> str:
    return NOTIFICATIONS


def activity_url() -> str:
    return ACTIVITY


def settings_url() -> str:
    return SETTINGS


def profile_url() -> str:
    return PROFILE


def console_url() -> str:
    """The merchant console (staff only)."""
    return CONSOLE


def communities_url() -> str:
    """Every interest community, and the form hosts start one with."""
    return COMMUNITIES


def community_url(slug: Any) -> Any:
    """One community's page, by its slug."""
    return _under("/community/", slug)


def safe_next(raw: str | None) -> str:
    """Only ever send people back to a path on this site (no open redirects)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return "/"
    return raw


def sign_in_url(next_path: str | None = None) -> str:
    """The sign-in page, coming back to `next_path` (a path on this site) afterwards."""
    if not next_path or next_path == HOME:
        return SIGN_IN
    return SIGN_IN + "?next=" + quote(safe_next(next_path), safe="")


def sign_in_error_url(code: str, provider: str) -> str:
    return SIGN_IN_ERROR + "?" + urlencode({"code": code, "provider": provider})


def provider_login_url(provider: str, next_path: str) -> str:
    """Where a provider button starts the sign-in (an HTTP route of the backend)."""
    return f"/auth/login/{quote(provider)}?next={quote(safe_next(next_path), safe='')}"


def trip_url(code: Any) -> Any:
    """A group booking's page, which is also the link its organiser shares with friends."""
    return _under("/trips/", code)
