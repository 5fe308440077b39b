"""The console's view of experiments (admins): each flag's settings, its arms with exposures
and conversions from the event log, the confidence of the difference and a sample-ratio
warning; and changing a flag's settings."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.adapters.db.models_events import EventRecord
from app.adapters.db.models_experiments import Experiment, VisitorLink
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.experiments import (
    FLAGS,
    FlagDefinition,
    Mode,
    Rule,
    sample_ratio_check,
    two_proportion_test,
)
from app.domain.numbers import parse_whole
from app.domain.people import ADMIN_ROLES
from app.services.console.access import require
from app.services.console.audit import note
from app.services.context import Context
from app.services.experiments.flags import default_rule, forget_rules, read_rules


class ExperimentError(ValueError):
    """Settings we refuse, with a message per field."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__(" ".join(field_errors.values()))
        self.field_errors = field_errors


@dataclass(frozen=True)
class ArmView:
    variant: str
    share: int  # % of participants meant to see it
    exposures: int
    conversions: int
    rate: str  # "12.5 %"


@dataclass(frozen=True)
class ExperimentView:
    key: str
    label: str
    description: str
    mode: str
    traffic: int
    percent: int
    conversion_kind: str
    arms: list[ArmView]
    confidence: str  # "96.4 %" or "" without enough data
    verdict: str  # plain words about the difference
    ratio_warning: str  # "" unless the split looks broken (chi-square p < 0.001)


def _exposures(session: Session, key: str) -> dict[str, tuple[str, datetime]]:
    """visitor -> (arm, first exposure), from the event log."""
    rows = session.exec(
        select(EventRecord.payload, EventRecord.logged_at)
        .where(
            EventRecord.kind == EventKind.EXPERIMENT_EXPOSED.value,
            EventRecord.aggregate == "experiment",
            EventRecord.aggregate_id == key,
        )
        .order_by(col(EventRecord.id))
    ).all()
    first: dict[str, tuple[str, datetime]] = {}
    for payload, at in rows:
        data = json.loads(payload or "{}")
        visitor = str(data.get("visitor", ""))
        if visitor and visitor not in first:
            first[visitor] = (str(data.get("variant", "")), as_utc(at))
    return first


def _converted(session: Session, kind: str, exposed: dict[str, tuple[str, datetime]]) -> set[str]:
    """Exposed visitors whose account did `kind` after their exposure."""
    if not exposed:
        return set()
    links = dict(session.exec(select(VisitorLink.user_id, VisitorLink.visitor_id)).all())
    first_exposure = min(at for _, at in exposed.values())
    rows = session.exec(
        select(EventRecord.actor_id, EventRecord.logged_at).where(
            EventRecord.kind == kind,
            col(EventRecord.actor_id).is_not(None),
            col(EventRecord.logged_at) >= first_exposure,
        )
    ).all()
    converted: set[str] = set()
    for actor_id, at in rows:
        visitor = links.get(actor_id or 0)
        if visitor in exposed and as_utc(at) >= exposed[visitor][1]:
            converted.add(visitor)
    return converted


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def _view(session: Session, flag: FlagDefinition, rule: Rule, kind: str) -> ExperimentView:
    exposed = _exposures(session, flag.key)
    converted = _converted(session, kind, exposed)
    counts = {v: [0, 0] for v in flag.variants}
    for visitor, (arm, _) in exposed.items():
        if arm in counts:
            counts[arm][0] += 1
            counts[arm][1] += visitor in converted
    shares = {flag.control: 100 - rule.percent, flag.treatment: rule.percent}
    arms = [
        ArmView(v, shares[v], n, c, _percent(c / n) if n else "—") for v, (n, c) in counts.items()
    ]
    (n_a, c_a), (n_b, c_b) = counts[flag.control], counts[flag.treatment]
    test = two_proportion_test(c_a, n_a, c_b, n_b)
    verdict = "Not enough data yet."
    if test is not None:
        better = flag.treatment if c_b / n_b > c_a / n_a else flag.control
        verdict = (
            f"“{better}” converts better (p = {test.p_value:.3f})."
            if test.p_value < 0.05
            else f"No clear difference yet (p = {test.p_value:.3f})."
        )
    warning = ""
    check = sample_ratio_check([n_a, n_b], [shares[flag.control] / 100, rule.percent / 100])
    if check is not None and check.mismatch:
        warning = (
            f"Sample ratio mismatch: {n_a} / {n_b} visitors for a "
            f"{shares[flag.control]} / {rule.percent} split (p = {check.p_value:.2g}). "
            "Check the assignment before trusting the result."
        )
    return ExperimentView(
        key=flag.key,
        label=flag.label,
        description=flag.description,
        mode=rule.mode.value,
        traffic=rule.traffic,
        percent=rule.percent,
        conversion_kind=kind,
        arms=arms,
        confidence=_percent(test.confidence) if test is not None else "",
        verdict=verdict,
        ratio_warning=warning,
    )


def experiments(ctx: Context, actor_id: int) -> list[ExperimentView]:
    """Every flag the shop reads, with its numbers (admins only)."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        rules = read_rules(session)
        kinds = {row.key: row.conversion_kind for row in session.exec(select(Experiment))}
        return [
            _view(session, flag, rules[key], kinds.get(key, flag.conversion_kind))
            for key, flag in FLAGS.items()
        ]


def _bounded(errors: dict[str, str], name: str, value: int | str) -> int:
    number = parse_whole(value, 0, 100)
    if number is None:
        errors[name] = "Enter a whole number from 0 to 100."
        return 0
    return number


def set_experiment(
    ctx: Context,
    actor_id: int,
    key: str,
    mode: str,
    traffic: int | str = 100,
    percent: int | str = 50,
    *,
    seeds: Iterable[str] | None = None,
) -> None:
    """Turn a flag off, on, or split `percent` % of `traffic` % of visitors to the treatment;
    `seeds` (experiment seed, variant seed) reshuffle who lands where."""
    errors: dict[str, str] = {}
    if key not in FLAGS:
        errors["key"] = "No such experiment."
    if mode not in {m.value for m in Mode}:
        errors["mode"] = "Choose off, on or split."
    traffic_n, percent_n = (
        _bounded(errors, "traffic", traffic),
        _bounded(errors, "percent", percent),
    )
    if errors:
        raise ExperimentError(errors)
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        row = uow.session.get(Experiment, key)
        if row is None:
            base = default_rule(key)
            row = Experiment(
                key=key,
                seed=base.seed,
                variant_seed=base.variant_seed,
                conversion_kind=FLAGS[key].conversion_kind,
            )
        row.mode, row.traffic, row.percent = mode, traffic_n, percent_n
        if seeds is not None:
            row.seed, row.variant_seed = (str(s)[:40] for s in seeds)
        row.updated_at = ctx.now()
        uow.session.add(row)
        note(uow, actor_id, "experiment.set", key, f"{mode} {traffic_n}% traffic, {percent_n}%")
    forget_rules()
