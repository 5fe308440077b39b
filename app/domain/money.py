"""Money in integer minor units with its currency; never floats."""

from __future__ import annotations

from dataclasses import dataclass

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥"}
_ZERO_DECIMAL = {"JPY", "KRW"}


@dataclass(frozen=True)
class Money:
    """An amount in the currency's minor unit (cents for USD)."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money amount must be an int of minor units")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(
                f"currency must be a 3-letter upper-case ISO code, got {self.currency!r}"
            )

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, times: int) -> Money:
        if not isinstance(times, int) or isinstance(times, bool):
            raise TypeError("Money can only be multiplied by an int")
        return Money(self.amount * times, self.currency)

    __rmul__ = __mul__

    def format(self) -> str:
        """Human form, e.g. "$12.99" or "12.99 CHF"."""
        return format_minor(self.amount, self.currency)


def format_minor(amount: int, currency: str) -> str:
    """Format integer minor units for display without going through floats."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if currency in _ZERO_DECIMAL:
        number = f"{amount:,}"
    else:
        number = f"{amount // 100:,}.{amount % 100:02d}"
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
