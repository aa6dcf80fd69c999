"""Lecture 3, question 1: build a churn table at a cut-off without leakage.

One row per customer on the books when the cut-off day begins
(:func:`course_utils.domain.on_books_at_start`), two features from the 12 months
strictly before the cut-off and the label "churned within 6 months from the
cut-off". The check names the typical mistakes: transactions on or after the
cut-off (leakage), a wrong feature window, customers already gone (or not yet
there) at the cut-off, customers without transactions dropped, a wrong label window.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils import domain
from course_utils.exercises import Exercise, answers

#: Columns of the answer (besides the customer id).
COLUMNS = ("frequency_12m", "amount_12m", "churned")
LOOKBACK_MONTHS = 12
OUTCOME_MONTHS = 6


def _frame(answer: Any) -> tuple[pd.DataFrame | None, str | None]:
    """The answer as a frame indexed by customer id, or (None, message)."""
    df = answers.to_frame(answer)
    if df is None or isinstance(answer, pd.Series):
        return None, (f"答案应该是一个表格 (DataFrame)：每位客户一行，列 {', '.join(COLUMNS)}；"
                      f"你给的是{answers.type_name(answer)}。")
    if df.columns.duplicated().any():
        return None, "表格里有重名的列：每列只能出现一次。"
    if "customer_id" in df.columns:
        df = df.set_index("customer_id")
    if len(df) == 0:
        return None, "表格是空的：每位截止日在网的客户应有一行。"
    try:
        ids = pd.Index(df.index.astype(str))
    except Exception:  # noqa: BLE001 - exotic index objects
        return None, "客户号应该放在索引 (index) 或 customer_id 列里。"
    if ids.has_duplicates:
        return None, f"有 {int(ids.duplicated().sum())} 个客户号重复出现：每位客户只能有一行。"
    df = df.copy()
    df.index = ids
    return df, None


class ChurnTable(Exercise):
    """Q1: the churn table at ``cutoff``: frequency / amount of the 12 months before, churn in 6 months."""

    id = "L3.churn_table"
    title = "在截止日构建流失表（不泄漏）"
    hints = [
        "三步：① 选出截止日当天开始时在网的客户（开户早于截止日，且没有流失或流失日不早于截止日）；"
        "② 只用截止日之前 12 个月的交易算特征；③ 标签看截止日起 6 个月内是否流失。",
        "在网：domain.on_books_at_start(customers, CUTOFF)。交易窗口：txn_date >= CUTOFF - 12 个月 且 "
        "txn_date < CUTOFF（严格小于：截止日当天的交易也不能用）。没有交易的客户也要保留，特征记 0。",
        "标签：churn_date >= CUTOFF 且 churn_date < CUTOFF + 6 个月（pd.DateOffset(months=6)）→ 1，否则 0。"
        "特征用 groupby('customer_id') 计数和求和，再 reindex 到在网客户、fillna(0)。",
    ]
    solution_code = (
        "cut = pd.Timestamp(CUTOFF)\n"
        "start, end = cut - pd.DateOffset(months=12), cut + pd.DateOffset(months=6)\n"
        "base = customers[domain.on_books_at_start(customers, cut)]          # 截止日开始时在网\n"
        "window = tx[(tx['txn_date'] >= start) & (tx['txn_date'] < cut)]     # 只用截止日之前 12 个月\n"
        "g = window.groupby('customer_id')['amount']\n"
        "answer1 = pd.DataFrame({\n"
        "    'frequency_12m': g.size(),\n"
        "    'amount_12m': g.sum(),\n"
        "}).reindex(base['customer_id']).fillna(0)                         # 没有交易的客户记 0\n"
        "churn = base.set_index('customer_id')['churn_date']\n"
        "answer1['churned'] = ((churn >= cut) & (churn < end)).astype(int)  # 截止日起 6 个月内流失\n"
        "q1.check(answer1)"
    )
    success = ("答对了！人群、特征窗口和标签窗口都对：特征只用截止日之前的数据，标签只看之后 6 个月，"
               "这张表可以放心拿去训练模型。")

    @property
    def cutoff(self) -> str:
        """The cut-off date (ISO text)."""
        return str(self.context["cutoff"])

    def _windows(self):
        cut = domain.as_date(self.context["cutoff"], "cutoff")
        return cut, cut - pd.DateOffset(months=LOOKBACK_MONTHS), cut + pd.DateOffset(months=OUTCOME_MONTHS)

    def _base(self) -> pd.DataFrame:
        if "_cache_base" not in self.__dict__:
            c = self.context["customers"]
            cut, _, _ = self._windows()
            base = c.loc[domain.on_books_at_start(c, cut)]
            self.__dict__["_cache_base"] = base.set_index(base["customer_id"].astype(str))
        return self.__dict__["_cache_base"]

    def _tx(self) -> tuple[pd.Series, pd.Series, pd.Series]:
        if "_cache_tx" not in self.__dict__:
            t = self.context["transactions"]
            self.__dict__["_cache_tx"] = (t["customer_id"].astype(str), domain.as_dates(t["txn_date"], "txn_date"),
                                    pd.to_numeric(t["amount"], errors="coerce"))
        return self.__dict__["_cache_tx"]

    def _count(self, lo=None, hi=None, hi_inclusive=False) -> tuple[pd.Series, pd.Series]:
        """(count, sum) of transactions with lo <= date < hi (<= hi when inclusive), per base customer."""
        ids, dates, amount = self._tx()
        m = pd.Series(True, index=dates.index)
        if lo is not None:
            m &= dates >= lo
        if hi is not None:
            m &= (dates <= hi) if hi_inclusive else (dates < hi)
        idx = self._base().index
        cnt = ids[m].value_counts().reindex(idx, fill_value=0).astype(float)
        amt = amount[m].groupby(ids[m]).sum().reindex(idx, fill_value=0.0).astype(float)
        return cnt, amt

    def expected(self) -> pd.DataFrame:
        cut, start, end = self._windows()
        base = self._base()
        cnt, amt = self._count(start, cut)
        churn = domain.as_dates(base["churn_date"], "churn_date")
        label = ((churn >= cut) & (churn < end)).astype(np.int64)
        out = pd.DataFrame({"frequency_12m": cnt.astype(np.int64), "amount_12m": amt.round(2), "churned": label})
        out.index.name = "customer_id"
        return out

    # ----------------------------------------------------------------- diagnosis
    def _population(self, ids: pd.Index) -> str | None:
        base = self._base()
        c = self.context["customers"]
        extra = ids.difference(base.index)
        missing = base.index.difference(ids)
        if len(extra):
            cut, _, _ = self._windows()
            known = c.set_index(c["customer_id"].astype(str))
            churn = domain.as_dates(known["churn_date"], "churn_date")
            opened = domain.as_dates(known["open_date"], "open_date")
            inside = extra.intersection(known.index)
            gone = int((churn.reindex(inside) < cut).sum())
            late = int((opened.reindex(inside) >= cut).sum())
            if gone:
                return (f"表里有 {gone} 位在截止日之前已经流失的客户：他们不属于截止日的在网客户"
                        "（否则标签里混进了“早就走了”的人）。")
            if late:
                return f"表里有 {late} 位截止日当天或之后才开户的客户：截止日开始时他们还不是客户。"
            return f"表里有 {len(extra)} 个客户号不在客户表里（例如 {extra[0]!s}）。"
        if len(missing):
            cut, start, _ = self._windows()
            cnt, _ = self._count(start, cut)
            no_tx = int((cnt.reindex(missing) == 0).sum())
            if no_tx == len(missing):
                return (f"少了 {len(missing)} 位在网客户：截止日前 12 个月没有交易的客户也要保留"
                        "（频次和金额记 0）——沉默的客户往往最可能流失。")
            churn = domain.as_dates(self._base().loc[missing, "churn_date"], "churn_date")
            if (churn == cut).any():
                return "少了在截止日当天流失的客户：截止日开始时他们仍然在网（流失日 >= 截止日）。"
            return f"少了 {len(missing)} 位截止日开始时在网的客户（开户早于截止日、尚未流失）。"
        return None

    def _numeric(self, df: pd.DataFrame, col: str) -> tuple[np.ndarray | None, str | None]:
        s = df[col]
        if not (pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
            return None, f"列 {col} 应该是数字，不是{answers.type_name(s.iloc[0]) if len(s) else '文字'}。"
        v = s.to_numpy(dtype=float, na_value=np.nan)
        if np.isnan(v).any():
            return None, f"列 {col} 有 {int(np.isnan(v).sum())} 个缺失值：没有交易的客户记 0，标签只能是 0 或 1。"
        if not np.isfinite(v).all():
            return None, f"列 {col} 里有无穷大 (inf)。"
        return v, None

    def _label(self, got: np.ndarray) -> str | None:
        cut, _, end = self._windows()
        churn = domain.as_dates(self._base()["churn_date"], "churn_date")
        want = ((churn >= cut) & (churn < end)).to_numpy(dtype=float)
        if np.array_equal(got, want):
            return None
        if not np.isin(got, (0.0, 1.0)).all():
            return "churned 只能是 0（未流失）或 1（流失）。"
        ever = (churn >= cut).to_numpy(dtype=float)
        if np.array_equal(got, ever):
            return "churned 的窗口不对：截止日之后任何时候流失都记成了 1，只算截止日起 6 个月内的流失。"
        year = ((churn >= cut) & (churn < cut + pd.DateOffset(months=12))).to_numpy(dtype=float)
        if np.array_equal(got, year):
            return "churned 的窗口是 12 个月：题目要的是截止日起 6 个月内的流失。"
        if np.array_equal(got, 1 - want):
            return "churned 的 0 和 1 反了：流失 = 1。"
        return f"churned 有 {int((got != want).sum())} 位客户不对：截止日起 6 个月内（不含第 6 个月之后）流失 = 1。"

    def _feature(self, col: str, got: np.ndarray, which: int) -> str | None:
        cut, start, end = self._windows()
        want = self._count(start, cut)[which].to_numpy()
        tol = 0.5 if which == 0 else 0.01

        def same(v):
            return np.abs(got - v).max() <= tol if len(v) else True

        if same(want):
            return None
        variants = [
            (lambda: self._count(start, None),
             f"{col} 用到了截止日之后的交易（数据泄漏 leakage）：窗口要在截止日前结束。"),
            (lambda: self._count(None, None), f"{col} 用了全部交易，包括截止日之后的（数据泄漏 leakage）。"),
            (lambda: self._count(cut, cut + pd.DateOffset(months=12)),
             f"{col} 数的是截止日之后 12 个月的交易：那是未来的数据（泄漏 leakage），特征只能来自截止日之前。"),
            (lambda: self._count(cut, end), f"{col} 数的是标签窗口里的交易（泄漏 leakage）：特征只能来自截止日之前。"),
            (lambda: self._count(start, cut, hi_inclusive=True),
             f"{col} 把截止日当天的交易也算进去了：只能用严格早于截止日的数据（< 截止日）。"),
            (lambda: self._count(None, cut), f"{col} 的窗口不对：只算截止日前 12 个月，不是截止日之前的全部历史。"),
        ]
        for make, msg in variants:
            if same(make()[which].to_numpy()):
                return msg
        n_bad = int((np.abs(got - want) > tol).sum())
        what = "交易笔数" if which == 0 else "交易金额之和（元，直接求和，不做清洗）"
        return f"{col} 有 {n_bad} 位客户不对：应为截止日前 12 个月（含 12 个月前当天、不含截止日）的{what}。"

    def diagnose(self, answer: Any) -> str | None:
        df, msg = _frame(answer)
        if df is None:
            return msg
        missing = [c for c in COLUMNS if c not in df.columns]
        if missing:
            return f"缺少列 {', '.join(missing)}：需要 {', '.join(COLUMNS)}（客户号放在索引或 customer_id 列）。"
        msg = self._population(df.index)
        if msg:
            return msg
        df = df.loc[self._base().index]
        values = {}
        for col in COLUMNS:
            v, msg = self._numeric(df, col)
            if msg:
                return msg
            values[col] = v
        return (self._label(values["churned"]) or self._feature("frequency_12m", values["frequency_12m"], 0)
                or self._feature("amount_12m", values["amount_12m"], 1))
