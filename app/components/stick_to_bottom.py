"""A scrolling log that stays at its newest line while the reader is there (the chat).

Reflex's auto_scroll measures its box after every render of the page around it (an effect with
no dependencies reads scrollHeight), so each websocket message forced a layout of the whole
page inside React's commit: 24 ms of the product page's load on this machine, four times that
on a phone (issue 19). This marker, placed as the log's last child, measures only when the
log's own content changes, and then in the next frame, where the browser lays out anyway.
Reading older lines (scrolled up more than 50 px from the end) keeps the reader's place.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.components.script_component import ScriptComponent

_SCRIPT = """
function StickToBottom() {
  const marker = useRef(null);
  useEffect(() => {
    const log = marker.current?.parentElement;
    if (!log) return undefined;
    let atEnd = true;
    let frame = 0;
    const pin = () => {
      frame = 0;
      if (atEnd) log.scrollTop = log.scrollHeight;
    };
    const soon = () => { if (!frame) frame = requestAnimationFrame(pin); };
    const onScroll = () => {
      atEnd = log.scrollHeight - log.scrollTop - log.clientHeight <= 50;
    };
    const changes = new MutationObserver(soon);
    changes.observe(log, {childList: true, subtree: true, characterData: true});
    log.addEventListener("scroll", onScroll, {passive: true});
    soon();
    return () => {
      changes.disconnect();
      log.removeEventListener("scroll", onScroll);
      cancelAnimationFrame(frame);
    };
  }, []);
  return jsx("span", {ref: marker, hidden: true});
}
"""


class StickToBottom(ScriptComponent):
    """The marker (see the module's docstring); it draws nothing."""

    tag = "StickToBottom"
    script = _SCRIPT
    hooks = ("useEffect", "useRef")


def sticky_log(*children: rx.Component, **props: Any) -> rx.Component:
    """A box that scrolls its `children` and keeps to their end while the reader is there."""
    return rx.box(*children, StickToBottom.create(), overflow_y="auto", **props)
