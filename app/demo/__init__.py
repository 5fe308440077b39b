"""Demo catalog data and the artwork generator for its product images."""
