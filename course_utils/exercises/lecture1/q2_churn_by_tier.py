"""Lecture 1, question 2: churn rate of one year per CLV value tier.

The lecture computes the yearly churn rate (section 一.1) and, separately, the CLV
tiers of the customers on the books on 2024-06-30 (section 一.3). It never puts them
together. This question does: in ``year`` (default: the last year of the lecture's
chart, 2023), how many of each tier's customers left?

Population: the year's churn base, customers on the books as 1 January ``year``
begins (``domain.year_start_base``, the denominator of the lecture's churn rate).
The tiers are ranked *within that base* by CLV (``domain.clv_tier``: top 10 % /
middle 60 % / bottom 30 %, highest first). Answer: tier -> churn rate (fraction).
On the course data the rates fall steeply with value (roughly 30 % / 17 % / 6 %):
high-value customers leave less often, but each one who leaves takes far more.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from course_utils import domain
from course_utils.config import L1_CHURN_YEARS
from course_utils.exercises import Exercise

from .labelled import labelled_numbers, matches, off_labels

#: Tolerance on each rate (fraction): half a percentage point, so two decimals pass.
ATOL = 0.005
#: The question's year: the last full year of the lecture's churn chart.
TIER_CHURN_YEAR: int = max(L1_CHURN_YEARS)


def tier_churn_rates(customers: pd.DataFrame, year: int = TIER_CHURN_YEAR, *,
                     ranked_among: str = "base", ascending: bool = False,
                     stat: str = "rate", window: str = "year",
                     base: str = "year_start") -> pd.Series:
    """Churn of ``year`` per CLV tier key ("top" / "middle" / "bottom").

    Right answer with the defaults: among the customers on the books as 1 January
    ``year`` begins, ranked by ``clv`` within that group, the share of each tier that
    churned during ``year`` (fraction 0-1). The keywords reproduce typical mistakes:

    * ``ranked_among="all"``: tiers ranked among every customer (departed, not yet
      opened) instead of within the base;
    * ``ascending=True``: lowest CLV ranked first;
    * ``stat="share"`` (the tier's share of all churners), ``"count"`` (churners),
      ``"kept"`` (1 - rate);
    * ``window="ever"``: every churner of the base, also those who left in later years;
    * ``base="with_new"``: customers who opened during ``year`` put into the base.

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 10,
    ...                    "churn_date": ["2023-05-01", None, None, None, None,
    ...                                   None, None, "2023-02-01", "2023-03-01", "2023-04-01"],
    ...                    "clv": [100.0, 90, 80, 70, 60, 50, 40, 30, 20, 10]})
    >>> tier_churn_rates(df, 2023).round(3).to_dict()
    {'top': 1.0, 'middle': 0.0, 'bottom': 1.0}
    >>> tier_churn_rates(df, 2023, stat="share").to_dict()
    {'top': 0.25, 'middle': 0.0, 'bottom': 0.75}
    """
    year = int(year)
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    if base == "with_new":
        opened = domain.as_dates(customers["open_date"], "open_date")
        churn = domain.as_dates(customers["churn_date"], "churn_date")
        in_base = (opened < pd.Timestamp(end)) & (churn.isna() | (churn >= pd.Timestamp(start)))
    else:
        in_base = domain.year_start_base(customers, year)
    clv = pd.to_numeric(customers["clv"], errors="coerce")
    signed = clv if not ascending else -clv
    if ranked_among == "all":
        tier = domain.clv_tier(signed).loc[in_base]
    else:
        tier = domain.clv_tier(signed.loc[in_base])
    rows = customers.loc[in_base]
    if window == "ever":
        churned = domain.as_dates(rows["churn_date"], "churn_date").notna()
    else:
        churned = domain.churned_during(rows, start, end)
    grouped = churned.astype(float).groupby(tier)
    if stat == "count":
        out = grouped.sum()
    elif stat == "share":
        total = float(churned.sum())
        out = grouped.sum() / total if total else grouped.sum() * float("nan")
    elif stat == "kept":
        out = 1.0 - grouped.mean()
    else:
        out = grouped.mean()
    return out.reindex(list(domain.TIERS)).astype(float).rename("churn_rate")


def diagnose_churn_by_tier(answer: Any, customers: pd.DataFrame,
                           year: int = TIER_CHURN_YEAR) -> str | None:
    """None if ``answer`` holds the right churn rate per tier, else a Chinese message.

    ``answer``: dict / Series keyed 'Top 10%' / 'Middle 60%' / 'Bottom 30%' (or
    高价值 / 中价值 / 低价值, or top / middle / bottom) with fractions (0.2 = 20 %),
    or a DataFrame with ``tier`` and ``churn_rate`` columns. The message names the
    mistake (population, ranking, denominator, window, unit) without the values.

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 10,
    ...                    "churn_date": ["2023-05-01"] + [None] * 6 + ["2023-02-01"] * 3,
    ...                    "clv": [100.0, 90, 80, 70, 60, 50, 40, 30, 20, 10]})
    >>> diagnose_churn_by_tier({"Top 10%": 1, "Middle 60%": 0, "Bottom 30%": 1}, df, 2023) is None
    True
    >>> diagnose_churn_by_tier({"Top 10%": 100, "Middle 60%": 0, "Bottom 30%": 100}, df, 2023)[:8]
    '数值像是百分数。'
    """
    got, msg = labelled_numbers(answer, domain.TIERS, domain.tier_key, domain.TIER_LABELS_EN,
                                "tier", "churn_rate", "流失率")
    if got is None:
        return msg
    right = tier_churn_rates(customers, year)
    if right.isna().any():  # a tier without customers: only a data problem, never a trainee's
        return "这份数据里有价值层没有客户，算不出流失率：请换一份更大的数据（N_CUSTOMERS）。"
    if matches(got, right, atol=ATOL):
        return None
    if matches(got, right * 100, atol=ATOL * 100):
        return "数值像是百分数。请用 0 到 1 之间的比例作答（例如 0.2 表示 20%）。"
    if matches(got, tier_churn_rates(customers, year, stat="share"), atol=ATOL):
        return ("这是各层占全部流失客户的比例（三个数加起来是 1）。流失率的分母是该层在"
                f"{year} 年初的人数：每层流失的人数 ÷ 该层的人数。")
    if matches(got, tier_churn_rates(customers, year, stat="count"), atol=0.5):
        return "这些数是各层流失的人数，还要除以该层年初的人数，才是流失率。"
    if matches(got, tier_churn_rates(customers, year, stat="kept"), atol=ATOL):
        return "这像是留存率（没有流失的比例）。题目要的是流失率。"
    if matches(got, tier_churn_rates(customers, year, ascending=True), atol=ATOL):
        return ("高价值层和低价值层像是对调了：排序方向反了吗？Top 10% 是 CLV 最高的那 10% 客户"
                "（sort_values(ascending=False)）。")
    if matches(got, tier_churn_rates(customers, year, ranked_among="all"), atol=ATOL):
        return (f"分层用的是全部客户的排名（包括已经流失的、后来才开户的）。先选出 {year} 年 1 月 1 日"
                "开始时在网的客户，再在这群人里按 CLV 排序分层。")
    if matches(got, tier_churn_rates(customers, year, window="ever"), atol=ATOL):
        return (f"{year} 年以后才流失的客户也被算成了流失：只数在 {year} 年内"
                f"（{year}-01-01 至 {year}-12-31）流失的客户。")
    if matches(got, tier_churn_rates(customers, year, base="with_new"), atol=ATOL):
        return (f"分母里多了 {year} 年内新开户的客户：流失率的分母是 {year} 年 1 月 1 日开始时"
                "就在网的客户（讲义第一节的口径）。")
    for other in (year - 1, year + 1, year - 2):
        try:
            other_rates = tier_churn_rates(customers, other)
        except Exception:  # noqa: BLE001 - a year outside the data
            continue
        if not other_rates.isna().any() and matches(got, other_rates, atol=ATOL):
            return f"这像是 {other} 年的流失率。题目问的是 {year} 年。"
    if (got > 1).any() or (got < 0).any():
        return "流失率应该在 0 到 1 之间。"
    return (f"这些层的流失率和数据对不上：{off_labels(got, right, domain.TIER_LABELS_EN, atol=ATOL)}。"
            f"检查三步：{year} 年初在网的人群、在这群人里按 CLV 从高到低分层、每层当年流失的占比。")


class ChurnByTier(Exercise):
    """Q2: churn rate of ``year`` per CLV tier, tiers ranked within the year-start base."""

    id = "L1.churn_by_tier"
    title = "各价值层的流失率"
    hints = [
        "人群和讲义第一节算流失率时的分母一样：这一年 1 月 1 日开始时在网的客户"
        "（open_date 早于 1 月 1 日，churn_date 为空或不早于 1 月 1 日）。",
        "在这群人里按 clv 从高到低排序：前 10% 是 Top 10%，接下来 60% 是 Middle 60%，"
        "最后 30% 是 Bottom 30%（人数用 round(0.1 * n)、round(0.3 * n)）。",
        "每位客户“当年是否流失”是一个 True/False：churn_date 在这一年之内。"
        "对 True/False 求 .mean() 就是占比。",
        "也可以用课程的定义：domain.year_start_base(customers, 年份) 选人群，"
        "domain.clv_tier(base['clv']) 给每人分层，再 groupby 分层求平均。",
    ]
    solution_code = (
        "year = 2023\n"
        "jan1, next_jan1 = pd.Timestamp(f'{year}-01-01'), pd.Timestamp(f'{year + 1}-01-01')\n"
        "base = customers[(customers['open_date'] < jan1) & (\n"
        "    customers['churn_date'].isna() | (customers['churn_date'] >= jan1))]   # 年初在网\n"
        "churned = base['churn_date'] < next_jan1          # 当年流失（空值为 False）\n"
        "ranked = base['clv'].sort_values(ascending=False)  # 在这群人里从高到低排\n"
        "n = len(ranked)\n"
        "n_top, n_bottom = round(0.1 * n), round(0.3 * n)\n"
        "top, middle, bottom = (ranked.index[:n_top], ranked.index[n_top:n - n_bottom],\n"
        "                       ranked.index[n - n_bottom:])\n"
        "answer2 = {'Top 10%': churned[top].mean(), 'Middle 60%': churned[middle].mean(),\n"
        "           'Bottom 30%': churned[bottom].mean()}"
    )
    success = ("答对了！高价值客户流失得少，但每流失一位，带走的价值是低价值客户的许多倍："
               "挽留要按价值分层。")

    @property
    def population(self) -> pd.DataFrame:
        """The customers this question is about: on the books as 1 January ``year`` begins."""
        customers = self.context["customers"]
        return customers.loc[domain.year_start_base(customers, self.context["year"])]

    def expected(self) -> pd.Series:
        return tier_churn_rates(self.context["customers"], self.context["year"])

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_churn_by_tier(answer, self.context["customers"], self.context["year"])
