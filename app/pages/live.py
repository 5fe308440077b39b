"""Live shopping pages: the schedule (/live), scheduling a session (/live/new) and a session
with its stream, pinned product, flash deals, chat and watch party (/live/<id>)."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.buttons import link_button
from app.components.chat import chat_panel
from app.components.layout import page_shell
from app.components.live_console import host_console
from app.components.live_party import party_panel
from app.components.live_schedule import followed_live_banner, session_grid
from app.components.live_shop import deal_card, pinned_card, product_strip
from app.components.live_stage import loading_stage, stage
from app.components.notice import notice
from app.components.skeletons import spinner
from app.components.when import from_now
from app.services.live import CoverChoice, LiveSessionView, ProductChoice, WatchPartyView
from app.states.chat import ChatState, SideChatState
from app.states.keyed_page import shows_address
from app.states.live_console import LiveConsoleState
from app.states.live_schedule import LiveNewState, LiveScheduleState
from app.states.live_watch import LiveRoomState
from app.states.watch_party import WatchPartyState

# --------------------------------------------------------------------------- /live


def _section(title: str, items: rx.Var, empty: str, testid: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="5", as_="h2"),
        rx.cond(
            items.length() > 0,
            session_grid(items, LiveScheduleState.followed_ids),
            rx.text(empty, color=rx.color("gray", 11), size="2"),
        ),
        spacing="3",
        width="100%",
        data_testid=testid,
    )


def live_schedule_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.hstack(
                rx.heading("Live shopping", size="8", as_="h1"),
                rx.cond(
                    LiveScheduleState.is_host,
                    link_button(
                        rx.icon("calendar-plus", size=16),
                        "Schedule a session",
                        href=routes.new_live_url(),
                    ),
                ),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            rx.text(
                "Hosts show products live, pin them for everyone and launch flash group deals. "
                "Follow a host to see here when they go live.",
                color=rx.color("gray", 11),
            ),
            followed_live_banner(LiveScheduleState.live, LiveScheduleState.followed_ids),
            _section("Live now", LiveScheduleState.live, "Nobody is live right now.", "live-now"),
            _section(
                "Coming up", LiveScheduleState.upcoming, "No sessions scheduled yet.", "upcoming"
            ),
            rx.cond(
                LiveScheduleState.ended.length() > 0,
                _section("Replays", LiveScheduleState.ended, "", "replays"),
            ),
            spacing="5",
            width="100%",
        )
    )


# --------------------------------------------------------------------------- /live/new


def _error(name: str) -> rx.Component:
    message = LiveNewState.errors.get(name, "")
    return rx.cond(
        message != "",
        rx.text(message, id=f"live-{name}-error", size="2", color=rx.color("red", 11)),
    )


def _labelled(label: str, name: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"live-{name}", font_weight="500"),
        control,
        rx.cond(hint != "", rx.text(hint, size="1", color=rx.color("gray", 11))),
        _error(name),
        spacing="1",
        width="100%",
    )


def _invalid(name: str) -> rx.Var:
    return rx.cond(LiveNewState.errors.contains(name), "true", "false")


def _cover_option(cover: rx.Var[CoverChoice]) -> rx.Component:
    chosen = LiveNewState.cover == cover.url
    return rx.button(
        rx.image(src=cover.url, alt="", width="72px", height="72px", object_fit="cover"),
        on_click=LiveNewState.choose_cover(cover.url),
        type="button",
        variant=rx.cond(chosen, "solid", "ghost"),
        aria_label="Cover: " + cover.label,
        aria_pressed=rx.cond(chosen, "true", "false"),
        padding="2px",
        height="auto",
    )


def _product_option(product: rx.Var[ProductChoice]) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(name="product-" + product.id.to_string()),
            rx.text(product.title, size="2"),
            rx.text(product.price, size="1", color=rx.color("gray", 11)),
            spacing="2",
            align="center",
        ),
    )


def _schedule_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _labelled(
                "Title",
                "title",
                rx.input(
                    id="live-title",
                    name="title",
                    max_length=120,
                    placeholder="Cosy kitchen picks for winter",
                    aria_invalid=_invalid("title"),
                    aria_describedby="live-title-error",
                    width="100%",
                ),
            ),
            _labelled(
                "Description (optional)",
                "description",
                rx.text_area(id="live-description", name="description", max_length=600),
            ),
            _labelled(
                "Starts at",
                "starts_at",
                rx.input(
                    id="live-starts_at",
                    name="starts_at",
                    type="datetime-local",
                    default_value=LiveNewState.start_default,
                    key=LiveNewState.start_default,
                    aria_invalid=_invalid("starts_at"),
                    aria_describedby="live-starts_at-error",
                ),
                "In your own time zone.",
            ),
            _labelled(
                "Stream link (optional)",
                "stream_url",
                rx.input(
                    id="live-stream_url",
                    name="stream_url",
                    type="text",
                    placeholder="https://example.com/show.m3u8 or /live/demo-stream.mp4",
                    aria_invalid=_invalid("stream_url"),
                    aria_describedby="live-stream_url-error",
                    width="100%",
                ),
                "An HLS (.m3u8) or MP4 link, or a video page. Without one, viewers see the cover.",
            ),
            rx.vstack(
                rx.text("Cover image", weight="medium", as_="div"),
                rx.hstack(rx.foreach(LiveNewState.covers, _cover_option), wrap="wrap", spacing="2"),
                _error("cover_image"),
                spacing="1",
                width="100%",
            ),
            rx.el.fieldset(
                rx.el.legend("Products to show", font_weight="500"),
                rx.grid(
                    rx.foreach(LiveNewState.products, _product_option),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="2",
                ),
                _error("products"),
                class_name="live-fieldset",
            ),
            rx.button(rx.icon("calendar-plus", size=16), "Schedule session", size="3"),
            spacing="4",
            width="100%",
        ),
        on_submit=LiveNewState.submit,
        width="100%",
    )


def live_new_page() -> rx.Component:
    return page_shell(
        rx.cond(
            LiveNewState.signed_in,
            rx.card(
                rx.vstack(
                    rx.heading("Schedule a live session", size="7", as_="h1"),
                    rx.cond(
                        LiveNewState.may_host,
                        _schedule_form(),
                        rx.callout(
                            "Only hosts can schedule live sessions. Ask the shop's team to make "
                            "you a host.",
                            icon="info",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                ),
                size="3",
                max_width="48rem",
                margin_x="auto",
                width="100%",
            ),
            spinner(),
        )
    )


# --------------------------------------------------------------------------- /live/<id>


def main_chat() -> rx.Component:
    """The session's public chat (room live:<id>); the host moderates it."""
    return rx.box(
        chat_panel(ChatState, "Live chat", "22rem"), width="100%", data_testid="live-chat"
    )


