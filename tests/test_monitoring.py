"""course_utils.monitoring: PSI (bins, ties, constant data, floor), PSI by month, AUC by month, error rates by group."""
import doctest
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from course_utils import monitoring
from course_utils.errors import CourseArgumentError
from course_utils.monitoring import (PSI_FLOOR, error_rates_by_group, performance_by_period, psi, psi_bins,
                                     psi_by_period, psi_level)


def test_doctests():
    assert doctest.testmod(monitoring).failed == 0


def _psi_by_hand(e_shares, a_shares):
    e = np.maximum(np.asarray(e_shares, float), 1e-4)
    a = np.maximum(np.asarray(a_shares, float), 1e-4)
    return float(np.sum((a - e) * np.log(a / e)))


def test_psi_equals_the_formula_on_explicit_bins():
    expected = np.arange(1, 101)                 # deciles: 10 values per bin
    actual = np.concatenate([np.arange(1, 51), np.arange(51, 101).repeat(3)])   # top half 3x as common
    e_shares = [0.1] * 10
    a_shares = [10 / 200] * 5 + [30 / 200] * 5
    assert psi(expected, actual) == pytest.approx(_psi_by_hand(e_shares, a_shares), rel=1e-12)


def test_same_distribution_is_near_zero_and_shift_grows():
    rng = np.random.default_rng(0)
    base = rng.normal(0, 1, 20_000)
    assert psi(base, rng.normal(0, 1, 20_000)) < 0.01
    shifts = [psi(base, rng.normal(m, 1, 20_000)) for m in (0.1, 0.3, 0.6, 1.0)]
    assert shifts == sorted(shifts) and shifts[0] < 0.1 < shifts[2]
    assert psi_level(shifts[-1]) == "shift"


def test_psi_is_invariant_to_a_monotone_transform():
    rng = np.random.default_rng(1)
    e, a = rng.lognormal(10, 1, 5000), rng.lognormal(10.3, 1.1, 4000)
    assert psi(e, a) == pytest.approx(psi(np.log(e), np.log(a)), rel=1e-9)


def test_ties_give_fewer_bins_not_empty_duplicates():
    expected = [0] * 60 + list(range(1, 41))      # 60 % zeros: deciles 1-6 all equal 0
    edges = psi_bins(expected, bins=10)
    assert len(edges) == len(np.unique(edges)) and edges[0] == 0
    assert len(edges) < 9
    # every baseline value lands in a bin; zeros share one bin
    assert psi(expected, expected) == 0.0
    more_zeros = [0] * 80 + list(range(1, 21))
    assert psi(expected, more_zeros) > 0.05


def test_constant_baseline_detects_any_movement():
    assert psi([3.0] * 50, [3.0] * 10) == 0.0
    up, down = psi([3.0] * 50, [3.0] * 5 + [4.0] * 5), psi([3.0] * 50, [3.0] * 5 + [2.0] * 5)
    assert up > 0.25 and up == pytest.approx(down)
    expect = _psi_by_hand([0, 1, 0], [0, 0.5, 0.5])
    assert up == pytest.approx(expect)


def test_empty_bins_are_floored_not_infinite():
    value = psi([1, 2, 3, 4], [10, 11, 12, 13], bins=2)
    assert math.isfinite(value)
    assert value == pytest.approx(_psi_by_hand([0.5, 0.5], [0, 1]))
    assert PSI_FLOOR == 1e-4


def test_values_beyond_the_baseline_range_fall_into_outer_bins():
    assert psi([1, 2, 3, 4], [-100, 1000, 1, 4], bins=2) == pytest.approx(0.0)


def test_missing_values_are_dropped():
    assert psi([1, 2, np.nan, 3, 4], pd.Series([1, 2, 3, None, 4], dtype="float64")) == 0.0
    assert psi([True, False, True], [1, 0, 1]) == 0.0


