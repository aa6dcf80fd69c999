"""Lecture 1, question 4: customers kept by a 20 % relative churn cut."""
from __future__ import annotations

import numpy as np
import pandas as pd

from course_utils.config import L1_CHURN_CUT, L1_CHURN_CUT_YEAR
from course_utils.exercises import assert_check_cases
from course_utils.impact import churn_cut_impact


def test_checks(qs, customers):
    q4 = qs[3]
    year = L1_CHURN_CUT_YEAR
    r = churn_cut_impact(customers, year, 0.2)
    start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year + 1}-01-01")
    on_books = (customers["open_date"] < start) & (
        customers["churn_date"].isna() | (customers["churn_date"] >= start))
    typed = (on_books & (customers["churn_date"] < end)).sum() * 0.2
    assert r.churned > 20
    other = churn_cut_impact(customers, year + 1, 0.2).churned * 0.2
    assert abs(other - typed) > 2       # the toy data tells the years apart
    wrong = [
        (r.churned, "20 个百分点"),
        (r.churned * 0.8, "仍然会流失"),
        (r.active_start * 0.2, "年初在网"),
        (r.churn_rate * 0.2, "比例"),
        (other, f"{year + 1} 年的数字"),
        (float("nan"), "NaN"),
        (typed + 15, "偏多"),
        ("100", "文字"),
        ([1, 2], "列表"),
    ]
    assert_check_cases(q4, correct=[typed, round(typed), int(typed), np.float64(typed)],
                       wrong=wrong)


def test_mistakes_differ_on_committed_data(bank):
    """Issue 9: at 20 % churn, "20 % of the base" and "all churners" coincide; the question's
    year tells them apart, and each gets its own message."""
    from course_utils.exercises import lecture1 as L1

    c = bank.customers
    q4 = L1.setup(c)[3]
    r = churn_cut_impact(c, L1_CHURN_CUT_YEAR, L1_CHURN_CUT)
    base_share = r.active_start * L1_CHURN_CUT
    assert abs(base_share - r.churned) > 10
    m_all, m_base = q4.check(r.churned).message, q4.check(base_share).message
    assert "百分点" in m_all and "年初在网" in m_base
    lecture_case = churn_cut_impact(c, 2023, L1_CHURN_CUT).customers_kept
    assert "2023 年的数字" in q4.check(lecture_case).message   # copied from the lecture
    assert q4.check(r.churned * L1_CHURN_CUT).status == "correct"
