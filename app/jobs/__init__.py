"""Work that runs on a clock inside every backend process (deadlines), not per client."""
