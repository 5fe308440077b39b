"""JSON logs: one object per line, carrying the id of the request being served.

nginx gives every request an id ($request_id, sent as X-Request-ID); the middleware keeps it in a
context variable for as long as the request runs, so every record logged meanwhile carries it,
and writes one access line per HTTP request. A request that did not come through nginx gets an
id of its own. `make prod` hands `logging_config()` to Granian (--log-config), which applies it
in every worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import redact, secret_values
from app.services import accounts
from app.services.context import app_context
from app.services.sign_in import SESSION_COOKIE

# Engine.IO message + Socket.IO packet in Reflex's namespace: an event, or the connect that
# carries the page's first event (hydrate and load).
EVENT_FRAMES = ('42/_event,["event"', '40/_event,{"event"')

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# Over a websocket: who is signed in on it, and which browser event is being handled.
USER_ID: ContextVar[int | None] = ContextVar("user_id", default=None)
EVENT_ID: ContextVar[str | None] = ContextVar("event_id", default=None)
EVENT_NAME: ContextVar[str | None] = ContextVar("event_name", default=None)
FIELDS = ("route", "method", "path", "status", "ms", "user_id", "event_id", "event")
# Reflex's event frame: 42/_event,["event",{"name":"app___states....handler", ...}]
EVENT_NAME_PATTERN = re.compile(r'"name":\s*"([^"]{1,200})"')
access = logging.getLogger("bandwagon.access")


_TRACEBACKS = logging.Formatter()


class RedactSecrets(logging.Filter):
    """Replaces the environment's secrets (app/config.py: secret_values) and URL passwords in a
    record's message, whatever logged it, before any handler writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets = secret_values()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set: give them the redacted traceback.
            record.exc_text = redact(_TRACEBACKS.formatException(record.exc_info), self.secrets)
        return True


def install_redaction() -> None:
    """Put RedactSecrets on every handler the process logs through (a plain stderr handler
    when nothing is configured yet), once."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    loggers = [root, *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict))]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())


class JsonFormatter(logging.Formatter):
    """One JSON object per record; the whole line is redacted, tracebacks included."""

    secrets: tuple[str, ...] | None = None

    def format(self, record: logging.LogRecord) -> str:
        if JsonFormatter.secrets is None:
            JsonFormatter.secrets = secret_values()
        return redact(self._entry(record), JsonFormatter.secrets)

    def _entry(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (("request_id", REQUEST_ID), ("user_id", USER_ID)):
            value = var.get()
            if value is not None:
                entry[key] = value
        event_id = EVENT_ID.get()
        if event_id is not None:
            entry["event_id"], entry["event"] = event_id, EVENT_NAME.get()
        entry.update({key: getattr(record, key) for key in FIELDS if hasattr(record, key)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A logging.config.dictConfig: everything, Granian's own lines included, as JSON."""
    json_handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stdout",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"json": json_handler},
        "root": {"handlers": ["json"], "level": level},
        "loggers": {
            "_granian": {"handlers": ["json"], "level": level, "propagate": False},
            "granian.access": {"handlers": ["json"], "level": level, "propagate": False},
        },
    }


async def _signed_in_user(cookie_header: str) -> int | None:
    """Who the socket's session cookie belongs to, once per connection (None: nobody, or the
    database cannot say right now: logging never stops a connection)."""
    token = SimpleCookie(cookie_header).get(SESSION_COOKIE)
    if token is None or not token.value:
        return None
    try:
        user = await asyncio.to_thread(accounts.signed_in, app_context(), token.value)
    except Exception:  # noqa: BLE001 - see above
        return None
    return user.id if user is not None else None


async def answered(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    done: Callable[[int, float], None],
) -> None:
    """Pass an HTTP request through `app`, then tell `done` its status and how many seconds
    it took: also when the app fails (status 500 if it never answered)."""
    status = 500

    async def sending(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    started = time.perf_counter()
    try:
        await app(scope, receive, sending)
    finally:
        done(status, time.perf_counter() - started)


class RequestLogMiddleware:
    """Sets the request id for everything logged while a request runs; one access line each."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        token = REQUEST_ID.set(given or uuid.uuid4().hex)
        try:
            if scope["type"] == "http":
                await self._http(scope, receive, send)
            else:
                await self._websocket(scope, receive, send, headers)
        finally:
            REQUEST_ID.reset(token)

    async def _websocket(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes]
    ) -> None:
        """Every record logged while one of this socket's events is handled carries the user
        and an id of that event: python-socketio starts each handler as a task from the task
        that reads the socket, and a task starts with a copy of its parent's context."""
        USER_ID.set(await _signed_in_user(headers.get(b"cookie", b"").decode("latin-1")))

        async def receiving() -> Message:
            message = await receive()
            text = message.get("text")
            if text is not None and text.startswith(EVENT_FRAMES):
                found = EVENT_NAME_PATTERN.search(text, 0, 400)
                EVENT_ID.set(uuid.uuid4().hex[:16])
                EVENT_NAME.set(found.group(1).rsplit(".", 2)[-1] if found else None)
            return message

        await self.app(scope, receiving, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        def log_access(status: int, seconds: float) -> None:
            method, path = scope["method"], scope["path"]
            elapsed = round(seconds * 1000, 1)
            fields = {"method": method, "path": path, "status": status, "ms": elapsed}
            access.info("%s %s %s", method, path, status, extra=fields)

        await answered(self.app, scope, receive, send, log_access)
