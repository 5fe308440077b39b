"""Avatars and the signed-in menu."""

from __future__ import annotations

import reflex as rx

from app.services.accounts import UserView


def avatar(name: rx.Var[str] | str, initials: rx.Var[str] | str, src: rx.Var[str] | str,
           size: str = "3") -> rx.Component:  # fmt: skip
    return rx.avatar(src=src, fallback=initials, size=size, radius="full", alt=name)


def user_avatar(user: rx.Var[UserView], size: str = "3") -> rx.Component:
    return rx.avatar(
        src=user.avatar_url,
        fallback=user.initials,
        size=size,
        radius="full",
        color_scheme=user.colour,
        alt=user.name,
    )


def sign_out_form(label: str = "Sign out") -> rx.Component:
    """A real POST form: sign-out changes state, so it is never a GET link."""
    return rx.el.form(
        rx.button(
            rx.icon("log-out", size=16), label, type="submit", variant="soft", color_scheme="gray"
        ),
        action="/auth/logout",
        method="post",
    )
