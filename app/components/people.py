"""Avatars and the signed-in menu."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.services.accounts import PersonView


def avatar(name: rx.Var[str] | str, initials: rx.Var[str] | str, src: rx.Var[str] | str,
           size: str = "3") -> rx.Component:  # fmt: skip
    return rx.avatar(src=src, fallback=initials, size=size, radius="full", alt=name)


def user_avatar(user: rx.Var[PersonView], size: str = "3", **props: Any) -> rx.Component:
    """A person's round avatar; `user` is any view with avatar_url, initials, colour and name
    (a cart member, a viewer, a friend, a share of a checkout)."""
    return rx.avatar(
        src=user.avatar_url,
        fallback=user.initials,
        size=size,
        radius="full",
        color_scheme=user.colour,
        alt=user.name,
        **props,
    )


# Reflex forms always prevent the browser's own submit, so the POST is built in the page.
POST_SIGN_OUT = (
    "const f = document.createElement('form'); f.method = 'post'; f.action = '/auth/logout';"
    " document.body.appendChild(f); f.submit();"
)


def sign_out_button(label: str = "Sign out") -> rx.Component:
    """Sign-out is a same-origin POST (it changes state), never a GET link."""
    return rx.button(
        rx.icon("log-out", size=16),
        label,
        variant="soft",
        color_scheme="gray",
        on_click=rx.call_script(POST_SIGN_OUT),
    )
