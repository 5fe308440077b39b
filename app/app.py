"""The Reflex app: pages, their load events and the HTTP routes. Nothing else lives here."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.api.logs import install_redaction
from app.api.routes import http_api
from app.jobs.analytics import run_analytics
from app.jobs.deadlines import run_deadlines
from app.jobs.webhooks import run_webhooks
from app.pages.activity import activity_page
from app.pages.carts import cart_page, join_cart_page
from app.pages.catalog import catalog_page
from app.pages.communities import communities_page, community_page
from app.pages.console import console_page
from app.pages.deal_ledger import deal_ledger_page
from app.pages.deals import deal_page, deals_page, new_deal_page
from app.pages.home import home_page
from app.pages.live import live_new_page, live_schedule_page, live_session_page
from app.pages.meta import card_image, description_of
from app.pages.misc import floor_page, not_found_page
from app.pages.notifications import notifications_page
from app.pages.order_detail import admin_refunds_page, order_detail_page
from app.pages.orders import orders_page
from app.pages.people import (
    friends_page,
    invite_page,
    profile_page,
    sign_in_error_page,
    sign_in_page,
)
from app.pages.product import product_page
from app.pages.rewards import rewards_page
from app.pages.settings import settings_page
from app.pages.trips import booking_page
from app.pages.vote import vote_page
from app.realtime.hub import hub
from app.realtime.rooms import freeze_startup_heap, rooms
from app.states.activity import ActivityState
from app.states.admin_refunds import AdminRefundsState
from app.states.api_keys import ApiKeysState
from app.states.cart_deals import CartDealsState
from app.states.cart_join import JoinCartState
from app.states.carts import CartState
from app.states.catalog import CatalogState
from app.states.communities import CommunitiesState
from app.states.community import CommunityState
from app.states.console import (
    ConsoleCandidatesState,
    ConsoleDealsState,
    ConsoleModerationState,
    ConsoleProductsState,
    ConsoleState,
    ConsoleUsersState,
)
from app.states.deals import DealCardsState, DealFormState, DealLedgerState, DealState
from app.states.errors import on_backend_error
from app.states.home import HomeState
from app.states.keyed_page import KeyedPage, shows_address
from app.states.live_schedule import LiveNewState, LiveScheduleState
from app.states.live_watch import LiveRoomState
from app.states.notifications import BellState, NotificationsState
from app.states.order_page import OrderPageState
from app.states.orders import OrdersState
from app.states.page_view import PageViewState
from app.states.people import FriendsState, InviteState, ProfileState, SignInState
from app.states.picks import PicksState
from app.states.product import ProductState
from app.states.questions import QuestionsState
from app.states.reviews import ReviewsState
from app.states.rewards import RewardsState
from app.states.rooms import LiveStatus
from app.states.session import SessionState
from app.states.settings import SettingsState
from app.states.trips import BookingState, ExperienceState
from app.states.vote import VoteState

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.meta(name="theme-color", content="#d13415"),
        # A page that names no icon makes browsers fetch /favicon.ico (it was a 404): SVG for
        # current browsers, the .ico for the rest.
        rx.el.link(rel="icon", href="/favicon.ico", sizes="32x32"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        # Installable: the manifest (icons, theme colour) and a service worker whose only job
        # is the offline page (assets/sw.js). The script avoids characters React would escape.
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.link(rel="apple-touch-icon", href="/icons/apple-touch-icon.png"),
        # Registered a few seconds after the load, out of the way of the first paint.
        rx.el.script(
            "if(navigator.serviceWorker){addEventListener(`load`,function(){setTimeout("
            "function(){navigator.serviceWorker.register(`/sw.js`)},3000)})}"
        ),
    ],
    api_transformer=http_api(),
    # The shop is written left to right. Said here, the toaster need not ask the browser on each
    # render (getComputedStyle(html).direction), which made it lay out the page anew each time
    # the live data arrived: 37 ms of a phone's load (issue 19).
    toaster=rx.toast.provider(position="bottom-right", close_button=True, dir="ltr"),
    backend_exception_handler=on_backend_error,
)


async def run_realtime_hub() -> None:
    """This process's single bus subscriber."""
    await hub.run()


install_redaction()  # secrets never reach a log line, whoever logs
app.register_lifespan_task(run_realtime_hub)
app.register_lifespan_task(run_deadlines)
app.register_lifespan_task(freeze_startup_heap)
app.register_lifespan_task(run_analytics)
app.register_lifespan_task(run_webhooks)
rooms.bind(app)


def named(page: type[KeyedPage], name: rx.Var[str], kind: str) -> rx.Var[str]:
    """A page's title once its data for the address has come (a product's name), its kind
    before (not the name of the tab's previous visit)."""
    return rx.cond(shows_address(page) & (name != ""), name, kind)