def side_chat() -> rx.Component:
    """The watch party's private chat (room watch:<party id>), for its members only."""
    party_key = "watch:" + WatchPartyState.party.to(WatchPartyView).id.to_string()
    return rx.box(
        rx.cond(
            SideChatState.room_key == party_key,
            chat_panel(SideChatState, "Party chat", "14rem"),
            rx.button(
                rx.icon("messages-square", size=16),
                "Open the party chat",
                variant="soft",
                on_click=WatchPartyState.open_party_chat,
            ),
        ),
        width="100%",
        data_testid="party-chat",
    )


def _host_line(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=view.host_initials, size="3", radius="full", alt=view.host_name),
        rx.vstack(
            rx.heading(view.title, size="6", as_="h1", data_testid="live-title"),
            rx.text("Hosted by " + view.host_name, size="2", color=rx.color("gray", 11)),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            LiveRoomState.signed_in & ~LiveRoomState.own_session,
            rx.button(
                rx.cond(LiveRoomState.following, "Following", "Follow"),
                rx.cond(
                    LiveRoomState.following,
                    rx.icon("check", size=16),
                    rx.icon("plus", size=16),
                ),
                variant=rx.cond(LiveRoomState.following, "soft", "solid"),
                on_click=LiveRoomState.toggle_follow,
                aria_label=rx.cond(LiveRoomState.following, "Unfollow ", "Follow ")
                + view.host_name,
            ),
        ),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def _reaction_button(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.cond(
        view.status == "live",
        rx.button(
            rx.icon("heart", size=18),
            "Send a heart",
            variant="soft",
            color_scheme="pink",
            on_click=LiveRoomState.react,
            class_name="live-react",
        ),
    )


def _pinned(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.foreach(
        view.products,
        lambda product: rx.cond(
            product.id == view.pinned_product_id,
            pinned_card(
                product,
                on_buy=LiveRoomState.buy_now,
                on_add=LiveRoomState.add_to_cart,
                party_add=WatchPartyState.add_to_party_cart,
                in_party=WatchPartyState.party.bool(),
            ),
        ),
    )


def _deals(view: rx.Var[LiveSessionView]) -> rx.Component:
    return rx.cond(
        view.deals.length() > 0,
        rx.vstack(
            rx.heading(
                rx.cond(view.status == "ended", "Deals in this session", "Flash deals"),
                size="4",
                as_="h2",
            ),
            rx.grid(
                rx.foreach(
                    view.deals,
                    lambda deal: deal_card(
                        deal,
                        joined=LiveRoomState.joined_deal_ids.contains(deal.id),
                        on_join=LiveRoomState.join_deal,
                        can_pay_here=LiveRoomState.can_pay_here,
                        busy=LiveRoomState.busy,
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
    )


def _session(view: rx.Var[LiveSessionView]) -> rx.Component:
    main = rx.vstack(
        stage(view, LiveRoomState.viewer_count, LiveRoomState.hearts),
        rx.hstack(
            _reaction_button(view),
            rx.cond(
                view.status == "scheduled",
                rx.text(
                    "Starts ",
                    from_now(view.starts_at),
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            spacing="3",
            align="center",
        ),
        _host_line(view),
        rx.cond(view.description != "", rx.text(view.description, size="3")),
        _pinned(view),
        _deals(view),
        rx.cond(LiveConsoleState.can_run, host_console(view)),
        rx.heading("In this session", size="4", as_="h2"),
        product_strip(view.products),
        spacing="4",
        width="100%",
        min_width="0",
    )
    aside = rx.vstack(
        main_chat(),
        rx.cond(
            LiveRoomState.signed_in & (view.status != "ended"),
            party_panel(side_chat()),
        ),
        spacing="4",
        width="100%",
        min_width="0",
    )
    return _layout(main, aside)


def _layout(main: rx.Component, aside: rx.Component) -> rx.Component:
    return rx.grid(
        main,
        aside,
        columns=rx.breakpoints(initial="1", md="minmax(0, 5fr) minmax(0, 3fr)"),
        spacing="5",
        width="100%",
    )


def live_session_page() -> rx.Component:
    return page_shell(
        rx.cond(
            shows_address(LiveRoomState) & LiveRoomState.not_found,
            notice(
                "We couldn't find that live session",
                "It may have been removed, or the link is mistyped.",
                icon="video-off",
            ),
            rx.cond(
                shows_address(LiveRoomState) & LiveRoomState.view.bool(),
                rx.box(
                    _session(LiveRoomState.view.to(LiveSessionView)),
                    # Leaving the page inside the app stops counting this tab as a viewer.
                    key=LiveRoomState.view.to(LiveSessionView).id.to_string(),
                    on_unmount=LiveRoomState.leave_page(
                        LiveRoomState.view.to(LiveSessionView).id, LiveRoomState.load_id
                    ),
                    width="100%",
                ),
                # The stage where the session's will be: nothing moves when it arrives.
                _layout(loading_stage(), rx.box()),
            ),
        )
    )
