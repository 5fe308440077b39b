"""Typed settings read from the environment, in one place.

Every value has a safe embedded default so `make run` works on a fresh machine. A value that is
set but wrong stops start-up with a message that names the variable and the expected form.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from app.domain.numbers import parse_whole

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting from the environment is malformed."""

    def __init__(self, variable: str, expected: str, got: str | None = None) -> None:
        self.variable = variable
        self.expected = expected
        shown = "" if got is None else f" (got {got!r})"
        super().__init__(f"{variable}: expected {expected}{shown}")


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about its surroundings."""

    app_env: str
    data_dir: Path
    database_url: str
    redis_url: str | None
    frontend_port: int
    backend_port: int
    bind_host: str
    site_url: str
    api_url: str
    session_secret: str | None
    stripe_secret_key: str | None
    stripe_publishable_key: str | None
    stripe_webhook_secret: str | None
    stripe_api_base: str | None
    # Addresses that become admins when they sign in with a verified e-mail (and at start-up).
    admin_emails: frozenset[str] = frozenset()
    # Reverse proxies in front of the backend whose X-Forwarded-For is believed (nginx: 1).
    trusted_proxy_hops: int = 0
    # The bus on a Redis Cluster (sharded pub/sub); Reflex's state stays on REDIS_URL.
    redis_cluster_url: str | None = None
    # The built pages (their shell answers shared links with preview tags); unset: the folder
    # Reflex builds into (.web/build/client), as `make run` serves it.
    pages_dir: Path | None = None

    @property
    def is_production(self) -> bool:
        return self.app_env == "prod"

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """The origins whose pages may open the websocket and POST: the shop's own address; in
        dev and test also its localhost spellings."""
        if self.is_production:
            return (_origin(self.site_url),)
        port = self.frontend_port
        local = {f"http://localhost:{port}", f"http://127.0.0.1:{port}"}
        return tuple(sorted({_origin(self.site_url)} | local))

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    port = parse_whole(raw, 1, 65535)
    if port is None:
        raise ConfigError(name, "a port number between 1 and 65535", raw)
    return port


def _hops(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return 0
    hops = parse_whole(raw, 0, 5)
    if hops is None:
        raise ConfigError(name, "the number of reverse proxies in front of the app, 0 to 5", raw)
    return hops


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...], form: str) -> str | None:
    raw = env.get(name)
    if raw is None or raw == "":
        return None
    parts = urlsplit(raw)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme not in schemes or (scheme != "sqlite" and not parts.netloc):
        raise ConfigError(name, form, redact_url(raw))
    return raw


_CREDENTIALS = re.compile(r"(//[^/@:]*):[^/@]*@")


def redact_url(url: str) -> str:
    """The URL with its password replaced, fit for a message or a log line."""
    return _CREDENTIALS.sub(r"\1:***@", url)


_SECRET_NAMES = re.compile(r"(SECRET|PASSWORD|TOKEN|_KEY)$")


def secret_values(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every secret the environment hands the app (…_SECRET, …_PASSWORD, …_TOKEN, …_KEY
    values, and the passwords inside URLs), longest first, for redaction."""
    env = os.environ if env is None else env
    found = {v for k, v in env.items() if _SECRET_NAMES.search(k) and len(v) >= 8}
    for value in env.values():
        match = re.search(r"//[^/@:]*:([^/@]+)@", value)
        if match and len(match[1]) >= 4:
            found.add(match[1])
    return tuple(sorted(found, key=len, reverse=True))


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret and every URL password replaced by ***."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return redact_url(text)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    raw = env.get(name) or default
    if raw not in choices:
        raise ConfigError(name, "one of " + ", ".join(choices), raw)
    return raw


def _optional(env: Mapping[str, str], name: str, prefix: str | None = None) -> str | None:
    raw = env.get(name) or None
    if raw is not None and prefix is not None and not raw.startswith(prefix):
        raise ConfigError(name, f"a value starting with {prefix!r}", raw[:8] + "…")
    return raw


def _emails(env: Mapping[str, str], name: str) -> frozenset[str]:
    raw = env.get(name) or ""
    found = set()
    for part in raw.split(","):
        email = part.strip().lower()
        if not email:
            continue
        local, at, domain = email.partition("@")
        if not (at and local and "." in domain.strip(".") and "@" not in domain) or " " in email:
            raise ConfigError(name, "comma-separated e-mail addresses", part.strip())
        found.add(email)
    return frozenset(found)


CLUSTER_FORM = "redis+cluster://host:port[,host:port...] (one or more nodes of a Redis 7 cluster)"


def _cluster_url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name)
    if raw is None or raw == "":
        return None
    parts = urlsplit(raw)
    nodes = parts.netloc.rpartition("@")[2].split(",")
    if parts.scheme not in ("redis+cluster", "rediss+cluster") or not all(
        host and parse_whole(port, 1, 65535) is not None
        for host, _, port in (node.strip().rpartition(":") for node in nodes)
    ):
        raise ConfigError(name, CLUSTER_FORM, redact_url(raw))
    return raw


def _normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver we ship."""
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("DATA_DIR") or PROJECT_ROOT / "data")
    # Unset means production: a deployment that forgets APP_ENV must not seed demo deals or
    # start demo helpers. `make run` (app.launcher) and the tests say dev / test themselves.
    app_env = _choice(env, "APP_ENV", ("dev", "prod", "test"), "prod")
    database_url = (
        _url(
            env,
            "DATABASE_URL",
            ("sqlite", "postgresql", "postgres"),
            "sqlite:///path/to/file.db or postgresql://user:pass@host:5432/dbname",
        )
        or f"sqlite:///{data_dir / 'shop.db'}"
    )
    redis_url = _url(env, "REDIS_URL", ("redis", "rediss"), "redis://host:6379/0")
    frontend_port = _port(env, "FRONTEND_PORT", 3000)
    backend_port = _port(env, "BACKEND_PORT", 8000)
    bind_host = env.get("BIND_HOST") or "127.0.0.1"
    site_url = _url(env, "SITE_URL", ("http", "https"), "http(s)://host[:port]")
    api_url = _url(env, "API_URL", ("http", "https"), "http(s)://host[:port]")
    return Settings(
        app_env=app_env,
        data_dir=data_dir,
        database_url=_normalise_database_url(database_url),
        redis_url=redis_url,
        frontend_port=frontend_port,
        backend_port=backend_port,
        bind_host=bind_host,
        site_url=site_url or f"http://localhost:{frontend_port}",
        api_url=api_url or f"http://localhost:{backend_port}",
        session_secret=_optional(env, "SESSION_SECRET"),
        stripe_secret_key=_optional(env, "STRIPE_SECRET_KEY", "sk_"),
        stripe_publishable_key=_optional(env, "STRIPE_PUBLISHABLE_KEY", "pk_"),
        stripe_webhook_secret=_optional(env, "STRIPE_WEBHOOK_SECRET", "whsec_"),
        stripe_api_base=_url(env, "STRIPE_API_BASE", ("http", "https"), "http(s)://host[:port]"),
        admin_emails=_emails(env, "ADMIN_EMAILS"),
        trusted_proxy_hops=_hops(env, "TRUSTED_PROXY_HOPS"),
        redis_cluster_url=_cluster_url(env, "REDIS_CLUSTER_URL"),
        pages_dir=Path(env["PAGES_DIR"]) if env.get("PAGES_DIR") else None,
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
