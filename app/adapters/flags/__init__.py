"""Feature flags through OpenFeature: the shop's own provider."""
