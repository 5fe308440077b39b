"""What each page says about itself to search engines and link previews: its meta description,
and the shop's card picture (an absolute address: apps that unfurl links ignore relative ones).

Pages people share (a product, a deal, a cart invite, a live session) get their own title,
description and picture from the backend as well (app/api/share_routes.py); these are what
their app shell says once it runs, and what every other page says.
"""

from __future__ import annotations

from app import routes
from app.config import settings

DEFAULT = (
    "Bandwagon is a social shop: browse with friends, fill shared carts together in real time "
    "and join group deals whose price drops as more people join."
)

DESCRIPTIONS = {
    routes.HOME: DEFAULT,
    routes.CATALOG: "Every product in the shop: search by name or tag, browse by category.",
    routes.PRODUCT: "A product: its pictures, price, stock, reviews and questions, and any "
    "group deal that makes it cheaper with friends.",
    routes.DEALS: "Open group deals: the price drops for everyone as more shoppers join. "
    "Your card is only held, and charged once the deal unlocks.",
    routes.NEW_DEAL: "Open a group-buy deal: price tiers, a minimum to unlock and a deadline.",
    routes.DEAL: "A group deal: today's price, how many have joined, what the next tier needs, "
    "and the teams forming for it.",
    routes.DEAL_LEDGER: "The deal's public ledger: every seat the count includes and every "
    "price change.",
    routes.CARTS: "Your cart and the shared carts you fill with friends.",
    routes.CART: "A shared cart: everyone's lines, subtotals and who pays what, live.",
    routes.CART_JOIN: "An invite to fill a shared cart together with friends.",
    routes.ORDERS: "Your orders, group-buy purchases and refunds.",
    routes.ORDER: "One order: its lines, payments and refunds.",
    routes.ADMIN_REFUNDS: "Refund requests waiting for a decision.",
    routes.LIVE_LIST: "Live shopping: sessions on air now, coming up and replays.",
    routes.NEW_LIVE: "Schedule a live shopping session.",
    routes.LIVE: "A live shopping session: the stream, the products on show, flash deals "
    "and the chat.",
    routes.FRIENDS: "Your friends on Bandwagon and your invite link.",
    routes.INVITE: "A friend invite to shop together on Bandwagon.",
    routes.PROFILE: "Your profile on Bandwagon.",
    routes.CONSOLE: "The shop's console: products, deals, live sessions, moderation and users.",
    routes.SIGN_IN: "Sign in to Bandwagon to shop with friends.",
    routes.SIGN_IN_ERROR: "Signing in did not work: what happened and what to do.",
    routes.NOTIFICATIONS: "Your notifications: answers, invites and deals you joined.",
    routes.SETTINGS: "What your friends see of your activity, and what you are told about.",
    routes.ACTIVITY: "What your friends are up to: reviews, purchases, deals and live sessions.",
    routes.NOT_FOUND: "This page does not exist on Bandwagon.",
}


def description_of(route: str) -> str:
    """The page's meta description (a page nobody described yet says what the shop is)."""
    return DESCRIPTIONS.get(route, DEFAULT)


def card_image() -> str:
    """The shop's preview card as an absolute URL (served by app/api/share_routes.py)."""
    return settings().site_url.rstrip("/") + routes.SITE_CARD
