"""Lecture 3, question 1: the churn table at a cut-off, without leakage."""
from __future__ import annotations

import pandas as pd

from course_utils import domain
from course_utils.exercises import ____, assert_check_cases


def _table(bank, cutoff, population="start", lo="window", hi="cut", inclusive=False, label_months=6):
    """A churn table built like a trainee would, with one knob per typical mistake."""
    c, tx = bank.customers, bank.transactions
    cut = pd.Timestamp(cutoff)
    if population == "start":
        base = c[domain.on_books_at_start(c, cut)]
    else:                                    # everyone who opened before the cut-off, gone or not
        base = c[c["open_date"] < cut]
    start = {"window": cut - pd.DateOffset(months=12), "all": pd.Timestamp("1900-01-01"), "cut": cut}[lo]
    end = {"cut": cut, "future": pd.Timestamp("2100-01-01"),
           "year": cut + pd.DateOffset(months=12)}[hi]
    keep = (tx["txn_date"] >= start) & ((tx["txn_date"] <= end) if inclusive else (tx["txn_date"] < end))
    g = tx[keep].groupby("customer_id")["amount"]
    out = pd.DataFrame({"frequency_12m": g.size(), "amount_12m": g.sum()}).reindex(base["customer_id"]).fillna(0)
    churn = base.set_index("customer_id")["churn_date"]
    label_end = cut + pd.DateOffset(months=label_months) if label_months else pd.Timestamp("2100-01-01")
    out["churned"] = ((churn >= cut) & (churn < label_end)).astype(int)
    return out


def test_right_and_wrong_tables(bank, qs):
    q1 = qs[0]
    cut = q1.cutoff
    right = _table(bank, cut)
    assert (right.round(2) == q1.expected().round(2)).all().all()
    as_column = right.reset_index()
    as_bool = right.assign(churned=right["churned"].astype(bool))
    dropped = right[right["frequency_12m"] > 0]                       # customers without transactions dropped
    assert_check_cases(
        q1,
        correct=[right, as_column, as_bool, right.assign(frequency_12m=right["frequency_12m"].astype(float))],
        wrong=[(_table(bank, cut, population="all"), "已经流失"),
               (_table(bank, cut, hi="future"), "泄漏"),
               (_table(bank, cut, lo="cut", hi="year"), "之后 12 个月"),
               (_table(bank, cut, lo="all"), "全部历史"),
               (_table(bank, cut, inclusive=True), "截止日当天"),
               (_table(bank, cut, label_months=None), "6 个月"),
               (_table(bank, cut, label_months=12), "12 个月"),
               (dropped, "没有交易"),
               (right.drop(columns="amount_12m"), "缺少列"),
               (right.assign(frequency_12m=right["frequency_12m"].astype(str)), "数字"),
               (right.assign(churned=1 - right["churned"]), "反了"),
               (pd.concat([right, right.iloc[:3]]), "重复")],
        half_done=[pd.DataFrame({"frequency_12m": [____]}), {"frequency_12m": ____}],
    )


def test_late_openers_are_named(bank, qs):
    q1 = qs[0]
    right = _table(bank, q1.cutoff)
    c = bank.customers
    late = c.loc[c["open_date"] >= pd.Timestamp(q1.cutoff), "customer_id"].iloc[:5]
    extra = pd.DataFrame({"frequency_12m": 0, "amount_12m": 0.0, "churned": 0}, index=late)
    r = q1.check(pd.concat([right, extra]))
    assert r.status == "incorrect" and "之后才开户" in r.message
