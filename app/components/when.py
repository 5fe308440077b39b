"""Times written in the reader's browser: a message's clock time ("14:05") and how far a moment
is from now ("in 2 days", "5 minutes ago", kept current).

Its own few lines of script rather than rx.moment, for the pages with a chat or a start time
(product, live): rx.moment loads moment (21 KB compressed) when its first time is drawn, which
on those pages is before their largest paint (issue 19); see countdown.py for the same with a
deal's countdown. The clock and the <time> element are ticking_time.py's.
"""

from __future__ import annotations

import reflex as rx

from app.components.ticking_time import TickingTime

# From now, in moment's words: "a few seconds ago", then whole minutes, hours, days, months,
# years, each unit from 45 of the one below it (45 s, 45 min, 22 h, 26 d, 11 months).
_SCRIPT = """
const WHEN_UNITS = [["second", 1, 45], ["minute", 60, 45], ["hour", 3600, 22], ["day", 86400, 26],
  ["month", 2629800, 11], ["year", 31557600, Infinity]];
const WHEN_RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "always" });
const WHEN_CLOCK = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
function whenFromNow(seconds) {
  const size = Math.abs(seconds);
  if (size < 45) return seconds < 0 ? "a few seconds ago" : "in a few seconds";
  for (const [unit, length, next] of WHEN_UNITS) {
    const count = Math.round(size / length);
    if (count < next) return WHEN_RELATIVE.format(Math.sign(seconds) * count, unit);
  }
}
function When({ at, fromNow, ...rest }) {
  const now = useNow(fromNow ? 30000 : 0);
  const moment = Date.parse(at);
  let text = "";
  if (now !== null && !Number.isNaN(moment)) {
    text = fromNow ? whenFromNow(Math.round((moment - now) / 1000)) : WHEN_CLOCK.format(moment);
  }
  return jsx("time", { dateTime: at, ...rest }, text);
}
"""


class When(TickingTime):
    """A <time> for the ISO moment `at`: its local clock time, or (`from_now`) its distance."""

    tag = "When"
    script = _SCRIPT

    at: rx.Var[str]
    from_now: rx.Var[bool]


def clock_time(at: rx.Var[str], **props: object) -> rx.Component:
    """`at` as the reader's local hours and minutes (14:05)."""
    return When.create(at=at, from_now=False, **props)


def from_now(at: rx.Var[str], **props: object) -> rx.Component:
    """How far `at` is from now, kept current: "in 2 days", "5 minutes ago"."""
    return When.create(at=at, from_now=True, **props)
