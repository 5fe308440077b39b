"""The secret that signs our cookies: from SESSION_SECRET, or a generated one kept in DATA_DIR.

A generated secret is shared by every process that reads the same data folder, so several backend
processes on one machine agree without configuration. Production must set SESSION_SECRET.
"""

from __future__ import annotations

import contextlib
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
    if not path.exists():
        # Write aside, then link into place: the link fails if another process won the race,
        # and nobody ever reads a half-written file.
        draft = path.with_name(f".session-secret.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()
