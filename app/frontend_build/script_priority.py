"""Pages paint before their scripts load (issue 19).

Every page is prerendered (one with a parameter at a stand-in path: route_shells.py): the shop's
header, the hero, the sized placeholders are all in its HTML, and the first paint needs only the
HTML and the stylesheet. React Router names each script the page will run in a
`<link rel="modulepreload">`, which browsers fetch at high priority, so on a phone's link those
~200 KB (Brotli) shared the bandwidth with the stylesheet and the hero picture and held the
paint back (Lighthouse, mobile: first paint at 2.5 s on every page, the
blank one too). Marked `fetchpriority="low"`, the scripts still start at once, but after what
the paint needs; hydration and the live data follow as before.

Run after the build (BuildShape.post_build in rxconfig.py), before Reflex compresses the files;
the backend names a parameter page's own scripts the same way (app/api/route_scripts.py).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

MODULE_PRELOAD = '<link rel="modulepreload" '
LOW_PRIORITY = 'fetchpriority="low" '


def module_preload(href: str) -> str:
    """A link that fetches one more script of the page, as the build's are after this step."""
    return f'{MODULE_PRELOAD}{LOW_PRIORITY}href="{escape(href)}"/>'


def with_low_priority_scripts(html: str) -> str:
    """The page with each of its module preloads at low priority (once, however often run)."""
    return html.replace(MODULE_PRELOAD + LOW_PRIORITY, MODULE_PRELOAD).replace(
        MODULE_PRELOAD, MODULE_PRELOAD + LOW_PRIORITY
    )


def lower_script_priority(static_dir: Path) -> int:
    """Rewrites every built page under `static_dir`; returns how many pages name scripts."""
    pages = 0
    for page in static_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if MODULE_PRELOAD not in html:
            continue  # the offline page: no scripts
        page.write_text(with_low_priority_scripts(html), encoding="utf-8")
        pages += 1
    if not pages:
        # React Router changed how it names a page's scripts: fail rather than paint late.
        raise RuntimeError(f"no built page under {static_dir} has `{MODULE_PRELOAD.strip()}`")
    return pages
