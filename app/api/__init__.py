"""HTTP routes mounted on the Reflex backend: sign-in callbacks, webhooks, the public API."""
