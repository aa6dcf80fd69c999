"""Tests of course_utils.uplift: T-learner, uplift by decile, Qini, risk vs uplift targeting."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from helpers import bilingual
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from course_utils.churn_models import make_churn_model
from course_utils.errors import CourseArgumentError
from course_utils.uplift import (TLearner, compare_targeting, fit_t_learner, qini_coefficient, qini_curve,
                                 uplift_by_decile)


# ---------------------------------------------------------------------------
# a randomised retention campaign with a known, heterogeneous effect
# ---------------------------------------------------------------------------
#: churn probability (not contacted, contacted) per hidden type
P_CHURN = {"sure_thing": (0.05, 0.05), "persuadable": (0.55, 0.15), "lost_cause": (0.85, 0.85),
           "sleeping_dog": (0.10, 0.35)}
NUMERIC = ["age", "products", "complaints", "recency_days", "balance"]


def simulate_campaign(n: int, seed: int):
    """Customers, a 50/50 random contact, churn outcome, the true uplift, the hidden type and the
    expected uplift given the features (the best any model can know).

    Lost causes are inactive (long recency, few products) - the highest risk, but a call
    changes nothing; persuadables have complaints (fixable); sleeping dogs are young app
    users who dislike calls; everyone else is a sure thing.
    """
    rng = np.random.default_rng(seed)
    age = rng.integers(20, 75, n)
    products = rng.integers(1, 6, n)
    complaints = rng.poisson(0.6, n)
    recency = np.round(rng.exponential(40, n))
    balance = np.round(rng.lognormal(10, 1.2, n), -2)
    channel = rng.choice(np.array(["网点", "APP", "电话"]), n, p=[0.4, 0.45, 0.15])
    z = np.column_stack([np.zeros(n),
                         -2.0 + 1.1 * np.minimum(complaints, 3) + 0.4 * (balance > 50000),
                         -2.2 + 0.03 * recency - 0.3 * products,
                         -2.5 + 2.0 * ((channel == "APP") & (age < 35))])
    w = np.exp(z)
    w /= w.sum(1, keepdims=True)
    idx = (rng.random(n)[:, None] > np.cumsum(w, 1)).sum(1)
    order = ["sure_thing", "persuadable", "lost_cause", "sleeping_dog"]
    kinds = np.array(order)[idx]
    expected = w @ np.array([P_CHURN[k][0] - P_CHURN[k][1] for k in order])
    p_control = np.array([P_CHURN[k][0] for k in kinds])
    p_treated = np.array([P_CHURN[k][1] for k in kinds])
    treat = (rng.random(n) < 0.5).astype(int)
    churn = (rng.random(n) < np.where(treat == 1, p_treated, p_control)).astype(int)
    X = pd.DataFrame({"age": age, "products": products, "complaints": complaints, "recency_days": recency,
                      "balance": balance, "channel": channel})
    return X, treat, churn, p_control - p_treated, kinds, expected


def test_simulation_holds_all_four_kinds():
    _, t, y, true_u, kinds, expected = simulate_campaign(12000, 1)
    share = pd.Series(kinds).value_counts(normalize=True)
    assert set(share.index) == set(P_CHURN) and share.min() > 0.05
    assert 0.4 < t.mean() < 0.6 and 0.15 < y.mean() < 0.3
    assert (true_u < 0).any() and (true_u > 0).any()
    for kind in P_CHURN:                                   # the hidden types behave as designed
        m = kinds == kind
        assert y[m & (t == 0)].mean() - y[m & (t == 1)].mean() == pytest.approx(true_u[m][0], abs=0.06)
    assert np.corrcoef(expected, true_u)[0, 1] > 0.3


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_uplift_targeting_beats_risk_targeting(seed):
    X, t, y, true_u, _, expected = simulate_campaign(12000, seed)
    tr = np.arange(len(X)) < 6000                    # learn on one half, judge on the other
    te = ~tr
    tl = fit_t_learner(X[tr], t[tr], y[tr])
    uplift = tl.predict_uplift(X[te])
    control = tr & (t == 0)                          # risk = churn if nobody calls
    risk_model = make_churn_model("forest", NUMERIC, ["channel"]).fit(X[control], y[control])
    risk = risk_model.predict_proba(X[te])[:, 1]

    by_decile = uplift_by_decile(t[te], y[te], uplift)
    assert by_decile["observed_uplift"].iloc[0] > by_decile["observed_uplift"].iloc[-1] + 0.1, by_decile
    assert by_decile["predicted_uplift"].is_monotonic_decreasing
    assert qini_coefficient(t[te], y[te], uplift) > qini_coefficient(t[te], y[te], risk)

    money = dict(budget=1200, value_saved=3000, contact_cost=20, offer_cost=100, accept_rate=0.5)
    honest = compare_targeting(t[te], y[te], risk, uplift, **money)
    truth = compare_targeting(t[te], y[te], risk, uplift, true_uplift=true_u[te], **money)
    for r in (honest, truth):
        assert r.loc["uplift", "total_cost"] == r.loc["risk", "total_cost"] == 1200 * (20 + 0.5 * 100)
        assert r.loc["uplift", "net_value"] > r.loc["risk", "net_value"], r
    assert (honest["basis"] == "experiment").all() and (truth["basis"] == "true_uplift").all()
    # the T-learner's ranking comes close to the best one the features allow
    best = true_u[te][np.argsort(-expected[te], kind="stable")[:1200]].sum()
    assert truth.loc["uplift", "customers_saved"] > 0.75 * best, (truth, best)


# ---------------------------------------------------------------------------
# T-learner
# ---------------------------------------------------------------------------
def _toy():
    X = pd.DataFrame({"x": [0, 0, 1, 1] * 4})
    treated = [1] * 8 + [0] * 8
    churned = [0, 1, 0, 0, 0, 1, 0, 0] + [0, 1, 1, 0, 0, 1, 1, 0]
    return X, treated, churned


def test_t_learner_sign_convention_hand_computed():
    X, treated, churned = _toy()
    t = TLearner(DecisionTreeClassifier(random_state=0)).fit(X, treated, churned)
    p_t, p_c = t.predict_churn(pd.DataFrame({"x": [0, 1]}))
    assert p_t.tolist() == [0.5, 0.0] and p_c.tolist() == [0.5, 0.5]
    # uplift = churn if not contacted - churn if contacted: positive = contact helps
    assert t.predict_uplift(pd.DataFrame({"x": [0, 1]})).tolist() == [0.0, 0.5]


def test_t_learner_model_options_and_pickle():
    X, treated, churned = _toy()
    new = pd.DataFrame({"x": [0, 1]})
    by_estimator = fit_t_learner(X, treated, churned, make_model=LogisticRegression())
    by_function = fit_t_learner(X, treated, churned, make_model=lambda: LogisticRegression())
    assert np.array_equal(by_estimator.predict_uplift(new), by_function.predict_uplift(new))
    u = by_estimator.predict_uplift(new)
    assert u[1] > u[0] and by_estimator.model_treated_ is not by_estimator.model_control_
    default = fit_t_learner(X, treated, churned)            # forest; too few rows to split: group means
    assert default.predict_uplift(new).tolist() == pytest.approx([0.25, 0.25])
    for t in (by_estimator, default):
        again = pickle.loads(pickle.dumps(t))
        assert np.array_equal(again.predict_uplift(X), t.predict_uplift(X))
    with pytest.raises(CourseArgumentError) as e:
        fit_t_learner(X, treated, churned, make_model="forest")
    assert "make_model" in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        TLearner().predict_uplift(X)
    assert "not fitted" in bilingual(e)


@pytest.mark.parametrize("treated, churned, word", [
    ([1] * 16, [0, 1] * 8, "control group"),
    ([0] * 16, [0, 1] * 8, "treated group"),
    ([1] * 8 + [0] * 8, [0] * 8 + [0, 1] * 4, "treated group has outcome 0"),
    ([1] * 8 + [0] * 8, [0, 1] * 4 + [1] * 8, "control group has outcome 1"),
    ([1] * 8 + [2] * 8, [0, 1] * 8, "0 or 1"),
    ([1] * 8 + [0] * 7, [0, 1] * 8, "lengths differ"),
])
def test_t_learner_bad_input(treated, churned, word):
    X = pd.DataFrame({"x": [0, 0, 1, 1] * 4})
    with pytest.raises(CourseArgumentError) as e:
        fit_t_learner(X, treated, churned)
    assert word in bilingual(e)


# ---------------------------------------------------------------------------
# uplift by decile, Qini
# ---------------------------------------------------------------------------
def test_uplift_by_decile_hand_computed_with_uneven_bins_and_ties():
    #           score: 0.9 0.9 0.7 0.7 0.5 0.5 0.3 | ties keep the data order
    treatment = [1, 0, 1, 0, 1, 0, 1]
    outcome = [0, 1, 0, 0, 1, 1, 1]
    scores = [0.9, 0.9, 0.7, 0.7, 0.5, 0.5, 0.3]
    t = uplift_by_decile(treatment, outcome, scores, bins=3)      # sizes 3, 2, 2
    assert t["customers"].tolist() == [3, 2, 2]
    assert t["treated"].tolist() == [2, 1, 1] and t["control"].tolist() == [1, 1, 1]
    # bin 1 {0,1,2}: treated churn 0/2, control 1/1 -> uplift 1.0
    # bin 2 {3,4}: treated 1/1, control 0/1 -> -1.0 (a sleeping dog?); bin 3 {5,6}: 1/1 vs 1/1 -> 0.0
    assert t["churn_rate_treated"].tolist() == [0.0, 1.0, 1.0]
    assert t["churn_rate_control"].tolist() == [1.0, 0.0, 1.0]
    assert t["observed_uplift"].tolist() == [1.0, -1.0, 0.0]
    assert t["predicted_uplift"].tolist() == [pytest.approx(2.5 / 3), 0.6, 0.4]
    # a bin without control customers: rates NaN, not an error
    t = uplift_by_decile([1, 1, 0, 0], [0, 1, 0, 1], [0.9, 0.8, 0.2, 0.1], bins=2)
    assert np.isnan(t["churn_rate_control"].iloc[0]) and np.isnan(t["observed_uplift"].iloc[0])


def test_qini_curve_hand_computed():
    # ranked: T stays, C churns, T churns, C churns
    q = qini_curve([1, 0, 1, 0], [0, 1, 1, 1], [0.9, 0.8, 0.2, 0.1])
    assert list(q.columns) == ["contacted", "share_contacted", "treated", "control", "qini", "random"]
    # k=2: 1 control churner x (1 treated / 1 control) - 0 treated churners = 1
    # k=4: 2 x (2 / 2) - 1 = 1
    assert q["qini"].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert q["random"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert q["treated"].tolist() == [0, 1, 1, 2, 2] and q["control"].tolist() == [0, 0, 1, 1, 2]
    # area of (qini - random) / N_t = [0, -.125, .25, .125, 0] over x steps of 1/4
    assert qini_coefficient([1, 0, 1, 0], [0, 1, 1, 1], [0.9, 0.8, 0.2, 0.1]) == pytest.approx(0.0625)
    # reversing the ranking flips the sign of the area here
    assert qini_coefficient([1, 0, 1, 0], [0, 1, 1, 1], [0.1, 0.2, 0.8, 0.9]) < 0


def test_qini_orders_rankings_by_quality():
    X, t, y, true_u, _, _ = simulate_campaign(20000, 5)
    rng = np.random.default_rng(0)
    perfect = qini_coefficient(t, y, true_u)
    noisy = qini_coefficient(t, y, true_u + rng.normal(0, 0.3, len(t)))
    random = qini_coefficient(t, y, rng.random(len(t)))
    inverted = qini_coefficient(t, y, -true_u)
    assert perfect > noisy > random > inverted
    assert abs(random) < 0.25 * perfect
    q = qini_curve(t, y, true_u)
    ate = y[t == 0].mean() - y[t == 1].mean()
    assert q["qini"].iloc[-1] / t.sum() == pytest.approx(ate)          # y(1) = average effect


@pytest.mark.parametrize("args, word", [
    (([1, 0, 1], [0, 1], [0.1, 0.2, 0.3]), "lengths differ"),
    (([1, 0, 1], [0, 1, 1], [0.1, np.nan, 0.3]), "NaN"),
    (([1, 1, 1], [0, 1, 1], [0.1, 0.2, 0.3]), "control group"),
    (([1, 0, 1], [0, 3, 1], [0.1, 0.2, 0.3]), "0 or 1"),
])
def test_uplift_tables_bad_input(args, word):
    for fn in (uplift_by_decile, qini_curve, qini_coefficient):
        with pytest.raises(CourseArgumentError) as e:
            fn(*args)
        assert word in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        uplift_by_decile([1, 0, 1], [0, 1, 1], [0.1, 0.2, 0.3], bins=4)
    assert "between 1 and" in bilingual(e)


# ---------------------------------------------------------------------------
# compare_targeting
# ---------------------------------------------------------------------------
def test_compare_targeting_from_the_experiment_hand_computed():
    # 8 customers; risk ranks 0-3 first, uplift ranks 4-7 first; budget 4
    treatment = [1, 0, 1, 0, 1, 0, 1, 0]
    outcome = [1, 1, 1, 1, 0, 1, 0, 1]          # 0-3 churn either way; 4-7 stay only when contacted
    risk = [0.9, 0.9, 0.8, 0.8, 0.5, 0.5, 0.4, 0.4]
    uplift = [0.0, 0.0, 0.1, 0.1, 0.6, 0.6, 0.5, 0.5]
    r = compare_targeting(treatment, outcome, risk, uplift, budget=4, value_saved=1000, contact_cost=10,
                          offer_cost=40, accept_rate=0.5)
    assert list(r.index) == ["risk", "uplift"]
    assert r["total_cost"].tolist() == [120.0, 120.0]                    # 4 x (10 + 0.5 x 40)
    assert r.loc["risk", "churn_rate_treated"] == 1.0 and r.loc["risk", "churn_rate_control"] == 1.0
    assert r.loc["risk", "customers_saved"] == 0.0 and r.loc["risk", "net_value"] == -120.0
    assert r.loc["uplift", "churn_rate_treated"] == 0.0 and r.loc["uplift", "churn_rate_control"] == 1.0
    assert r.loc["uplift", "customers_saved"] == 4.0 and r.loc["uplift", "net_value"] == 3880.0
    assert r.loc["uplift", "roi"] == pytest.approx(3880 / 120)
    assert r["strategy_zh"].str.contains("uplift").tolist() == [False, True]


def test_compare_targeting_edges_and_bad_input():
    kw = dict(value_saved=1000, contact_cost=10, offer_cost=40)
    r = compare_targeting([1, 0], [1, 0], [0.9, 0.1], [0.1, 0.9], budget=0, **kw)
    assert r["customers_saved"].tolist() == [0.0, 0.0] and r["net_value"].tolist() == [0.0, 0.0]
    r = compare_targeting([1, 0, 1, 0], [1, 0, 0, 1], [0.9, 0.8, 0.2, 0.1], [0.1, 0.2, 0.8, 0.9], budget=1, **kw)
    assert np.isnan(r.loc["risk", "customers_saved"])           # no control customer in the group
    with pytest.raises(CourseArgumentError) as e:
        compare_targeting([1, 0], [1, 0], [0.9, 0.1], [0.1, 0.9], budget=3, **kw)
    assert "between 0 and" in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        compare_targeting([1, 0], None, [0.9, 0.1], [0.1, 0.9], budget=1, **kw)
    assert "treatment and outcome" in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        compare_targeting(None, None, [0.9, 0.1], [0.1], budget=1, true_uplift=[0.0, 0.1], **kw)
    assert "lengths differ" in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        compare_targeting([1, 0], [1, 0], [0.9, 0.1], [0.1, 0.9], budget=1, value_saved=-5, contact_cost=1,
                          offer_cost=1)
    assert "value_saved" in bilingual(e)
