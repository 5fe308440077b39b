"""Radix imported by module: each page's script holds the Radix components it draws, not all of
them (radix-deep-imports.js, beside this file, says why). Here that Vite plugin is written into
.web and put in the Vite config Reflex writes.
"""

from __future__ import annotations

from pathlib import Path

from app.frontend_build import web_script
from app.frontend_build.script_chunks import VITE_CONFIG

PLUGIN_SCRIPT = "radix-deep-imports.js"
_IMPORT_AFTER = 'import safariCacheBustPlugin from "./vite-plugin-safari-cachebust.js";\n'
_IMPORT = f'import radixDeepImports from "./{PLUGIN_SCRIPT}";\n'
_CALL_AFTER = "    safariCacheBustPlugin(),\n"
_CALL = "    radixDeepImports(),\n"


def deep_imports_script() -> tuple[Path, str]:
    """The plugin's file for .web, as Reflex's static assets are given."""
    return web_script(PLUGIN_SCRIPT)


def with_deep_imports(config: str) -> str:
    """The Vite config with the plugin imported and used."""
    if _IMPORT in config:
        return config
    for anchor in (_IMPORT_AFTER, _CALL_AFTER):
        if config.count(anchor) != 1:
            # Reflex changed its template: fail the build rather than ship every component.
            raise RuntimeError(f"{VITE_CONFIG}: no single `{anchor.strip()}` to add the plugin at")
    config = config.replace(_IMPORT_AFTER, _IMPORT_AFTER + _IMPORT, 1)
    return config.replace(_CALL_AFTER, _CALL_AFTER + _CALL, 1)
