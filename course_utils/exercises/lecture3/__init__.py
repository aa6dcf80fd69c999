"""Lecture 3 exercises, one file per question; :func:`setup` binds them to a bank's data.

In the exercise notebook (the setup cell has no ``____`` to edit)::

    from course_utils.exercises.lecture3 import *     # ____, setup, contact_budget_app, retention_plan_app
    q1, q2, q3, q4, q5 = setup(bank, seed=SEED)
    app3 = contact_budget_app(q3)                    # widget cells are tagged
    app4 = retention_plan_app(q4)                    #   widget-exercise, nbval-ignore-output

=====================  ===============================================
q1_churn_table         churn table at a cut-off, without leakage
q2_model_compare       LR / tree / forest out of time; lift at a budget
q3_contact_budget      how many customers to call (widget)
q4_retention_plan      a retention plan under a budget (widget)
q5_automation          hand-off rule + A/B/C intent grader (held-out check)
=====================  ===============================================

The analytics these use: :mod:`course_utils.churn` (churn table), :mod:`course_utils.churn_models`
and :mod:`course_utils.evaluation` (models, lift, profit), :mod:`course_utils.retention` (the past
campaign and the plan simulator), :mod:`course_utils.automation` (labels of the chats).
"""
from __future__ import annotations

from course_utils import config
from course_utils.churn import FEATURES
from course_utils.retention import churn_table
from course_utils.exercises import ____

from .models import ReferenceModels
from .q1_churn_table import ChurnTable
from .q2_model_compare import ModelCompare
from .q3_contact_budget import ContactBudget, contact_budget_app, render_contact_budget
from .q4_retention_plan import RetentionPlan, render_retention_plan, retention_plan_app
from .q5_automation import Automation

__all__ = ["____", "setup", "contact_budget_app", "retention_plan_app", "render_contact_budget",
           "render_retention_plan"]

#: The question classes in order (q1..q5).
EXERCISES = (ChurnTable, ModelCompare, ContactBudget, RetentionPlan, Automation)
#: Exercise 1's cut-off (the lecture uses others: the trainee cannot copy its numbers).
Q1_CUTOFF = "2023-04-01"
#: Exercise 2's out-of-time split: train on the customers of the earlier cut-off, test on the later.
Q2_TRAIN_CUTOFF = "2023-01-01"
Q2_TEST_CUTOFF = "2023-07-01"
#: Exercise 2's contact budget (customers) at the default size.
Q2_BUDGET = 300


def setup(bank, seed: int = config.DEFAULT_SEED) -> tuple[ChurnTable, ModelCompare, ContactBudget,
                                                            RetentionPlan, Automation]:
    """Lecture 3's five exercises bound to ``bank`` (generated with ``seed``: question 4's simulator
    regenerates the hidden truth of the past campaign from it).

    Builds the two churn tables of question 2 (about 1.5 s at 5,000 customers); the reference
    models (questions 2-3) and the campaign simulator (question 4) are computed on first use.
    Example: ``q1, q2, q3, q4, q5 = setup(get_bank(), seed=2024)``.
    """
    train = churn_table(bank, Q2_TRAIN_CUTOFF)
    test = churn_table(bank, Q2_TEST_CUTOFF)      # also the risk model's training table of question 4
    models = ReferenceModels(train, test, FEATURES)
    budget = Q2_BUDGET if len(test) >= 10 * Q2_BUDGET // 2 else max(10, round(len(test) / 10))
    population = f"测试集：{Q2_TEST_CUTOFF} 开始时在网的 {len(test):,} 位客户，标签 = 之后 6 个月内是否流失"
    return (ChurnTable(customers=bank.customers, transactions=bank.transactions, cutoff=Q1_CUTOFF),
            ModelCompare(models=models, budget=budget),
            ContactBudget(models=models, population=population),
            RetentionPlan(bank=bank, seed=int(seed)),
            Automation(messages=bank.messages, outbound_calls=bank.outbound_calls))
