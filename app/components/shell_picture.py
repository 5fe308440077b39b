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

from app.components.script_component import ScriptComponent

# The link is read through a store whose server value is "": when the page's HTML is its
# prerendered frame (app/frontend_build/route_shells.py), React hydrates the frame as built,
# without the picture, then draws the picture (this component alone, not the page); a page
# drawn without hydration shows it at once.
_SCRIPT = """
const shellPictureUnchanging = () => () => {};
function shellPictureHref() {
  const link = document.querySelector('link[rel=preload][as=image][data-path]');
  return link && link.dataset.path === location.pathname ? link.getAttribute('href') : '';
}
function ShellPicture(props) {
  const src = useSyncExternalStore(shellPictureUnchanging, shellPictureHref, () => '');
  return src ? jsx('img', {...props, src, alt: ''}) : null;
}
"""


class ShellPicture(ScriptComponent):
    """The shell's picture, or nothing (see the module's docstring)."""

    tag = "ShellPicture"
    script = _SCRIPT
    hooks = ("useSyncExternalStore",)


def shell_picture(**props: Any) -> rx.Component:
    """The shell's picture with the given layout props, or nothing without one."""
    return ShellPicture.create(**props)
