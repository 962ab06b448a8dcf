"""The monthly compliance report: one module per section, each counting
from stored facts and their timestamps only (timeline events, deadlines'
due and met times, notice issue times, breaches at the contact's time,
suspension history), so a closed month reads the same whenever it is run.

Each section module offers ``rows(*, period, agency_id, figure, group)``:
the rows behind one figure, which both the counts and the desk's links
use, so a figure and the list it links to cannot disagree.
"""
