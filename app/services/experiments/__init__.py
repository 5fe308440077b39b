"""Experiments and feature flags: flags are read through OpenFeature with the shop's own
provider; shoppers are bucketed by a stable visitor id; the console shows each arm's numbers."""

from __future__ import annotations

from app.services.experiments.assigning import (
    clean_visitor_id,
    deal_card_layout,
    variant,
    visitor_for,
)
from app.services.experiments.flags import flag_client, forget_rules, use_flag_provider
from app.services.experiments.results import (
    ArmView,
    ExperimentError,
    ExperimentView,
    experiments,
    set_experiment,
)

__all__ = [
    "ArmView",
    "ExperimentError",
    "ExperimentView",
    "clean_visitor_id",
    "deal_card_layout",
    "experiments",
    "flag_client",
    "forget_rules",
    "set_experiment",
    "use_flag_provider",
    "variant",
    "visitor_for",
]
