"""The console's other sections: deals (the shop's tier editor, the list with cancel), live
sessions and hosts, the moderation queue, users and roles, and the audit log."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.buttons import link_button
from app.components.confirm import confirm_dialog
from app.components.deal_form import deal_form
from app.components.tables import surface_table
from app.services.console.audit import AuditLine
from app.services.console.deals import ConsoleDeal
from app.services.console.live import ConsoleSession
from app.services.console.moderation_sources import Reported
from app.services.console.roles import StaffRow
from app.states.console import ConsoleDealsState, ConsoleModerationState, ConsoleUsersState

ROLES = ("shopper", "host", "moderator", "admin")
MUTED = rx.color("gray", 11)


def _deal_row(deal: rx.Var[ConsoleDeal]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(deal.id, href=routes.deal_url(deal.id.to_string()))),
        rx.table.cell(deal.product),
        rx.table.cell(rx.badge(deal.status_label, variant="soft")),
        rx.table.cell(deal.participants.to_string() + " / " + deal.min_to_unlock.to_string()),
        rx.table.cell(
            rx.cond(
                deal.cancellable,
                confirm_dialog(
                    rx.button(
                        "Cancel deal",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        aria_label="Cancel deal " + deal.id.to_string(),
                    ),
                    "Cancel this deal?",
                    "Every shopper's card hold is released. This cannot be undone.",
                    rx.button("Keep it", variant="soft"),
                    rx.button(
                        "Cancel the deal",
                        color_scheme="red",
                        on_click=ConsoleDealsState.cancel(deal.id),
                    ),
                    margin_top="var(--space-4)",
                ),
                rx.text("—", color=MUTED),
            )
        ),
        data_testid="console-deal",
    )


def deals_section() -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.heading("Open a deal", size="4", as_="h3", margin_bottom="var(--space-3)"),
            deal_form(ConsoleDealsState),
            width="100%",
        ),
        surface_table(
            ["Deal", "Product", "Status", "Joined / needed", ""],
            rx.foreach(ConsoleDealsState.deal_rows, _deal_row),
        ),
        spacing="4",
        width="100%",
    )


def _report(item: rx.Var[Reported]) -> rx.Component:
    s = ConsoleModerationState
    return rx.card(
        rx.vstack(
            rx.badge(item.kind_label, variant="soft", data_testid="reported-kind"),
            rx.text(item.text, size="3"),
            rx.text(
                item.author,
                " · ",
                item.place,
                " · ",
                item.reports.to_string(),
                " report(s) ",
                rx.cond(item.reasons != "", "(" + item.reasons + ")", ""),
                size="1",
                color=MUTED,
            ),
            rx.hstack(
                rx.button(
                    "Keep",
                    size="1",
                    variant="soft",
                    on_click=s.keep(item.kind, item.key),
                    aria_label="Keep the " + item.kind + " by " + item.author,
                ),
                rx.button(
                    "Remove",
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=s.remove(item.kind, item.key),
                    aria_label="Remove the " + item.kind + " by " + item.author,
                ),
                rx.button(
                    "Mute author 24 h",
                    size="1",
                    variant="outline",
                    on_click=s.mute(item.kind, item.key, item.author_id),
                    aria_label="Mute " + item.author + " for 24 hours",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            align="start",
        ),
        width="100%",
        data_testid="reported-message",
    )


def moderation_section() -> rx.Component:
    return rx.vstack(
        rx.cond(
            ConsoleModerationState.queue.length() > 0,
            rx.foreach(ConsoleModerationState.queue, _report),
            rx.text("Nothing reported right now.", color=MUTED),
        ),
        spacing="3",
        width="100%",
    )


def _session_row(item: rx.Var[ConsoleSession]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(item.title, href=routes.live_url(item.id.to_string()))),
        rx.table.cell(item.host),
        rx.table.cell(rx.badge(item.status, variant="soft")),
        rx.table.cell(rx.moment(item.starts_at, format="D MMM, HH:mm")),
    )


def live_section() -> rx.Component:
    live = ConsoleModerationState.live
    return rx.vstack(
        rx.hstack(
            link_button("Schedule a session", href=routes.new_live_url(), size="2"),
            rx.text("Hosts: ", rx.el.span(live.hosts.join(", ")), size="2", color=MUTED),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        surface_table(
            ["Session", "Host", "Status", "Starts"],
            rx.foreach(live.sessions, _session_row),
        ),
        spacing="3",
        width="100%",
    )


def _user_row(user: rx.Var[StaffRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(user.name), rx.text(user.email, size="1", color=MUTED))),
        rx.table.cell(
            rx.el.select(
                *[rx.el.option(role.title(), value=role) for role in ROLES],
                value=user.role,
                on_change=lambda role: ConsoleUsersState.set_role(user.id, role),
                aria_label="Role of " + user.name,
                style={"padding": "var(--space-1)"},
            )
        ),
        data_testid="console-user",
    )


def users_section() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.input(
                    name="query",
                    placeholder="Name or e-mail",
                    aria_label="Find users by name or e-mail",
                    width="100%",
                ),
                rx.button("Find", type="submit"),
                width="100%",
            ),
            on_submit=ConsoleUsersState.search,
            width="100%",
        ),
        surface_table(["User", "Role"], rx.foreach(ConsoleUsersState.users, _user_row)),
        spacing="3",
        width="100%",
    )


def _audit_row(line: rx.Var[AuditLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.moment(line.at, format="D MMM HH:mm:ss")),
        rx.table.cell(line.actor),
        rx.table.cell(rx.code(line.action)),
        rx.table.cell(line.target, " ", rx.text(line.detail, as_="span", color=MUTED)),
        data_testid="audit-line",
    )


def audit_section() -> rx.Component:
    return surface_table(
        ["When", "Who", "What", "On"],
        rx.foreach(ConsoleUsersState.audit_lines, _audit_row),
    )
