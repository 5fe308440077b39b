"""Test and benchmark support: real backend processes, a client of Reflex's protocol, databases."""
