"""Lecture 1, question 4: what a 20 % relative churn cut keeps, in customers and in CLV.

The seed's case ("AI cut churn by 20 %") turned into customers and value. The
lecture works it through for 2023 with ``impact.churn_cut_impact``; the question
uses ``config.L1_CHURN_CUT_YEAR`` (2022, rate about 18 %): at a 20 % rate "20 % of
the year-start base" and "all churners" are the same number, so the check could
not tell the two mistakes apart.

Answer: ``{"customers": kept, "clv": value}`` -- customers kept = the year's
churners × the cut, rounded to a whole customer; value = kept × the mean CLV of
the year's churners (the lecture's assumption: those kept are average churners).
``cut × the churners' total CLV`` (the same before rounding) is accepted too.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from course_utils import domain
from course_utils.config import L1_CHURN_CUT, L1_CHURN_CUT_YEAR
from course_utils.exercises import Exercise, answers
from course_utils.impact import churn_cut_impact, year_base

#: Relative tolerance on the CLV (rounding of a computation, never a different method).
CLV_RTOL = 0.002
#: Accepted keys of the answer (English first, as in the notebook).
KEYS = {
    "customers": ("customers", "customers_kept", "客户数", "人数", "少流失客户数", "少流失的客户数"),
    "clv": ("clv", "CLV", "clv_kept", "价值", "客户价值", "CLV 合计", "保住的 CLV"),
}
LABELS = {"customers": "customers（少流失的客户数）", "clv": "clv（这些客户的 CLV 合计，元）"}


def read_answer(answer: Any) -> tuple[dict[str, float] | None, str]:
    """``({"customers": x, "clv": y}, "")`` or ``(None, Chinese message)``; never raises.

    >>> read_answer({"customers": 114, "clv": 7.2e6})
    ({'customers': 114.0, 'clv': 7200000.0}, '')
    >>> read_answer(114)[1][:15]
    '答案应该是一个字典，里面有两个'
    """
    return answers.read_numbers(answer, KEYS, "{'customers': 人数, 'clv': 金额}", labels=LABELS,
                                shape="，里面有两个值", each="每个键")


def _close(x: float, target: float, rtol: float = CLV_RTOL) -> bool:
    return abs(x - target) <= max(rtol * abs(target), 1.0)


def _diagnose_customers(a: float, r: Any, year: int, cut: float,
                        customers: pd.DataFrame) -> str | None:
    raw = r.churned * cut
    if a == r.customers_kept:
        return None
    pct = f"{cut:.0%}"
    if abs(a - raw) < 1e-6 and not float(a).is_integer():
        return "少流失的客户数要是整数：把结果四舍五入 (round) 到整数。"
    if a == math.floor(raw) and a != r.customers_kept:
        return "int() 是直接去掉小数（向下取整）；人数请四舍五入：round(...)。"
    if 0 < a < 1:
        return "这是一个比例，题目问的是少流失的客户“人数”。"
    if abs(a - r.churned) <= 1.0:
        return (f"{a:g} 是 {year} 年全部流失客户的人数——相当于把“降低 {pct}”理解成流失率降低 "
                f"{cut * 100:g} 个百分点（流失率减去 {cut * 100:g} 个百分点就到 0 甚至负数了）。"
                f"这里是相对降低：流失率变为原来的 {1 - cut:.0%}。")
    if abs(a - r.active_start * cut) <= 1.0:
        return (f"{pct} 要乘在当年流失的客户数上，而不是年初在网的客户数上："
                "被“降低”的是流失，不是客户总数。")
    if abs(a - r.churned * (1 - cut)) <= 1.0:
        return "这是降低后仍然会流失的人数。题目问的是因此少流失（被留住）的人数。"
    for other in (year - 2, year - 1, year + 1, year + 2):
        try:
            o = churn_cut_impact(customers, other, cut)
        except Exception:  # noqa: BLE001 - a year outside the data
            continue
        if o.churned and abs(a - o.churned * cut) <= 1.0:
            return f"这是 {other} 年的人数（例如讲义里的例子）。题目问的是 {year} 年。"
    return (f"人数{'偏多' if a > raw else '偏少'}了。先数出 {year} 年 1 月 1 日开始时在网、"
            f"并在 {year} 年内流失的客户，再想“相对降低 {pct}”意味着什么。")


def _diagnose_clv(x: float, r: Any, year: int, cut: float, customers: pd.DataFrame) -> str | None:
    kept = r.customers_kept
    rights = (r.clv_kept, cut * r.total_clv_churned)
    if any(_close(x, t) for t in rights):
        return None
    if any(_close(x, t / 10_000) for t in rights):
        return "数值的单位像是万元。请用元 (CNY) 作答，和数据里 clv 列的单位一致。"
    if _close(x, r.mean_clv_churned):
        return "这是流失客户的人均 CLV，还要乘以少流失的人数。"
    if _close(x, r.total_clv_churned):
        return (f"这是 {year} 年全部流失客户的 CLV 合计——流失率相对降低 {cut:.0%}，"
                "只留住其中一部分客户。")
    if _close(x, r.total_clv_churned - r.clv_kept) or _close(x, (1 - cut) * r.total_clv_churned):
        return "这是降低后仍然会流失的客户带走的 CLV。题目问的是被留住的客户的 CLV。"
    base = year_base(customers, year)
    clv = pd.to_numeric(customers["clv"], errors="coerce")
    current = customers.loc[domain.on_books(customers, domain.CURRENT_CUSTOMERS_AS_OF)]
    others = (("全部客户", float(clv.mean())),
              (f"{year} 年初在网的全部客户", float(pd.to_numeric(base["clv"]).mean())),
              ("当前在网的客户", float(pd.to_numeric(current["clv"]).mean())))
    for name, mean in others:
        if math.isfinite(mean) and any(_close(x, n * mean) for n in (kept, r.churned * cut)):
            return (f"乘的是{name}的人均 CLV。被留住的是流失客户，要用 {year} 年流失客户的"
                    "人均 CLV（讲义的假设：被留住的是“平均水平”的流失客户）。")
    lost = base.loc[base["churned_in_year"], "clv"].astype(float).sort_values(ascending=False)
    if kept and _close(x, float(lost.iloc[:kept].sum())):
        return ("这是 CLV 最高的那部分流失客户的价值——题目假设被留住的是“平均水平”的流失客户"
                "（乐观的假设要单独说明）。")
    if _close(x, cut * r.active_start * float(pd.to_numeric(base["clv"]).mean())):
        return f"{cut:.0%} 要乘在流失客户上，而不是年初全部在网客户的 CLV 上。"
    for other in (year - 1, year + 1):
        try:
            o = churn_cut_impact(customers, other, cut)
        except Exception:  # noqa: BLE001 - a year outside the data
            continue
        if o.churned and _close(x, o.clv_kept):
            return f"这是 {other} 年的 CLV（例如讲义里的例子）。题目问的是 {year} 年。"
    return (f"CLV {'偏多' if x > r.clv_kept else '偏少'}了。被留住的客户数 × {year} 年流失客户的"
            "人均 CLV，单位是元。")


def diagnose_churn_cut(answer: Any, customers: pd.DataFrame, year: int = L1_CHURN_CUT_YEAR,
                       cut: float = L1_CHURN_CUT) -> str | None:
    """None if ``answer`` gives the customers and the CLV kept by the cut, else a message.

    ``answer``: ``{"customers": n, "clv": cny}`` (or a Series). Customers: churners of
    ``year`` (among customers on the books as 1 January begins) × ``cut``, rounded to
    a whole number. CLV: that number × the mean CLV of ``year``'s churners, or ``cut``
    × their total CLV (within 0.2 %). Customers are judged first.

    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 10,
    ...                    "churn_date": ["2023-03-01"] * 5 + [None] * 5,
    ...                    "clv": [10.0, 20.0, 30.0, 40.0, 50.0] + [1000.0] * 5})
    >>> diagnose_churn_cut({"customers": 1, "clv": 30.0}, df, 2023) is None
    True
    >>> diagnose_churn_cut({"customers": 5, "clv": 30.0}, df, 2023)[:8]
    '5 是 2023'
    >>> diagnose_churn_cut({"customers": 1, "clv": 515.0}, df, 2023)[:10]   # mean of everyone
    '乘的是全部客户的人均'
    """
    got, msg = read_answer(answer)
    if got is None:
        return msg
    r = churn_cut_impact(customers, year, cut)
    wrong = _diagnose_customers(got["customers"], r, year, cut, customers)
    if wrong:
        return wrong
    return _diagnose_clv(got["clv"], r, year, cut, customers)


class ChurnCut(Exercise):
    """Q4: customers and CLV kept if ``year``'s churn rate had been ``cut`` (relative) lower."""

    id = "L1.churn_cut_value"
    title = f"流失率降低 {L1_CHURN_CUT:.0%}：留住多少客户、多少价值"
    hints = [
        f"先数出 {L1_CHURN_CUT_YEAR} 年 1 月 1 日开始时在网、并在 {L1_CHURN_CUT_YEAR} 年内流失的客户"
        "（讲义第一节算流失率时的分子）。",
        f"“流失率降低 {L1_CHURN_CUT:.0%}”是相对降低：流失率变为原来的 {1 - L1_CHURN_CUT:.0%}，"
        f"流失人数也相应减少 {L1_CHURN_CUT:.0%}。人数四舍五入成整数：round(...)。",
        "价值：讲义的假设是被留住的是“平均水平”的流失客户——用这些流失客户的 clv 平均值，"
        "乘以少流失的人数。",
    ]
    solution_code = (
        f"start = pd.Timestamp('{L1_CHURN_CUT_YEAR}-01-01')\n"
        f"end = pd.Timestamp('{L1_CHURN_CUT_YEAR + 1}-01-01')\n"
        "base = customers[(customers['open_date'] < start) & (\n"
        "    customers['churn_date'].isna() | (customers['churn_date'] >= start))]   # 年初在网\n"
        "lost = base[base['churn_date'] < end]                                       # 当年流失\n"
        f"kept = round(len(lost) * {L1_CHURN_CUT:g})          # 少流失的人数（相对降低）\n"
        "answer4 = {'customers': kept, 'clv': kept * lost['clv'].mean()}   # 平均水平的流失客户"
    )
    success = "答对了！这些客户每人都带着自己的 CLV——这就是“降低 20%”的分量。"

    def expected(self) -> dict:
        c = self.context
        r = churn_cut_impact(c["customers"], c["year"], c["cut"])
        return {"customers": int(r.customers_kept), "clv": float(r.clv_kept)}

    def diagnose(self, answer: Any) -> str | None:
        c = self.context
        return diagnose_churn_cut(answer, c["customers"], c["year"], c["cut"])
