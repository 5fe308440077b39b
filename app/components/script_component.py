"""A React component written in this project: its function comes with the page's script.

Reflex draws a component by its tag; `script` defines that function (once per page, however
often the component is used) and `hooks` names the React hooks it calls.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx
from reflex.utils.imports import ImportDict, ImportVar


class ScriptComponent(rx.Component):
    """Base of the project's own React components (in_turn.py, stick_to_bottom.py, ...)."""

    script = ""
    hooks: ClassVar[tuple[str, ...]] = ()

    def add_imports(self) -> ImportDict:
        return {
            "react": [ImportVar(tag=hook) for hook in self.hooks],
            "@emotion/react": [ImportVar(tag="jsx")],
        }

    def add_custom_code(self) -> list[str]:
        return [self.script]
