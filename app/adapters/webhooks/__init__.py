"""Sending webhook deliveries over HTTP."""
