"""course_utils.churn on a hand-made bank: population, label window, shared primitives, trends."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import features
from course_utils.churn import FEATURES, build_churn_table

CUT = "2023-07-01"


def _tables():
    customers = pd.DataFrame({
        "customer_id": ["A", "B", "C", "D", "E"],
        "open_date": ["2020-01-01", "2020-01-01", "2020-01-01", "2023-07-01", "2021-01-01"],
        # B leaves ON the cut-off day (an outcome, in the table); C left the day before (not);
        # D opens on the cut-off day (not yet on the books); E leaves after the outcome window
        "churn_date": ["", "2023-07-01", "2023-06-30", "", "2024-03-01"],
        "age": [30, 40, 50, 60, 70], "monthly_income": [1e4, 2e4, 3e4, 4e4, np.nan],
        "satisfaction": [90, 80, 70, 60, 50],
    })
    transactions = pd.DataFrame({
        "customer_id": ["A", "A", "A", "B", "E", "A"],
        "txn_date": ["2022-08-01", "2023-05-01", "2023-06-30", "2023-01-01", "2021-06-01", "2023-07-01"],
        "amount": [100.0, 200.0, 300.0, 50.0, 70.0, 999.0],
    })
    months = [f"2023-{m:02d}" for m in range(1, 7)]
    balances = pd.DataFrame({
        "customer_id": ["A"] * 6 + ["B"] * 6,
        "month": months * 2,
        # A flat at 1000; B: 1000 in Jan-Mar (ages 6-4), 400 in June (age 1)
        "balance": [1000.0] * 6 + [1000.0, 1000.0, 1000.0, 900.0, 700.0, 400.0],
    })
    return {"customers": customers, "transactions": transactions, "balances": balances}


def test_population_is_on_the_books_when_the_cutoff_day_begins_and_label_window():
    t = build_churn_table(_tables(), CUT, outcome_months=6)
    assert t["customer_id"].tolist() == ["A", "B", "E"]
    assert list(t.columns) == ["customer_id"] + FEATURES + ["churned"]
    assert t.set_index("customer_id")["churned"].to_dict() == {"A": 0, "B": 1, "E": 0}


def test_rfm_columns_come_from_the_features_primitive():
    tb = _tables()
    t = build_churn_table(tb, CUT).set_index("customer_id")
    r = features.rfm(tb["transactions"], CUT, window_days=365)
    assert t.loc["A", "frequency"] == r.loc["A", "frequency"] == 3    # 2023-07-01 is excluded
    assert t.loc["A", "monetary"] == 600.0
    assert t.loc["A", "recency_days"] == 1
    assert t.loc["E", "frequency"] == 0 and t.loc["E", "recency_days"] == 760   # 2021-06-01


def test_trends_mean_ratio_minus_one_with_zero_flat():
    t = build_churn_table(_tables(), CUT).set_index("customer_id")
    assert t.loc["A", "balance_trend"] == pytest.approx(0.0)                 # flat
    assert t.loc["B", "balance_trend"] == pytest.approx((400 + 100) / (1000 + 100) - 1)  # falling
    assert t.loc["A", "balance_last"] == 1000.0 and np.isnan(t.loc["E", "balance_last"])
    # A: 2 transactions in the last 3 months, 1 in the 9 before (= 1/3 per 3 months)
    assert t.loc["A", "txn_trend"] == pytest.approx((2 + 1) / (1 / 3 + 1) - 1)
    assert t.loc["E", "txn_trend"] == pytest.approx(0.0)                    # no activity: flat


def test_nothing_after_the_cutoff_changes_the_features():
    tb = _tables()
    later = dict(tb)
    later["transactions"] = pd.concat([tb["transactions"], pd.DataFrame(
        {"customer_id": ["A", "B"], "txn_date": ["2023-08-01", "2023-07-01"], "amount": [5e6, 5e6]})])
    a = build_churn_table(tb, CUT)[FEATURES]
    b = build_churn_table(later, CUT)[FEATURES]
    pd.testing.assert_frame_equal(a, b)


def test_balance_months_as_text_dates_or_periods_give_the_same_table():
    tb = _tables()
    b = tb["balances"]
    # older months (outside the 6 read) and a gap: B has no balance for the month before the cut-off
    old = pd.DataFrame({"customer_id": ["A", "B"], "month": ["2022-11", "2022-12"], "balance": [5.0, 7.0]})
    b = pd.concat([old, b[~((b["customer_id"] == "B") & (b["month"] == "2023-06"))]], ignore_index=True)
    ref = build_churn_table({**tb, "balances": b}, CUT)
    assert np.isnan(ref.set_index("customer_id").loc["B", "balance_last"])        # no month-end for June
    as_dates = b.assign(month=pd.to_datetime(b["month"]))
    as_month_end = b.assign(month=pd.to_datetime(b["month"]) + pd.offsets.MonthEnd(0))
    as_period = b.assign(month=pd.PeriodIndex(b["month"], freq="M"))
    for variant in (as_dates, as_month_end, as_period):
        pd.testing.assert_frame_equal(build_churn_table({**tb, "balances": variant}, CUT), ref)
    # the whole history or only the months read: the same features (the older rows are never used)
    recent = b[b["month"] >= "2023-01"]
    pd.testing.assert_frame_equal(build_churn_table({**tb, "balances": recent}, CUT), ref)
