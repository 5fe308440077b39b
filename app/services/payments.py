"""TEMPORARY stand-in for the lead's foundation (replaced by main's version at merge)."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.payments.gateway import PaymentGateway
from app.domain.payments import SandboxCard


@dataclass(frozen=True)
class PaymentsMode:
    enabled: bool
    sandbox: bool
    publishable_key: str


class SandboxPayments:
    def __init__(self, gateway: PaymentGateway) -> None:
        self._gateway = gateway

    def payment_method(self, card: SandboxCard) -> str:
        return str(self._gateway.test_payment_method(card.value))  # type: ignore[attr-defined]

    def answer_bank_check(self, intent_id: str, approve: bool) -> None:
        self._gateway.authenticate_test_payment(intent_id, approve=approve)  # type: ignore[attr-defined]


class Payments:
    def __init__(self, gateway: PaymentGateway, *, sandbox: bool | None = None) -> None:
        self.gateway = gateway
        local = bool(getattr(gateway, "is_local", False)) if sandbox is None else sandbox
        self.sandbox = SandboxPayments(gateway) if local else None
        self.mode = PaymentsMode(True, local, "")
