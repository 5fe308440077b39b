"""How the production build splits its scripts (the BuildShape plugin in rxconfig.py).

Reflex writes .web/vite.config.js itself on every compile and offers no option for its chunks.
Vite then gives every Lucide icon a file of its own (about 300 bytes each), since each icon is
shared by a different set of pages: the product page's script pulled in some 30 of them after
the page's own script arrived, and a phone fetches at most six files at once from one host,
so those round trips came before the first paint (issue 19). Here the icons that pages import
directly share one file (30 KB, 9 KB as Brotli), with React itself: a group takes its modules'
imports along, and every page loads React anyway. `$initial` leaves out the ~4,000 icons that
rx.icon with a computed name loads one by one on demand (lucide's DynamicIcon), and the test
leaves out the map of them, which only that component needs.

Likewise what most pages share (React's DOM, the router, Radix, emotion, Reflex's state and
socket code: libraries and Reflex's own modules that eight pages or more import) is one file,
not ten: a page's shell then names six to eight scripts instead of 13-15, about one round of a
phone's six connections instead of three (each round trip 150 ms on Lighthouse's mobile
network), for about 10 KB more, as the file also holds what some of those pages alone use.
The Radix parts two to seven pages use (selects, switches, tabs, tooltips; Radix is imported
by module, app/frontend_build/radix_imports.py) are one more file, 36 KB, which the other pages
never load. Libraries few pages use (charts, video players) keep files of their own.
"""

from __future__ import annotations

VITE_CONFIG = "vite.config.js"
_GROUPS = "groups: ["
CHUNK_GROUPS = """
            {
              name: "icons",
              test: (id) =>
                /node_modules[\\\\/]lucide-react[\\\\/]/.test(id) &&
                !/DynamicIcon|dynamicIconImports/.test(id),
              tags: ["$initial"],
            },
            {
              name: "shared",
              test: /node_modules[\\\\/]|[\\\\/]\\.web[\\\\/](utils|components)[\\\\/]/,
              minShareCount: 8,
            },
            {
              name: "radix",
              test: /node_modules[\\\\/](@radix-ui|radix-ui|@floating-ui)[\\\\/]/,
              minShareCount: 2,
            },"""


def with_chunk_groups(config: str) -> str:
    """The Vite config with the icon and shared groups first among its chunk groups."""
    if CHUNK_GROUPS in config:
        return config
    if config.count(_GROUPS) != 1:
        # Reflex changed its template: fail the build rather than quietly split as before.
        raise RuntimeError(f"{VITE_CONFIG}: no single `{_GROUPS}` to add the chunk groups to")
    return config.replace(_GROUPS, _GROUPS + CHUNK_GROUPS, 1)