@pytest.mark.parametrize("expected,actual,bins,fragment", [
    ([1, 2, 3], [], 10, "actual is empty"),
    ([np.nan], [1], 10, "expected is empty"),
    ("abc", [1], 10, "column of numbers"),
    (5, [1], 10, "column of numbers"),
    ([1, "x", 3], [1], 10, "non-number"),
    ([1, np.inf], [1], 10, "infinite"),
    ([1, 2, 3], [1, 2], 1, "bins"),
    ([1, 2, 3], [1, 2], 2.5, "bins"),
    ([1, 2, 3], [1, 2], True, "bins"),
])
def test_psi_errors(expected, actual, bins, fragment):
    with pytest.raises(CourseArgumentError, match=fragment):
        psi(expected, actual, bins=bins)


def test_psi_level_boundaries():
    assert [psi_level(v) for v in (0, 0.0999, 0.1, 0.2499, 0.25, 3)] == \
        ["stable", "stable", "moderate", "moderate", "shift", "shift"]
    assert psi_level(float("nan")) == "n/a"
    assert psi_level(0.05, zh=True) == "稳定"


def test_psi_by_period():
    rng = np.random.default_rng(2)
    months = ["2024-01"] * 1000 + ["2024-02"] * 1000 + ["2024-03"] * 1000
    x = np.concatenate([rng.normal(0, 1, 1000), rng.normal(0, 1, 1000), rng.normal(1, 1, 1000)])
    df = pd.DataFrame({"month": months, "score": x})
    out = psi_by_period(df, "score", "month", baseline="2024-01")
    assert out["period"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert out["psi"].iloc[0] == 0.0 and out["is_baseline"].tolist() == [True, False, False]
    assert out["psi"].iloc[1] < 0.1 < 0.25 < out["psi"].iloc[2]
    assert out["level"].tolist() == ["stable", "stable", "shift"]
    assert out["psi"].iloc[2] == pytest.approx(psi(x[:1000], x[2000:]))
    pooled = psi_by_period(df, "score", "month", baseline=["2024-01", "2024-02"])
    assert pooled["psi"].iloc[2] == pytest.approx(psi(x[:2000], x[2000:]))


def test_psi_by_period_errors():
    df = pd.DataFrame({"m": ["a", "b"], "v": [1, 2]})
    with pytest.raises(CourseArgumentError, match="Baseline period"):
        psi_by_period(df, "v", "m", baseline="z")
    with pytest.raises(CourseArgumentError, match="lacks column"):
        psi_by_period(df, "value", "m", baseline="a")
    with pytest.raises(CourseArgumentError, match="DataFrame"):
        psi_by_period([1, 2], "v", "m", baseline="a")


def test_performance_by_period_equals_sklearn_per_group():
    rng = np.random.default_rng(3)
    n = 3000
    period = rng.choice(["2023-07", "2023-08", "2023-09"], n)
    y = rng.binomial(1, 0.2, n)
    noise = {"2023-07": 0.5, "2023-08": 1.0, "2023-09": 2.0}      # the model decays over time
    s = y + rng.normal(0, 1, n) * np.vectorize(noise.get)(period)
    out = performance_by_period(y, s, period)
    assert out["period"].tolist() == ["2023-07", "2023-08", "2023-09"]
    for _, row in out.iterrows():
        m = period == row["period"]
        assert row["auc"] == pytest.approx(roc_auc_score(y[m], s[m]))
        assert row["n"] == m.sum() and row["positives"] == y[m].sum()
    assert out["auc"].is_monotonic_decreasing


def test_performance_single_class_period_is_nan():
    out = performance_by_period([0, 0, 1, 0], [0.1, 0.2, 0.9, 0.3], ["a", "a", "b", "b"])
    assert math.isnan(out.loc[0, "auc"]) and out.loc[1, "auc"] == 1.0


def test_performance_errors():
    with pytest.raises(CourseArgumentError, match="0/1"):
        performance_by_period([0, 2], [0.1, 0.2], ["a", "a"])
    with pytest.raises(CourseArgumentError, match="same length"):
        performance_by_period([0, 1], [0.1, 0.2, 0.3], ["a", "a"])
    with pytest.raises(CourseArgumentError, match="scores"):
        performance_by_period([0, 1], [0.1, None], ["a", "a"])


def test_error_rates_by_group_by_hand():
    y = [1, 1, 0, 0, 0, 1, 0, 0, 1, 1]
    p = [1, 0, 1, 0, 0, 1, 1, 1, 1, 0]
    g = ["青年", "青年", "青年", "青年", "青年", "老年", "老年", "老年", "老年", "老年"]
    out = error_rates_by_group(y, p, g).set_index("group")
    # 青年: TP1 FN1 FP1 TN2 ; 老年: TP2 FN1 FP2 TN0
    assert out.loc["青年", "fpr"] == pytest.approx(1 / 3) and out.loc["青年", "fnr"] == pytest.approx(1 / 2)
    assert out.loc["老年", "fpr"] == pytest.approx(1.0) and out.loc["老年", "fnr"] == pytest.approx(1 / 3)
    assert out.loc["青年", "selection_rate"] == pytest.approx(0.4) and out.loc["老年", "selection_rate"] == 0.8
    assert out.loc["老年", "precision"] == pytest.approx(0.5)
    assert out["n"].tolist() == [5, 5]


def test_error_rates_nan_when_undefined_and_bool_inputs():
    out = error_rates_by_group(np.array([True, True]), np.array([False, True]), ["男", "男"])
    assert math.isnan(out.loc[0, "fpr"]) and out.loc[0, "fnr"] == 0.5


def test_error_rates_errors():
    with pytest.raises(CourseArgumentError, match="y_pred"):
        error_rates_by_group([0, 1], [0.3, 0.9], ["a", "b"])
    with pytest.raises(CourseArgumentError, match="same length"):
        error_rates_by_group([0, 1], [0, 1], ["a"])


# ---------------------------------------------------------------------------
# same figures on every CPU (numpy's SIMD kernels switched off in child processes)
# ---------------------------------------------------------------------------
_CHILD = r"""
import hashlib, json
import numpy as np
from course_utils.monitoring import psi
from course_utils.coupons import coupon_plan_value
from course_utils.experiments import ab_test, sample_size, simulate_experiments
from numpy._core import _multiarray_umath as mu
rng = np.random.default_rng(0)
e, a = rng.standard_normal(20_000) * 0.9 + 10, rng.standard_normal(20_000) + 10.2
bal = np.round(np.abs(rng.standard_normal(3000)) * 80_000 + 1_000, 2)
out = {"psi": [psi(e, a).hex(), psi(e * 3.7, a * 3.7 + 1, bins=7).hex()]}
r = coupon_plan_value(bal, [(20_000, 0.002), (100_000, 0.004), (300_000, 0.006)])
out["coupon"] = [float(v).hex() for v in r.summary[["cost", "kept_balance", "net_value"]].to_numpy().ravel()]
s = simulate_experiments(2016, 0.10, 0.28, n_sims=2000, seed=3)
out["sim"] = [s["power"].hex(), s["false_confirm_rate"].hex(), hashlib.sha256(s["lift_draws"].tobytes()).hexdigest()]
t = ab_test(100, 1000, 128, 1000)
out["ab"] = [t["p_value"].hex(), t["ci_low"].hex(), t["ci_high"].hex(), sample_size(0.1, 0.28)]
out["enabled"] = sorted(k for k, v in mu.__cpu_features__.items() if v)
print(json.dumps(out))
"""


def test_lecture5_figures_are_the_same_on_every_cpu():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from numpy._core import _multiarray_umath as mu

    root = Path(__file__).resolve().parents[1]
    have = {k for k, v in mu.__cpu_features__.items() if v} & set(mu.__cpu_dispatch__)
    settings = {"all": [], "no AVX-512": ["AVX512_ICL", "AVX512_SKX", "X86_V4"],
                "no AVX2": ["AVX512_ICL", "AVX512_SKX", "X86_V4", "X86_V3"]}
    results = {}
    for label, names in settings.items():
        env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
        env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
        off = [n for n in names if n in have]
        if off:
            env["NPY_DISABLE_CPU_FEATURES"] = " ".join(off)
        p = subprocess.run([sys.executable, "-c", _CHILD], cwd=root, env=env, capture_output=True, text=True,
                           timeout=300)
        assert p.returncode == 0, p.stderr[-3000:]
        results[label] = json.loads(p.stdout.strip().splitlines()[-1])
        assert not set(off) & set(results[label].pop("enabled")), f"{label}: kernels not switched off"
    first = results["all"]
    for label, r in results.items():
        assert r == first, f"{label} differs from all features on"


# ---------------------------------------------------------------------------
# churn_tables: the churn table at many cut-offs, equal to build_churn_table
# ---------------------------------------------------------------------------
def _assert_same_table(slow, fast):
    assert list(fast.columns) == list(slow.columns)
    assert (fast.dtypes == slow.dtypes).all()
    # counts, days, ids and labels: identical; sums of money may differ in the last bit (another order)
    for col in slow.columns:
        if col in ("monetary", "balance_trend"):
            np.testing.assert_allclose(fast[col], slow[col], rtol=1e-12, atol=1e-12)
            assert (fast[col].isna() == slow[col].isna()).all()
        else:
            pd.testing.assert_series_equal(fast[col], slow[col])


@pytest.mark.parametrize("seed,n", [(None, None), (7, 800)])
def test_churn_tables_equal_build_churn_table(seed, n):
    from course_utils.churn import build_churn_table
    from course_utils.data import get_bank

    bank = get_bank() if seed is None else get_bank(seed=seed, n_customers=n)
    cuts = ["2021-02-01", "2021-03-15", "2022-07-01", "2023-07-01", "2024-01-01", "2024-06-30"]
    fast = monitoring.churn_tables(bank, cuts)
    assert list(fast) == [pd.Timestamp(c) for c in cuts]
    for c in cuts:
        slow = build_churn_table(bank, c)
        _assert_same_table(slow, fast[pd.Timestamp(c)])
    assert fast[pd.Timestamp("2021-02-01")]["app_minutes_trend"].isna().all()     # < 8 weeks of app data
    assert fast[pd.Timestamp("2024-06-30")]["app_minutes_trend"].notna().mean() > 0.5    # app data from 2024
    # other windows
    slow = build_churn_table(bank, "2023-03-01", outcome_months=3, lookback_months=6)
    _assert_same_table(slow, monitoring.churn_tables(bank, ["2023-03-01"], 3, 6)[pd.Timestamp("2023-03-01")])


def _toy_tables():
    cust = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "age": [30, 40, 50, 60],
                         "monthly_income": [8e3, None, 5e3, 6e3], "satisfaction": [80, 60, 70, 90],
                         "open_date": ["2020-01-01", "2023-01-15", "2021-06-01", "2021-01-01"],
                         "churn_date": ["2023-03-10", "", "", ""]})
    txn = pd.DataFrame({"customer_id": ["A", "A", "B", "Z"], "amount": [100.0, None, 20.0, 5.0],
                        "txn_date": ["2022-12-01", "2023-01-20", "2023-01-25", "2023-01-02"]})
    bal = pd.DataFrame({"customer_id": ["A"] * 4 + ["C"] * 3 + ["Z"] + ["D"] * 2,
                        "month": ["2022-09", "2022-10", "2022-12", "2023-01", "2022-08", "2022-09", "2022-12", "2023-01",
                                  "2022-05", "2023-01"],
                        "balance": [100.0, 200.0, 300.0, np.nan, 50.0, -500.0, 10.0, 1.0, 70.0, np.nan]})
    hold = pd.DataFrame({"customer_id": ["A", "C", "C"], "start_date": ["2022-01-01", "2023-01-31", "2023-02-01"]})
    acc = pd.DataFrame({"customer_id": ["A", "C"], "open_date": ["2020-01-01", "2021-06-01"],
                        "close_date": ["2023-01-31", ""]})
    msg = pd.DataFrame({"customer_id": ["A", "C", "C"], "msg_date": ["2022-06-01", "2023-01-05", "2021-01-01"],
                        "intent": ["投诉", "咨询", "投诉"], "sentiment": ["中性", "负面", "负面"]})
    app = pd.DataFrame({"customer_id": ["A", "A", "C", "C"], "week_start": ["2022-11-28", "2023-01-09", "2022-12-05", "2023-01-16"],
                        "minutes": [30, 10, None, 40]})
    return {"customers": cust, "transactions": txn, "balances": bal, "holdings": hold, "accounts": acc,
            "messages": msg, "app_usage": app}


