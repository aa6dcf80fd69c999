"""Lecture 1, question 2: mean CLV per value tier, customers on the books."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import kpis
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture1 import q2_clv_tiers as Q2


def _by_hand(clv: pd.Series, ascending: bool = False, how: str = "mean", mid_end=None):
    s = clv.sort_values(ascending=ascending)
    n = len(s)
    n_top, n_bottom = round(.1 * n), round(.3 * n)
    end = n - n_bottom if mid_end is None else mid_end(n)
    parts = (s.iloc[:n_top], s.iloc[n_top:end], s.iloc[n - n_bottom:])
    return dict(zip(("Top 10%", "Middle 60%", "Bottom 30%"), (getattr(p, how)() for p in parts)))


def test_tier_means_by_rank():
    clv = pd.Series(np.arange(1, 101, dtype=float))  # 100 customers, CLV 1..100
    m = Q2.tier_means(clv)
    assert m["top"] == pytest.approx(np.mean(np.arange(91, 101)))
    assert m["middle"] == pytest.approx(np.mean(np.arange(31, 91)))
    assert m["bottom"] == pytest.approx(np.mean(np.arange(1, 31)))
    assert Q2.tier_means(clv, ascending=True)["top"] == pytest.approx(5.5)


def test_checks(qs, customers, current):
    q2 = qs[1]
    clv = current["clv"]
    typed = _by_hand(clv)
    right = Q2.tier_means(clv)
    cn = pd.Series({"高价值": typed["Top 10%"], "中价值": typed["Middle 60%"], "低价值": typed["Bottom 30%"]})
    frame = pd.DataFrame({"tier": ["top", "middle", "bottom"], "n": [1, 2, 3], "mean_clv": right.values})
    first10 = dict(typed, **{"Top 10%": clv.sort_values(ascending=False).iloc[:10].mean()})
    wrong = [
        (_by_hand(customers["clv"]), "全部"),
        (_by_hand(clv, ascending=True), "排序方向反了"),
        (_by_hand(clv, how="median"), "中位数"),
        (_by_hand(clv, mid_end=lambda n: round(.6 * n)), "比例不对"),
        ({k: v / 10_000 for k, v in typed.items()}, "万元"),
        (first10, "前 10 位"),
        (dict(typed, **{"Middle 60%": typed["Middle 60%"] * 1.2}), "对不上"),
        ({"Top 10%": typed["Top 10%"], "Middle 60%": typed["Middle 60%"]}, "缺少"),
        (dict(typed, **{"Bottom 30%": float("nan")}), "不是有效数字"),
        (dict(typed, **{"Bottom 30%": clv.iloc[-10:]}), "忘了求平均"),
        (dict(typed, **{"Bottom 30%": "2000"}), "是文字"),
        ({"top": 1.0, "mid2": 2.0, "low": 3.0}, "认不出这些键"),
        ({**typed, "top": typed["Top 10%"] * 3}, "给了两次"),
        ([1, 2, 3], "字典 (dict) 或序列"),
        (pd.DataFrame(), "空表格"),
        (pd.DataFrame({"a": [1], "b": [2]}), "找不到答案"),
    ]
    assert_check_cases(q2, correct=[typed, right, cn, frame], wrong=wrong,
                       half_done=[{"Top 10%": ____, "Middle 60%": 1.0, "Bottom 30%": 2.0}])
    r = q2.check(dict(typed, **{"Bottom 30%": pd.NA}))
    assert r.status == "incorrect" and "「Bottom 30%」的值不是" in r.message and not r.detail


def test_contradictory_keys_even_when_equal(qs, current):
    right = Q2.tier_means(current["clv"])
    same = {"Top 10%": right["top"], "高价值": right["top"], "Middle 60%": right["middle"],
            "Bottom 30%": right["bottom"]}
    assert qs[1].check(same).status == "incorrect"


def test_agrees_with_the_lecture_figure(bank):
    """The check's right answer is the lecture's kpis.clv_tiers on the same population."""
    from course_utils import domain
    from course_utils.exercises import lecture1 as L1

    q2 = L1.setup(bank)[1]
    tiers = kpis.clv_tiers(bank.customers, as_of=domain.CURRENT_CUSTOMERS_AS_OF)
    assert q2.check(tiers.set_index("tier")["mean_clv"]).status == "correct"
    assert q2.check(tiers[["label", "mean_clv"]].set_index("label")["mean_clv"]).status == "correct"
    everyone = kpis.clv_tiers(bank.customers).set_index("tier")["mean_clv"]
    assert "全部" in q2.check(everyone).message
