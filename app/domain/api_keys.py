"""API keys: what a key may do (scopes), what a token looks like, and how it is stored.

A token is `bw_<prefix>_<secret>`: the prefix (8 characters) is shown in lists so a person can
tell their keys apart; the secret (32 random bytes) is shown once, when the key is made. Only
the SHA-256 of the whole token is stored: it is high-entropy, so a slow password hash would add
nothing, and a lookup by digest is one indexed read.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.domain.plain_text import has_hidden_characters


class Scope(StrEnum):
    READ_PRODUCTS = "read_products"
    WRITE_PRODUCTS = "write_products"
    READ_DEALS = "read_deals"
    READ_ORDERS = "read_orders"
    READ_CARTS = "read_carts"
    READ_REVIEWS = "read_reviews"
    MANAGE_WEBHOOKS = "manage_webhooks"


SCOPE_LABELS = {
    Scope.READ_PRODUCTS: "Read products and categories",
    Scope.WRITE_PRODUCTS: "Create and edit products",
    Scope.READ_DEALS: "Read group deals",
    Scope.READ_ORDERS: "Read your orders",
    Scope.READ_CARTS: "Read your shared carts",
    Scope.READ_REVIEWS: "Read reviews",
    Scope.MANAGE_WEBHOOKS: "Register and manage webhook endpoints",
}
# Scopes that act for the shop rather than for the person: only staff who may do the same in
# the console may put them on a key (and the service checks their role again on every use).
STAFF_SCOPES = frozenset({Scope.WRITE_PRODUCTS, Scope.MANAGE_WEBHOOKS})
SHOPPER_SCOPES = frozenset(Scope) - STAFF_SCOPES

MAX_NAME = 60
_TOKEN = re.compile(r"^bw_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$")


class KeyRefused(ValueError):
    """The key cannot be made as asked; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewToken:
    token: str  # shown once
    prefix: str  # "bw_ab12cd34", shown in lists
    digest: str  # stored


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> NewToken:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    prefix = "".join(secrets.choice(alphabet) for _ in range(8))
    token = f"bw_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(token, f"bw_{prefix}", token_digest(token))


def looks_like_token(raw: str) -> bool:
    """Cheap shape check before any database read."""
    return _TOKEN.match(raw) is not None


def parse_scopes(raw: Iterable[str], *, staff: bool) -> frozenset[Scope]:
    """The scopes asked for, checked: at least one, all known, staff scopes only for staff."""
    chosen: set[Scope] = set()
    for name in raw:
        try:
            chosen.add(Scope(str(name).strip()))
        except ValueError:
            raise KeyRefused("scopes", f"Unknown scope: {str(name)[:40]}.") from None
    if not chosen:
        raise KeyRefused("scopes", "Choose at least one scope.")
    if not staff and chosen & STAFF_SCOPES:
        raise KeyRefused("scopes", "Only admins can give a key write access to products.")
    return frozenset(chosen)


def clean_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise KeyRefused("name", "Give the key a name (what will use it?).")
    if len(name) > MAX_NAME:
        raise KeyRefused("name", f"Names can be at most {MAX_NAME} characters.")
    if has_hidden_characters(name):
        raise KeyRefused("name", "Names can't contain control or invisible characters.")
    return name


def format_scopes(scopes: Iterable[Scope]) -> str:
    return " ".join(sorted(s.value for s in scopes))


def read_scopes(stored: str) -> frozenset[Scope]:
    return frozenset(Scope(s) for s in stored.split() if s in Scope._value2member_map_)
