"""Churn feature table with an honest observation / outcome split (Lecture 3).

One row per customer active at the cut-off. Every feature uses only data dated
strictly *before* the cut-off (the observation window); the label ``churned``
says whether the customer churned in ``[cutoff, cutoff + outcome_months)``.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["build_churn_table", "FEATURES"]

#: Feature columns produced by :func:`build_churn_table` (all numeric).
FEATURES = ["tenure_days", "age", "monthly_income", "satisfaction", "recency_days", "frequency",
            "monetary", "txn_trend", "balance_last", "balance_trend", "product_count",
            "complaints", "app_minutes_trend"]


def _tables(bank) -> Mapping:
    if isinstance(bank, Mapping):
        return bank
    if hasattr(bank, "tables"):
        return bank.tables
    raise TypeError("build_churn_table 需要 Bank 对象或表格字典 (expects a Bank or a dict of tables)")


def _dt(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    return pd.to_datetime(s.replace("", np.nan), errors="coerce")


def build_churn_table(bank_or_tables, cutoff, outcome_months: int = 6,
                      lookback_months: int = 12) -> pd.DataFrame:
    """Features before ``cutoff`` and the churn label after it, one row per active customer.

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
    Units: days, CNY, counts; trends are ratios (1 = flat, <1 = falling).

    Example
    -------
    >>> from course_utils.data import get_bank
    >>> t = build_churn_table(get_bank(), "2022-07-01")       # doctest: +SKIP
    >>> t["churned"].mean()                                      # doctest: +SKIP
    0.09...
    """
    tb = _tables(bank_or_tables)
    cut = pd.Timestamp(cutoff)
    end = cut + pd.DateOffset(months=outcome_months)
    look = cut - pd.DateOffset(months=lookback_months)
    last3 = cut - pd.DateOffset(months=3)

    c = tb["customers"]
    open_d, churn_d = _dt(c["open_date"]), _dt(c["churn_date"])
    active = (open_d < cut) & (churn_d.isna() | (churn_d >= cut))
    cu = c.loc[active].copy()
    out = pd.DataFrame({"customer_id": cu["customer_id"].astype(str).to_numpy()})
    out["tenure_days"] = (cut - open_d[active]).dt.days.to_numpy()
    out["age"] = pd.to_numeric(cu["age"], errors="coerce").to_numpy()
    out["monthly_income"] = pd.to_numeric(cu["monthly_income"], errors="coerce").to_numpy()
    out["satisfaction"] = pd.to_numeric(cu["satisfaction"], errors="coerce").to_numpy()
    ids = out["customer_id"]

    def per_customer(series: pd.Series, fill=0.0) -> np.ndarray:
        series.index = series.index.astype(str)
        return series.reindex(ids).fillna(fill).to_numpy(dtype=float)

    # transactions
    t = tb["transactions"]
    td = _dt(t["txn_date"])
    before = td < cut
    tid = t["customer_id"].astype(str)
    last_txn = td[before].groupby(tid[before]).max()
    rec = (cut - last_txn).dt.days
    out["recency_days"] = per_customer(rec, fill=np.nan)
    out["recency_days"] = out["recency_days"].fillna(out["tenure_days"].clip(upper=3650))
    w = before & (td >= look)
    amt = pd.to_numeric(t["amount"], errors="coerce")
    out["frequency"] = per_customer(tid[w].value_counts())
    out["monetary"] = per_customer(amt[w].groupby(tid[w]).sum())
    w3 = before & (td >= last3)
    n_last3 = per_customer(tid[w3].value_counts())
    wp = w & (td < last3)
    prev_months = max(lookback_months - 3, 1)
    n_prev3 = per_customer(tid[wp].value_counts()) * 3.0 / prev_months
    out["txn_trend"] = (n_last3 + 1.0) / (n_prev3 + 1.0)

    # balances (month-end): last month before the cut-off vs 4-6 months before
    if "balances" in tb:
        b = tb["balances"]
        bm = _dt(b["month"].astype(str)) if not pd.api.types.is_datetime64_any_dtype(b["month"]) else b["month"]
        bid = b["customer_id"].astype(str)
        bal = pd.to_numeric(b["balance"], errors="coerce")
        last_m = (cut - pd.DateOffset(months=1)).to_period("M").to_timestamp()
        ref_lo = (cut - pd.DateOffset(months=6)).to_period("M").to_timestamp()
        ref_hi = (cut - pd.DateOffset(months=4)).to_period("M").to_timestamp()
        m_last = bm == last_m
        m_ref = (bm >= ref_lo) & (bm <= ref_hi)
        out["balance_last"] = per_customer(bal[m_last].groupby(bid[m_last]).mean(), fill=np.nan)
        ref = per_customer(bal[m_ref].groupby(bid[m_ref]).mean(), fill=np.nan)
        out["balance_trend"] = (out["balance_last"] + 100.0) / (ref + 100.0)
    else:
        out["balance_last"] = np.nan
        out["balance_trend"] = np.nan

    # products: holdings started before the cut-off + accounts open at the cut-off
    pc = np.zeros(len(out))
    if "holdings" in tb:
        h = tb["holdings"]
        hb = _dt(h["start_date"]) < cut
        pc += per_customer(h.loc[hb, "customer_id"].astype(str).value_counts())
    if "accounts" in tb:
        a = tb["accounts"]
        ao, ac = _dt(a["open_date"]), _dt(a["close_date"])
        m = (ao < cut) & (ac.isna() | (ac >= cut))
        pc += per_customer(a.loc[m, "customer_id"].astype(str).value_counts())
    out["product_count"] = pc

    # complaints in the observation window
    if "messages" in tb:
        msg = tb["messages"]
        md = _dt(msg["msg_date"])
        neg = (msg["intent"].astype(str) == "投诉") | (msg["sentiment"].astype(str) == "负面")
        m = neg & (md < cut) & (md >= look)
        out["complaints"] = per_customer(msg.loc[m, "customer_id"].astype(str).value_counts())
    else:
        out["complaints"] = 0.0

    # weekly app minutes: last 4 weeks vs the 4 before (only where the data covers them)
    out["app_minutes_trend"] = np.nan
    if "app_usage" in tb:
        u = tb["app_usage"]
        wk = _dt(u["week_start"])
        if len(wk) and wk.min() <= cut - pd.Timedelta(weeks=8):
            uid = u["customer_id"].astype(str)
            mins = pd.to_numeric(u["minutes"], errors="coerce")
            a4 = (wk < cut - pd.Timedelta(days=6)) & (wk >= cut - pd.Timedelta(weeks=4, days=6))
            p4 = (wk < cut - pd.Timedelta(weeks=4, days=6)) & (wk >= cut - pd.Timedelta(weeks=8, days=6))
            m_a = per_customer(mins[a4].groupby(uid[a4]).mean(), fill=np.nan)
            m_p = per_customer(mins[p4].groupby(uid[p4]).mean(), fill=np.nan)
            out["app_minutes_trend"] = (m_a + 1.0) / (m_p + 1.0)

    cd = churn_d[active].to_numpy()
    out["churned"] = ((cd >= cut.to_datetime64()) & (cd < end.to_datetime64())).astype(np.int64)
    return out
