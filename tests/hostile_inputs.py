"""What a hostile (or clumsy) visitor types: one corpus every bad-input test draws from.

`TEXTS` are values for text fields, `NUMBERS` values for fields and route segments that should
hold a number, `XSS` strings that must always be shown as text. `SEGMENTS` are the URL-safe
spellings of the number corpus for route parameters.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

HUGE = "9" * 30

# name -> value; names make parametrised test ids readable
NUMBERS: dict[str, object] = {
    "empty": "",
    "spaces": "   ",
    "negative": "-1",
    "zero": "0",
    "decimal": "1.5",
    "exponent": "1e9",
    "superscript_two": "²",
    "arabic_three": "٣",
    "fullwidth_twelve": "１２",
    "int32_overflow": str(2**31),
    "int64_overflow": str(2**63),
    "uint64_overflow": str(2**64),
    "thirty_digits": HUGE,
    "huge_int": 2**64,
    "negative_int": -5,
    "float": 1.5,
    "none": None,
    "bool": True,
    "list": [1],
    "nul": "1\x00",
    "hex": "0x10",
    "plus": "+3",
    "underscored": "1_000",
    "word": "abc",
}

XSS: dict[str, str] = {
    "script": "<script>window.__pwned=1</script>",
    "img_onerror": '"><img src=x onerror="window.__pwned=1">',
    "svg_onload": "<svg onload=window.__pwned=1>",
    "js_url": "javascript:window.__pwned=1",
    "template": "{{7*7}} ${7*7} {window.__pwned=1}",
    "markdown_link": "[click](javascript:window.__pwned=1)",
}

TEXTS: dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n ",
    "oversized": "x" * 10_000,
    "nul": "hello\x00world",
    "only_nul": "\x00",
    "control": "bell\x07\x1b[31mred",
    "bidi_override": "abc\u202edcba",
    "only_bidi": "\u202e\u2066",
    "zero_width": "a\u200bb\ufeff",
    "emoji": "Great 👍🏽 mug ☕",
    "combining": "e\u0301" * 5,
    "surrogate_like": "\ufffd\uffff",
    "superscript_two": "²",
    "huge_number": HUGE,
    **{f"xss_{name}": value for name, value in XSS.items()},
}

# route segments: the number corpus that can travel in a URL path
SEGMENTS: dict[str, str] = {
    "negative": "-1",
    "zero": "0",
    "decimal": "1.5",
    "exponent": "1e9",
    "superscript_two": quote("²"),
    "arabic_three": quote("٣"),
    "fullwidth_twelve": quote("１２"),
    "int32_overflow": str(2**31),
    "thirty_digits": HUGE,
    "space": "%20",
    "bidi": quote("1\u202e2"),
    "script": quote("<script>x</script>", safe=""),
    "long": "9" * 2000,
    "nul": "%00",
}

_BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F]}


def harmless_text(value: str, *, newlines: bool = True) -> bool:
    """Text we may store and show: no NUL or other control characters (line breaks and tabs
    aside when `newlines`), no bidi overrides, no surrogates."""
    allowed = "\n\t" if newlines else ""
    return not any(
        (unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed) or ch in _BIDI
        for ch in value
    )
