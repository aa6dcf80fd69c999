"""Lecture 1 exercises, one file per question; :func:`setup` binds them to a bank's data.

In the exercise notebook (the setup cell has no ``____`` to edit)::

    from course_utils.exercises.lecture1 import *     # ____, setup, churn_trend_app
    q1, q2, q3, q4 = setup(bank)                     # checks use this bank's data
    app1 = churn_trend_app(q1)                       # cell tags: widget-exercise,
    app1                                             #   nbval-ignore-output
    q1.check(app1)

=====================  ===============================================
q1_churn_trend         churn trend 2021-2023 with key events (widget)
q2_churn_by_tier       2023 churn rate per CLV tier of the year-start base
q3_loyal_value         CLV share of loyal customers per satisfaction band
q4_churn_cut           customers and CLV kept by a 20 % relative churn cut (2022)
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
from .q2_churn_by_tier import TIER_CHURN_YEAR, ChurnByTier
from .q3_loyal_value import LoyalValue
from .q4_churn_cut import ChurnCut

__all__ = ["____", "setup", "churn_trend_app", "render_churn_trend"]

#: The question classes in order (q1..q4).
EXERCISES = (ChurnTrend, ChurnByTier, LoyalValue, ChurnCut)


def setup(bank_or_customers: Any, as_of: str = CURRENT_CUSTOMERS_AS_OF
          ) -> tuple[ChurnTrend, ChurnByTier, LoyalValue, ChurnCut]:
    """Lecture 1's four exercises bound to a bank (or its customers table).

    ``as_of``: the date of the "customers on the books" population of question 3
    (default: the lecture's, ``domain.CURRENT_CUSTOMERS_AS_OF``). Question 2 is about
    the churn base of ``TIER_CHURN_YEAR`` (the chart's last year), question 4 about
    ``config.L1_CHURN_CUT_YEAR``.

    >>> customers = pd.DataFrame({"open_date": ["2020-01-01"], "churn_date": [None],
    ...                           "clv": [1.0], "satisfaction": [90], "loyal": [1]})
    >>> q1, q2, q3, q4 = setup(customers)
    >>> q3.id, len(q3.population)
    ('L1.loyal_value_by_satisfaction', 1)
    """
    customers = getattr(bank_or_customers, "customers", bank_or_customers)
    if not isinstance(customers, pd.DataFrame):
        raise TypeError("setup() needs the bank (get_bank(...)) or its customers DataFrame")
    return (ChurnTrend(customers=customers, years=L1_CHURN_YEARS),
            ChurnByTier(customers=customers, year=TIER_CHURN_YEAR),
            LoyalValue(customers=customers, as_of=as_of),
            ChurnCut(customers=customers, year=L1_CHURN_CUT_YEAR, cut=L1_CHURN_CUT))
