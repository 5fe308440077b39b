"""Thin adapters to the outside world: database, bus, payments, identity."""
