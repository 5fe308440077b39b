"""Regions of a page drawn one after another, each in a task of its own (issue 19).

When a page's live data arrives it swaps its placeholder for the whole content at once: on the
home page three deal cards, the friends' picks, seven categories and eight products, one render
and one commit of some 70 ms on this machine (four times that on Lighthouse's phone), in which
the phone answers no tap. Wrapped in `in_turn`, a region below the first screen is drawn after
the one before it has been committed, in a later task: the same work in slices, with the
browser free to paint and answer in between. A region is a few frames late at most; it is
drawn below what is already there, so nothing on screen moves.
"""

from __future__ import annotations

import reflex as rx

from app.components.script_component import ScriptComponent

# One queue per page script: a region waits for the regions before it (effects run in document
# order), and shows the next once its own content is committed. A region gone before its turn
# passes the turn on.
_SCRIPT = """
const inTurnQueue = [];
let inTurnBusy = false;
function showNextInTurn() {
  const show = inTurnQueue.shift();
  if (show) show(); else inTurnBusy = false;
}
function InTurn({children}) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (shown) {
      setTimeout(showNextInTurn, 0);  // even if this region goes: the others wait for it
      return undefined;
    }
    let mounted = true;
    inTurnQueue.push(() => (mounted ? setShown(true) : showNextInTurn()));
    if (!inTurnBusy) {
      inTurnBusy = true;
      setTimeout(showNextInTurn, 0);
    }
    return () => { mounted = false; };
  }, [shown]);
  return shown ? children : null;
}
"""


class InTurn(ScriptComponent):
    """Its children, drawn after the regions before it (see the module's docstring)."""

    tag = "InTurn"
    script = _SCRIPT
    hooks = ("useEffect", "useState")


def in_turn(*children: rx.Component) -> rx.Component:
    """`children` drawn in a task after the page's regions before them."""
    return InTurn.create(*children)
