"""Lecture 1 exercises, one file per question; :func:`setup` binds them to a bank's data.

In the exercise notebook (the setup cell has no ``____`` to edit)::

    from course_utils.exercises.lecture1 import *     # ____, setup, churn_trend_app
    q1, q2, q3, q4 = setup(bank)                     # checks use this bank's data
    app1 = churn_trend_app(q1)                       # cell tags: widget-exercise,
    app1                                             #   nbval-ignore-output
    q1.check(app1)

=====================  ===============================================
q1_churn_trend         churn trend 2021-2023 with key events (widget)
q2_clv_tiers           mean CLV of the top 10% / middle 60% / bottom 30%
q3_loyalty             loyal share per satisfaction band
q4_churn_cut           customers kept by a 20 % relative churn cut
labelled               reading "a number per label" answers (q2, q3)
=====================  ===============================================
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from course_utils.config import L1_CHURN_CUT, L1_CHURN_CUT_YEAR, L1_CHURN_YEARS
from course_utils.domain import CURRENT_CUSTOMERS_AS_OF
from course_utils.exercises import ____

from .q1_churn_trend import ChurnTrend, churn_trend_app, render_churn_trend
from .q1_churn_trend import N_EVENT_ROWS as N_EVENT_ROWS  # the browser test builds widget values
from .q1_churn_trend import widget_values_to_answer as widget_values_to_answer
from .q2_clv_tiers import ClvTiers
from .q3_loyalty import Loyalty
from .q4_churn_cut import ChurnCut

__all__ = ["____", "setup", "churn_trend_app", "render_churn_trend"]

#: The question classes in order (q1..q4).
EXERCISES = (ChurnTrend, ClvTiers, Loyalty, ChurnCut)


def setup(bank_or_customers: Any, as_of: str = CURRENT_CUSTOMERS_AS_OF
          ) -> tuple[ChurnTrend, ClvTiers, Loyalty, ChurnCut]:
    """Lecture 1's four exercises bound to a bank (or its customers table).

    ``as_of``: the date of the "customers on the books" population of
    questions 2 and 3 (default: the lecture's, ``domain.CURRENT_CUSTOMERS_AS_OF``).

    >>> customers = pd.DataFrame({"open_date": ["2020-01-01"], "churn_date": [None],
    ...                           "clv": [1.0], "satisfaction": [90], "loyal": [1]})
    >>> q1, q2, q3, q4 = setup(customers)
    >>> q3.id, len(q3.population)
    ('L1.loyalty_by_satisfaction', 1)
    """
    customers = getattr(bank_or_customers, "customers", bank_or_customers)
    if not isinstance(customers, pd.DataFrame):
        raise TypeError("setup() needs the bank (get_bank(...)) or its customers DataFrame")
    return (ChurnTrend(customers=customers, years=L1_CHURN_YEARS),
            ClvTiers(customers=customers, as_of=as_of),
            Loyalty(customers=customers, as_of=as_of),
            ChurnCut(customers=customers, year=L1_CHURN_CUT_YEAR, cut=L1_CHURN_CUT))
