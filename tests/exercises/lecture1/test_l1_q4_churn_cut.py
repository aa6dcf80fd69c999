"""Lecture 1, question 4: customers and CLV kept by a 20 % relative churn cut."""
from __future__ import annotations

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.config import L1_CHURN_CUT, L1_CHURN_CUT_YEAR
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture1 import q4_churn_cut as Q4
from course_utils.impact import churn_cut_impact

YEAR, CUT = L1_CHURN_CUT_YEAR, L1_CHURN_CUT


def _lost(customers: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year + 1}-01-01")
    base = customers[(customers["open_date"] < start) & (
        customers["churn_date"].isna() | (customers["churn_date"] >= start))]
    return base, base[base["churn_date"] < end]


def test_checks(customers):
    # drop a few churners so that churners x 20 % ends in .6 or .8: round() and int() differ
    _, lost = _lost(customers)
    customers = customers.drop(lost.index[:(len(lost) - 3) % 5])
    q4 = Q4.ChurnCut(customers=customers, year=YEAR, cut=CUT)
    base, lost = _lost(customers)
    raw = len(lost) * CUT
    kept = round(raw)
    assert raw != kept and int(raw) != kept            # the toy tells the roundings apart
    mean = lost["clv"].mean()
    right = {"customers": kept, "clv": kept * mean}
    other_year = churn_cut_impact(customers, YEAR + 1, CUT)
    assert abs(other_year.churned * CUT - raw) > 2
    wrong = [
        ({"customers": len(lost), "clv": lost["clv"].sum()}, "20 个百分点"),
        ({"customers": len(lost) - kept, "clv": 0}, "仍然会流失"),
        ({"customers": round(len(base) * CUT), "clv": 0}, "年初在网的客户数"),
        ({"customers": len(lost) / len(base) * CUT, "clv": 0}, "比例"),
        ({"customers": other_year.customers_kept, "clv": 0}, f"{YEAR + 1} 年的人数"),
        ({"customers": raw, "clv": raw * mean}, "四舍五入 (round)"),
        ({"customers": int(raw), "clv": int(raw) * mean}, "向下取整"),
        ({"customers": kept + 15, "clv": 0}, "人数偏多"),
        ({"customers": kept, "clv": mean}, "人均 CLV，还要乘"),
        ({"customers": kept, "clv": kept * customers["clv"].mean()}, "全部客户的人均 CLV"),
        ({"customers": kept, "clv": kept * base["clv"].mean()}, "年初在网的全部客户的人均"),
        ({"customers": kept, "clv": lost["clv"].sum()}, "全部流失客户的 CLV 合计"),
        ({"customers": kept, "clv": (1 - CUT) * lost["clv"].sum()}, "仍然会流失的客户带走"),
        ({"customers": kept, "clv": lost["clv"].nlargest(kept).sum()}, "CLV 最高的那部分"),
        ({"customers": kept, "clv": kept * mean / 10_000}, "万元"),
        ({"customers": kept, "clv": other_year.clv_kept}, f"{YEAR + 1} 年的 CLV"),
        ({"customers": kept, "clv": kept * mean * 0.6}, "CLV 偏少"),
        ({"customers": kept, "clv": "100"}, "是文字"),
        ({"customers": kept, "clv": [1.0]}, "应该是一个数字"),
        ({"customers": kept}, "缺少"),
        ({"人数": kept, "客户数": kept, "clv": 1.0}, "给了两次"),
        ({"kept": kept, "clv": 1.0}, "认不出这些键"),
        (kept, "应该是一个字典"),
    ]
    correct = [right, {"customers": np.int64(kept), "clv": CUT * lost["clv"].sum()},
               pd.Series({"客户数": kept, "CLV": kept * mean}),
               {"customers": float(kept), "clv": round(kept * mean)}]
    assert_check_cases(q4, correct=correct, wrong=wrong,
                       half_done=[{"customers": ____, "clv": 1.0}, {"customers": kept, "clv": ____}])


def test_mistakes_differ_on_committed_data(bank):
    """Issue 9: at 20 % churn, "20 % of the base" and "all churners" coincide; the question's
    year tells them apart, each gets its own message, and the lecture's 2023 case is named."""
    from course_utils.exercises import lecture1 as L1

    c = bank.customers
    q4 = L1.setup(c)[3]
    r = churn_cut_impact(c, YEAR, CUT)
    base_share = domain.round_half_up(r.active_start * CUT)
    assert abs(base_share - r.churned) > 10
    m_all = q4.check({"customers": r.churned, "clv": 0}).message
    m_base = q4.check({"customers": base_share, "clv": 0}).message
    assert "百分点" in m_all and "年初在网" in m_base
    lecture_case = churn_cut_impact(c, 2023, CUT)
    m_lecture = q4.check({"customers": lecture_case.customers_kept, "clv": lecture_case.clv_kept})
    assert "2023 年的人数" in m_lecture.message                      # copied from the lecture
    assert "2023 年的 CLV" in q4.check({"customers": r.customers_kept,
                                        "clv": lecture_case.clv_kept}).message
    assert q4.check(q4.expected()).status == "correct"
    _, lost = _lost(c)
    assert q4.check({"customers": round(len(lost) * CUT),
                     "clv": round(len(lost) * CUT) * lost["clv"].mean()}).status == "correct"
