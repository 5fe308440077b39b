"""How the production build is shaped: edits to the files Reflex writes into .web on each
compile (rxconfig.py's plugins). Reflex offers no options for these."""

from __future__ import annotations

from pathlib import Path


def web_script(name: str) -> tuple[Path, str]:
    """A build plugin kept beside these modules, as Reflex's static assets are given: the file
    goes into .web under its own name."""
    return Path(name), (Path(__file__).parent / name).read_text(encoding="utf-8")
