"""The Radix Themes stylesheet cut to what the pages can use (issue 19).

Every page waits for the one stylesheet before its first paint, and Radix Themes' is most of it:
every component, colour scale and breakpoint (700 KB, 51 KB as Brotli). A PostCSS plugin
(radix-css-trim.js, beside this file) reads the compiled pages during the production build and
drops the rules none of them can match. Here it is written into .web and put in the PostCSS
config Reflex writes, after postcss-import (which inlines the stylesheet it works on).
"""

from __future__ import annotations

from pathlib import Path

from app.frontend_build import web_script

POSTCSS_CONFIG = "postcss.config.js"
TRIM_SCRIPT = "radix-css-trim.js"
_AFTER = '"postcss-import": {},'
_ENTRY = f'"./{TRIM_SCRIPT}": {{}},'


def trim_script() -> tuple[Path, str]:
    """The plugin's file for .web, as Reflex's static assets are given."""
    return web_script(TRIM_SCRIPT)


def with_radix_trim(config: str) -> str:
    """The PostCSS config with the trim plugin right after postcss-import."""
    if _ENTRY in config:
        return config
    if config.count(_AFTER) != 1:
        # Reflex changed its template: fail the build rather than ship the whole stylesheet.
        raise RuntimeError(f"{POSTCSS_CONFIG}: no single `{_AFTER}` to put the trim after")
    return config.replace(_AFTER, f"{_AFTER}\n    {_ENTRY}", 1)
