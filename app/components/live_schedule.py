"""Cards for the /live schedule: sessions live now, upcoming ones and replays."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.live_stage import status_badge
from app.services.live import ScheduleItem


def session_card(item: rx.Var[ScheduleItem], followed: rx.Var[bool]) -> rx.Component:
    return rx.link(
        rx.card(
            rx.inset(
                rx.box(
                    rx.image(
                        src=item.cover_image,
                        alt="",
                        width="100%",
                        aspect_ratio="16 / 9",
                        object_fit="cover",
                    ),
                    rx.box(status_badge(item.status), position="absolute", top="8px", left="8px"),
                    position="relative",
                ),
                side="top",
                pb="current",
            ),
            rx.vstack(
                rx.text(item.title, size="3", weight="bold", trim="both"),
                rx.hstack(
                    rx.text(item.host_name, size="2", color=rx.color("gray", 11)),
                    rx.cond(followed, rx.badge("Following", color_scheme="tomato", size="1")),
                    spacing="2",
                    align="center",
                ),
                rx.cond(
                    item.status == "scheduled",
                    rx.text(
                        # Widths kept before the browser writes the times (no shift).
                        rx.moment(
                            date=item.starts_at,
                            format="ddd D MMM, HH:mm",
                            local=True,
                            display="inline-block",
                            min_width="14ch",
                        ),
                        " · ",
                        rx.moment(
                            date=item.starts_at,
                            from_now=True,
                            interval=60000,
                            display="inline-block",
                            min_width="10ch",
                        ),
                        size="2",
                    ),
                    rx.text(item.product_count.to_string() + " products", size="2"),
                ),
                spacing="1",
                width="100%",
            ),
            height="100%",
            class_name="product-card",
        ),
        href=routes.live_url(item.id.to_string()),
        aria_label=item.title + " by " + item.host_name,
        underline="none",
        color="inherit",
        data_testid="live-card-" + item.status,
    )


def session_grid(
    items: rx.Var[list[ScheduleItem]], followed_ids: rx.Var[list[int]]
) -> rx.Component:
    return rx.grid(
        rx.foreach(items, lambda item: session_card(item, followed_ids.contains(item.host_id))),
        columns=rx.breakpoints(initial="1", sm="2", md="3"),
        spacing="4",
        width="100%",
    )


def followed_live_banner(
    items: rx.Var[list[ScheduleItem]], followed_ids: rx.Var[list[int]]
) -> rx.Component:
    """ "A host you follow is live": one callout per followed host on air now."""
    return rx.foreach(
        items,
        lambda item: rx.cond(
            followed_ids.contains(item.host_id),
            rx.callout(
                rx.hstack(
                    rx.text(item.host_name + ", a host you follow, is live now: " + item.title),
                    rx.link("Watch", href=routes.live_url(item.id.to_string()), weight="bold"),
                    spacing="2",
                    wrap="wrap",
                ),
                icon="radio",
                color_scheme="red",
                data_testid="followed-live",
                width="100%",
            ),
        ),
    )