def test_churn_tables_on_text_tables_edge_cases():
    """Text dates, unknown ids (Z), NaN amounts/balances/minutes, closed accounts, optional tables missing."""
    from course_utils.churn import build_churn_table

    tables = _toy_tables()
    for cut in ("2023-01-01", "2023-02-01", "2023-03-10"):
        fast = monitoring.churn_tables(tables, [cut])[pd.Timestamp(cut)]
        _assert_same_table(build_churn_table(tables, cut), fast)
        lean = {k: tables[k] for k in ("customers", "transactions")}
        _assert_same_table(build_churn_table(lean, cut), monitoring.churn_tables(lean, cut)[pd.Timestamp(cut)])
    feb = monitoring.churn_tables(tables, ["2023-02-01"])[pd.Timestamp("2023-02-01")].set_index("customer_id")
    assert feb.loc["A", "balance_last"] == 300.0          # January is NaN: the latest known month-end counts
    assert np.isnan(feb.loc["C", "balance_trend"])        # reference months average <= 0: no trend
    assert np.isnan(feb.loc["D", "balance_last"])         # only months 1-6 before the cut-off are read


def test_churn_tables_duplicate_ids_and_bad_arguments():
    from course_utils.churn import build_churn_table

    tables = _toy_tables()
    dup = dict(tables, customers=pd.concat([tables["customers"], tables["customers"].iloc[[0]]], ignore_index=True))
    _assert_same_table(build_churn_table(dup, "2023-02-01"),
                       monitoring.churn_tables(dup, ["2023-02-01"])[pd.Timestamp("2023-02-01")])
    with pytest.raises(CourseArgumentError):
        monitoring.churn_tables(tables, ["next week"])
    with pytest.raises(CourseArgumentError):
        monitoring.churn_tables(tables, ["2023-02-01"], outcome_months=0)
    with pytest.raises(CourseArgumentError):
        monitoring.churn_tables({"customers": tables["customers"]}, ["2023-02-01"])
    with pytest.raises(CourseArgumentError):
        monitoring.churn_tables("bank", ["2023-02-01"])


def test_churn_tables_without_the_arrow_lookup(monkeypatch):
    """The id lookup falls back to pandas when Arrow's index_in fails: the same tables."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = _toy_tables()
    want = monitoring.churn_tables(tables, ["2023-02-01"])[pd.Timestamp("2023-02-01")]

    def refuse(*args, **kwargs):
        raise pa.ArrowNotImplementedError("no lookup")

    monkeypatch.setattr(pc, "index_in", refuse)
    got = monitoring.churn_tables(tables, ["2023-02-01"])[pd.Timestamp("2023-02-01")]
    pd.testing.assert_frame_equal(got, want)
