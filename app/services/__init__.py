"""Use cases: open a transaction, apply domain rules, persist, then publish events."""
