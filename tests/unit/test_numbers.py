"""Numbers from URLs and forms: only ASCII digits within a database integer count."""

from __future__ import annotations

import pytest

from app.domain.numbers import MAX_ID, id_or_zero, is_digits, parse_id, parse_whole


@pytest.mark.parametrize(
    "raw",
    [
        "²",
        "٣",
        "１２",
        "-1",
        "+1",
        "1.0",
        "1e3",
        " ",
        "",
        "0",
        "0x10",
        "1_000",
        "١٢٣",
        None,
        "99999999999999999999999",
        str(MAX_ID + 1),
        "12\u202e",
        "\x001",
        True,
        -5,
        0,
    ],
)
def test_anything_but_a_plain_positive_number_is_no_id(raw: object) -> None:
    assert parse_id(raw) is None
    assert id_or_zero(raw) == 0


@pytest.mark.parametrize(("raw", "value"), [("1", 1), (" 42 ", 42), (7, 7), (str(MAX_ID), MAX_ID)])
def test_plain_numbers_are_ids(raw: object, value: int) -> None:
    assert parse_id(raw) == value


def test_a_whole_number_is_kept_within_its_bounds() -> None:
    assert parse_whole("0") == 0
    assert parse_whole("99", 1, 99) == 99
    assert parse_whole("100", 1, 99) is None
    assert parse_whole("-3", -10, 10) is None  # signs are not digits


def test_digits_are_counted() -> None:
    assert is_digits("1234567", max_digits=7)
    assert not is_digits("12345678", max_digits=7)
    assert not is_digits("²")
