"""/console: the merchant console. Admins see every section; hosts their deals and live
sessions; moderators the moderation queue. Shoppers are sent away by the load handler."""

from __future__ import annotations

import reflex as rx

from app.components.api_keys import api_keys_panel
from app.components.community_list import console_communities_section
from app.components.console_analytics import analytics_section
from app.components.console_candidates import candidates_section
from app.components.console_experiments import experiments_section
from app.components.console_products import products_section
from app.components.console_sections import (
    audit_section,
    deals_section,
    live_section,
    moderation_section,
    users_section,
)
from app.components.console_webhooks import webhooks_section
from app.components.layout import page_shell
from app.components.refunds import orders_section
from app.components.skeletons import spinner
from app.states.console import ConsoleState, ConsoleTabsState

_API_INTRO = (
    "Keys for the shop's own systems (ERP, CMS): admins may give them write access to "
    "products. Every key in the shop is listed, and any can be revoked here."
)

# (tab value, label, the ConsoleAccess flag that shows it, section)
SECTIONS = (
    ("products", "Products", "products", products_section),
    ("deals", "Deals", "deals", deals_section),
    ("live", "Live", "live", live_section),
    ("moderation", "Moderation", "moderation", moderation_section),
    ("users", "Users & roles", "users", users_section),
    ("audit", "Audit log", "audit", audit_section),
    ("orders", "Orders & refunds", "users", orders_section),
    ("analytics", "Analytics", "users", analytics_section),
    ("candidates", "Candidates", "deals", candidates_section),
    ("api", "API keys", "users", lambda: api_keys_panel(_API_INTRO)),
    ("communities", "Communities", "users", console_communities_section),
    ("webhooks", "Webhooks", "users", webhooks_section),
    ("experiments", "Experiments", "users", experiments_section),
)


def _tab(value: str, label: str, flag: str) -> rx.Component:
    return rx.cond(getattr(ConsoleState.sections, flag), rx.tabs.trigger(label, value=value))


def console_page() -> rx.Component:
    return page_shell(
        rx.cond(
            ConsoleState.allowed,
            rx.vstack(
                rx.hstack(
                    rx.heading("Console", size="7", as_="h1"),
                    rx.badge(ConsoleState.sections.role_label, size="2", variant="soft"),
                    align="center",
                    spacing="3",
                ),
                rx.tabs.root(
                    rx.scroll_area(
                        rx.tabs.list(*[_tab(v, label, f) for v, label, f, _ in SECTIONS]),
                        type="auto",
                        scrollbars="horizontal",
                    ),
                    *[
                        rx.tabs.content(
                            rx.cond(getattr(ConsoleState.sections, f), section()),
                            value=v,
                            padding_top="var(--space-4)",
                        )
                        for v, _, f, section in SECTIONS
                    ],
                    default_value=rx.cond(
                        ConsoleState.sections.products,
                        "products",
                        rx.cond(ConsoleState.sections.deals, "deals", "moderation"),
                    ),
                    on_change=ConsoleTabsState.switch,
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            spinner("var(--space-8)"),
        )
    )
