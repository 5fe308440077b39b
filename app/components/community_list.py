"""The list of communities and the form that starts one (on /communities for hosts, and in
the console for admins)."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.form_fields import field_error
from app.domain import communities as rules
from app.domain.catalog import CategoryView
from app.services.communities import CommunityCard
from app.states.communities import CommunitiesState

S = CommunitiesState
MUTED = rx.color("gray", 11)
SELECT_STYLE = {
    "width": "100%",
    "padding": "var(--space-2)",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
}


def _card(card: rx.Var[CommunityCard]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(
                    card.name,
                    href=routes.community_url(card.slug),
                    size="4",
                    weight="bold",
                    color=rx.color("gray", 12),
                ),
                rx.cond(card.category != "", rx.badge(card.category, variant="soft", size="1")),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(card.description != "", rx.text(card.description, size="2", color=MUTED)),
            rx.hstack(
                rx.text(
                    card.members.to_string() + rx.cond(card.members == 1, " member", " members"),
                    size="2",
                    color=MUTED,
                ),
                rx.cond(
                    card.joined,
                    rx.link(
                        rx.button("Open", variant="soft", size="2"),
                        href=routes.community_url(card.slug),
                    ),
                    rx.button(
                        "Join",
                        size="2",
                        on_click=S.join(card.id, card.slug),
                        aria_label="Join " + card.name,
                    ),
                ),
                justify="between",
                align="center",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        height="100%",
        data_testid="community-card",
    )


def community_grid() -> rx.Component:
    return rx.cond(
        S.cards.length() > 0,
        rx.grid(
            rx.foreach(S.cards, _card),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="4",
            width="100%",
        ),
        rx.text("No communities yet.", color=MUTED),
    )


def _error(name: str) -> rx.Component:
    return field_error(S.form_errors.get(name, ""), f"community-{name}")


def _field(label: str, name: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"community-{name}", font_weight="500", font_size="14px"),
        control,
        _error(name),
        spacing="1",
        width="100%",
    )


def _category(category: rx.Var[CategoryView]) -> rx.Component:
    return rx.el.option(category.name, value=category.slug)


def community_form() -> rx.Component:
    """Name, description and an optional catalog category; errors next to each field."""
    invalid = lambda name: rx.cond(S.form_errors.contains(name), "true", "false")  # noqa: E731
    return rx.card(
        rx.vstack(
            rx.heading("Start a community", size="4", as_="h2"),
            rx.box(
                _field(
                    "Name",
                    "name",
                    rx.input(
                        id="community-name",
                        max_length=rules.MAX_NAME_LENGTH,
                        placeholder="Home baristas",
                        aria_invalid=invalid("name"),
                        aria_describedby="community-name-error",
                        on_change=lambda v: S.set_field("name", v),
                        width="100%",
                    ),
                ),
                _field(
                    "What it is about (optional)",
                    "description",
                    rx.text_area(
                        id="community-description",
                        max_length=rules.MAX_DESCRIPTION_LENGTH,
                        on_change=lambda v: S.set_field("description", v),
                        width="100%",
                    ),
                ),
                _field(
                    "Catalog category (optional)",
                    "category",
                    rx.el.select(
                        rx.el.option("No category: a theme", value=""),
                        rx.foreach(S.categories, _category),
                        id="community-category",
                        value=S.form["category"],
                        on_change=lambda v: S.set_field("category", v),
                        style=SELECT_STYLE,
                    ),
                ),
                key=S.form_key.to_string(),
                width="100%",
                display="grid",
                gap="var(--space-3)",
            ),
            rx.button("Start the community", on_click=S.create, data_testid="create-community"),
            spacing="3",
            width="100%",
            align="start",
        ),
        width="100%",
    )


def console_communities_section() -> rx.Component:
    """The console's Communities tab (admins): start one, see every one with its members."""
    return rx.vstack(
        community_form(),
        rx.heading("Every community", size="4", as_="h2"),
        community_grid(),
        spacing="4",
        width="100%",
    )
