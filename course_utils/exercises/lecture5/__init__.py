"""Lecture 5 exercises, one file per question; :func:`setup` binds them to a bank's data.

In the exercise notebook (the setup cell has no ``____`` to edit)::

    from course_utils.exercises.lecture5 import *     # ____, setup, experiment_app, coupon_app
    q1, q2, q3, q4 = setup(bank)
    app2 = experiment_app(q2)                        # widget cells are tagged
    app3 = coupon_app(q3)                            #   widget-exercise, nbval-ignore-output

=====================  ===============================================
q1_study_abroad        留学金融 trigger list from raw web visits (function)
q2_experiment          design an experiment for "留存 +12 %" (widget)
q3_coupons             dynamic coupon tiers vs a flat coupon (widget)
q4_app_time            week-over-week app-time trigger (function, held-out weeks)
=====================  ===============================================

The analytics these use: :mod:`course_utils.journeys` (triggers), :mod:`course_utils.experiments`
(simulated experiments), :mod:`course_utils.coupons` (tier plans).
"""
from __future__ import annotations

from course_utils import domain
from course_utils.exercises import ____

from .q1_study_abroad import HAND_VISITS, StudyAbroadTrigger
from .q2_experiment import ExperimentDesign, base_retention, experiment_app, render_experiment
from .q2_experiment import START as Q2_START
from .q3_coupons import CouponTiers, coupon_app, coupon_population, render_coupons
from .q4_app_time import EDGE_USAGE, AppTimeTrigger

__all__ = ["____", "setup", "experiment_app", "coupon_app", "render_experiment", "render_coupons", "HAND_VISITS",
           "EDGE_USAGE"]

#: The question classes in order (q1..q4).
EXERCISES = (StudyAbroadTrigger, ExperimentDesign, CouponTiers, AppTimeTrigger)


def setup(bank) -> tuple[StudyAbroadTrigger, ExperimentDesign, CouponTiers, AppTimeTrigger]:
    """Lecture 5's four exercises bound to ``bank`` (a :class:`~course_utils.data.Bank`).

    Example: ``q1, q2, q3, q4 = setup(get_bank())``.
    """
    customers = bank.customers
    n_base = int(domain.on_books_at_start(customers, Q2_START).sum())
    balances = coupon_population(bank)
    return (StudyAbroadTrigger(web_visits=bank.web_visits),
            ExperimentDesign(base=base_retention(customers), n_base=n_base),
            CouponTiers(balances=balances, population=balances.attrs["population"]),
            AppTimeTrigger(app_usage=bank.app_usage))
