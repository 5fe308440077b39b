"""Experiments in the console (admins): each flag's mode and split, its arms' numbers."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.services import experiments
from app.services.console.access import ConsoleRefused
from app.services.context import app_context
from app.services.experiments import ExperimentError, ExperimentView
from app.states.console.base import ConsoleState


class ConsoleExperimentsState(ConsoleState):
    items: list[ExperimentView] = []
    errors: dict[str, str] = {}  # "<key>.<field>" -> message

    async def _reload(self, user_id: int) -> None:
        self.items = await asyncio.to_thread(experiments.experiments, app_context(), user_id)

    @rx.event
    async def load_section(self) -> None:
        user = await self._staff()
        if user is None:
            return
        try:
            await self._reload(user.id)
        except ConsoleRefused:
            self.items = []

    @rx.event
    async def save(self, form: dict[str, Any]) -> Any:
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        key = str(form.get("key", ""))[:60]
        try:
            await asyncio.to_thread(
                experiments.set_experiment,
                app_context(),
                user.id,
                key,
                str(form.get("mode", "")),
                str(form.get("traffic", "")).strip(),
                str(form.get("percent", "")).strip(),
            )
            await self._reload(user.id)
        except ExperimentError as invalid:
            self.errors = {f"{key}.{name}": text for name, text in invalid.field_errors.items()}
            return rx.toast.error("Please fix the fields marked in red.")
        except ConsoleRefused as refusal:
            return rx.toast.error(str(refusal))
        self.errors = {}
        return rx.toast.success("Experiment saved.")
