"""Names and attributes of the cookies we set."""

from __future__ import annotations

from app.services.accounts import SESSION_COOKIE  # the accounts service owns the session

# Authlib keeps state, nonce and the PKCE verifier here between login and callback.
SIGN_IN_COOKIE = "bw_signin"
SESSION_MAX_AGE = 30 * 24 * 3600

__all__ = ["SESSION_COOKIE", "SESSION_MAX_AGE", "SIGN_IN_COOKIE"]
