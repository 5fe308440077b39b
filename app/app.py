"""The Reflex app: pages, their load events and the HTTP routes. Nothing else lives here."""

from __future__ import annotations

import reflex as rx

from app.api.routes import http_api
from app.jobs.deadlines import run_deadlines
from app.pages.catalog import catalog_page
from app.pages.home import home_page
from app.pages.misc import not_found_page
from app.pages.people import (
    friends_page,
    invite_page,
    profile_page,
    sign_in_error_page,
    sign_in_page,
)
from app.pages.product import product_page
from app.realtime.hub import hub
from app.realtime.rooms import freeze_startup_heap, rooms
from app.states.catalog import CatalogState
from app.states.home import HomeState
from app.states.live import LiveStatus
from app.states.people import FriendsState, InviteState, ProfileState, SignInState
from app.states.product import ProductState
from app.states.session import SessionState

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[rx.el.meta(name="theme-color", content="#e54d2e")],
    api_transformer=http_api(),
    toaster=rx.toast.provider(position="bottom-right", close_button=True),
)


async def run_realtime_hub() -> None:
    """This process's single bus subscriber."""
    await hub.run()


app.register_lifespan_task(run_realtime_hub)
app.register_lifespan_task(run_deadlines)
app.register_lifespan_task(freeze_startup_heap)
rooms.bind(app)


def page(  # type: ignore[no-untyped-def]
    component, route: str, title: str, *on_load: rx.event.EventType, checks_user: bool = False
) -> None:
    """Every page learns who is signed in: through its own load handler when that one
    checks the user anyway (checks_user), otherwise through SessionState.load_user."""
    app.add_page(
        component,
        route=route,
        title=f"{title} · Bandwagon",
        on_load=[*on_load, LiveStatus.load]
        if checks_user
        else [SessionState.load_user, *on_load, LiveStatus.load],
    )


page(home_page, "/", "Shop together", HomeState.load)
page(catalog_page, "/catalog", "Catalog", CatalogState.load)
page(product_page, "/product/[product_key]", "Product", ProductState.load)
page(sign_in_page, "/sign-in", "Sign in", SignInState.load, checks_user=True)
page(
    sign_in_error_page,
    "/sign-in/error",
    "Sign-in problem",
    SignInState.load_error,
    checks_user=True,
)
page(profile_page, "/profile", "Your profile", ProfileState.load, checks_user=True)
page(friends_page, "/friends", "Friends", FriendsState.load, checks_user=True)
page(invite_page, "/friends/invite/[code]", "Friend invite", InviteState.load, checks_user=True)
page(not_found_page, "404", "Not found")
