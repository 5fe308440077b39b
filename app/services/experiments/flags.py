"""Reading flags through OpenFeature. The shop's provider is installed for the `bandwagon`
domain on first use, with its rules read from this context's database (cached for a couple of
seconds per process; a change in the console clears this process's cache at once)."""

from __future__ import annotations

import threading
import time

from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.provider import FeatureProvider
from openfeature.provider._registry import provider_registry
from openfeature.provider.no_op_provider import NoOpProvider
from sqlmodel import Session, select

from app.adapters.db.models_experiments import Experiment
from app.adapters.flags.provider import ExperimentsProvider
from app.domain.experiments import FLAGS, Mode, Rule
from app.services.context import Context

DOMAIN = "bandwagon"
CACHE_SECONDS = 2.0

_lock = threading.Lock()
_bound: tuple[Context, ExperimentsProvider] | None = None
_cache: dict[int, tuple[float, dict[str, Rule]]] = {}


def default_rule(key: str) -> Rule:
    """A flag nobody has set yet: off, with seeds named after it."""
    return Rule(Mode.OFF, 100, 50, seed=key, variant_seed=f"{key}/arm")


def rule_of(row: Experiment) -> Rule:
    try:
        mode = Mode(row.mode)
    except ValueError:
        mode = Mode.OFF
    return Rule(mode, row.traffic, row.percent, row.seed, row.variant_seed)


def read_rules(session: Session) -> dict[str, Rule]:
    stored = {row.key: rule_of(row) for row in session.exec(select(Experiment))}
    return {key: stored.get(key, default_rule(key)) for key in FLAGS}


def _rules(ctx: Context) -> dict[str, Rule]:
    now = time.monotonic()
    cached = _cache.get(id(ctx))
    if cached is not None and cached[0] > now:
        return cached[1]
    with ctx.session() as session:
        rules = read_rules(session)
    _cache[id(ctx)] = (now + CACHE_SECONDS, rules)
    return rules


def forget_rules() -> None:
    """Drop this process's cached rules (after a change in the console)."""
    _cache.clear()


def use_flag_provider(provider: FeatureProvider) -> None:
    """Read the shop's flags from another OpenFeature provider from now on."""
    api.set_provider(provider, domain=DOMAIN)


def flag_client(ctx: Context) -> OpenFeatureClient:
    """The OpenFeature client the shop reads flags with; the shop's own provider is bound to
    `ctx` unless a team plugged in another one."""
    global _bound
    with _lock:
        if _bound is None or _bound[0] is not ctx:
            _bound = (ctx, ExperimentsProvider(lambda: _rules(ctx)))
        ours = _bound[1]
        current = provider_registry.get_provider(DOMAIN)
        if current is not ours and isinstance(current, ExperimentsProvider | NoOpProvider):
            api.set_provider(ours, domain=DOMAIN)
    return api.get_client(DOMAIN)
