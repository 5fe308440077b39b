"""What friends may see, and which notifications to get."""

from __future__ import annotations

import reflex as rx

from app.components.api_keys import api_keys_panel
from app.components.layout import page_shell
from app.services.preferences import SettingView
from app.states.settings import SettingsState


def _switch(setting: rx.Var[SettingView]) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.switch(
                checked=setting.enabled,
                on_change=lambda on: SettingsState.toggle(setting.key, on),
            ),
            rx.text(setting.label),
            align="center",
            spacing="3",
        ),
        data_testid="setting-" + setting.key,
    )


def _group(title: str, hint: str, items: rx.Var[list[SettingView]]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.text(hint, size="2", color=rx.color("gray", 11)),
            rx.foreach(items, _switch),
            spacing="3",
            align="start",
        ),
        width="100%",
    )


def settings_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Sharing and notifications", size="7", as_="h1"),
            _group(
                "What your friends can see",
                "Only reviews are shared unless you turn more on. Anything off is never shown "
                "to anyone, not even as a count. Removing a friend stops sharing at once.",
                SettingsState.sharing,
            ),
            _group(
                "Notify me about",
                "In-app notifications under the bell.",
                SettingsState.notify,
            ),
            api_keys_panel(
                "Let another program read your orders, shared carts and deals through the API."
            ),
            spacing="4",
            width="100%",
            max_width="48rem",
        )
    )
