"""Lecture 2, question 1: RFM at the cut-off date."""
from __future__ import annotations

import pandas as pd

from course_utils.config import L2_CUTOFF
from course_utils.exercises import assert_check_cases
from course_utils.features import rfm


def test_checks(bank, qs):
    q1 = qs[0]
    tx = bank.transactions
    cut = pd.Timestamp(L2_CUTOFF)
    right = rfm(tx, cut)
    before = tx[tx["txn_date"] < cut]
    g = before.groupby("customer_id")
    by_hand = pd.DataFrame({"recency_days": (cut - g["txn_date"].max()).dt.days,
                            "frequency": g.size(), "monetary": g["amount"].sum()})
    as_column = right.reset_index()
    as_timedelta = right.assign(recency_days=pd.to_timedelta(right["recency_days"], unit="D"))

    leak = rfm(tx, tx["txn_date"].max() + pd.Timedelta(days=1)).loc[right.index]   # all rows
    inclusive = rfm(tx, cut + pd.Timedelta(days=1)).loc[right.index]                # <= cut-off
    first = before.groupby("customer_id")["txn_date"].min()
    assert_check_cases(
        q1,
        correct=[right, by_hand, as_column, as_timedelta],
        wrong=[(leak, "泄漏"), (inclusive, "截止日当天"),
               (right.assign(frequency=right["monetary"]), "金额之和"),
               (right.assign(monetary=right["monetary"] / right["frequency"]), "平均"),
               (right.assign(recency_days=-right["recency_days"]), "方向算反"),
               (right.assign(recency_days=(cut - first).dt.days.loc[right.index]), "第一次交易"),
               (right.assign(recency_days=right["recency_days"] + 1), "差了 1 天"),
               (rfm(tx, tx["txn_date"].max() + pd.Timedelta(days=1)), "截止日之前没有任何交易"),
               (right.iloc[10:], "少了"),
               (right.drop(columns=["monetary"]), "缺少列"),
               (pd.concat([right, right.head(2)]), "多行"),
               (right.assign(frequency=right["frequency"].astype(str)), "文字"),
               (right.reset_index(drop=True), "客户号"),
               (rfm(tx, cut, window_days=365), "365 天")],
    )


def test_numbers_as_text_are_incorrect(bank, qs):
    right = rfm(bank.transactions, pd.Timestamp(L2_CUTOFF))
    for col in ("frequency", "monetary", "recency_days"):
        r = qs[0].check(right.assign(**{col: right[col].astype(str)}))
        assert r.status == "incorrect" and "文字" in r.message, col


def test_lost_ids_are_not_called_leakage(bank, qs):
    """Issue 8 §5: after reset_index(drop=True) the ids are gone -- say so, not "leakage"."""
    right = rfm(bank.transactions, pd.Timestamp(L2_CUTOFF))
    r = qs[0].check(right.reset_index(drop=True))
    assert r.status == "incorrect" and "客户号" in r.message and "泄漏" not in r.message
    renamed = right.set_axis([f"X{i}" for i in range(len(right))])
    assert "认不出" in qs[0].check(renamed).message


def test_window_message_points_to_the_window(bank, qs):
    """Issue 9: the lecture's one-year window is not this question's definition: say so."""
    year = rfm(bank.transactions, pd.Timestamp(L2_CUTOFF), window_days=365)
    r = qs[0].check(year)
    assert r.status == "incorrect" and "365 天" in r.message and "全部交易" in r.message
