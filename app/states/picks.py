"""Friends' picks on the home page and the "Bob and 2 friends bought this" line on a product
page; rating badges for the product cards shown beside them. Read at page load."""

from __future__ import annotations

import asyncio

import reflex as rx

from app.services import picks, reviews
from app.services.context import app_context
from app.services.picks import PickCard
from app.states.catalog import CatalogState
from app.states.changes import set_changed
from app.states.home import HomeState
from app.states.keyed_page import KeyedPage
from app.states.session import SessionState


class PicksState(KeyedPage, SessionState):
    picks: list[PickCard] = []
    from_friends: bool = False
    product_line: str = ""
    ratings: dict[str, str] = {}  # product id -> "4.3 ★ (12)"
    loaded: bool = False  # the home page's picks read at least once in this tab

    @rx.event
    async def load_home(self) -> None:
        user = await self._user_now()
        view = await asyncio.to_thread(
            picks.friends_picks, app_context(), user.id if user else None
        )
        self.picks, self.from_friends = view.picks, view.from_friends
        home = await self.get_state(HomeState)
        ids = [p.card.id for p in view.picks] + [c.id for c in home.featured]
        ratings = await asyncio.to_thread(reviews.rating_badges, app_context(), ids)
        set_changed(self, ratings=ratings)
        self.loaded = True

    @rx.event
    async def load_catalog(self) -> None:
        shown = await self.get_state(CatalogState)
        ids = [c.id for c in shown.products]
        ratings = await asyncio.to_thread(reviews.rating_badges, app_context(), ids)
        set_changed(self, ratings=ratings)

    @rx.event
    async def load_product(self) -> None:
        user = await self._user_now()
        self.product_line = await asyncio.to_thread(
            picks.friends_on_product,
            app_context(),
            user.id if user else None,
            self._route_arg("product_key"),
        )
        self._mark_shown()  # the product line is that product page's
