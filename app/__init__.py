"""Bandwagon: a social shop where friends buy together."""
