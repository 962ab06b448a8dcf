"""The demo world: a lender, its agencies and 60 borrowers, written as the
lender's JSON Lines feed and imported through the importer like real data.

Deterministic: the random choices come from a fixed seed and never depend on
the date, so the world (who owes what, who handles it, what happened) is the
same every day. Only the dates move: they are placed relative to the day the
demo is loaded, so contacts happened "last week" and the home visit is "in
three days" whenever you look. Ids never depend on the date, so loading again
the same day changes nothing, and loading on a later day moves the same rows
forward in time instead of adding new ones.
"""

from .cast import GUIDE_BORROWERS, GUIDE_NUMBERS, REQUEST_STORIES, GuideEntry, RequestStory
from .load import World, default_stages_ensure, demo_day_loaded, demo_feed, demo_load

__all__ = [
    "GUIDE_BORROWERS",
    "GUIDE_NUMBERS",
    "REQUEST_STORIES",
    "GuideEntry",
    "RequestStory",
    "World",
    "default_stages_ensure",
    "demo_day_loaded",
    "demo_feed",
    "demo_load",
]
