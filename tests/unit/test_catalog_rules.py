import pytest

from app.domain.catalog import (
    MAX_QUERY_LENGTH,
    SearchQueryError,
    normalise_query,
    query_terms,
    stock_label,
)
from app.domain.money import Money, format_minor


def test_query_is_trimmed_and_spaces_collapsed() -> None:
    assert normalise_query("   ceramic    mug  ") == "ceramic mug"
    assert query_terms("Ceramic MUG") == ["ceramic", "mug"]


def test_empty_query_means_everything() -> None:
    assert normalise_query(None) == ""
    assert query_terms("") == []


def test_overlong_query_is_refused_with_a_reason() -> None:
    with pytest.raises(SearchQueryError, match="at most"):
        normalise_query("a" * (MAX_QUERY_LENGTH + 1))


def test_control_characters_are_refused() -> None:
    with pytest.raises(SearchQueryError, match="characters"):
        normalise_query("mug\x00; drop table")


@pytest.mark.parametrize(
    ("stock", "label"), [(0, "Sold out"), (3, "Only 3 left"), (40, "In stock (40)")]
)
def test_stock_label(stock: int, label: str) -> None:
    assert stock_label(stock) == label


def test_money_formats_minor_units_without_floats() -> None:
    assert format_minor(1299, "USD") == "$12.99"
    assert format_minor(5, "EUR") == "€0.05"
    assert format_minor(123456, "CHF") == "1,234.56 CHF"
    assert (Money(1000, "USD") + Money(99, "USD")).format() == "$10.99"


def test_money_refuses_mixed_currencies_and_floats() -> None:
    with pytest.raises(ValueError, match="cannot mix"):
        Money(1, "USD") + Money(1, "EUR")
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
