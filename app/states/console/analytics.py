"""The analytics dashboard (admins). It reads the rollups once, then again whenever the
analytics job announces that they moved (`analytics.updated` on the bus): no browser polls the
log, and a join in another browser shows up without a reload."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import reflex as rx

from app.domain.analytics import COMPARISONS, Period, RangeError, custom_period
from app.domain.numbers import parse_whole
from app.realtime.hub import hub
from app.services import analytics
from app.services.analytics import Board, Kpi
from app.services.console.access import ConsoleRefused
from app.services.context import app_context
from app.states.console.base import ConsoleState

# A tab left open stops following after this long; switching to it again restarts it.
WATCH_LIMIT_SECONDS = 30 * 60
# Without news, re-read now and then anyway: "visitors now" drifts as time passes.
QUIET_SECONDS = 30.0
CUSTOM = 0


class ConsoleAnalyticsState(ConsoleState):
    _board: Board | None = None
    _period: Period | None = None
    _follower: int = 0  # which watch loop is the current one
    days: int = 1  # 0: the custom range below
    comparison: str = "previous"
    range_from: str = ""
    range_to: str = ""
    from_error: str = ""
    to_error: str = ""
    watching: bool = False
    visitors_now: int = 0
    kpis: list[Kpi] = []
    # Every chart's key from the start: the page reads their lengths before the first load.
    charts: dict[str, list[dict[str, Any]]] = {key: [] for key in analytics.CHARTS}
    fill_names: list[str] = []
    live_title: str = ""
    range_label: str = ""
    compare_label: str = ""
    updated_at: str = ""

    def _show(self, board: Board) -> None:
        self._board = board
        self.visitors_now, self.kpis = board.visitors_now, board.kpis
        self.charts = {key: list(rows) for key, rows in board.charts.items()}
        self.fill_names, self.live_title = board.fill_names, board.live_title
        self.range_label, self.compare_label = board.label, board.compare
        self.updated_at = board.updated_at

    def _query(self) -> tuple[int, Period | None, str]:
        return self.days, (self._period if self.days == CUSTOM else None), self.comparison

    async def _read(self, user_id: int, query: tuple[int, Period | None, str]) -> Board | None:
        days, period, comparison = query
        try:
            return await asyncio.to_thread(
                analytics.dashboard,
                app_context(),
                user_id,
                days,
                period=period,
                comparison=comparison,
            )
        except ConsoleRefused:
            return None

    async def _reload(self) -> None:
        user = await self._staff()
        if user is not None:
            board = await self._read(user.id, self._query())
            if board is not None:
                self._show(board)

    @rx.event
    async def set_days(self, value: str) -> None:
        days = parse_whole(value, 0, 366)
        self.days = days if days is not None else 1
        if self.days == CUSTOM and self._period is None:
            return  # wait for the dates
        await self._reload()

    @rx.event
    async def set_comparison(self, value: str) -> None:
        self.comparison = value if value in (*COMPARISONS, "none") else "previous"
        await self._reload()

    @rx.event
    async def apply_range(self, form: dict[str, Any]) -> None:
        self.range_from = str(form.get("from", ""))
        self.range_to = str(form.get("to", ""))
        self.from_error = self.to_error = ""
        try:
            self._period = custom_period(self.range_from, self.range_to, app_context().now())
        except RangeError as error:
            if error.field == "from":
                self.from_error = str(error)
            else:
                self.to_error = str(error)
            return
        self.days = CUSTOM
        await self._reload()

    @rx.event
    def stop(self) -> None:
        self.watching = False
        self._follower += 1

    @rx.event(background=True)
    async def watch(self) -> None:
        """Read the dashboard now, then again on every `analytics.updated` news."""
        async with self:
            user = await self._staff()
            if user is None:
                return
            self._follower += 1  # a follower left from an earlier visit of the tab stops
            me = self._follower
            self.watching = True
            user_id = user.id
        started = time.monotonic()
        async with hub.watch(analytics.CHANNEL) as news:
            while time.monotonic() - started < WATCH_LIMIT_SECONDS:
                async with self:
                    if self._follower != me:
                        return
                    query = self._query()
                board = await self._read(user_id, query)
                async with self:
                    if self._follower != me:
                        return
                    if board is None:
                        self.watching = False
                        return
                    if query == self._query():
                        self._show(board)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(news.get(), QUIET_SECONDS)
                while not news.empty():  # several updates at once: one read
                    news.get_nowait()
        async with self:
            if self._follower == me:
                self.watching = False

    @rx.event
    def download(self, key: str) -> Any:
        if self._board is None or key not in analytics.CHARTS:
            return None
        return rx.download(data=analytics.chart_csv(self._board, key), filename=f"{key}.csv")
