"""The public REST API, /api/v1: a FastAPI app mounted on the Reflex backend (app/api/routes.py).

- app.py          the app: middleware, error handlers, the OpenAPI document, the routers
- problems.py     RFC 9457 problem details with a stable `code`, for every error
- security.py     bearer API keys, scopes, the per-key leaky bucket and its headers
- paging.py       opaque cursors, pages of at most 100 items
- caching.py      ETags on reads (If-None-Match gives 304)
- idempotent.py   Idempotency-Key on POST: the first answer replayed for 24 hours
- products.py, categories.py, deals.py, orders.py, carts.py, reviews.py: the resources, each
  calling the same services as the pages.
"""
