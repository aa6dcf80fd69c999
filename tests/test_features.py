"""Unit tests of course_utils.features (RFM, behaviour indicators, tags) on hand-made frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.features import add_tags, behaviour_indicators, customer_view, rfm, tag_summary


@pytest.fixture
def tx():
    # Hand-computed example, cut-off 2024-01-10:
    #   A: 2024-01-01 (100), 2024-01-05 (50)          -> R = 5, F = 2, M = 150
    #   B: 2023-12-31 (20), 2024-01-10 (999, ON the cut-off: excluded), 2024-02-01 (excluded)
    #                                                  -> R = 10, F = 1, M = 20
    #   C: only after the cut-off                      -> absent
    #   D: 2023-01-10 (5), 2023-06-01 (7), 2024-01-09 (-2 refund) -> R = 1, F = 3, M = 10
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "B", "B", "C", "D", "D", "D"],
            "txn_date": ["2024-01-01", "2024-01-05", "2023-12-31", "2024-01-10", "2024-02-01",
                         "2024-03-01", "2023-01-10", "2023-06-01", "2024-01-09"],
            "amount": [100.0, 50.0, 20.0, 999.0, 5.0, 70.0, 5.0, 7.0, -2.0],
        }
    )


def test_rfm_hand_computed(tx):
    r = rfm(tx, "2024-01-10")
    assert r.index.name == "customer_id"
    assert list(r.index) == ["A", "B", "D"]
    assert r.loc["A"].tolist() == [5, 2, 150.0]
    assert r.loc["B"].tolist() == [10, 1, 20.0]
    assert r.loc["D"].tolist() == [1, 3, 10.0]
    assert str(r["recency_days"].dtype) == "int64" and str(r["frequency"].dtype) == "int64"


def test_rfm_datetime_and_string_dates_agree(tx):
    as_dt = tx.assign(txn_date=pd.to_datetime(tx["txn_date"]))
    pd.testing.assert_frame_equal(rfm(tx, "2024-01-10"), rfm(as_dt, pd.Timestamp("2024-01-10")))


def test_rfm_other_column_names_and_int_ids(tx):
    other = tx.rename(columns={"customer_id": "客户号", "txn_date": "日期", "amount": "金额"})
    other["客户号"] = other["客户号"].map({"A": 1, "B": 2, "C": 3, "D": 4})
    r = rfm(other, "2024-01-10", customer_col="客户号", date_col="日期", amount_col="金额")
    assert r.index.name == "客户号"
    assert r.loc[2].tolist() == [10, 1, 20.0]


def test_rfm_long_and_non_ascii_ids_use_fallback(tx):
    long = tx.assign(customer_id=tx["customer_id"].map(lambda c: f"customer-{c}-0000000001"))
    r = rfm(long, "2024-01-10")
    assert r.loc["customer-A-0000000001", "monetary"] == 150.0
    zh = tx.assign(customer_id=tx["customer_id"].map({"A": "张三", "B": "李四", "C": "王五", "D": "赵六"}))
    assert rfm(zh, "2024-01-10").loc["李四", "recency_days"] == 10


def test_rfm_categorical_ids_fast_path(tx):
    cat = tx.assign(customer_id=tx["customer_id"].astype("category"))
    pd.testing.assert_frame_equal(rfm(cat, "2024-01-10"), rfm(tx, "2024-01-10"), check_index_type=False)
    # unsorted categories with an unused one: same rows, sorted by id, unused left out
    odd = tx.assign(customer_id=pd.Categorical(tx["customer_id"], categories=["D", "Q", "B", "A", "C"]))
    r = rfm(odd, "2024-01-10")
    assert list(r.index) == ["A", "B", "D"] and r.loc["D"].tolist() == [1, 3, 10.0]


def test_rfm_ids_sorted_like_strings():
    t = pd.DataFrame({"customer_id": ["C10", "C2", "C1", "B9"], "txn_date": ["2024-01-01"] * 4,
                      "amount": [1.0, 2, 3, 4]})
    assert list(rfm(t, "2024-02-01").index) == ["B9", "C1", "C10", "C2"]


def test_rfm_window_days(tx):
    r = rfm(tx, "2024-01-10", window_days=30)
    assert list(r.index) == ["A", "B", "D"]
    assert r.loc["D"].tolist() == [1, 1, -2.0]


def test_rfm_missing_amount_counts_as_zero(tx):
    t = tx.copy()
    t.loc[0, "amount"] = np.nan
    assert rfm(t, "2024-01-10").loc["A"].tolist() == [5, 2, 50.0]


def test_rfm_nothing_before_cutoff(tx):
    r = rfm(tx, "2000-01-01")
    assert len(r) == 0 and list(r.columns) == ["recency_days", "frequency", "monetary"]


@pytest.mark.parametrize("col", ["customer_id", "txn_date", "amount"])
def test_rfm_missing_column_is_clear(tx, col):
    with pytest.raises(ValueError) as e:
        rfm(tx.drop(columns=[col]), "2024-01-10")
    msg = str(e.value)
    assert col in msg and "缺少列" in msg and "missing" in msg


def test_rfm_unparsable_dates_are_clear(tx):
    bad = tx.copy()
    bad.loc[1, "txn_date"] = "昨天"
    with pytest.raises(ValueError) as e:
        rfm(bad, "2024-01-10")
    assert "txn_date" in str(e.value) and "昨天" in str(e.value) and "not dates" in str(e.value)


def test_rfm_bad_as_of_and_bad_amount(tx):
    with pytest.raises(ValueError, match="as_of"):
        rfm(tx, "not a date")
    bad = tx.copy()
    bad["amount"] = bad["amount"].astype(object)
    bad.loc[0, "amount"] = "一百"
    with pytest.raises(ValueError, match="amount"):
        rfm(bad, "2024-01-10")
    with pytest.raises(ValueError, match="DataFrame"):
        rfm([1, 2, 3], "2024-01-10")


def test_rfm_matches_pandas_groupby_on_random_data():
    rng = np.random.default_rng(3)
    n = 5000
    t = pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in rng.integers(0, 300, n)],
        "txn_date": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        "amount": rng.normal(100, 50, n).round(2),
    })
    cut = pd.Timestamp("2023-06-01")
    ref = t[t.txn_date < cut].groupby("customer_id").agg(
        last=("txn_date", "max"), frequency=("txn_date", "size"), monetary=("amount", "sum"))
    ref["recency_days"] = (cut - ref["last"]).dt.days
    got = rfm(t, cut)
    pd.testing.assert_index_equal(got.index, ref.index, check_names=False)
    assert (got["recency_days"].to_numpy() == ref["recency_days"].to_numpy()).all()
    assert (got["frequency"].to_numpy() == ref["frequency"].to_numpy()).all()
    np.testing.assert_allclose(got["monetary"].to_numpy(), ref["monetary"].to_numpy(), rtol=1e-9)


# ---------------------------------------------------------------- tiny bank
class _Bank:
    pass


@pytest.fixture
def bank():
    b = _Bank()
    b.customers = pd.DataFrame({
        "customer_id": ["A", "B", "C"], "gender": ["男", "女", "男"], "age": [25, 40, 999],
        "city": ["北京", "上海", "北京"], "occupation": ["IT", "教师", "退休"],
        "monthly_income": [10000.0, np.nan, 5000.0], "risk_appetite": ["R3", "R2", "R1"],
        "open_date": pd.to_datetime(["2020-01-01", "2021-01-01", "2024-05-01"]),
        "churn_date": pd.to_datetime([None, None, None]),
    })
    b.transactions = pd.DataFrame({
        "customer_id": ["A", "A", "A", "B", "B"],
        "txn_date": pd.to_datetime(["2023-10-15", "2023-12-20", "2024-02-01", "2022-11-01", "2023-12-30"]),
        "amount": [100.0, 200.0, 300.0, 50.0, 60.0],
        "txn_type": ["消费"] * 5, "channel": ["APP", "柜台", "APP", "柜台", "网银"],
    })
    b.accounts = pd.DataFrame({"account_id": ["a1", "a2", "b1"], "customer_id": ["A", "A", "B"],
                               "account_type": ["借记卡"] * 3,
                               "open_date": pd.to_datetime(["2020-01-01", "2022-01-01", "2021-01-01"]),
                               "close_date": pd.to_datetime([None, "2023-06-01", None])})
    months = pd.date_range("2023-06-01", "2023-12-01", freq="MS")
    b.balances = pd.DataFrame({"customer_id": ["A"] * 7 + ["B"] * 7, "month": list(months) * 2,
                               "balance": [100.0] * 4 + [50.0] * 3 + [10.0] * 7})
    b.products = pd.DataFrame({"product_id": ["P1", "P2", "P3"], "category": ["理财", "存款", "贷款"]})
    b.holdings = pd.DataFrame({"customer_id": ["A", "A", "B"], "product_id": ["P1", "P2", "P3"],
                               "start_date": pd.to_datetime(["2022-01-01", "2022-01-01", "2023-01-01"]),
                               "amount": [800.0, 200.0, 1000.0]})
    b.app_usage = pd.DataFrame({"customer_id": ["A", "A"], "week_start": pd.to_datetime(["2023-12-04", "2024-01-08"]),
                                "minutes": [30, 40], "sessions": [2, 3]})
    b.web_visits = pd.DataFrame({"customer_id": ["B", "B"], "visit_date": pd.to_datetime(["2023-12-01", "2023-12-02"]),
                                 "page": ["留学金融", "首页"], "dwell_seconds": [200, 10]})
    b.messages = pd.DataFrame({"customer_id": ["B"], "msg_date": pd.to_datetime(["2023-12-05"]),
                               "sentiment": ["负面"]})
    return b


def test_behaviour_indicators_hand_computed(bank):
    ind = behaviour_indicators(bank, "2024-01-01", window_days=90)
    a, b = ind.loc["A"], ind.loc["B"]
    assert a["active_months"] == 2 and b["active_months"] == 1   # Oct+Dec / Dec (Nov 2022 too old)
    assert a["txn_recent"] == 2 and a["amount_recent"] == 300.0  # 2024-02-01 is after the cut-off
    assert a["mobile_share"] == 0.5 and a["counter_share"] == 0.5
    assert a["n_accounts"] == 1                                   # a2 closed before the cut-off
    assert a["n_categories"] == 2 and a["product_usage_rate"] == pytest.approx(2 / 3)
    assert a["wealth_share"] == pytest.approx(0.8) and b["wealth_share"] == 0
    assert a["balance_last"] == 50.0
    assert a["balance_trend"] == pytest.approx(50 / ((100 * 3) / 3) - 1)  # Oct-Dec 50 vs Jul-Sep 100
    assert b["balance_trend"] == 0
    assert a["app_minutes_recent"] == 30 and b["study_abroad_visits"] == 1
    assert b["negative_messages_recent"] == 1 and ind.loc["C", "txn_recent"] == 0


def test_customer_view_and_tags(bank):
    v = customer_view(bank, "2024-01-01")
    assert list(v.index) == ["A", "B"]           # C opened after the cut-off
    assert v.loc["A", "frequency"] == 2 and v.loc["A", "recency_days"] == 12
    assert v.loc["B", "monetary"] == 60.0  # 2022-11-01 is > 365 days before the cut-off
    tagged = add_tags(v)
    assert "标签" in tagged and tagged.loc["A", "年轻客群"] and not tagged.loc["B", "年轻客群"]
    assert "留学意向" in tagged.loc["B", "标签"]
    summary = tag_summary(tagged)
    assert {"tag", "rule", "n", "share"} <= set(summary.columns)        # English keys, Chinese display


def test_add_tags_rules_and_missing_columns():
    v = pd.DataFrame({"recency_days": [10, 400, 200], "monetary": [9e5, 10.0, 0.0]}, index=list("XYZ"))
    t = add_tags(v)
    assert t.loc["X", "高交易额"] and not t.loc["Z", "高交易额"]
    assert t.loc["Y", "沉睡"] and t.loc["Z", "沉睡"] and not t.loc["X", "沉睡"]
    assert not t["理财偏好"].any()               # column missing -> tag never set
    assert t.loc["Y", "标签"] == "沉睡"


@pytest.mark.parametrize("module", [
    "course_utils.features", "course_utils.segments", "course_utils.cleaning",
    "course_utils.campaign", "course_utils.datagen.response_rates", "course_utils.exercises.lecture2",
])
def test_lecture2_module_doctests(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