def page(
    component: Callable[[], rx.Component],
    route: str,
    title: str | rx.Var[str],
    *on_load: Any,
    checks_user: bool = False,
) -> None:
    """Every page learns who is signed in: through its own load handler when that one
    checks the user anyway (checks_user), otherwise through SessionState.load_user."""
    app.add_page(
        component,
        route=route,
        title=(title if isinstance(title, str) else title.to(str)) + " · Bandwagon",
        description=description_of(route),
        image=card_image(),
        on_load=[*on_load, LiveStatus.load, BellState.load, PageViewState.seen]
        if checks_user
        else [
            SessionState.load_user,
            *on_load,
            LiveStatus.load,
            BellState.load,
            PageViewState.seen,
        ],
    )


page(
    home_page,
    "/",
    "Shop together",
    HomeState.load,
    DealCardsState.load_home,
    PicksState.load_home,
)
page(catalog_page, "/catalog", "Catalog", CatalogState.load, PicksState.load_catalog)
page(
    product_page,
    "/product/[product_key]",
    named(ProductState, ProductState.title, "Product"),
    ProductState.load,
    DealCardsState.load_product,
    ReviewsState.load,
    QuestionsState.load,
    PicksState.load_product,
    ExperienceState.load_product,
)
page(deals_page, "/deals", "Group deals", DealCardsState.load_list, checks_user=True)
page(new_deal_page, "/deals/new", "Open a deal", DealFormState.load, checks_user=True)
page(
    deal_page,
    "/deals/[deal_id]",
    named(DealState, DealState.title, "Group deal"),
    DealState.load,
    checks_user=True,
)
page(
    deal_ledger_page,
    "/deals/[deal_id]/ledger",
    "Deal ledger",
    DealLedgerState.load,
    checks_user=True,
)
page(sign_in_page, "/sign-in", "Sign in", SignInState.load, checks_user=True)
page(
    sign_in_error_page,
    "/sign-in/error",
    "Sign-in problem",
    SignInState.load_error,
    checks_user=True,
)
page(
    profile_page,
    "/profile",
    "Your profile",
    ProfileState.load,
    RewardsState.load_summary,
    checks_user=True,
)
page(friends_page, "/friends", "Friends", FriendsState.load, checks_user=True)
page(invite_page, "/friends/invite/[code]", "Friend invite", InviteState.load, checks_user=True)
page(cart_page, "/cart", "Your cart", CartState.load, checks_user=True)
page(
    cart_page,
    "/cart/[cart_id]",
    "Shared cart",
    CartState.load,
    CartDealsState.load,
    checks_user=True,
)
page(join_cart_page, "/cart/join/[code]", "Join a cart", JoinCartState.load, checks_user=True)
page(orders_page, "/orders", "Your orders", OrdersState.load, checks_user=True)
page(order_detail_page, "/orders/[order_key]", "Order", OrderPageState.load, checks_user=True)
page(admin_refunds_page, "/admin/refunds", "Refunds", AdminRefundsState.load, checks_user=True)
page(live_schedule_page, "/live", "Live shopping", LiveScheduleState.load, checks_user=True)
page(live_new_page, "/live/new", "Schedule a live session", LiveNewState.load, checks_user=True)
page(
    live_session_page,
    "/live/[session_id]",
    named(LiveRoomState, LiveRoomState.title, "Live"),
    LiveRoomState.load,
    checks_user=True,
)
page(
    console_page,
    "/console",
    "Console",
    ConsoleState.load,
    ConsoleProductsState.load_section,
    ConsoleDealsState.load_section,
    ConsoleModerationState.load_section,
    ConsoleUsersState.load_section,
    ConsoleCandidatesState.load_section,
    CommunitiesState.load,
    checks_user=True,
)
page(
    notifications_page,
    "/notifications",
    "Notifications",
    NotificationsState.load,
    checks_user=True,
)
page(activity_page, "/activity", "Friends' activity", ActivityState.load, checks_user=True)
page(
    settings_page,
    "/settings",
    "Settings",
    SettingsState.load,
    ApiKeysState.load,
    checks_user=True,
)
page(communities_page, "/communities", "Communities", CommunitiesState.load, checks_user=True)
page(community_page, "/community/[slug]", "Community", CommunityState.load, checks_user=True)
page(booking_page, "/trips/[code]", "Group trip", BookingState.load, checks_user=True)
page(vote_page, "/vote", "Be the buyer", VoteState.load)
page(rewards_page, "/rewards", "Your rewards", RewardsState.load, checks_user=True)
page(not_found_page, "404", "Not found")
if os.environ.get("BANDWAGON_FLOOR_PAGE"):  # bench/bench_pages.py: the blank page it compares with
    app.add_page(floor_page, route="/_floor", title="Floor · Bandwagon", description="Blank.")
