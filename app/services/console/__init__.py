"""The merchant console's use cases: who may do what (access.py), users and roles (roles.py),
the audit log (audit.py), products and stock (products.py), deals (deals.py) and the moderation
queue (moderation.py). Every action checks the actor's role here, on the server, and records
an audit entry in its own transaction."""
