"""A countdown to an ISO moment that ticks in the browser once a second, with no server event.

Its own few lines of script rather than rx.moment: a duration format made react-moment import
moment-duration-format, and with it moment (~27 KB compressed), into every page showing a
deal's countdown, before its first paint (issue 19). The clock and the <time> element are
ticking_time.py's.
"""

from __future__ import annotations

import reflex as rx

from app.components.ticking_time import TickingTime

# "2d 4h 01m 05s": the leading units that are zero are left out, the first one shown is not
# padded; "now" once the moment has passed. As a clock, "4:59" (minutes count on past 59),
# "0:00" once passed.
_SCRIPT = """
const COUNTDOWN_UNITS = [["d", 86400, 1], ["h", 3600, 1], ["m", 60, 2], ["s", 1, 2]];
function countdownText(secondsLeft, clock) {
  const left = Math.max(secondsLeft, 0);
  if (clock) return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  if (left === 0) return "now";
  const parts = [];
  let rest = left;
  for (const [unit, size, width] of COUNTDOWN_UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (parts.length > 0) parts.push(String(count).padStart(width, "0") + unit);
    else if (count > 0) parts.push(count + unit);
  }
  return parts.join(" ");
}
function Countdown({ until, clock, ...rest }) {
  const now = useNow(1000);
  const end = Date.parse(until);
  const text =
    now === null || Number.isNaN(end) ? "" : countdownText(Math.floor((end - now) / 1000), clock);
  return jsx("time", { dateTime: until, ...rest }, text);
}
"""


class Countdown(TickingTime):
    """A <time> that counts down to `until`, in units or (`clock`) as minutes:seconds."""

    tag = "Countdown"
    script = _SCRIPT

    until: rx.Var[str]
    clock: rx.Var[bool]


countdown_to = Countdown.create
