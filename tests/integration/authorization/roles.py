"""The roles of the authorization matrix and the shape of one entry in its tables.

A role is a person in the test shop (`world.py`) standing in a given relation to its things:

    guest             not signed in
    shopper           signed in, no relation to the shop's cart, deal or live session
    cart_member       joined the shared cart (not its owner)
    cart_owner        started the shared cart
    deal_participant  joined the group-buy deal
    session_host      role "host", hosts the live session (and opened the deal, the community)
    other_host        role "host" too, but of none of the shop's things (what only the thing's
                      own host may do is refused to them)
    moderator         role "moderator"
    admin             role "admin"

An entry says WHO may call a handler or route (a set of these roles) and HOW to call it.
Helpers name the usual sets, one call per entry:

    anyone()            every role, guests too (reads of public pages)
    local()             every role: it only changes the caller's own form fields, nothing on
                        the server (say so with `local()`, no arguments)
    signed_in(...)      every role but guest
    members(...)        cart_member, cart_owner
    owner(...)          cart_owner
    participant(...)    deal_participant
    runs_session(...)   session_host, moderator, admin (who may run a live session)
    hosts(...)          session_host, admin (the thing's own host, or an admin)
    any_host(...)       session_host, other_host, admin (the role: open a deal, schedule a
                        session, start a community)
    moderators(...)     moderator, admin
    console(...)        session_host, other_host, moderator, admin (the console's door; its
                        sections decide)
    admins(...)         admin

and `allow({...roles}, ...)` any other set. The keyword arguments say how to call it:

    args={"product_id": "@product"}   the handler's arguments; "@name" is the shop's id of name
                                      (world.py: product, other_product, cart, cart_line, deal,
                                      live (on air), upcoming, message (in the live chat), order,
                                      order_key, api_key, review, notification, endpoint,
                                      community, community_slug, post, author, or a role's user
                                      id: "@cart_owner"); add a thing there when a line needs one
    state={"cart_id": "@cart"}        vars set on the state first, as an earlier page load left
                                      them (a tab still holding a cart its user was removed from)
    path="/cart/@cart"                the page the browser is on (route arguments come from it)
    effect=True                       the allowed roles' call must change the shop (proves the
                                      call reached the service, so a refusal means something)
    shows="users", who_sees={...}     a state var the call fills: empty for every role outside
                                      `who_sees` (a read that must not leak), filled for those in it
    before="load"                     a handler run first, as the same role (the page's load,
                                      which finds the page's thing): of the same state, or
                                      another's by its table key ("community.CommunityState.load")
    runs=False                        not called (a background task that follows a channel until
                                      the tab closes); the entry still says who may
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GUEST = "guest"
SHOPPER = "shopper"
CART_MEMBER = "cart_member"
CART_OWNER = "cart_owner"
DEAL_PARTICIPANT = "deal_participant"
SESSION_HOST = "session_host"
OTHER_HOST = "other_host"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (
    GUEST,
    SHOPPER,
    CART_MEMBER,
    CART_OWNER,
    DEAL_PARTICIPANT,
    SESSION_HOST,
    OTHER_HOST,
    MODERATOR,
    ADMIN,
)


@dataclass(frozen=True)
class Rule:
    """Who may call one handler or route, and how the matrix test calls it."""

    who: frozenset[str]
    args: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    path: str = "/"
    effect: bool = False
    local: bool = False
    shows: str = ""
    who_sees: frozenset[str] | None = None
    runs: bool = True
    before: str = ""

    def refused(self) -> tuple[str, ...]:
        return tuple(role for role in ROLES if role not in self.who)

    def allowed(self) -> tuple[str, ...]:
        return tuple(role for role in ROLES if role in self.who)


def allow(who: set[str] | frozenset[str], **how: Any) -> Rule:
    if how.get("who_sees") is not None:
        how["who_sees"] = frozenset(how["who_sees"])
    return Rule(frozenset(who), **how)


def anyone(**how: Any) -> Rule:
    return allow(set(ROLES), **how)


def local() -> Rule:
    return allow(set(ROLES), local=True)


def signed_in(**how: Any) -> Rule:
    return allow(set(ROLES) - {GUEST}, **how)


def members(**how: Any) -> Rule:
    return allow({CART_MEMBER, CART_OWNER}, **how)


def owner(**how: Any) -> Rule:
    return allow({CART_OWNER}, **how)


def participant(**how: Any) -> Rule:
    return allow({DEAL_PARTICIPANT}, **how)


def runs_session(**how: Any) -> Rule:
    return allow({SESSION_HOST, MODERATOR, ADMIN}, **how)


def hosts(**how: Any) -> Rule:
    return allow({SESSION_HOST, ADMIN}, **how)


def any_host(**how: Any) -> Rule:
    return allow({SESSION_HOST, OTHER_HOST, ADMIN}, **how)


def moderators(**how: Any) -> Rule:
    return allow({MODERATOR, ADMIN}, **how)


def console(**how: Any) -> Rule:
    return allow({SESSION_HOST, OTHER_HOST, MODERATOR, ADMIN}, **how)


def admins(**how: Any) -> Rule:
    return allow({ADMIN}, **how)
