"""A page's loads drawn as one render: Reflex's socket handler (utils/state.js) applies the
messages of a page's on_load handlers together (page-load-updates.js, beside this file, says
why and how). Here that script is written into .web and the handler is wrapped with it.
"""

from __future__ import annotations

from pathlib import Path

STATE_JS = "utils/state.js"
SCRIPT = "utils/page-load-updates.js"
_IMPORT = 'import { holdPageLoads } from "$/utils/page-load-updates.js";\n'
_FIRST_IMPORT = 'import io from "socket.io-client";\n'
# Reflex's handler of a message, from its opening line to the next listener's.
_OPENS = '  socket.current.on("event", (update) => {\n'
_CLOSES = '  });\n  socket.current.on("new_token",'
_OPENS_HELD = "  const applyUpdate = (update) => {\n"
_CLOSES_HELD = (
    '  };\n  socket.current.on("event", holdPageLoads(applyUpdate));\n'
    '  socket.current.on("new_token",'
)


def helper_script() -> tuple[Path, str]:
    """The script for .web, as Reflex's static assets are given."""
    source = Path(__file__).with_name("page-load-updates.js")
    return Path(SCRIPT), source.read_text(encoding="utf-8")


def with_held_page_loads(state_js: str) -> str:
    """Reflex's state.js with its message handler wrapped by holdPageLoads."""
    if _IMPORT in state_js:
        return state_js  # a recompile finds the file it edited
    for piece in (_FIRST_IMPORT, _OPENS, _CLOSES):
        if state_js.count(piece) != 1:
            # Reflex changed its template: fail the build rather than guess.
            raise RuntimeError(f"{STATE_JS}: no single {piece.strip()!r} to wrap the handler at")
    opens = state_js.index(_OPENS)
    if state_js.index(_CLOSES) < opens:
        raise RuntimeError(f"{STATE_JS}: the message handler is not where it was")
    state_js = state_js.replace(_FIRST_IMPORT, _FIRST_IMPORT + _IMPORT, 1)
    state_js = state_js.replace(_OPENS, _OPENS_HELD, 1)
    return state_js.replace(_CLOSES, _CLOSES_HELD, 1)
