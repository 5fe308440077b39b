"""The countdown's text, as the browser writes it (run in Node): the same as the moment-based
countdown it replaced showed."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from app.components.countdown import _SCRIPT

CASES = [
    # seconds left, clock, text
    (2 * 86400 + 4 * 3600 + 65, False, "2d 4h 01m 05s"),
    (5 * 3600 + 3 * 60 + 2, False, "5h 03m 02s"),
    (23 * 3600 + 59 * 60 + 12, False, "23h 59m 12s"),
    (3 * 60 + 2, False, "3m 02s"),
    (5, False, "5s"),
    (0, False, "now"),
    (-7, False, "now"),
    (4 * 60 + 59, True, "4:59"),
    (75 * 60 + 3, True, "75:03"),
    (5, True, "0:05"),
    (-7, True, "0:00"),
]


def test_countdown_text_matches_the_old_format() -> None:
    node = shutil.which("node") or pytest.fail("Node is needed to run the countdown's script")
    calls = ", ".join(f"countdownText({left}, {json.dumps(clock)})" for left, clock, _ in CASES)
    # The component itself needs React; its text function does not.
    script = _SCRIPT.split("function Countdown(")[0] + f"console.log(JSON.stringify([{calls}]));"
    output = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(output.stdout) == [text for _, _, text in CASES]
