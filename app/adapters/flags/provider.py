"""The shop's OpenFeature provider: flags defined in the code (app/domain/experiments.py),
their settings read from the database through `rules`, arms chosen by stable hashing.

Only string and boolean flags exist here; anything else answers with the caller's default
and a TYPE_MISMATCH error, as OpenFeature expects. A team that wants another flag service
plugs its provider in with `experiments.use_flag_provider(...)`; the shop reads every flag
through the OpenFeature client either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagResolutionDetails, Reason
from openfeature.provider import AbstractProvider, Metadata

from app.domain.experiments import FLAGS, FlagDefinition, Mode, Rule, assign

PROVIDER_NAME = "bandwagon-experiments"


class ExperimentsProvider(AbstractProvider):
    def __init__(
        self,
        rules: Callable[[], Mapping[str, Rule]],
        flags: Mapping[str, FlagDefinition] = FLAGS,
    ) -> None:
        super().__init__()
        self._rules = rules
        self._flags = flags

    def get_metadata(self) -> Metadata:
        return Metadata(name=PROVIDER_NAME)

    def _resolve(
        self, flag_key: str, evaluation_context: EvaluationContext | None
    ) -> tuple[FlagDefinition, str, str] | None:
        flag = self._flags.get(flag_key)
        if flag is None:
            return None
        rule = self._rules().get(flag_key, Rule())
        visitor = (evaluation_context.targeting_key if evaluation_context else None) or ""
        picked = assign(flag, rule, visitor)
        if picked.in_experiment:
            reason = Reason.SPLIT
        elif rule.mode == Mode.ON:
            reason = Reason.STATIC
        else:
            reason = Reason.DISABLED
        return flag, picked.variant, reason

    def resolve_string_details(
        self,
        flag_key: str,
        default_value: str,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[str]:
        found = self._resolve(flag_key, evaluation_context)
        if found is None:
            return _missing(flag_key, default_value)
        _, variant, reason = found
        return FlagResolutionDetails(value=variant, variant=variant, reason=reason)

    def resolve_boolean_details(
        self,
        flag_key: str,
        default_value: bool,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[bool]:
        found = self._resolve(flag_key, evaluation_context)
        if found is None:
            return _missing(flag_key, default_value)
        flag, variant, reason = found
        return FlagResolutionDetails(
            value=variant == flag.treatment, variant=variant, reason=reason
        )

    def resolve_integer_details(
        self,
        flag_key: str,
        default_value: int,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[int]:
        return _mismatch(default_value)

    def resolve_float_details(
        self,
        flag_key: str,
        default_value: float,
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[float]:
        return _mismatch(default_value)

    def resolve_object_details(
        self,
        flag_key: str,
        default_value: Sequence[Any] | Mapping[str, Any],
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[Sequence[Any] | Mapping[str, Any]]:
        return _mismatch(default_value)


def _missing(flag_key: str, default: Any) -> FlagResolutionDetails[Any]:
    return FlagResolutionDetails(
        value=default,
        reason=Reason.ERROR,
        error_code=ErrorCode.FLAG_NOT_FOUND,
        error_message=f"No flag called {flag_key!r}.",
    )


def _mismatch(default: Any) -> FlagResolutionDetails[Any]:
    return FlagResolutionDetails(
        value=default,
        reason=Reason.ERROR,
        error_code=ErrorCode.TYPE_MISMATCH,
        error_message="Flags of this shop are strings or booleans.",
    )
