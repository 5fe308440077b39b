"""Names and attributes of the cookies we set."""

from __future__ import annotations

SESSION_COOKIE = "bw_session"
# Authlib keeps state, nonce and the PKCE verifier here between login and callback.
SIGN_IN_COOKIE = "bw_signin"
SESSION_MAX_AGE = 30 * 24 * 3600
