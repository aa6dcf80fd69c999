"""Unit tests of course_utils.evaluation: lift, budget metrics, profit curve, calibration."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import bilingual
from sklearn.metrics import precision_score, recall_score

from course_utils.errors import CourseArgumentError
from course_utils.evaluation import (bin_sizes, budget_metrics, calibration_table, lift_table, profit_curve,
                                     ranking)

ROOT = Path(__file__).resolve().parents[1]
LIFT_COLUMNS = ["bin", "customers", "churners", "churn_rate", "lift", "cum_share_customers",
                "cum_share_churners"]


# ---------------------------------------------------------------------------
# lift table
# ---------------------------------------------------------------------------
def test_lift_table_hand_computed():
    # 10 customers, 4 churners, 5 bins of 2. Sorted by score: y = 1 1 | 0 1 | 0 0 | 1 0 | 0 0
    y = [0, 1, 0, 1, 0, 0, 1, 0, 1, 0]
    s = [0.55, 0.95, 0.15, 0.75, 0.65, 0.05, 0.90, 0.25, 0.35, 0.45]
    t = lift_table(y, s, bins=5)
    assert list(t.columns) == LIFT_COLUMNS
    assert t["bin"].tolist() == [1, 2, 3, 4, 5]
    assert t["customers"].tolist() == [2, 2, 2, 2, 2]
    assert t["churners"].tolist() == [2, 1, 0, 1, 0]
    assert t["churn_rate"].tolist() == [1.0, 0.5, 0.0, 0.5, 0.0]
    assert t["lift"].tolist() == [2.5, 1.25, 0.0, 1.25, 0.0]          # base rate 0.4
    assert t["cum_share_customers"].tolist() == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert t["cum_share_churners"].tolist() == [0.5, 0.75, 0.75, 1.0, 1.0]
    assert t["customers"].dtype == np.int64 and t["churners"].dtype == np.int64


def test_bins_not_dividing_n_are_as_equal_as_possible_larger_first():
    assert bin_sizes(10, 3).tolist() == [4, 3, 3]
    assert bin_sizes(11, 3).tolist() == [4, 4, 3]
    assert bin_sizes(3, 3).tolist() == [1, 1, 1]
    y = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    s = np.linspace(1, 0, 11)
    t = lift_table(y, s, bins=3)
    assert t["customers"].tolist() == [4, 4, 3]
    assert t["churners"].tolist() == [2, 1, 0]
    assert t["cum_share_customers"].iloc[-1] == 1.0 and t["cum_share_churners"].iloc[-1] == 1.0
    for n in range(1, 40):
        for bins in range(1, min(n, 12) + 1):
            sizes = bin_sizes(n, bins)
            assert sizes.sum() == n and sizes.max() - sizes.min() <= 1
            assert (np.diff(sizes) <= 0).all()


def test_ties_split_by_original_position():
    # every score equal: the order of the data decides, deterministically
    t = lift_table([1, 1, 0, 0, 0, 0], [0.5] * 6, bins=3)
    assert t["churners"].tolist() == [2, 0, 0]
    t = lift_table([0, 0, 0, 0, 1, 1], [0.5] * 6, bins=3)
    assert t["churners"].tolist() == [0, 0, 2]
    # a tie straddling the bin edge: positions 1 and 2 tie; position 1 (churner) comes first
    t = lift_table([0, 1, 0, 0], [0.9, 0.5, 0.5, 0.1], bins=2)
    assert t["churners"].tolist() == [1, 0]
    t = lift_table([0, 0, 1, 0], [0.9, 0.5, 0.5, 0.1], bins=2)
    assert t["churners"].tolist() == [0, 1]
    assert ranking([0.5, 0.9, 0.5, 0.9, 0.1]).tolist() == [1, 3, 0, 2, 4]


def test_lift_matches_a_brute_force_count():
    rng = np.random.default_rng(5)
    n = 1003
    s = np.round(rng.random(n), 2)             # many ties
    y = (rng.random(n) < 0.15 + 0.5 * s).astype(int)
    t = lift_table(y, s, bins=10)
    order = sorted(range(n), key=lambda i: (-s[i], i))
    pos = 0
    for row in t.itertuples():
        members = order[pos:pos + row.customers]
        pos += row.customers
        assert row.churners == sum(y[i] for i in members)
    assert pos == n
    assert t["lift"].iloc[0] > 1.5 > 0.8 > t["lift"].iloc[-1]
    # lift averages to 1 when weighted by bin size
    assert np.isclose((t["lift"] * t["customers"]).sum() / n, 1.0)


def test_inputs_are_matched_by_position_and_accept_pandas_types():
    y = pd.Series([True, False, True, False], index=[10, 11, 12, 13], dtype="boolean")
    s = pd.Series([0.9, 0.1, 0.8, 0.2], index=[10, 11, 12, 13], dtype="Float64")
    t = lift_table(y, s, bins=2)
    assert t["churners"].tolist() == [2, 0]
    assert lift_table(y.to_numpy(), s.to_numpy(), bins=2).equals(t)
    with pytest.raises(CourseArgumentError) as e:
        lift_table(y, s.reset_index(drop=True), bins=2)
    assert "index" in bilingual(e)


@pytest.mark.parametrize("y, s, bins, word", [
    ([1, 0, 1], [0.2, 0.3], 2, "lengths differ"),
    ([1, 0, 1], [0.2, np.nan, 0.5], 2, "NaN"),
    ([1, 0, 1], [0.2, np.inf, 0.5], 2, "finite"),
    ([1, 0, 2], [0.2, 0.3, 0.5], 2, "0 or 1"),
    ([1, 0, np.nan], [0.2, 0.3, 0.5], 2, "0 or 1"),
    (["yes", "no", "yes"], [0.2, 0.3, 0.5], 2, "0/1"),
    ([1, 0, 1], ["a", 0.3, 0.5], 2, "numbers"),
    ([0, 0, 0], [0.2, 0.3, 0.5], 2, "single class"),
    ([1, 1, 1], [0.2, 0.3, 0.5], 2, "single class"),
    ([1, 0, 1], [0.2, 0.3, 0.5], 4, "between 1 and"),
    ([1, 0, 1], [0.2, 0.3, 0.5], 0, "between 1 and"),
    ([1, 0, 1], [0.2, 0.3, 0.5], 2.5, "integer"),
    ([], [], 2, "empty"),
    ([[1, 0], [0, 1]], [[0.1, 0.2], [0.3, 0.4]], 2, "1-D"),
    ("101", [0.2, 0.3, 0.5], 2, "list"),
])
def test_lift_table_bad_input_gives_bilingual_message(y, s, bins, word):
    with pytest.raises(CourseArgumentError) as e:
        lift_table(y, s, bins=bins)
    assert word in bilingual(e)


def test_predict_proba_column_vector_and_two_column_matrix():
    y = [1, 0, 1, 0]
    assert lift_table(y, np.array([[0.9], [0.1], [0.8], [0.2]]), bins=2)["churners"].tolist() == [2, 0]
    with pytest.raises(CourseArgumentError) as e:
        lift_table(y, np.array([[0.1, 0.9], [0.9, 0.1], [0.2, 0.8], [0.8, 0.2]]), bins=2)
    assert "[:, 1]" in bilingual(e)


# ---------------------------------------------------------------------------
# budget metrics
# ---------------------------------------------------------------------------
def test_budget_metrics_hand_computed_and_against_sklearn():
    y = [0, 1, 0, 1, 0, 0, 1, 0, 1, 0]
    s = [0.55, 0.95, 0.15, 0.75, 0.65, 0.05, 0.90, 0.25, 0.35, 0.45]
    m = budget_metrics(y, s, 3)       # top 3: 0.95 (1), 0.90 (1), 0.75 (1)
    assert m == {"contacted": 3, "churners_reached": 3, "precision": 1.0, "recall": 0.75, "lift": 2.5}
    assert all(type(v) in (int, float) for v in m.values())
    rng = np.random.default_rng(1)
    yy = (rng.random(500) < 0.2).astype(int)
    ss = rng.random(500) + 0.3 * yy
    for k in (1, 37, 100, 499, 500):
        m = budget_metrics(yy, ss, k)
        pred = np.zeros(500, dtype=int)
        pred[np.argsort(-ss, kind="stable")[:k]] = 1
        assert m["precision"] == pytest.approx(precision_score(yy, pred))
        assert m["recall"] == pytest.approx(recall_score(yy, pred))
        assert m["lift"] == pytest.approx(m["precision"] / yy.mean())
    assert budget_metrics(yy, ss, 500)["recall"] == 1.0


def test_budget_metrics_edges_and_ties():
    m = budget_metrics([1, 0, 0, 1], [0.5, 0.5, 0.5, 0.5], 1)
    assert m["churners_reached"] == 1                          # position 0 first
    m = budget_metrics([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5], 1)
    assert m["churners_reached"] == 0
    m = budget_metrics([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.3], 0)
    assert m["contacted"] == 0 and m["recall"] == 0.0 and np.isnan(m["precision"]) and np.isnan(m["lift"])
    assert budget_metrics([1, 0], [0.9, 0.1], np.int64(1))["precision"] == 1.0
    assert budget_metrics([1, 0], [0.9, 0.1], 1.0)["precision"] == 1.0


@pytest.mark.parametrize("budget, word", [(5, "between 0 and"), (-1, "between 0 and"), (1.5, "whole number"),
                                          ("3", "whole number"), (True, "whole number"), (None, "whole number")])
def test_budget_metrics_bad_budget(budget, word):
    with pytest.raises(CourseArgumentError) as e:
        budget_metrics([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.3], budget)
    assert word in bilingual(e)


# ---------------------------------------------------------------------------
# profit curve
# ---------------------------------------------------------------------------
def test_profit_curve_counts_every_cost():
    y = [1, 0, 1, 0, 0]
    s = [0.9, 0.8, 0.7, 0.2, 0.1]
    c = profit_curve(y, s, value_saved=1000, contact_cost=10, offer_cost=100, save_rate=0.4, accept_rate=0.5)
    assert c["contacted"].tolist() == [0, 1, 2, 3, 4, 5]
    assert c["churners_reached"].tolist() == [0, 1, 1, 2, 2, 2]
    # k = 3: saved 0.4 * 2 = 0.8 -> 800; contacts 30; offers 3 * 0.5 * 100 = 150
    row = c.iloc[3]
    assert row["customers_saved"] == pytest.approx(0.8)
    assert row["saved_value"] == pytest.approx(800)
    assert row["contact_cost"] == 30 and row["offer_cost"] == 150 and row["total_cost"] == 180
    assert row["net_value"] == pytest.approx(620)
    assert row["roi"] == pytest.approx(620 / 180)
    assert c.iloc[0]["net_value"] == 0 and np.isnan(c.iloc[0]["roi"])
    # non-churners cost money: contacting everyone is worse than the top 3
    assert c.iloc[5]["net_value"] == pytest.approx(800 - 50 - 250)
    assert c.loc[c["net_value"].idxmax(), "contacted"] == 3
    # default accept_rate = 1: every contacted customer gets the offer
    d = profit_curve(y, s, 1000, 10, 100, 0.4, budgets=[3])
    assert d["offer_cost"].tolist() == [300.0] and d["net_value"].tolist() == [pytest.approx(470.0)]


def test_profit_curve_agrees_with_budget_metrics():
    rng = np.random.default_rng(2)
    y = (rng.random(300) < 0.2).astype(int)
    s = np.round(rng.random(300) + 0.4 * y, 1)
    c = profit_curve(y, s, 2000, 15, 80, 0.3, 0.6, budgets=range(0, 301, 25))
    for row in c.itertuples():
        if row.contacted:
            assert row.churners_reached == budget_metrics(y, s, row.contacted)["churners_reached"]


@pytest.mark.parametrize("kw, word", [
    ({"value_saved": -1}, "at least 0"), ({"contact_cost": np.nan}, "at least 0"),
    ({"save_rate": 1.5}, "between 0 and 1"), ({"accept_rate": -0.1}, "between 0 and 1"),
    ({"budgets": [2, 9]}, "between 0 and"), ({"offer_cost": "10"}, "at least 0"),
])
def test_profit_curve_bad_input(kw, word):
    args = dict(value_saved=1000, contact_cost=10, offer_cost=100, save_rate=0.4, accept_rate=0.5)
    budgets = kw.pop("budgets", None)
    args.update(kw)
    with pytest.raises(CourseArgumentError) as e:
        profit_curve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.2], budgets=budgets, **args)
    assert word in bilingual(e)


# ---------------------------------------------------------------------------
# calibration
# ---------------------------------------------------------------------------
def test_calibration_table_quantile_and_uniform():
    y = [0, 0, 1, 0, 1, 1, 0]
    p = [0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.05]
    q = calibration_table(y, p, bins=2)
    # ascending: 0.05 0.1 0.2 0.3 | 0.6 0.7 0.8 (sizes 4, 3)
    assert q["customers"].tolist() == [4, 3]
    assert q["observed_rate"].tolist() == [0.25, pytest.approx(2 / 3)]
    assert q["mean_predicted"].tolist() == [pytest.approx(0.1625), pytest.approx(0.7)]
    assert q["lower"].tolist() == [0.05, 0.6] and q["upper"].tolist() == [0.3, 0.8]
    u = calibration_table(y, p, bins=4, strategy="uniform")
    # [0, .25): 0.1 0.2 0.05 | [.25, .5): 0.3 | [.5, .75): 0.6 0.7 | [.75, 1]: 0.8
    assert u["customers"].tolist() == [3, 1, 2, 1]
    assert u["lower"].tolist() == [0.0, 0.25, 0.5, 0.75]
    assert u["observed_rate"].tolist() == [0.0, 1.0, 0.5, 1.0]
    # empty bins are left out; p = 1 falls in the last bin
    u = calibration_table([0, 1], [0.0, 1.0], bins=10, strategy="uniform")
    assert u["lower"].tolist() == [0.0, 0.9] and u["customers"].tolist() == [1, 1]


def test_calibration_of_a_calibrated_score_is_close():
    rng = np.random.default_rng(3)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(int)
    t = calibration_table(y, p, bins=10)
    assert (abs(t["observed_rate"] - t["mean_predicted"]) < 0.03).all()
    bad = calibration_table(y, p ** 3, bins=10)        # under-predicts
    assert (bad["observed_rate"] - bad["mean_predicted"]).mean() > 0.1


@pytest.mark.parametrize("p, kw, word", [([0.1, 1.2, 0.3], {}, "[0, 1]"), ([0.1, 0.2, 0.3], {"strategy": "x"}, "quantile"),
                                          ([0.1, 0.2, 0.3], {"bins": 0}, "between 1 and"),
                                          ([0.1, 0.2, 0.3], {"bins": 0, "strategy": "uniform"}, "positive")])
def test_calibration_bad_input(p, kw, word):
    with pytest.raises(CourseArgumentError) as e:
        calibration_table([0, 1, 0], p, **kw)
    assert word in bilingual(e)


# ---------------------------------------------------------------------------
# same bytes on another CPU
# ---------------------------------------------------------------------------
_SCRIPT = """
import numpy as np, sys
from course_utils.evaluation import lift_table, ranking, calibration_table, profit_curve
rng = np.random.default_rng(11)
s = np.round(rng.random(20001), 2)
y = (rng.random(20001) < 0.1 + 0.3 * s).astype(int)
out = (ranking(s).tobytes() + lift_table(y, s, bins=7).to_numpy().tobytes()
       + calibration_table(y, s, bins=9).to_numpy().tobytes()
       + profit_curve(y, s, 3000, 12, 50, 0.3, 0.7).to_numpy().tobytes())
sys.stdout.write(out.hex())
"""


def test_results_do_not_depend_on_cpu_features():
    base = {**os.environ, "PYTHONHASHSEED": "0"}
    outs = []
    for disabled in ("", "AVX512_ICL AVX512_SKX X86_V4", "AVX512_ICL AVX512_SKX X86_V4 X86_V3"):
        env = dict(base, NPY_DISABLE_CPU_FEATURES=disabled) if disabled else base
        r = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    assert outs[0] and outs[0] == outs[1] == outs[2]
