"""Lecture 2 exercises, one file per question; :func:`setup` binds them to a bank's data.

In the exercise notebook (the setup cell has no ``____`` to edit)::

    from course_utils.exercises.lecture2 import *     # ____, setup, segmentation_app, campaign_app
    q1, q2, q3, q4 = setup(bank, seed=SEED)          # checks use this bank's data
    app2 = segmentation_app(q2)                      # widget cells are tagged
    app3 = campaign_app(q3)                          #   widget-exercise, nbval-ignore-output

=====================  ===============================================
q1_rfm                 R, F, M per customer at the cut-off date
q2_segment_tuning      quintile segments, weights 1:1:2 (widget)
q3_campaign            a campaign plan per segment under a budget (widget)
q4_cleaning            a preprocessing pipeline
=====================  ===============================================

The domain algorithms these use live in the analytics modules: the simulator,
targets and reference plan in :mod:`course_utils.campaign`, the segmentation in
:mod:`course_utils.segments`, the cut-off date in :mod:`course_utils.config`.
"""
from __future__ import annotations

from course_utils import campaign
from course_utils.config import L2_CUTOFF
from course_utils.exercises import ____
from course_utils.features import customer_view

from .q1_rfm import RFM_COLS, Rfm
from .q2_segment_tuning import SegmentTuning, segmentation_app
from .q3_campaign import Campaign, campaign_app
from .q4_cleaning import Cleaning, cleaning_data

__all__ = ["____", "setup", "segmentation_app", "campaign_app"]

#: The question classes in order (q1..q4).
EXERCISES = (Rfm, SegmentTuning, Campaign, Cleaning)


def setup(bank, seed: int = 0, as_of: str = L2_CUTOFF) -> tuple[Rfm, SegmentTuning, Campaign, Cleaning]:
    """Lecture 2's four exercises bound to ``bank`` at the cut-off ``as_of``.

    ``seed``: the campaign simulator's noise (use the notebook's ``SEED``). The
    customer view (``features.customer_view``) is computed once and shared.
    Example: ``q1, q2, q3, q4 = setup(get_bank(), seed=2024)``.
    """
    view = customer_view(bank, as_of)
    table = view[list(RFM_COLS)]
    sizes = campaign.segment_sizes(table)
    targets = campaign.campaign_targets(sizes)
    return (Rfm(transactions=bank.transactions, as_of=str(as_of)),
            SegmentTuning(table=table),
            Campaign(sizes=sizes, seed=int(seed), targets=targets),
            Cleaning(data=cleaning_data(view, bank.customers)))
