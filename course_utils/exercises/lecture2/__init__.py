"""Lecture 2 exercises, one file per question; :func:`setup` binds them to a bank's data.

In the exercise notebook (the setup cell has no ``____`` to edit)::

    from course_utils.exercises.lecture2 import *     # ____, setup, campaign_app
    q1, q2, q3, q4 = setup(bank, seed=SEED)          # checks use this bank's data
    app3 = campaign_app(q3)                          # widget cell tagged widget-exercise, nbval-ignore-output

=====================  ===============================================
q1_rfm                 R, F, M per customer at the cut-off date
q2_segment_choice      the bins whose segments fit two business constraints
q3_campaign            a compliant campaign plan per segment under a cost cap (widget)
q4_cleaning            a preprocessing pipeline the trainee designs from the data
=====================  ===============================================

The domain algorithms these use live in the analytics modules: the simulator, the
audience rules, targets and reference plan in :mod:`course_utils.campaign`, the
segmentation in :mod:`course_utils.segments`, the cut-off date and the constraints of
question 2 in :mod:`course_utils.config`.
"""
from __future__ import annotations

from course_utils import campaign
from course_utils.config import L2_CUTOFF, L2_MANAGER_CAPACITY, L2_MIN_SEGMENT_SHARE
from course_utils.exercises import ____
from course_utils.features import customer_view
from course_utils.segments import rfm_scores

from .q1_rfm import RFM_COLS, Rfm
from .q2_segment_choice import SegmentChoice
from .q3_campaign import Campaign, campaign_app
from .q4_cleaning import Cleaning, cleaning_data

__all__ = ["____", "setup", "campaign_app"]

#: The question classes in order (q1..q4).
EXERCISES = (Rfm, SegmentChoice, Campaign, Cleaning)


def setup(bank, seed: int = 0, as_of: str = L2_CUTOFF) -> tuple[Rfm, SegmentChoice, Campaign, Cleaning]:
    """Lecture 2's four exercises bound to ``bank`` at the cut-off ``as_of``.

    ``seed``: the campaign simulator's noise (use the notebook's ``SEED``). The
    customer view (``features.customer_view``) is computed once and shared.
    Example: ``q1, q2, q3, q4 = setup(get_bank(), seed=2024)``.
    """
    view = customer_view(bank, as_of)
    table = view[list(RFM_COLS)]
    audience = campaign.audience(rfm_scores(view, bins=5))
    targets = campaign.campaign_targets(audience)
    return (Rfm(transactions=bank.transactions, as_of=str(as_of)),
            SegmentChoice(table=table, capacity=L2_MANAGER_CAPACITY, min_share=L2_MIN_SEGMENT_SHARE),
            Campaign(audience=audience, seed=int(seed), targets=targets),
            Cleaning(data=cleaning_data(view, bank.customers)))
