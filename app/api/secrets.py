"""The secret that signs our cookies: from SESSION_SECRET, or a generated one kept in DATA_DIR.

A generated secret is shared by every process that reads the same data folder, so several backend
processes on one machine agree without configuration. Production must set SESSION_SECRET.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache

from app.config import ConfigError, settings

MIN_LENGTH = 32


@lru_cache(maxsize=1)
def session_secret() -> str:
    configured = settings().session_secret
    if configured:
        if len(configured) < MIN_LENGTH:
            raise ConfigError("SESSION_SECRET", f"at least {MIN_LENGTH} random characters")
        return configured
    if settings().is_production:
        raise ConfigError("SESSION_SECRET", f"at least {MIN_LENGTH} random characters in prod")
    path = settings().data_dir / "session-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two processes start together, exactly one writes the secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
