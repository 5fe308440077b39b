"""Group trips and experiences: the use cases the pages and the due-work loop call.

A booking is a group-buy deal (app/services/deals) with a few rules of its own
(app/domain/trips.py): a seat per date, each member's share paid within 72 hours of joining,
the organiser's 24 hours to cover it, and the seat given back after that.

- experiences.py  an experience's dates (staff), and what its product page shows
- booking.py      open a group for a date; join it from its shared link
- paying.py       pay a share (one's own, or the organiser's cover); release unpaid seats
- views.py        the booking page
"""

from app.services.trips.booking import BookingOpened, join_booking, open_booking
from app.services.trips.errors import BookingError
from app.services.trips.experiences import (
    DateView,
    ExperienceView,
    add_experience_date,
    experience_view,
)
from app.services.trips.paying import confirm_share_with_bank, pay_share, release_unpaid_seats
from app.services.trips.views import BookingMember, BookingView, booking_page

__all__ = [
    "BookingError",
    "BookingMember",
    "BookingOpened",
    "BookingView",
    "DateView",
    "ExperienceView",
    "add_experience_date",
    "booking_page",
    "confirm_share_with_bank",
    "experience_view",
    "join_booking",
    "open_booking",
    "pay_share",
    "release_unpaid_seats",
]
