"""The page's main picture, painted from the shell before the page's data arrives.

The backend serves a shared page's shell with its main picture named as a preload
(app/domain/previews.py `inject`, with `data-path` set to the page's path). A page whose
largest paint is that picture shows it from there while the websocket brings the data, so the
largest paint waits for the app's scripts only, not for the data too (issue 19). A page the app
later goes to without a new shell finds no link for its own path and shows nothing.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

SHELL_PICTURE: rx.Var[str] = rx.Var(
    "((l) => (l && l.dataset.path === location.pathname ? l.getAttribute('href') : ''))"
    "(globalThis.document?.querySelector('link[rel=preload][as=image][data-path]'))",
    _var_type=str,
)


def shell_picture(**props: Any) -> rx.Component:
    """The shell's picture with the given layout props, or nothing without one."""
    return rx.cond(SHELL_PICTURE != "", rx.image(src=SHELL_PICTURE, alt="", **props))
