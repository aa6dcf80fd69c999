"""Lecture 1, question 4: how many customers a relative churn cut of 20 % keeps.

The seed's case ("AI cut churn by 20 %") turned into customers. The question uses
``config.L1_CHURN_CUT_YEAR`` (2022, rate about 18 %), not the lecture's 2023 (rate
20 %): at a 20 % rate "20 % of the year-start base" and "all churners" are the same
number, so the check could not tell the two mistakes apart.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from course_utils.config import L1_CHURN_CUT, L1_CHURN_CUT_YEAR
from course_utils.exercises import Exercise, answers


def diagnose_customers_kept(answer: Any, customers: pd.DataFrame, year: int = L1_CHURN_CUT_YEAR,
                            relative_cut: float = L1_CHURN_CUT) -> str | None:
    """Return None if ``answer`` is the number of customers kept, else a message.

    Right answer: churners of ``year`` (among customers on the books on 1 January)
    × ``relative_cut``, ±1 customer for rounding. Recognised mistakes: a share
    instead of a count, all churners (a cut of 20 percentage points), 20 % of the
    year-start base, the churners that remain, another year's figure.

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 10,
    ...                    "churn_date": ["2023-03-01"] * 4 + [None] * 6, "clv": [1.0] * 10})
    >>> diagnose_customers_kept(0.8, df, 2023) is None, diagnose_customers_kept(4, df, 2023)[:8]
    (True, '4 是 2023')
    >>> diagnose_customers_kept(2, df, 2023)[:10]
    '20% 要乘在当年流'
    """
    from course_utils.impact import churn_cut_impact

    if isinstance(answer, str):
        return "答案应该是一个数字（客户人数），你给的是文字。去掉引号试试。"
    if not answers.is_real(answer):
        return f"答案应该是一个数字（客户人数），你给的是{answers.type_name(answer)}。"
    a = answers.to_number(answer)
    if a is None:
        return "答案是 NaN（非数字）或无穷大，通常是空数据或除以 0 造成的。"
    r = churn_cut_impact(customers, year, relative_cut)
    want = r.churned * relative_cut
    if abs(a - want) <= 1.0:
        return None
    if 0 < a < 1:
        return "这是一个比例，题目问的是少流失的客户“人数”。"
    pct = f"{relative_cut:.0%}"
    if abs(a - r.churned) <= 1.0:
        return (f"{a:g} 是 {year} 年全部流失客户的人数——相当于把“降低 {pct}”理解成流失率降低 "
                f"{relative_cut * 100:g} 个百分点（{year} 年流失率 {r.churn_rate:.1%}，减去 "
                f"{relative_cut * 100:g} 个百分点就到 0 甚至负数了）。这里是相对降低："
                f"流失率变为原来的 {1 - relative_cut:.0%}。")
    if abs(a - r.active_start * relative_cut) <= 1.0:
        return (f"{pct} 要乘在当年流失的客户数上，而不是年初在网的客户数上："
                "被“降低”的是流失，不是客户总数。")
    if abs(a - r.churned * (1 - relative_cut)) <= 1.0:
        return "这是降低后仍然会流失的人数。题目问的是因此少流失（被留住）的人数。"
    for other in (year - 2, year - 1, year + 1, year + 2):
        try:
            o = churn_cut_impact(customers, other, relative_cut)
        except Exception:  # noqa: BLE001 - a year outside the data
            continue
        if o.churned and abs(a - o.churned * relative_cut) <= 1.0:
            return f"这是 {other} 年的数字（例如讲义里的例子）。题目问的是 {year} 年。"
    return (f"人数{'偏多' if a > want else '偏少'}了。先数出 {year} 年 1 月 1 日在网、"
            f"并在 {year} 年内流失的客户，再想“相对降低 {pct}”意味着什么。")


class ChurnCut(Exercise):
    """Q4: customers kept if the churn rate of ``year`` had been ``cut`` (relative) lower."""

    id = "L1.churn_cut"
    title = f"流失率降低 {L1_CHURN_CUT:.0%} 能留住多少客户"
    hints = [
        f"先数出 {L1_CHURN_CUT_YEAR} 年 1 月 1 日在网、并在 {L1_CHURN_CUT_YEAR} 年内流失的客户人数"
        "（讲义第一节算流失率时的分子）。",
        f"“流失率降低 {L1_CHURN_CUT:.0%}”是相对降低：流失率变为原来的 {1 - L1_CHURN_CUT:.0%}，"
        f"流失人数也相应减少 {L1_CHURN_CUT:.0%}。",
        f"少流失的人数 = {L1_CHURN_CUT_YEAR} 年流失人数 × {L1_CHURN_CUT:g}。",
    ]
    solution_code = (
        f"start = pd.Timestamp('{L1_CHURN_CUT_YEAR}-01-01')\n"
        f"end = pd.Timestamp('{L1_CHURN_CUT_YEAR + 1}-01-01')\n"
        "on_books = (customers['open_date'] < start) & (\n"
        "    customers['churn_date'].isna() | (customers['churn_date'] >= start))   # 年初在网\n"
        "churned = on_books & (customers['churn_date'] < end)                       # 当年流失\n"
        f"answer4 = churned.sum() * {L1_CHURN_CUT:g}"
    )
    success = "答对了！这些客户每人都带着自己的 CLV——这就是“降低 20%”的分量。"

    def expected(self) -> float:
        from course_utils.impact import churn_cut_impact

        c = self.context
        return float(churn_cut_impact(c["customers"], c["year"], c["cut"]).churned * c["cut"])

    def diagnose(self, answer: Any) -> str | None:
        c = self.context
        return diagnose_customers_kept(answer, c["customers"], c["year"], c["cut"])
