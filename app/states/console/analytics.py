"""The analytics dashboard (admins): re-read every couple of seconds while its tab is open,
so a join in another browser shows up without a reload."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from app.domain.numbers import parse_whole
from app.services import analytics
from app.services.analytics import Dashboard
from app.services.analytics.dashboard import DealFill, FunnelStep, Kpi
from app.services.console.access import ConsoleRefused
from app.services.context import app_context
from app.states.console.base import ConsoleState

REFRESH_SECONDS = 2.0
# A tab left open stops refreshing after this long; switching to it again restarts it.
WATCH_LIMIT_SECONDS = 15 * 60


class ConsoleAnalyticsState(ConsoleState):
    _board: Dashboard | None = None
    days: int = 1
    watching: bool = False
    visitors_now: int = 0
    kpis: list[Kpi] = []
    series: list[dict[str, Any]] = []
    funnel: list[FunnelStep] = []
    fill: list[DealFill] = []
    updated_at: str = ""

    def _show(self, board: Dashboard) -> None:
        self._board = board
        self.visitors_now = board.visitors_now
        self.kpis, self.series = board.kpis, board.series
        self.funnel, self.fill = board.funnel, board.fill
        self.updated_at = board.updated_at

    async def _read(self, user_id: int) -> Dashboard | None:
        try:
            return await asyncio.to_thread(analytics.dashboard, app_context(), user_id, self.days)
        except ConsoleRefused:
            return None

    @rx.event
    async def set_days(self, value: str) -> None:
        self.days = parse_whole(value, 1, 366) or 1
        user = self._staff()
        if user is not None:
            board = await self._read(user.id)
            if board is not None:
                self._show(board)

    @rx.event
    def stop(self) -> None:
        self.watching = False

    @rx.event(background=True)
    async def watch(self) -> None:
        async with self:
            if self.watching:
                return  # one refresh loop per page
            user = self._staff()
            if user is None:
                return
            self.watching = True
            user_id = user.id
        started = time.monotonic()
        while time.monotonic() - started < WATCH_LIMIT_SECONDS:
            board = await self._read(user_id)
            async with self:
                if not self.watching or board is None:
                    self.watching = False
                    return
                if board != self._board:
                    self._show(board)
            await asyncio.sleep(REFRESH_SECONDS)
        async with self:
            self.watching = False

    @rx.event
    def download_csv(self) -> Any:
        if self._board is None:
            return None
        return rx.download(
            data=analytics.series_csv(self._board),
            filename=f"activity-{self._board.days}d.csv",
        )
