"""Lecture 1, question 3: share of loyal customers per satisfaction band (≥90 / 70–89 / <70).

Population: customers on the books on ``as_of`` (as the lecture's chart). Bands
and "loyal" are the domain's definitions (``domain.satisfaction_band``,
``domain.is_loyal``).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.exercises import Exercise

from .labelled import labelled_numbers, matches, off_labels

ATOL = 0.005  # half a percentage point: two-decimal rounding passes


def loyalty_rates(customers: pd.DataFrame, *, right_closed: bool = False,
                  stat: str = "rate") -> pd.Series:
    """Loyal share (fraction 0-1) per band key ("high" / "mid" / "low").

    ``right_closed=True`` reproduces the classic ``pd.cut`` mistake (a score of
    exactly 90 lands in 70–89, exactly 70 in <70); ``stat`` = ``"n"`` (customers
    per band) or ``"loyal_n"`` (loyal customers per band) are mistakes too.

    >>> df = pd.DataFrame({"satisfaction": [95, 90, 80, 60], "loyal": [1, 0, 1, 0]})
    >>> loyalty_rates(df).tolist()
    [0.5, 1.0, 0.0]
    """
    scores = pd.to_numeric(customers["satisfaction"], errors="coerce")
    if right_closed:
        band = pd.Series(np.where(scores > 90, "high", np.where(scores > 70, "mid", "low")),
                         index=scores.index).where(scores.notna())
    else:
        band = domain.satisfaction_band(scores)
    loyal = pd.to_numeric(customers["loyal"], errors="coerce")
    grouped = loyal.groupby(band)
    if stat == "n":
        out = grouped.size().astype(float)
    elif stat == "loyal_n":
        out = grouped.sum().astype(float)
    else:
        out = grouped.mean()
    return out.reindex(list(domain.BANDS)).astype(float).rename("loyal_rate")


def diagnose_loyalty_rates(answer: Any, customers: pd.DataFrame,
                           everyone: pd.DataFrame | None = None,
                           population: str = "题目指定的客户") -> str | None:
    """None if ``answer`` holds the right loyal share per band, else a Chinese message.

    ``answer``: dict / Series keyed '≥90' / '70–89' / '<70' (or high / mid / low)
    with fractions (0.85 = 85%), or a DataFrame with ``band`` and ``loyal_rate``
    columns. ``customers``: the population; ``everyone``: all customers (to
    recognise the wrong population).

    >>> df = pd.DataFrame({"satisfaction": [95, 90, 80, 60], "loyal": [1, 0, 1, 0]})
    >>> diagnose_loyalty_rates({"≥90": 0.5, "70-89": 1.0, "<70": 0.0}, df) is None
    True
    >>> diagnose_loyalty_rates({"≥90": 2, "70–89": 1, "<70": 1}, df).startswith("这些数是每档的客户人数")
    True
    """
    got, msg = labelled_numbers(answer, domain.BANDS, domain.band_key, domain.BAND_LABELS,
                                "band", "loyal_rate", "忠诚客户占比")
    if got is None:
        return msg
    right = loyalty_rates(customers)
    if matches(got, right, atol=ATOL):
        return None
    if everyone is not None and len(everyone) != len(customers) \
            and matches(got, loyalty_rates(everyone), atol=ATOL):
        return (f"这是全部 {len(everyone):,} 位客户（包括已经流失的）的占比。题目要的是{population}"
                f"（{len(customers):,} 位）：已经离开的客户不该算进“满意度与忠诚”的比较。")
    if matches(got, loyalty_rates(customers, stat="n"), atol=0.5):
        return "这些数是每档的客户人数，题目要的是忠诚客户占比（忠诚人数 ÷ 该档人数）。"
    if matches(got, loyalty_rates(customers, stat="loyal_n"), atol=0.5):
        return "这些数是每档忠诚客户的人数，还要除以该档的总人数，得到占比。"
    if matches(got, right * 100, atol=ATOL * 100):
        return "数值像是百分数。请用 0 到 1 之间的比例作答（例如 0.5 表示 50%）。"
    if matches(got, 1 - right, atol=ATOL):
        return "这像是不忠诚客户的占比。题目要的是 loyal = 1 的客户占比。"
    if matches(got, loyalty_rates(customers, right_closed=True), atol=ATOL):
        return ("分档边界不对：满意度正好 90 的客户属于「≥90」档，正好 70 的属于「70–89」档。"
                "（用 pd.cut 时注意 right 参数。）")
    if (got > 1).any() or (got < 0).any():
        return "占比应该在 0 到 1 之间。"
    return (f"这些档的忠诚客户占比和数据对不上：{off_labels(got, right, domain.BAND_LABELS, atol=ATOL)}。"
            "检查分档和计算方法。")


class Loyalty(Exercise):
    """Q3: loyal share per satisfaction band among the customers on the books."""

    id = "L1.loyalty_by_satisfaction"
    title = "满意度分档与忠诚客户占比"
    hints = [
        "人群用 current（仍在网的客户）。先给每位客户分档：满意度 ≥90、70–89、<70。"
        "可以用 pd.cut，bins=[0, 70, 90, 101]，注意边界值 70 和 90 应归到更高的一档。",
        "pd.cut 默认 right=True（区间右端闭合），会把 90 分到 70–89 档；这里要 right=False。",
        "loyal 列是 0/1，对它按档 groupby 后取 .mean() 就是忠诚客户占比。",
    ]
    solution_code = (
        "band = pd.cut(current['satisfaction'], bins=[0, 70, 90, 101],\n"
        "              labels=['<70', '70–89', '≥90'], right=False)\n"
        "answer3 = current.groupby(band, observed=True)['loyal'].mean()"
    )
    success = "答对了！满意度越高，忠诚客户占比越高。"

    @property
    def population(self) -> pd.DataFrame:
        """The customers this question is about (on the books on ``as_of``)."""
        customers = self.context["customers"]
        return customers.loc[domain.on_books(customers, self.context["as_of"])]

    def expected(self) -> pd.Series:
        return loyalty_rates(self.population)

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_loyalty_rates(answer, self.population, self.context["customers"],
                                      population=f"{self.context['as_of']} 仍在网的客户")
