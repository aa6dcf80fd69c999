"""Lecture 1, question 2: mean CLV of the top 10% / middle 60% / bottom 30% value tiers.

Population: customers on the books on ``as_of`` (Lecture 1's date,
``domain.CURRENT_CUSTOMERS_AS_OF``), the same one the lecture's CLV chart uses.
Tiers are the domain's (``domain.clv_tier``: by CLV rank, highest first).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.exercises import Exercise

from .labelled import labelled_numbers, matches, off_labels

RTOL = 0.01


def tier_means(clv: pd.Series, *, ascending: bool = False, stat: str = "mean") -> pd.Series:
    """Mean (or median) CLV in CNY per tier key, tiers as in :func:`domain.clv_tier`.

    ``ascending=True`` ranks the lowest CLV first (a typical mistake).

    >>> tier_means(pd.Series([100.0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).to_dict()
    {'top': 100.0, 'middle': 6.5, 'bottom': 2.0}
    """
    values = pd.to_numeric(pd.Series(clv), errors="coerce").dropna().reset_index(drop=True)
    tier = domain.clv_tier(-values if ascending else values)
    grouped = values.groupby(tier)
    out = grouped.median() if stat == "median" else grouped.mean()
    return out.reindex(list(domain.TIERS)).astype(float).rename("mean_clv")


def _slice_means(clv: pd.Series, n_top: int, n_mid: int, n_bottom: int) -> pd.Series:
    """Means of the first ``n_top``, the next ``n_mid`` and the last ``n_bottom`` by CLV rank."""
    v = np.sort(pd.to_numeric(pd.Series(clv), errors="coerce").dropna().to_numpy(float))[::-1]
    parts = (v[:n_top], v[n_top:n_top + n_mid], v[len(v) - n_bottom:] if n_bottom else v[:0])
    return pd.Series([float(p.mean()) if len(p) else np.nan for p in parts],
                     index=list(domain.TIERS))


def _wrong_cuts(clv: pd.Series) -> list[pd.Series]:
    n = int(pd.to_numeric(pd.Series(clv), errors="coerce").notna().sum())
    r = domain.round_half_up
    cuts = [(0.1, 0.5, 0.3), (0.1, 0.5, 0.4), (0.2, 0.6, 0.2), (0.3, 0.6, 0.1),
            (0.1, 0.3, 0.6), (0.2, 0.5, 0.3)]
    return [_slice_means(clv, r(a * n), r(b * n), r(c * n)) for a, b, c in cuts]


def diagnose_tier_means(answer: Any, clv: pd.Series, all_clv: pd.Series | None = None,
                        population: str = "题目指定的客户") -> str | None:
    """None if ``answer`` holds the right mean CLV per tier, else a Chinese message.

    ``answer``: dict / Series keyed 'Top 10%' / 'Middle 60%' / 'Bottom 30%'
    (or 高价值 / 中价值 / 低价值, or top / middle / bottom), or a DataFrame with
    ``tier`` and ``mean_clv`` columns; values in CNY. ``clv``: the population's
    CLV column; ``all_clv``: every customer's (to recognise the wrong population).

    >>> clv = pd.Series([float(x) for x in range(1, 11)])   # 10 customers
    >>> diagnose_tier_means({"Top 10%": 10, "Middle 60%": 6.5, "Bottom 30%": 2}, clv) is None
    True
    >>> "排序方向反了" in diagnose_tier_means({"Top 10%": 1, "Middle 60%": 4.5, "Bottom 30%": 9}, clv)
    True
    """
    got, msg = labelled_numbers(answer, domain.TIERS, domain.tier_key, domain.TIER_LABELS_EN,
                                "tier", "mean_clv", "平均 CLV")
    if got is None:
        return msg
    right = tier_means(clv)
    if matches(got, right, RTOL):
        return None
    if all_clv is not None and len(all_clv) != len(clv) and matches(got, tier_means(all_clv), RTOL):
        return (f"这是全部 {len(all_clv):,} 位客户（包括已经流失的）的分层。题目要的是{population}"
                f"（{len(clv):,} 位）：先筛选人群，再排序分层。")
    if matches(got, right / 10_000, RTOL):
        return "数值的单位像是万元。请用元 (CNY) 作答，和数据里 clv 列的单位一致。"
    if matches(got, tier_means(clv, ascending=True), RTOL) or got["top"] < got["bottom"]:
        return ("高价值层的平均 CLV 反而比低价值层低：排序方向反了吗？"
                "Top 10% 应该是 CLV 最高的那 10% 客户。")
    if matches(got, tier_means(clv, stat="median"), RTOL):
        return "这些数像是中位数 (median)。题目要的是每层的平均值 (mean)。"
    first10 = _slice_means(clv, 10, 0, 0)
    if matches(got.loc[["top"]], first10.loc[["top"]], RTOL) and len(clv) != 100:
        return "高价值层应是按人数算的前 10% 客户，而不是前 10 位客户。"
    if any(matches(got, cut, RTOL) for cut in _wrong_cuts(clv)):
        return ("分层的比例不对：前 10% 是高价值，接下来 60%（排名 10%–70%）是中价值，"
                "最后 30% 是低价值。")
    return (f"这些层的平均 CLV 和数据对不上：{off_labels(got, right, domain.TIER_LABELS_EN, RTOL)}。"
            "检查排序和每层的切分位置。")


class ClvTiers(Exercise):
    """Q2: mean CLV of the top 10% / middle 60% / bottom 30% of the customers on the books."""

    id = "L1.clv_tiers"
    title = "计算三个价值层的平均 CLV"
    hints = [
        "先确认人群：current 是截止日仍在网的客户（讲义同一口径），不要用全部客户。",
        "把 current 按 clv 从高到低排序：current['clv'].sort_values(ascending=False)。",
        "n = len(current)；前 round(0.1*n) 个是高价值层，最后 round(0.3*n) 个是低价值层，"
        "中间的是中价值层。用 .iloc[开始:结束] 切片，每层取 .mean()。",
    ]
    solution_code = (
        "clv_sorted = current['clv'].sort_values(ascending=False)   # 从高到低\n"
        "n = len(clv_sorted)\n"
        "n_top, n_bottom = round(0.1 * n), round(0.3 * n)\n"
        "top = clv_sorted.iloc[:n_top]\n"
        "middle = clv_sorted.iloc[n_top:n - n_bottom]\n"
        "bottom = clv_sorted.iloc[n - n_bottom:]\n"
        "answer2 = {'Top 10%': top.mean(), 'Middle 60%': middle.mean(),\n"
        "           'Bottom 30%': bottom.mean()}"
    )
    success = "答对了！高价值客户人数少，却贡献了很大一块价值。"

    @property
    def population(self) -> pd.DataFrame:
        """The customers this question is about (on the books on ``as_of``)."""
        customers = self.context["customers"]
        return customers.loc[domain.on_books(customers, self.context["as_of"])]

    def expected(self) -> pd.Series:
        return tier_means(self.population["clv"])

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_tier_means(answer, self.population["clv"], self.context["customers"]["clv"],
                                   population=f"{self.context['as_of']} 仍在网的客户")
