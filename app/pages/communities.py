"""Interest communities: the list (/communities) and one community (/community/<slug>)."""

from __future__ import annotations

import reflex as rx

from app.components.community import coming_up, header, members, muted_panel
from app.components.community_list import community_form, community_grid
from app.components.community_posts import feed
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.skeletons import spinner
from app.states.communities import CommunitiesState
from app.states.community import CommunityState
from app.states.keyed_page import shows_address


def communities_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Communities", size="8", as_="h1"),
            rx.text(
                "Groups around what you love: share photos and tips, and see the live sessions "
                "and group deals of each one first.",
                color=rx.color("gray", 11),
            ),
            community_grid(),
            rx.cond(CommunitiesState.can_create, community_form()),
            spacing="5",
            width="100%",
        )
    )


def community_page() -> rx.Component:
    return page_shell(
        rx.cond(
            shows_address(CommunityState) & CommunityState.not_found,
            notice("We couldn't find that community", "It may have been renamed or closed."),
            rx.cond(
                shows_address(CommunityState),
                _community(),
                spinner(),
            ),
        )
    )


def _community() -> rx.Component:
    """The community's page once its data is the address's."""
    return rx.vstack(
        header(),
        rx.flex(
            rx.box(feed(), flex="2", min_width="0", width="100%"),
            rx.vstack(
                coming_up(),
                members(),
                muted_panel(),
                spacing="4",
                flex="1",
                min_width="0",
                width="100%",
            ),
            direction=rx.breakpoints(initial="column-reverse", md="row"),
            gap="5",
            align="start",
            width="100%",
        ),
        spacing="5",
        width="100%",
        on_unmount=CommunityState.leave_page(CommunityState.load_id),
    )
