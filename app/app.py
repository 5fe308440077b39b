"""The Reflex app: pages and their load events. Nothing else lives here."""

from __future__ import annotations

import reflex as rx

from app.pages.catalog import catalog_page
from app.pages.home import home_page
from app.pages.misc import not_found_page, sign_in_page
from app.pages.product import product_page
from app.states.catalog import CatalogState
from app.states.home import HomeState
from app.states.product import ProductState

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[rx.el.meta(name="theme-color", content="#e54d2e")],
)
app.add_page(home_page, route="/", title="Bandwagon — shop together", on_load=HomeState.load)
app.add_page(catalog_page, route="/catalog", title="Catalog · Bandwagon", on_load=CatalogState.load)
app.add_page(
    product_page,
    route="/product/[product_key]",
    title="Product · Bandwagon",
    on_load=ProductState.load,
)
app.add_page(sign_in_page, route="/sign-in", title="Sign in · Bandwagon")
app.add_page(not_found_page, route="404", title="Not found · Bandwagon")
