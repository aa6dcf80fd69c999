"""NPS and driver importance (course_utils.survey)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.data import get_bank
from course_utils.errors import CourseArgumentError
from course_utils.survey import ASPECT_NAMES_ZH, driver_importance, nps, nps_by, nps_category


@pytest.fixture(scope="module")
def bank():
    return get_bank()


# --- NPS -------------------------------------------------------------------------

@pytest.mark.parametrize("scores, expected", [
    ([10, 9, 8, 7, 6, 0], 0.0),                    # 2 promoters, 2 detractors of 6
    ([10, 10, 9, 8, 3], 40.0),                     # 3 - 1 of 5
    ([9, 9, 9], 100.0),
    ([0, 6, 5, 1], -100.0),
    ([7, 8, 7, 8], 0.0),                           # passives only
    ([10, None, float("nan"), 2, 9, 8], 25.0),     # missing answers left out: 2 - 1 of 4
    (pd.Series([10, 6, 6, 6, 9, 9, 9, 9]), 25.0),  # 4 - 3 of 8
])
def test_nps_hand_computed(scores, expected):
    assert nps(scores) == pytest.approx(expected, abs=1e-9)


def test_nps_on_the_0_100_scale_boundaries():
    cats = nps_category([100, 90, 89.9, 70, 69.99, 0, None], scale=100).tolist()
    assert cats[:6] == ["推荐者", "推荐者", "中立者", "中立者", "贬损者", "贬损者"] and pd.isna(cats[6])
    assert nps([95, 80, 40], scale=100) == 0.0
    assert nps([90, 90, 69], scale=100) == pytest.approx(100 / 3)
    assert nps_category([10, 9, 8, 7, 6]).tolist() == ["推荐者", "推荐者", "中立者", "中立者", "贬损者"]


def test_nps_of_the_survey_matches_the_satisfaction_bands(bank):
    s = bank.survey
    bands = pd.cut(s["overall"], [-1, 69.5, 89.5, 101], labels=["d", "a", "p"]).value_counts(normalize=True)
    assert nps(s["overall"], scale=100) == pytest.approx(100 * (bands["p"] - bands["d"]))


def test_nps_bad_input():
    with pytest.raises(CourseArgumentError, match="scale=100") as e:
        nps([77, 80])
    assert "0~100" in str(e.value)                      # Chinese hint as well
    with pytest.raises(CourseArgumentError, match="whole numbers"):
        nps([7.5, 9])
    with pytest.raises(CourseArgumentError, match="position 1"):
        nps([9, "ten"])
    with pytest.raises(CourseArgumentError, match="outside 0-10"):
        nps([9, -1])
    with pytest.raises(CourseArgumentError, match="all missing"):
        nps([None, np.nan])
    with pytest.raises(CourseArgumentError, match="scale"):
        nps([9], scale=5)
    with pytest.raises(CourseArgumentError, match="list or Series"):
        nps("9 10 8")
    assert nps(9) == 100.0


def test_nps_by_hand_example_and_interval():
    s = pd.DataFrame({"overall": [95, 92, 60, 75, 40, 99, np.nan], "seg": list("AABBBBB")})
    r = nps_by(s, "seg", min_n=3)
    assert r.index.tolist() == ["A", "B"] and r.index.name == "seg"
    assert r["n"].tolist() == [2, 4] and r["n_missing"].tolist() == [0, 1]
    assert r["nps"].tolist() == [100.0, -25.0]
    assert r.loc["B", ["promoters", "passives", "detractors"]].tolist() == [0.25, 0.25, 0.5]
    # standard error of a +100/0/-100 mean: 100 * sqrt((p + d - (p - d)^2) / n)
    se = 100 * np.sqrt((0.25 + 0.5 - 0.25 ** 2) / 4)
    assert r.loc["B", "ci_low"] == pytest.approx(max(-100, -25 - 1.959964 * se), abs=1e-4)
    assert r["small"].tolist() == [True, False]
    assert (r["ci_low"] <= r["nps"]).all() and (r["nps"] <= r["ci_high"]).all()


def test_nps_by_groups_of_the_bank(bank):
    s = bank.survey.merge(bank.customers[["customer_id", "gender", "city"]], on="customer_id", how="left")
    by_gender = nps_by(s, "gender")
    assert by_gender["n"].sum() == len(s)
    weighted = (by_gender["nps"] * by_gender["n"]).sum() / by_gender["n"].sum()
    assert weighted == pytest.approx(nps(s["overall"], scale=100))
    two = nps_by(s, ["gender", "city"], min_n=100)
    assert two.index.names == ["gender", "city"] and two["n"].sum() == len(s)
    assert two["small"].equals(two["n"] < 100) and two["small"].any()   # small cells flagged, not hidden
    ser = nps_by(s, s["gender"].rename("性别"))
    assert ser["nps"].tolist() == by_gender["nps"].tolist()


def test_nps_by_bad_calls(bank):
    s = bank.survey
    with pytest.raises(CourseArgumentError, match="no group column"):
        nps_by(s, "segment")
    with pytest.raises(CourseArgumentError, match="no column"):
        nps_by(s.assign(g=1), "g", score="nps")
    with pytest.raises(CourseArgumentError, match="merge"):
        nps_by(s, pd.Series(["a"] * 3))
    with pytest.raises(CourseArgumentError, match="scale=100"):
        nps_by(s.assign(g=1), "g", scale=10)
    with pytest.raises(CourseArgumentError, match="confidence level"):
        nps_by(s.assign(g=1), "g", ci=95)


# --- drivers ----------------------------------------------------------------------

def _simulated(n=800, seed=3):
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 1, n)   # aspects correlate, as real survey answers do
    df = pd.DataFrame({f"score_{k}": 70 + 10 * (0.5 * base + rng.normal(0, 1, n))
                       for k in ("service", "waiting", "returns", "fees", "app")})
    df["overall"] = 10 + 0.6 * df["score_fees"] + 0.05 * df["score_app"] + rng.normal(0, 4, n)
    return df


@pytest.mark.parametrize("method", ["standardized", "permutation"])
def test_driver_importance_recovers_a_known_driver(method):
    d = driver_importance(_simulated(), method=method, n_boot=300)
    assert d.loc[0, "aspect"] == "score_fees" and d.loc[0, "name_zh"] == "手续费" and d.loc[0, "rank"] == 1
    top = d.iloc[0]
    assert top.ci_low > 0 and top.share > 0.6
    assert (d["ci_low"] <= d["importance"]).all() and (d["importance"] <= d["ci_high"]).all()
    # aspects with no effect: interval includes 0 (at most one by chance), far below the driver
    noise = d[d["aspect"].isin(["score_service", "score_waiting", "score_returns"])]
    assert ((noise["ci_low"] <= 0) & (noise["ci_high"] >= 0)).sum() >= 2
    assert (noise["ci_high"] < top.ci_low).all()
    assert d.attrs["n"] == 800 and d.attrs["method"] == method and d.attrs["r2"] > 0.5


def test_driver_importance_follows_the_generators_weights(bank):
    """survey.csv: overall is built from weights 服务 .25, 收益 .25, 手续费 .20, APP .15, 等待 .15."""
    d = driver_importance(bank.survey, n_boot=200)
    order = d["aspect"].tolist()
    assert set(order[:2]) == {"score_service", "score_returns"}
    assert order[2] == "score_fees" and set(order[3:]) == {"score_app", "score_waiting"}
    assert d["share"].sum() == pytest.approx(1.0, abs=1e-5)
    assert set(d["name_zh"]) <= set(ASPECT_NAMES_ZH.values())


def test_driver_importance_is_deterministic_and_seeded():
    s = _simulated(300)
    a = driver_importance(s, n_boot=100, random_state=5)
    b = driver_importance(s, n_boot=100, random_state=5)
    c = driver_importance(s, n_boot=100, random_state=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a["ci_low"].equals(c["ci_low"]) and a["importance"].equals(c["importance"])


def test_driver_importance_missing_rows_and_bad_calls():
    s = _simulated(200)
    s.loc[[0, 5], "score_app"] = np.nan
    d = driver_importance(s, n_boot=60)
    assert d.attrs["dropped"] == 2 and d.attrs["n"] == 198
    d2 = driver_importance(s, aspects=["score_fees", "score_app"], n_boot=60)
    assert sorted(d2["aspect"]) == ["score_app", "score_fees"]
    bad_calls = [
        (dict(method="shap"), "method"),
        (dict(target="nps"), "no column"),
        (dict(aspects=["score_fees", "score_fees"]), "twice"),
        (dict(aspects=["overall", "score_fees"]), "target"),
        (dict(n_boot=10), "n_boot"),
        (dict(ci=2), "confidence level"),
        (dict(random_state=-1), "random_state"),
        (dict(aspects=[]), "aspect"),
    ]
    for kwargs, msg in bad_calls:
        with pytest.raises(CourseArgumentError, match=msg):
            driver_importance(s, **kwargs)
    with pytest.raises(CourseArgumentError, match="numeric"):
        driver_importance(s.assign(score_app="好"))
    with pytest.raises(CourseArgumentError, match="one value"):
        driver_importance(s.assign(score_app=80))
    with pytest.raises(CourseArgumentError, match="complete answers"):
        driver_importance(s.head(6))
    with pytest.raises(CourseArgumentError, match="DataFrame"):
        driver_importance([1, 2, 3])


def test_negative_driver_ranks_by_size():
    s = _simulated(600, seed=9)
    s["overall"] = 0.6 * s["score_fees"] - 0.4 * s["score_waiting"] + np.random.default_rng(1).normal(0, 3, 600)
    d = driver_importance(s, n_boot=100)
    assert d["aspect"].tolist()[:2] == ["score_fees", "score_waiting"]
    assert d.loc[1, "importance"] < 0 and d.loc[1, "ci_high"] < 0 and d["rank"].tolist() == [1, 2, 3, 4, 5]
