"""Lecture 1, question 3: CLV share of loyal customers per satisfaction band."""
from __future__ import annotations

import pandas as pd

from course_utils import kpis
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture1 import q3_loyal_value as Q3

BINS, LABELS = [0, 70, 90, 101], ["<70", "70–89", "≥90"]


def _by_band(frame: pd.DataFrame, right: bool = False, weighted: bool = True,
             how: str = "share") -> pd.Series:
    """What a trainee writes with pd.cut and groupby."""
    band = pd.cut(frame["satisfaction"], bins=BINS, labels=LABELS, right=right)
    if not weighted:
        return frame.groupby(band, observed=True)["loyal"].mean()
    loyal_clv = (frame["clv"] * frame["loyal"]).groupby(band, observed=True).sum()
    if how == "loyal_clv":
        return loyal_clv
    if how == "of_total":
        return loyal_clv / frame["clv"].sum()
    return loyal_clv / frame["clv"].groupby(band, observed=True).sum()


def test_band_edges_and_hand_computed():
    df = pd.DataFrame({"satisfaction": [95, 90, 85, 70, 60, 50], "loyal": [1, 0, 1, 0, 1, 0],
                       "clv": [30.0, 10.0, 5.0, 15.0, 2.0, 6.0]})
    assert Q3.loyal_value_share(df).to_dict() == {"high": 0.75, "mid": 0.25, "low": 0.25}
    assert Q3.loyal_value_share(df, weighted=False).to_dict() == {"high": 0.5, "mid": 0.5,
                                                                  "low": 0.5}
    edge = Q3.loyal_value_share(df, right_closed=True)   # the pd.cut(right=True) mistake
    assert edge["high"] == 1.0 and edge["mid"] == 5 / 15 and edge["low"] == 2 / 23


def test_checks(qs, customers, current):
    q3 = qs[2]
    typed = _by_band(current)
    hyphen = {"≥90": typed["≥90"], "70-89": typed["70–89"], "<70": typed["<70"]}
    keys = {"high": typed["≥90"], "mid": typed["70–89"], "low": typed["<70"]}
    frame = pd.DataFrame({"band": list(typed.index.astype(str)), "loyal_clv_share": typed.values})
    wrong = [
        (_by_band(current, weighted=False), "按人数算"),
        (_by_band(customers), "全部"),
        (_by_band(current, right=True), "分档边界不对"),
        (_by_band(current, how="of_total"), "分母用了全部客户的 CLV"),
        (_by_band(current, how="loyal_clv"), "CLV 总和（元）"),
        (typed * 100, "百分数"),
        (1 - typed, "不忠诚"),
        (typed + pd.Series({"≥90": 0.0, "70–89": 0.05, "<70": 0.0}), "对不上"),
        (typed.drop("<70"), "缺少"),
        (pd.Series({"≥90": 0.8, "70–89": float("nan"), "<70": 0.3}), "不是有效数字"),
        (typed + 1.5, "0 到 1 之间"),
        ({**hyphen, "90以上": 0.1}, "给了两次"),
    ]
    assert_check_cases(q3, correct=[typed, hyphen, keys, typed.round(3), frame], wrong=wrong,
                       half_done=[{"≥90": ____, "70–89": 0.6, "<70": 0.3}])


def test_lecture_numbers_are_not_the_answer_on_committed_data(bank):
    """Issue 9: the lecture prints the head-count rates; typing them is now recognised."""
    from course_utils import domain
    from course_utils.exercises import lecture1 as L1

    q3 = L1.setup(bank)[2]
    lecture = kpis.loyalty_by_satisfaction(bank.customers, as_of=domain.CURRENT_CUSTOMERS_AS_OF)
    typed = lecture.set_index("label")["loyal_rate"].round(3)
    r = q3.check(typed)
    assert r.status == "incorrect" and "按人数算" in r.message
    assert q3.check(_by_band(q3.population)).status == "correct"
    assert q3.check(q3.expected()).status == "correct"
