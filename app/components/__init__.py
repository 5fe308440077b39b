"""Small UI functions that take values and return components."""
