"""Group-buy deals in the browser: deal cards (cards.py), one deal's page with joining, teams,
the bank's check and leaving (page.py), and the host's form (form.py).

Thin: every rule and every view lives in app.services.deals. Live updates go through the rooms
broadcast path: a deal page's socket sits in the room "deal:<id>", a page of cards in
"deals:cards"; per event, one renderer per room loads the view once and pushes it to all of them.
"""

from app.realtime.rooms import rooms
from app.states.deals.cards import DealCardsState, render_cards
from app.states.deals.form import DealFormState
from app.states.deals.page import DealState, render_deal

rooms.register("deal", render_deal)
rooms.register("deals", render_cards)

__all__ = ["DealCardsState", "DealFormState", "DealState", "render_cards", "render_deal"]
