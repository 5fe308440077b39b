"""A community's page pieces: the header with join/leave, the member faces (hosts name hosts
there), what is coming up (its live sessions and deals) and the muted members. The posts are
in `community_posts`."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.services.communities import Face
from app.services.deals.views import DealCard
from app.services.live.views import ScheduleItem
from app.states.community import CommunityState
from app.states.community_moderation import CommunityModerationState

S = CommunityState
M = CommunityModerationState
MUTED = rx.color("gray", 11)


# --------------------------------------------------------------------------------- the header
def header() -> rx.Component:
    h = S.header
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.heading(h.name, size="8", as_="h1"),
                rx.cond(h.category != "", rx.badge(h.category, variant="soft", size="2")),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(h.description != "", rx.text(h.description, size="3", color=MUTED)),
            rx.text("Started by ", h.created_by, size="2", color=MUTED),
            spacing="2",
            align="start",
            flex="1",
            min_width="0",
        ),
        rx.cond(
            S.is_member,
            rx.cond(
                S.my_id == S.creator_id,
                rx.badge("You started it", color_scheme="grass", size="2"),
                rx.button("Leave", variant="soft", color_scheme="gray", on_click=S.leave),
            ),
            rx.button(rx.icon("user-plus", size=16), "Join the community", on_click=S.join),
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="4",
        align=rx.breakpoints(initial="start", sm="center"),
        width="100%",
    )


def _face(face: rx.Var[Face]) -> rx.Component:
    avatar = rx.avatar(
        src=face.avatar,
        fallback=face.initials,
        color_scheme=face.colour,
        size="3",
        radius="full",
        alt=face.name,
        title=face.name,
    )
    label = rx.cond(face.host, face.name + " (host)", face.name)
    badge = rx.cond(
        face.host,
        rx.badge("Host", size="1", color_scheme="tomato"),
        rx.cond(face.founding, rx.badge("Founding", size="1", color_scheme="amber")),
    )
    item = rx.vstack(avatar, badge, spacing="1", align="center", data_testid="community-face")
    return rx.cond(
        S.appoints & (face.user_id != S.creator_id),
        rx.menu.root(
            rx.menu.trigger(
                rx.button(item, variant="ghost", aria_label="Member " + label, height="auto")
            ),
            rx.menu.content(
                rx.cond(
                    face.host,
                    rx.menu.item("Make a member again", on_click=M.set_host(face.user_id, False)),
                    rx.menu.item("Make a host", on_click=M.set_host(face.user_id, True)),
                ),
            ),
        ),
        rx.box(item, aria_label="Member " + label, role="img"),
    )


def members() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Members", size="4", as_="h2"),
            rx.text(
                S.members.to_string() + rx.cond(S.members == 1, " member", " members"),
                size="2",
                color=MUTED,
                data_testid="community-members",
                aria_live="polite",
            ),
            rx.flex(rx.foreach(S.faces, _face), wrap="wrap", gap="2"),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


# ------------------------------------------------------------------------- sessions and deals
def _coming_item(
    image: rx.Var[str], title: rx.Var[str], detail: rx.Component, href: rx.Var[str], **link: object
) -> rx.Component:
    """One thing coming up: its picture, its title over `detail`, the whole a link."""
    return rx.link(
        rx.hstack(
            rx.image(
                src=image,
                alt="",
                width="64px",
                height="40px",
                object_fit="cover",
                border_radius="var(--radius-2)",
            ),
            rx.vstack(
                rx.text(title, size="2", weight="bold"),
                detail,
                spacing="0",
                align="start",
            ),
            spacing="3",
            align="center",
        ),
        href=href,
        underline="none",
        color="inherit",
        **link,
    )


def _session(item: rx.Var[ScheduleItem]) -> rx.Component:
    return _coming_item(
        item.cover_image,
        item.title,
        rx.cond(
            item.status == "live",
            rx.badge("Live now", color_scheme="red", size="1"),
            rx.text(
                rx.moment(item.starts_at, format="ddd D MMM, HH:mm", local=True),
                size="1",
                color=MUTED,
            ),
        ),
        routes.live_url(item.id.to_string()),
        aria_label="Live session: " + item.title,
        data_testid="community-session",
    )


def _deal(card: rx.Var[DealCard]) -> rx.Component:
    return _coming_item(
        card.image,
        card.title,
        rx.text(
            card.current_price,
            " · ",
            card.participants.to_string(),
            " of ",
            card.min_to_unlock.to_string(),
            " in · ends ",
            rx.moment(card.deadline, from_now=True, interval=60000),
            size="1",
            color=MUTED,
        ),
        routes.deal_url(card.id.to_string()),
        aria_label="Group deal: " + card.title,
        data_testid="community-deal",
    )


def _attach() -> rx.Component:
    return rx.cond(
        S.can_moderate & (S.attachable.length() > 0),
        rx.hstack(
            rx.el.select(
                rx.el.option("Attach a deal or a session…", value=""),
                rx.foreach(
                    S.attachable,
                    lambda c: rx.el.option(c.label, value=c.kind + ":" + c.ref_id.to_string()),
                ),
                value=M.attach_choice,
                on_change=M.choose_attachment,
                aria_label="Attach a deal or a live session",
                style={"flex": "1", "minWidth": "0", "padding": "var(--space-1)"},
            ),
            rx.button("Attach", size="1", variant="soft", on_click=M.attach),
            width="100%",
            align="center",
        ),
    )


def coming_up() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Coming up", size="4", as_="h2"),
            rx.cond(
                (S.sessions.length() + S.deals.length()) > 0,
                rx.vstack(
                    rx.foreach(S.sessions, _session),
                    rx.foreach(S.deals, _deal),
                    spacing="3",
                    width="100%",
                ),
                rx.text(
                    "No live sessions or open deals for this community yet.", size="2", color=MUTED
                ),
            ),
            _attach(),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def muted_panel() -> rx.Component:
    return rx.cond(
        S.can_moderate & (S.muted_people.length() > 0),
        rx.card(
            rx.vstack(
                rx.heading("Muted", size="3", as_="h2"),
                rx.foreach(
                    S.muted_people,
                    lambda p: rx.hstack(
                        rx.text(p.name, size="2"),
                        rx.button(
                            "Unmute",
                            size="1",
                            variant="soft",
                            on_click=M.unmute(p.user_id),
                            aria_label="Unmute " + p.name,
                        ),
                        justify="between",
                        width="100%",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
    )
