"""Access to the public REST API: keys (keys.py), the per-key leaky bucket (quota.py), the
Idempotency-Key replay store (idempotency.py) and the paged reads only the API needs
(reads.py). The resources themselves are read and written through the same services the
pages use."""
