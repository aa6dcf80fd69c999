"""Lecture 1, question 3: loyalty by satisfaction band, weighted by customer value (CLV).

The lecture counts heads: in each satisfaction band (≥90 / 70–89 / <70), the share
of customers who are loyal. A banker also asks how much *value* sits with loyal
customers: per band, the CLV of its loyal customers ÷ the CLV of all its customers.
What is not with loyal customers is value at risk.

Population: customers on the books on ``as_of`` (Lecture 1's date, as the lecture's
chart). Bands and "loyal" are the domain's (``domain.satisfaction_band``,
``domain.is_loyal``). Answer: band -> fraction 0-1.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.exercises import Exercise

from .labelled import labelled_numbers, matches, off_labels

ATOL = 0.005  # half a percentage point: two-decimal rounding passes


def loyal_value_share(customers: pd.DataFrame, *, weighted: bool = True,
                      right_closed: bool = False, stat: str = "share") -> pd.Series:
    """Per satisfaction band key ("high" / "mid" / "low"): CLV share of loyal customers.

    Right answer with the defaults: sum of ``clv`` of the loyal customers of a band ÷
    sum of ``clv`` of all customers of that band (fraction 0-1). The keywords give
    typical mistakes: ``weighted=False`` counts heads (the lecture's loyal rate);
    ``right_closed=True`` is the ``pd.cut`` default (90 lands in 70–89, 70 in <70);
    ``stat="loyal_clv"`` (loyal CLV per band, CNY, not divided), ``"of_total"`` (divided
    by the CLV of all customers instead of the band's).

    >>> df = pd.DataFrame({"satisfaction": [95, 90, 80, 80, 60], "loyal": [1, 0, 1, 0, 1],
    ...                    "clv": [300.0, 100.0, 10.0, 30.0, 5.0]})
    >>> loyal_value_share(df).to_dict()
    {'high': 0.75, 'mid': 0.25, 'low': 1.0}
    >>> loyal_value_share(df, weighted=False).to_dict()
    {'high': 0.5, 'mid': 0.5, 'low': 1.0}
    """
    scores = pd.to_numeric(customers["satisfaction"], errors="coerce")
    if right_closed:
        band = pd.Series(np.where(scores > 90, "high", np.where(scores > 70, "mid", "low")),
                         index=scores.index).where(scores.notna())
    else:
        band = domain.satisfaction_band(scores)
    loyal = pd.to_numeric(customers[domain.LOYAL_COLUMN], errors="coerce").fillna(0) == 1
    clv = pd.to_numeric(customers["clv"], errors="coerce")
    if not weighted:
        out = loyal.astype(float).groupby(band).mean()
    else:
        loyal_clv = clv.where(loyal, 0.0).groupby(band).sum()
        if stat == "loyal_clv":
            out = loyal_clv
        elif stat == "of_total":
            out = loyal_clv / float(clv.sum())
        else:
            out = loyal_clv / clv.groupby(band).sum()
    return out.reindex(list(domain.BANDS)).astype(float).rename("loyal_clv_share")


def diagnose_loyal_value(answer: Any, customers: pd.DataFrame,
                         everyone: pd.DataFrame | None = None,
                         population: str = "题目指定的客户") -> str | None:
    """None if ``answer`` holds the right CLV share of loyal customers per band, else a message.

    ``answer``: dict / Series keyed '≥90' / '70–89' / '<70' (or high / mid / low) with
    fractions, or a DataFrame with ``band`` and ``loyal_clv_share`` columns.
    ``customers``: the population; ``everyone``: all customers (to recognise the
    wrong population).

    >>> df = pd.DataFrame({"satisfaction": [95, 90, 80, 80, 60], "loyal": [1, 0, 1, 0, 1],
    ...                    "clv": [300.0, 100.0, 10.0, 30.0, 5.0]})
    >>> diagnose_loyal_value({"≥90": 0.75, "70-89": 0.25, "<70": 1.0}, df) is None
    True
    >>> diagnose_loyal_value({"≥90": 0.5, "70–89": 0.5, "<70": 1.0}, df)[:7]
    '这是按人数算的'
    """
    got, msg = labelled_numbers(answer, domain.BANDS, domain.band_key, domain.BAND_LABELS,
                                "band", "loyal_clv_share", "CLV 占比")
    if got is None:
        return msg
    right = loyal_value_share(customers)
    if right.isna().any():  # a band without customers: a data problem, never a trainee's
        return "这份数据里有满意度档没有客户，算不出占比：请换一份更大的数据（N_CUSTOMERS）。"
    if matches(got, right, atol=ATOL):
        return None
    if matches(got, right * 100, atol=ATOL * 100):
        return "数值像是百分数。请用 0 到 1 之间的比例作答（例如 0.5 表示 50%）。"
    if everyone is not None and len(everyone) != len(customers):
        wrong_population = loyal_value_share(everyone)
        if not wrong_population.isna().any() and matches(got, wrong_population, atol=ATOL):
            return (f"这是全部 {len(everyone):,} 位客户（包括已经流失的）的数字。题目要的是 {population}"
                    f"（{len(customers):,} 位）：已经离开的客户不该算进来。")
    if matches(got, loyal_value_share(customers, weighted=False), atol=ATOL):
        return ("这是按人数算的忠诚客户占比（讲义里的那张图）。这道题要按价值算："
                "每档忠诚客户的 CLV 之和 ÷ 该档全部客户的 CLV 之和。")
    if matches(got, 1 - right, atol=ATOL):
        return "这像是不忠诚客户手里的 CLV 占比。题目要的是忠诚客户（loyal = 1）的。"
    if matches(got, loyal_value_share(customers, right_closed=True), atol=ATOL):
        return ("分档边界不对：满意度正好 90 的客户属于「≥90」档，正好 70 的属于「70–89」档。"
                "（用 pd.cut 时注意 right 参数。）")
    if matches(got, loyal_value_share(customers, stat="of_total"), atol=ATOL):
        return ("分母用了全部客户的 CLV 总和（三个数加起来就是忠诚客户的总占比）。"
                "每档要除以该档自己的 CLV 总和。")
    if matches(got, loyal_value_share(customers, stat="loyal_clv"), rtol=0.001):
        return "这些数是每档忠诚客户的 CLV 总和（元），还要除以该档全部客户的 CLV 总和。"
    if (got > 1).any() or (got < 0).any():
        return "占比应该在 0 到 1 之间。"
    return (f"这些档的数字和数据对不上：{off_labels(got, right, domain.BAND_LABELS, atol=ATOL)}。"
            "检查人群、分档和分子分母（分子只算忠诚客户的 CLV，分母是该档全部客户的 CLV）。")


class LoyalValue(Exercise):
    """Q3: per satisfaction band, the CLV share held by loyal customers (on the books)."""

    id = "L1.loyal_value_by_satisfaction"
    title = "按价值算的忠诚度：忠诚客户手里的 CLV 占比"
    hints = [
        "人群用 current（仍在网的客户）。先给每位客户分档：满意度 ≥90、70–89、<70。"
        "可以用 pd.cut，bins=[0, 70, 90, 101]，注意边界值 70 和 90 应归到更高的一档（right=False）。",
        "分子：每档里忠诚客户（loyal = 1）的 clv 之和；分母：每档全部客户的 clv 之和。",
        "clv * loyal 就是“忠诚客户的 CLV，其他客户记 0”。对它和对 clv 分别按档 groupby 求 .sum()，"
        "再相除。",
    ]
    solution_code = (
        "band = pd.cut(current['satisfaction'], bins=[0, 70, 90, 101],\n"
        "              labels=['<70', '70–89', '≥90'], right=False)   # 90 归入 ≥90\n"
        "loyal_clv = (current['clv'] * current['loyal']).groupby(band, observed=True).sum()\n"
        "all_clv = current['clv'].groupby(band, observed=True).sum()\n"
        "answer3 = loyal_clv / all_clv"
    )
    success = ("答对了！满意度越低，越大比例的价值握在不忠诚的客户手里——"
               "这部分价值最容易流失，也是监测满意度的理由。")

    @property
    def population(self) -> pd.DataFrame:
        """The customers this question is about (on the books on ``as_of``)."""
        customers = self.context["customers"]
        return customers.loc[domain.on_books(customers, self.context["as_of"])]

    def expected(self) -> pd.Series:
        return loyal_value_share(self.population)

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_loyal_value(answer, self.population, self.context["customers"],
                                    population=f"{self.context['as_of']} 仍在网的客户")
