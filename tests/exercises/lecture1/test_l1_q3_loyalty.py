"""Lecture 1, question 3: loyal share per satisfaction band, customers on the books."""
from __future__ import annotations

import pandas as pd

from course_utils import kpis
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture1 import q3_loyalty as Q3

BINS, LABELS = [0, 70, 90, 101], ["<70", "70–89", "≥90"]


def _by_band(frame: pd.DataFrame, right: bool = False, how: str = "mean"):
    band = pd.cut(frame["satisfaction"], bins=BINS, labels=LABELS, right=right)
    return getattr(frame.groupby(band, observed=True)["loyal"], how)()


def test_band_edges_and_hand_computed():
    df = pd.DataFrame({"satisfaction": [95, 90, 85, 70, 60, 50], "loyal": [1, 1, 0, 1, 0, 1]})
    assert Q3.loyalty_rates(df).to_dict() == {"high": 1.0, "mid": 0.5, "low": 0.5}
    assert Q3.loyalty_rates(df, stat="n").tolist() == [2, 2, 2]
    edge = pd.DataFrame({"satisfaction": [90, 70], "loyal": [1, 0]})
    r = Q3.loyalty_rates(edge, right_closed=True)       # the pd.cut(right=True) mistake
    assert r["mid"] == 1.0 and r["low"] == 0.0 and pd.isna(r["high"])


def test_checks(qs, customers, current):
    q3 = qs[2]
    typed = _by_band(current)
    hyphen = {"≥90": typed["≥90"], "70-89": typed["70–89"], "<70": typed["<70"]}
    keys = {"high": typed["≥90"], "mid": typed["70–89"], "low": typed["<70"]}
    frame = pd.DataFrame({"band": list(typed.index.astype(str)), "n": 1, "loyal_rate": typed.values})
    wrong = [
        (_by_band(customers), "全部"),
        (_by_band(current, right=True), "分档边界不对"),
        (_by_band(current, how="count"), "每档的客户人数"),
        (_by_band(current, how="sum"), "每档忠诚客户的人数"),
        (typed * 100, "百分数"),
        (1 - typed, "不忠诚"),
        (typed + pd.Series({"≥90": 0.0, "70–89": 0.05, "<70": 0.0}), "对不上"),
        (typed.drop("<70"), "缺少"),
        (pd.Series({"≥90": 0.8, "70–89": float("nan"), "<70": 0.3}), "不是有效数字"),
        (typed + 1.5, "0 到 1 之间"),
        ({**hyphen, "90以上": 0.1}, "给了两次"),
    ]
    assert_check_cases(q3, correct=[typed, hyphen, keys, typed.round(2), frame], wrong=wrong,
                       half_done=[{"≥90": ____, "70–89": 0.6, "<70": 0.3}])


def test_agrees_with_the_lecture_figure(bank):
    from course_utils import domain
    from course_utils.exercises import lecture1 as L1

    q3 = L1.setup(bank)[2]
    loyal = kpis.loyalty_by_satisfaction(bank.customers, as_of=domain.CURRENT_CUSTOMERS_AS_OF)
    assert q3.check(loyal.set_index("band")["loyal_rate"]).status == "correct"
    assert q3.check(loyal.set_index("label")["loyal_rate"]).status == "correct"
    band_r = pd.cut(q3.population["satisfaction"], bins=BINS, labels=LABELS)
    assert "分档边界" in q3.check(q3.population.groupby(band_r, observed=True)["loyal"].mean()).message
