"""One bus subscriber per backend process, fanning events out to the clients connected here."""
