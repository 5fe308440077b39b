"""The shop's OpenFeature provider, read through the OpenFeature client as the app does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openfeature import api
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import Reason

from app.adapters.flags.provider import ExperimentsProvider
from app.domain.experiments import DEAL_CARD_LAYOUT, Mode, Rule

KEY = DEAL_CARD_LAYOUT.key
rules: dict[str, Rule] = {}


@pytest.fixture(autouse=True)
def provider() -> Iterator[None]:
    api.set_provider(ExperimentsProvider(lambda: rules), domain="unit")
    yield
    api.clear_providers()
    rules.clear()


def _details(visitor: str) -> tuple[str, str | None]:
    found = api.get_client("unit").get_string_details(
        KEY, "fallback", EvaluationContext(targeting_key=visitor)
    )
    return found.value, found.reason


def test_a_split_answers_with_the_arm_and_reason_split() -> None:
    rules[KEY] = Rule(Mode.SPLIT, 100, 50, "s", "v")
    seen = {_details(f"visitor-{i}") for i in range(50)}
    assert seen == {("classic", Reason.SPLIT), ("compact", Reason.SPLIT)}


def test_off_and_on_are_not_splits() -> None:
    assert _details("anyone") == ("classic", Reason.DISABLED)  # no rule: off
    rules[KEY] = Rule(Mode.ON)
    assert _details("anyone") == ("compact", Reason.STATIC)
    flag_on = api.get_client("unit").get_boolean_value(KEY, False)
    assert flag_on is True


def test_unknown_flags_and_wrong_types_fall_back_to_the_default() -> None:
    client = api.get_client("unit")
    missing = client.get_string_details("no-such-flag", "fallback")
    assert (missing.value, missing.error_code) == ("fallback", ErrorCode.FLAG_NOT_FOUND)
    assert client.get_integer_value(KEY, 7) == 7
