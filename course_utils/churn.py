"""Churn feature table with an honest observation / outcome split (Lecture 3).

One row per customer on the books when the cut-off day begins
(:func:`course_utils.domain.on_books_at_start`). Every feature uses only data dated
strictly *before* the cut-off (the observation window); the label ``churned`` says
whether the customer churned in ``[cutoff, cutoff + outcome_months)``.

The features reuse the Lecture 2 primitives: recency / frequency / monetary come from
:func:`course_utils.features.rfm`, the balance trend from
:func:`course_utils.features.balance_summary`. Every trend means the same thing as
there: **ratio - 1, 0 = flat**, -0.3 = down 30 %.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import domain
from .errors import CourseArgumentError
from .churn_models import (make_churn_model, odds_ratios, permutation_importance_table,
                           reason_codes, tree_rules)
from .evaluation import budget_metrics, calibration_table, lift_table, profit_curve
from .features import balance_summary, rfm

# The Lecture 3 API in one import: ``from course_utils.churn import make_churn_model,
# lift_table, budget_metrics`` (models live in churn_models, ranking metrics in evaluation).
__all__ = ["build_churn_table", "FEATURES", "make_churn_model", "odds_ratios", "tree_rules",
           "permutation_importance_table", "reason_codes", "lift_table", "budget_metrics",
           "profit_curve", "calibration_table"]

#: Feature columns produced by :func:`build_churn_table` (all numeric).
FEATURES = ["tenure_days", "age", "monthly_income", "satisfaction", "recency_days", "frequency",
            "monetary", "txn_trend", "balance_last", "balance_trend", "product_count",
            "complaints", "app_minutes_trend"]

#: Added to both sides of a balance trend (CNY), so a near-empty account does not swing it.
BALANCE_SMOOTHING_CNY = 100.0


#: The columns :func:`build_churn_table` reads, per table: (Chinese name, columns, date columns,
#: number columns). ``customers`` and ``transactions`` are required, the others optional.
TABLE_COLUMNS = {
    "customers": ("客户表", ("customer_id", "open_date", "churn_date", "age", "monthly_income",
                             "satisfaction"), ("open_date", "churn_date"), ("age", "monthly_income", "satisfaction")),
    "transactions": ("交易表", ("customer_id", "txn_date", "amount"), ("txn_date",), ("amount",)),
    "balances": ("月末余额表", ("customer_id", "month", "balance"), ("month",), ("balance",)),
    "holdings": ("持仓表", ("customer_id", "start_date"), ("start_date",), ()),
    "accounts": ("账户表", ("customer_id", "open_date", "close_date"), ("open_date", "close_date"), ()),
    "messages": ("消息表", ("customer_id", "msg_date", "intent", "sentiment"), ("msg_date",), ()),
    "app_usage": ("App 使用表", ("customer_id", "week_start", "minutes"), ("week_start",), ("minutes",)),
}
_REQUIRED_TABLES = ("customers", "transactions")


def _tables(bank) -> Mapping:
    if isinstance(bank, Mapping):
        return bank
    if hasattr(bank, "tables"):
        return bank.tables
    raise CourseArgumentError(
        f"build_churn_table 需要 Bank 对象（load_bank() / get_bank()）或表格字典 "
        f"{{'customers': df, 'transactions': df, ...}}，收到 {type(bank).__name__}。\n"
        f"build_churn_table expects a Bank (load_bank() / get_bank()) or a dict of tables "
        f"{{'customers': df, 'transactions': df, ...}}, got {type(bank).__name__}.")


def _table_error(table: str, zh: str, en: str, fix_zh: str, fix_en: str) -> CourseArgumentError:
    """A bilingual error about one input table of :func:`build_churn_table`."""
    name_zh = TABLE_COLUMNS[table][0]
    return CourseArgumentError(f"build_churn_table：{name_zh} {table} {zh}。修复方法：{fix_zh}\n"
                               f"build_churn_table: table {table} {en}. Fix: {fix_en}")


def _check_months(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise CourseArgumentError(f"{name} 应是正整数（月数），例如 6，收到 {value!r}。\n"
                                  f"{name} must be a positive whole number of months, e.g. 6, got {value!r}.")
    return int(value)


def _check_inputs(tb: Mapping, cutoff) -> tuple[pd.Timestamp, Mapping]:
    """Validate the tables and the cut-off of :func:`build_churn_table` up front (bilingual errors).

    Missing table / column, a table that is not a DataFrame, text that is not a date in a
    date column, text that is not a number in a number column, a cut-off that is not a date.
    Returns the cut-off and the tables, date columns given as text replaced by the parsed
    dates (parsed once, here). Datetime64 and numeric columns (a loaded Bank) cost one dtype
    look-up each.
    """
    if isinstance(cutoff, (bool, numbers.Number)):  # pd.Timestamp(2022) is 1970-01-01 + 2022 ns
        raise CourseArgumentError(f"cutoff 应是日期，例如 '2022-07-01'，收到数字 {cutoff!r}。\n"
                                  f"cutoff must be a date, e.g. '2022-07-01', got the number {cutoff!r}.")
    cut = domain.as_date(cutoff, "cutoff")
    found = ", ".join(map(str, list(tb)[:12])) or "（无 none）"
    for table in _REQUIRED_TABLES:
        if table not in tb:
            raise _table_error(table, f"缺失：build_churn_table 需要 customers 和 transactions（收到的表：{found}）",
                               f"is missing: build_churn_table needs customers and transactions (tables given: {found})",
                               f"传入 load_bank() 的结果，或字典中加上 '{table}': 数据表",
                               f"pass the result of load_bank(), or add '{table}': DataFrame to the dict")
    tables = tb
    for table, (_zh, cols, dates, nums) in TABLE_COLUMNS.items():
        if table not in tables:
            continue
        df = tables[table]
        if not isinstance(df, pd.DataFrame):
            raise _table_error(table, f"应是 pandas DataFrame，收到 {type(df).__name__}",
                               f"must be a pandas DataFrame, got {type(df).__name__}",
                               "传入数据表，例如 pd.read_csv(...) 的结果", "pass a table, e.g. the result of pd.read_csv(...)")
        missing = [c for c in cols if c not in df.columns]
        if missing:
            have = ", ".join(map(str, list(df.columns)[:12]))
            optional_zh = "" if table in _REQUIRED_TABLES else "；这张表是可选的，也可以不传入"
            optional_en = "" if table in _REQUIRED_TABLES else "; this table is optional, you may leave it out"
            raise _table_error(table, f"缺少列 {missing}（现有列，前 12 个：{have}）",
                               f"is missing column(s) {missing} (found, first 12: {have})",
                               f"把列改名为需要的名字 {list(cols)}，例如 df.rename(columns={{'你的列名': "
                               f"'{missing[0]}'}})" + optional_zh,
                               f"rename the columns to the names it needs {list(cols)}, e.g. "
                               f"df.rename(columns={{'your_name': '{missing[0]}'}})" + optional_en)
        for col in dates:
            if not (pd.api.types.is_datetime64_any_dtype(df[col]) or isinstance(df[col].dtype, pd.PeriodDtype)):
                try:
                    parsed = domain.as_dates(df[col], col, strict=True)
                except CourseArgumentError as e:
                    zh, en = str(e).split("\n", 1)
                    raise CourseArgumentError(f"build_churn_table：{TABLE_COLUMNS[table][0]} {table}：{zh}\n"
                                              f"build_churn_table: table {table}: {en}") from None
                if tables is tb:
                    tables = dict(tb)
                df = tables[table] = df.assign(**{col: parsed})
        for col in nums:
            s = df[col]
            if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
                bad = pd.to_numeric(s, errors="coerce").isna() & s.notna()
                if pd.api.types.is_bool_dtype(s) or bad.any():
                    row = s.index[bad.to_numpy()][0] if bad.any() else s.index[0]
                    raise _table_error(table, f"的列 “{col}” 应是数字，但第 {row!r} 行的值是 {s[row]!r}"
                                              f"（共 {int(bad.sum())} 个非数字值）",
                                       f"column '{col}' must be numeric, but row {row!r} holds {s[row]!r} "
                                       f"({int(bad.sum())} non-numeric value(s))",
                                       f"把 “{col}” 转换为数字，例如 pd.to_numeric(df['{col}'], errors='coerce')",
                                       f"convert '{col}' to numbers, e.g. pd.to_numeric(df['{col}'], errors='coerce')")
    return cut, tables


def build_churn_table(bank_or_tables, cutoff, outcome_months: int = 6,
                      lookback_months: int = 12) -> pd.DataFrame:
    """Features before ``cutoff`` and the churn label after it, one row per customer on the books.

    Parameters
    ----------
    bank_or_tables : Bank (from :func:`course_utils.data.load_bank`) or dict of DataFrames
        Needs ``customers`` and ``transactions``; ``balances``, ``holdings``,
        ``accounts``, ``messages`` and ``app_usage`` are used when present.
    cutoff : str or Timestamp
        First day of the outcome window, e.g. ``"2022-07-01"``.
    outcome_months, lookback_months : int
        Length of the outcome window / the observation window, in months.

    Returns
    -------
    DataFrame indexed by nothing, columns ``customer_id``, :data:`FEATURES`, ``churned`` (0/1).
    Units: days, CNY, counts. Definitions:

    - ``recency_days``: days from the last transaction (whole history) to the cut-off;
      tenure (at most 3650) for a customer who never transacted;
    - ``frequency``, ``monetary``: transactions and their sum in the observation window;
    - ``txn_trend``: (transactions in the last 3 months + 1) / (3-month average of the
      rest of the window + 1) - 1;
    - ``balance_last``: latest month-end balance; ``balance_trend``: last month vs the
      mean of months 4-6 before the cut-off (+100 CNY on both sides) - 1;
    - ``product_count``: holdings started + accounts open at the cut-off;
    - ``complaints``: complaint or negative messages in the observation window;
    - ``app_minutes_trend``: mean weekly app minutes, last 4 weeks vs the 4 before
      (+1 on both sides) - 1; NaN where the data does not cover 8 weeks.

    Raises
    ------
    CourseArgumentError (a ``ValueError``), Chinese line then English line, naming the table,
    the column, what was found and the fix: a missing table or column (:data:`TABLE_COLUMNS`),
    text that is not a date / number in a date / number column, a cut-off that is not a date,
    month counts that are not positive whole numbers.

    Example
    -------
    >>> from course_utils.data import get_bank
    >>> t = build_churn_table(get_bank(), "2022-07-01")       # doctest: +SKIP
    >>> t["churned"].mean()                                      # doctest: +SKIP
    0.09...
    >>> build_churn_table({"customers": pd.DataFrame({"客户号": ["A"]}), "transactions": pd.DataFrame()},
    ...                   "2022-07-01")                          # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    course_utils.errors.CourseArgumentError: build_churn_table：客户表 customers 缺少列 ['customer_id', ...（现有列，前 12 个：客户号）...
    build_churn_table: table customers is missing column(s) ['customer_id', ...] (found, first 12: 客户号). Fix: ...
    """
    cut, tb = _check_inputs(_tables(bank_or_tables), cutoff)
    outcome_months = _check_months(outcome_months, "outcome_months")
    lookback_months = _check_months(lookback_months, "lookback_months")
    end = cut + pd.DateOffset(months=outcome_months)
    look = cut - pd.DateOffset(months=lookback_months)
    last3 = cut - pd.DateOffset(months=3)

    c = tb["customers"]
    active = domain.on_books_at_start(c, cut).to_numpy()
    cu = c.loc[active]
    open_d = domain.as_dates(cu["open_date"], "open_date")
    out = pd.DataFrame({"customer_id": cu["customer_id"].astype(str).to_numpy()})
    out["tenure_days"] = (cut - open_d).dt.days.to_numpy()
    out["age"] = pd.to_numeric(cu["age"], errors="coerce").to_numpy()
    out["monthly_income"] = pd.to_numeric(cu["monthly_income"], errors="coerce").to_numpy()
    out["satisfaction"] = pd.to_numeric(cu["satisfaction"], errors="coerce").to_numpy()
    ids = out["customer_id"]

    def per_customer(series: pd.Series, fill=0.0) -> np.ndarray:
        series = series.copy()
        series.index = series.index.astype(str)
        return series.reindex(ids).fillna(fill).to_numpy(dtype=float)

    # transactions: the Lecture 2 RFM primitive, whole history and the observation window
    t = tb["transactions"]
    whole = rfm(t, cut)
    window = rfm(t, cut, window_days=(cut - look).days)
    recent = rfm(t, cut, window_days=(cut - last3).days)
    out["recency_days"] = per_customer(whole["recency_days"], fill=np.nan)
    out["recency_days"] = out["recency_days"].fillna(out["tenure_days"].clip(upper=3650))
    out["frequency"] = per_customer(window["frequency"])
    out["monetary"] = per_customer(window["monetary"])
    n_last3 = per_customer(recent["frequency"])
    prev_months = max(lookback_months - 3, 1)
    n_prev3 = (out["frequency"].to_numpy() - n_last3) * 3.0 / prev_months
    out["txn_trend"] = (n_last3 + 1.0) / (n_prev3 + 1.0) - 1.0

    # balances (month-end): the Lecture 2 primitive, last month vs 4-6 months before
    if "balances" in tb:
        # only the months 1..6 before the cut-off's month are read: hand balance_summary just those
        # rows (the same result, without converting 3.5 years of month-ends for every cut-off)
        b = tb["balances"]
        age = _month_age(b["month"], cut)
        near = (age >= 1) & (age <= 6)
        b, age = b.loc[near], age[near]
        bal = balance_summary(b, cut, recent=(1, 1), reference=(4, 6), smoothing=BALANCE_SMOOTHING_CNY)
        has_last = b.loc[age == 1, "customer_id"].astype(str).value_counts() > 0
        last_month = bal["balance_last"].where(has_last)
        out["balance_last"] = per_customer(last_month, fill=np.nan)
        out["balance_trend"] = per_customer(bal["balance_trend"], fill=np.nan)
    else:
        out["balance_last"] = np.nan
        out["balance_trend"] = np.nan

    # products: holdings started before the cut-off + accounts open at the cut-off
    pc = np.zeros(len(out))
    if "holdings" in tb:
        h = tb["holdings"]
        hb = domain.as_dates(h["start_date"], "start_date") < cut
        pc += per_customer(h.loc[hb, "customer_id"].astype(str).value_counts())
    if "accounts" in tb:
        a = tb["accounts"]
        ao, ac = domain.as_dates(a["open_date"], "open_date"), domain.as_dates(a["close_date"], "close_date")
        m = (ao < cut) & (ac.isna() | (ac >= cut))
        pc += per_customer(a.loc[m, "customer_id"].astype(str).value_counts())
    out["product_count"] = pc

    # complaints in the observation window
    if "messages" in tb:
        msg = tb["messages"]
        md = domain.as_dates(msg["msg_date"], "msg_date")
        neg = (msg["intent"].astype(str) == "投诉") | (msg["sentiment"].astype(str) == "负面")
        m = neg & (md < cut) & (md >= look)
        out["complaints"] = per_customer(msg.loc[m, "customer_id"].astype(str).value_counts())
    else:
        out["complaints"] = 0.0

    # weekly app minutes: last 4 weeks vs the 4 before (only where the data covers them)
    out["app_minutes_trend"] = np.nan
    if "app_usage" in tb:
        u = tb["app_usage"]
        wk = domain.as_dates(u["week_start"], "week_start")
        if len(wk) and wk.min() <= cut - pd.Timedelta(weeks=8):
            uid = u["customer_id"].astype(str)
            mins = pd.to_numeric(u["minutes"], errors="coerce")
            a4 = (wk < cut - pd.Timedelta(days=6)) & (wk >= cut - pd.Timedelta(weeks=4, days=6))
            p4 = (wk < cut - pd.Timedelta(weeks=4, days=6)) & (wk >= cut - pd.Timedelta(weeks=8, days=6))
            m_a = per_customer(mins[a4].groupby(uid[a4]).mean(), fill=np.nan)
            m_p = per_customer(mins[p4].groupby(uid[p4]).mean(), fill=np.nan)
            out["app_minutes_trend"] = (m_a + 1.0) / (m_p + 1.0) - 1.0

    out["churned"] = domain.churned_during(cu, cut, end).to_numpy().astype(np.int64)
    return out


def _month_age(month: pd.Series, cut: pd.Timestamp) -> np.ndarray:
    """Months between each month-end row and the cut-off's month (1 = the month before it).

    ``month`` may be datetime64 or text ("2024-03" / "2024-03-31"); a missing month gets a
    negative age (never read).
    """
    if not pd.api.types.is_datetime64_any_dtype(month):
        month = domain.as_dates(month.astype(str), "month")
    period = pd.PeriodIndex(month, freq="M")
    age = pd.Period(cut, freq="M").ordinal - period.asi8
    age[period.isna()] = -1
    return age

