"""Lecture 1, question 2: churn rate of 2023 per CLV tier of the year-start base."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import domain, kpis
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture1 import q2_churn_by_tier as Q2

YEAR = Q2.TIER_CHURN_YEAR


def _by_hand(customers: pd.DataFrame, year: int = YEAR, ascending: bool = False,
             rank_all: bool = False, how: str = "rate", ever: bool = False) -> dict:
    """What a trainee writes: year-start base, sort by CLV, slice, share churned."""
    jan1, next_jan1 = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year + 1}-01-01")
    in_base = (customers["open_date"] < jan1) & (
        customers["churn_date"].isna() | (customers["churn_date"] >= jan1))
    base = customers[in_base]
    churned = base["churn_date"].notna() if ever else base["churn_date"] < next_jan1
    pool = customers if rank_all else base
    ranked = pool["clv"].sort_values(ascending=ascending, kind="stable")
    n = len(ranked)
    n_top, n_bottom = round(0.1 * n), round(0.3 * n)
    parts = (ranked.index[:n_top], ranked.index[n_top:n - n_bottom], ranked.index[n - n_bottom:])
    out = {}
    for label, idx in zip(("Top 10%", "Middle 60%", "Bottom 30%"), parts):
        idx = idx.intersection(base.index)
        out[label] = {"rate": churned[idx].mean(), "count": churned[idx].sum(),
                      "share": churned[idx].sum() / churned.sum()}[how]
    return out


def test_hand_computed_toy():
    df = pd.DataFrame({"open_date": pd.to_datetime(["2020-01-01"] * 10 + ["2023-06-01"]),
                       "churn_date": pd.to_datetime(["2023-05-01", None, None, None, None, None,
                                                     None, "2024-02-01", "2023-03-01",
                                                     "2023-04-01", "2023-09-01"]),
                       "clv": [100.0, 90, 80, 70, 60, 50, 40, 30, 20, 10, 5]})
    r = Q2.tier_churn_rates(df, 2023)      # the 2023-06 account is not in the base
    assert r.to_dict() == {"top": 1.0, "middle": 0.0, "bottom": pytest.approx(2 / 3)}
    assert Q2.tier_churn_rates(df, 2023, window="ever")["bottom"] == 1.0
    assert Q2.tier_churn_rates(df, 2023, stat="count").tolist() == [1, 0, 2]
    assert Q2.tier_churn_rates(df, 2023, base="with_new")["bottom"] == 1.0


def test_checks(qs, customers):
    q2 = qs[1]
    typed = _by_hand(customers)
    right = Q2.tier_churn_rates(customers, YEAR)
    assert right.is_monotonic_increasing               # the toy's low value leaves more often
    cn = {"高价值": typed["Top 10%"], "中价值": typed["Middle 60%"], "低价值": typed["Bottom 30%"]}
    frame = pd.DataFrame({"tier": ["top", "middle", "bottom"], "churn_rate": right.values})
    wrong = [
        (_by_hand(customers, rank_all=True), "全部客户的排名"),
        (_by_hand(customers, ascending=True), "排序方向反了"),
        (_by_hand(customers, how="share"), "占全部流失客户的比例"),
        (_by_hand(customers, how="count"), "流失的人数"),
        ({k: 1 - v for k, v in typed.items()}, "留存率"),
        ({k: 100 * v for k, v in typed.items()}, "百分数"),
        (_by_hand(customers, ever=True), "以后才流失"),
        (Q2.tier_churn_rates(customers, YEAR, base="with_new"), "新开户"),
        (_by_hand(customers, year=YEAR - 1), f"{YEAR - 1} 年的流失率"),
        (dict(typed, **{"Middle 60%": typed["Middle 60%"] + 0.05}), "对不上"),
        (dict(typed, **{"Bottom 30%": 1.7}), "0 到 1 之间"),
        ({"Top 10%": typed["Top 10%"], "Middle 60%": typed["Middle 60%"]}, "缺少"),
        (dict(typed, **{"Bottom 30%": float("nan")}), "不是有效数字"),
        (dict(typed, **{"Bottom 30%": pd.Series([0.1, 0.2])}), "忘了求平均"),
        ({"top": 0.1, "mid2": 0.2, "low": 0.3}, "认不出这些键"),
        ([0.1, 0.2, 0.3], "字典 (dict) 或序列"),
    ]
    assert_check_cases(q2, correct=[typed, right, cn, frame, {k: round(v, 2) for k, v in typed.items()}],
                       wrong=wrong, half_done=[{"Top 10%": ____, "Middle 60%": 0.1, "Bottom 30%": 0.2}])


def test_message_does_not_leak_the_rates(qs, customers):
    right = Q2.tier_churn_rates(customers, YEAR)
    r = qs[1].check({"Top 10%": 0.5, "Middle 60%": 0.5, "Bottom 30%": 0.5})
    assert r.status == "incorrect"
    for v in right:
        assert f"{v:.2f}" not in r.message and f"{v:.1%}" not in r.message


def test_domain_shortcut_is_accepted(qs, customers):
    """The hint's shortcut (domain.year_start_base + domain.clv_tier) gives the same answer."""
    base = customers[domain.year_start_base(customers, YEAR)]
    churned = domain.churned_during(base, f"{YEAR}-01-01", f"{YEAR + 1}-01-01")
    answer = churned.groupby(domain.clv_tier(base["clv"])).mean()
    assert qs[1].check(answer).status == "correct"


def test_on_committed_data(bank):
    """On the course data: rates fall with value, and the base is the lecture's 2023 base."""
    from course_utils.exercises import lecture1 as L1

    q2 = L1.setup(bank)[1]
    right = q2.expected()
    assert right["top"] < right["middle"] < right["bottom"]
    assert len(q2.population) == kpis.clv_tiers(q2.population)["n"].sum()
    overall = kpis.yearly_churn_rates(bank.customers, years=(YEAR,))[YEAR]
    sizes = np.array(domain.tier_sizes(len(q2.population)))
    assert float((right.to_numpy() * sizes).sum() / sizes.sum()) == pytest.approx(overall)
    assert q2.check(_by_hand(bank.customers)).status == "correct"
    assert "全部客户的排名" in q2.check(_by_hand(bank.customers, rank_all=True)).message
