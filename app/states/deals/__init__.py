"""Group-buy deals in the browser: deal cards (cards.py), one deal's page with joining, teams,
the bank's check and leaving (page.py), the host's form (form.py), and what the rooms push when
a deal changes (rendering.py).

Thin: every rule and every view lives in app.services.deals; each handler makes one call.
"""

from app.states.deals.cards import DealCardsState
from app.states.deals.form import DealFormState
from app.states.deals.page import DealState
from app.states.deals.rendering import render_cards, render_deal

__all__ = ["DealCardsState", "DealFormState", "DealState", "render_cards", "render_deal"]
