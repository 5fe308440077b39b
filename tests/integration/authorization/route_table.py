"""Who may call each HTTP route: the authorization matrix's second table.

Keyed "METHOD /path" as the route is declared (`/api/v1/carts/{cart_id}`), covering the
routes of `app.api.routes.http_api()`, the /api/v1 app's operations, and Reflex's own
endpoints ("reflex /_upload" and the like, which `test_routes.py` lists from Reflex itself).
The rule's `path` is the URL the test requests ("@cart" becomes the shop's cart id) and `args`
its keyword arguments for the HTTP client (json=..., data=...). Signed-in roles send their
session cookie and, on /api/v1, their own API key (shoppers' keys have the shopper scopes,
admins' the staff ones too); guests send neither.

Refused: 401, 403 or 404, and the shop's rows as before. Allowed: an answer below 400 (or
`effect=True`: the shop changed). `runs=False`: not requested here (a signature or a socket
stands in for the role; the note says where it is checked).
"""

from __future__ import annotations

from tests.integration.authorization.roles import Rule, admins, anyone, members, signed_in

ROUTES: dict[str, Rule] = {
    "GET /healthz": anyone(path="/healthz"),
    "GET /readyz": anyone(runs=False),  # probes the configured database and Redis
    # Prometheus: the proxy lets only this machine read it (deploy/nginx-site.conf.template).
    "GET /metrics": anyone(path="/metrics"),
    "GET /auth/login/{provider}": anyone(runs=False),  # starts sign-in: a redirect
    "GET /auth/callback/{provider}": anyone(runs=False),  # state/nonce/PKCE: test_oidc_flow
    "POST /auth/logout": anyone(path="/auth/logout"),  # ends the caller's own session
    "POST /stripe/webhook": anyone(runs=False),  # Stripe's signature: test_deal_webhook_route
    "GET /media": anyone(runs=False),  # the catalogue's pictures, public files
    "GET /review-photos/{name}": anyone(path="/review-photos/none.jpg"),
    # /api/v1: a key of one's own; carts and orders only one's own.
    "GET /api/v1/openapi.json": anyone(path="/api/v1/openapi.json"),
    "GET /api/v1/docs": anyone(path="/api/v1/docs"),
    "GET /api/v1/docs/oauth2-redirect": anyone(path="/api/v1/docs/oauth2-redirect"),
    "GET /api/v1/products": signed_in(path="/api/v1/products"),
    "POST /api/v1/products": admins(
        path="/api/v1/products",
        args={
            "json": {"title": "Blue Bowl", "price_minor": 1200, "stock": 3, "category": "home"},
            "headers": {"Idempotency-Key": "matrix-bowl"},
        },
        effect=True,
    ),
    "GET /api/v1/products/{product_key}": signed_in(path="/api/v1/products/@product"),
    "PATCH /api/v1/products/{product_key}": admins(
        path="/api/v1/products/@product",
        args={"json": {"stock": 7}, "headers": {"Idempotency-Key": "matrix-stock"}},
        effect=True,
    ),
    "GET /api/v1/categories": signed_in(path="/api/v1/categories"),
    "GET /api/v1/deals": signed_in(path="/api/v1/deals"),
    "GET /api/v1/deals/{deal_id}": signed_in(path="/api/v1/deals/@deal"),
    "GET /api/v1/orders": signed_in(path="/api/v1/orders"),
    "GET /api/v1/orders/{order_key}": signed_in(runs=False),  # no order in the shop: see orders
    "GET /api/v1/carts": signed_in(path="/api/v1/carts"),
    "GET /api/v1/carts/{cart_id}": members(path="/api/v1/carts/@cart"),
    "GET /api/v1/products/{product_key}/reviews": signed_in(
        path="/api/v1/products/@product/reviews"
    ),
    "GET /api/v1/webhooks": admins(path="/api/v1/webhooks"),
    "GET /api/v1/webhooks/event-types": admins(path="/api/v1/webhooks/event-types"),
    "GET /api/v1/webhooks/{endpoint_id}": admins(path="/api/v1/webhooks/@endpoint"),
    "POST /api/v1/webhooks": admins(
        path="/api/v1/webhooks",
        args={
            "json": {"url": "https://erp.example/hooks", "event_types": ["deal.joined"]},
            "headers": {"Idempotency-Key": "matrix-hook"},
        },
        effect=True,
    ),
    "POST /api/v1/webhooks/{endpoint_id}/rotate-secret": admins(
        path="/api/v1/webhooks/@endpoint/rotate-secret", effect=True
    ),
    "DELETE /api/v1/webhooks/{endpoint_id}": admins(path="/api/v1/webhooks/@endpoint", effect=True),
    # Shared links answer crawlers with the page shell and its preview (public pages).
    "GET /product/{key}": anyone(runs=False),
    "GET /deals/{key:int}": anyone(runs=False),
    "GET /live/{key:int}": anyone(runs=False),
    "GET /cart/join/{key}": anyone(runs=False),  # the code-attempt limit: test_link_previews
    "GET /community/{key}": anyone(runs=False),
    # Other pages with a parameter: the same shell naming the route's scripts, no preview and
    # no read (the page's own handlers check who may see what).
    "GET /cart/{key:int}": anyone(runs=False),
    "GET /deals/{key:int}/ledger": anyone(runs=False),
    "GET /friends/invite/{key}": anyone(runs=False),
    "GET /orders/{key}": anyone(runs=False),
    "GET /trips/{key}": anyone(runs=False),
    "GET /share/card/site.png": anyone(path="/share/card/site.png"),
    "GET /share/card/{kind}/{key}.png": anyone(runs=False),  # public cards: test_link_previews
    # Reflex's own: the websocket and uploads run the event handlers of handler_table.py.
    "reflex /_event": anyone(runs=False),
    "reflex /_upload": anyone(runs=False),
    "reflex /ping": anyone(runs=False),
    "reflex /_health": anyone(runs=False),
    "reflex /auth-codespace": anyone(runs=False),  # only inside GitHub Codespaces
    "reflex /_all_routes": anyone(runs=False),  # only with REFLEX_ADD_ALL_ROUTES_ENDPOINT
}
