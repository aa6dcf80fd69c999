"""Lecture 2, question 1: R, F and M per customer as of the cut-off date.

The right answer is :func:`course_utils.features.rfm` on every transaction strictly
before the cut-off (all history, no start date). The check recognises leakage
(rows on or after the cut-off), the lecture's one-year window, text instead of
numbers, lost customer ids and the usual R/F/M slips, and says which one it is.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils.exercises import Exercise, answers
from course_utils.features import rfm

RFM_COLS = ("recency_days", "frequency", "monetary")


def _as_rfm_frame(answer: Any) -> tuple[pd.DataFrame | None, str]:
    if not isinstance(answer, pd.DataFrame):
        return None, (f"答案应该是一个 DataFrame（每位客户一行，列为 recency_days、frequency、"
                      f"monetary）；你给的是{answers.type_name(answer)}。")
    df = answer
    if "customer_id" in df.columns:
        df = df.set_index("customer_id")
    if len(df) == 0:
        return None, "答案是空表：没有任何客户。检查筛选条件是不是把所有交易都去掉了。"
    missing = [c for c in RFM_COLS if c not in df.columns]
    if missing:
        return None, (f"缺少列 {missing}。请把三列分别命名为 recency_days（最近一次交易距今天数）、"
                      f"frequency（交易笔数）、monetary（交易金额合计）。")
    out = pd.DataFrame(index=df.index.astype(str))
    for c in RFM_COLS:
        col = df[c]
        if isinstance(col, pd.DataFrame):
            return None, f"有两列都叫 {c}：每个列名只能出现一次。"
        if pd.api.types.is_timedelta64_dtype(col):
            col = col.dt.days
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            return None, (f"列 {c} 里存的是文字或其他类型（{col.dtype}），不是数字。"
                          "不要把数字转成字符串 (str)；直接用 groupby 的计算结果。")
        num = pd.to_numeric(col, errors="coerce")
        if num.isna().any():
            return None, f"列 {c} 里有空值 (NaN)：每位客户的三项都应该有数。"
        out[c] = num.to_numpy(dtype=float)
    if out.index.duplicated().any():
        return None, "同一位客户出现了多行：RFM 表应该每位客户一行（按 customer_id 分组）。"
    return out, ""


def _same(a: pd.Series, b: pd.Series, tol: float = 1e-6) -> bool:
    b = b.reindex(a.index)
    if b.isna().any():
        return False
    return bool(np.allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-6, atol=tol))


def diagnose_rfm(answer: Any, transactions: pd.DataFrame, as_of: str) -> str | None:
    """None if ``answer`` is the RFM table of ``transactions`` before ``as_of``, else a message.

    Recognised mistakes: rows on/after the cut-off used (leakage), recency with the
    wrong sign or from the first transaction, frequency = amounts summed,
    monetary = mean amount, customers missing or extra.
    """
    got, msg = _as_rfm_frame(answer)
    if got is None:
        return msg
    cutoff = pd.Timestamp(as_of)
    expected = rfm(transactions, cutoff)
    expected.index = expected.index.astype(str)
    everything = rfm(transactions, pd.Timestamp(transactions["txn_date"].max()) + pd.Timedelta(days=1))
    everything.index = everything.index.astype(str)
    inclusive = rfm(transactions, cutoff + pd.Timedelta(days=1))
    inclusive.index = inclusive.index.astype(str)

    known = set(transactions["customer_id"].astype(str).unique())
    if not any(i in known for i in got.index[:1000]):
        return ("表里认不出客户号：行索引不是 customer_id，也没有 customer_id 列"
                "（例如 reset_index(drop=True) 会把客户号丢掉）。"
                "让 customer_id 作为索引，或保留为一列。")
    extra = got.index.difference(expected.index)
    unknown = [i for i in extra if i not in known]
    if unknown:
        return (f"表里有 {len(unknown)} 个认不出的客户号（例如 {unknown[0]}）："
                "客户号应该和交易表 customer_id 列里的一样。")
    if len(extra):
        return (f"表里有 {len(extra)} 位客户在截止日之前没有任何交易（他们的交易都在截止日当天或之后）："
                "这是用到了截止日之后的数据（数据泄漏 leakage）。先筛选 txn_date < 截止日。")
    missing = expected.index.difference(got.index)
    if len(missing):
        last = expected["recency_days"]
        shown_max = float(got["recency_days"].max()) if len(got) else 0.0
        if (last.loc[missing] > shown_max).all() and (last.drop(missing) <= shown_max).all():
            return (f"少了 {len(missing)} 位客户：他们截止日前最近一次交易都在 {shown_max:.0f} 天以前。"
                    "看起来你只用了截止日前最近一段时间（例如讲义里的 365 天）的交易；"
                    "这道题要用截止日之前的全部交易（只限定截止日，不限定开始日期）。")
        return (f"少了 {len(missing)} 位在截止日前有交易的客户。检查筛选条件，"
                "并确认是按 customer_id 分组。")
    got = got.loc[expected.index]

    # frequency
    if not _same(got["frequency"], expected["frequency"]):
        if _same(got["frequency"], inclusive["frequency"]):
            return ("截止日当天的交易也被算进去了：只能用严格早于截止日的交易（txn_date < 截止日，"
                    "不是 <=）。")
        if _same(got["frequency"], everything["frequency"]):
            return ("frequency 用到了截止日之后的交易（数据泄漏 leakage）：计算前先筛选 "
                    "txn_date < 截止日。")
        if _same(got["frequency"], expected["monetary"], tol=0.01):
            return "frequency 看起来是金额之和。frequency 应该是交易笔数（count / size），不是金额。"
        return "frequency（交易笔数）和数据对不上：按客户数一数截止日前的交易有几笔。"
    # monetary
    if not _same(got["monetary"], expected["monetary"], tol=0.01):
        if _same(got["monetary"], everything["monetary"], tol=0.01):
            return "monetary 用到了截止日之后的交易（数据泄漏）。先筛选再求和。"
        if _same(got["monetary"], expected["monetary"] / expected["frequency"], tol=0.01):
            return "monetary 看起来是平均每笔金额 (mean)。这里要的是截止日前的交易金额合计 (sum)。"
        return "monetary（交易金额合计）和数据对不上：按客户对 amount 求和 (sum)。"
    # recency
    if not _same(got["recency_days"], expected["recency_days"]):
        if (got["recency_days"] < 0).any():
            if _same(-got["recency_days"], expected["recency_days"]):
                return "recency_days 是负数：方向算反了。应该是 截止日 − 最近一次交易日（天数为正）。"
            return ("recency_days 出现负数：用到了截止日之后的交易，或减法方向反了。"
                    "应该是 截止日 − 最近一次交易日。")
        first = transactions[pd.to_datetime(transactions["txn_date"]) < cutoff].groupby(
            transactions["customer_id"].astype(str))["txn_date"].min()
        from_first = (cutoff - pd.to_datetime(first)).dt.days
        if _same(got["recency_days"], from_first):
            return "recency_days 用的是第一次交易 (min)。Recency 要看最近一次交易，用 max。"
        if _same(got["recency_days"], expected["recency_days"] - 1) or \
                _same(got["recency_days"], expected["recency_days"] + 1):
            return "recency_days 差了 1 天：直接用 (截止日 − 最近一次交易日).dt.days，不要再加减 1。"
        return "recency_days 和数据对不上：应为 截止日 − 该客户最近一次交易日 的天数。"
    return None


class Rfm(Exercise):
    """Q1: R, F, M per customer as of the cut-off date (all transactions before it)."""

    id = "L2.rfm"
    title = "计算截止日的 RFM"
    hints = [
        "第一步只保留截止日之前的交易：tx[tx['txn_date'] < cut]（严格小于，截止日当天不算；不限开始日期）。",
        "按 customer_id 分组 (groupby)，分别求：最近一次交易日 max、交易笔数 size/count、金额合计 sum。",
        "recency_days = (截止日 − 最近一次交易日).dt.days；最后把三列命名为 recency_days、frequency、monetary。",
    ]
    solution_code = (
        "cut = pd.Timestamp(CUTOFF)\n"
        "before = tx[tx['txn_date'] < cut]                      # 只用截止日之前的交易\n"
        "g = before.groupby('customer_id')\n"
        "answer1 = pd.DataFrame({\n"
        "    'recency_days': (cut - g['txn_date'].max()).dt.days,  # 最近一次交易距今天数\n"
        "    'frequency': g.size(),                                 # 交易笔数\n"
        "    'monetary': g['amount'].sum(),                         # 交易金额合计\n"
        "})\n"
        "# 也可以一行：answer1 = features.rfm(tx, CUTOFF)"
    )
    success = "答对了！只用截止日之前的数据，R、F、M 三列都对。"

    @property
    def as_of(self) -> str:
        """The cut-off date (观察截止日) this question is bound to."""
        return str(self.context["as_of"])

    def expected(self) -> pd.DataFrame:
        return rfm(self.context["transactions"], pd.Timestamp(self.as_of))

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_rfm(answer, self.context["transactions"], self.as_of)
