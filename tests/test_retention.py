"""The past retention campaign (datagen/retention.py) and the plan simulator (retention.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import domain
from course_utils import retention as rt
from course_utils.churn import FEATURES, build_churn_table
from course_utils.data import get_bank
from course_utils.datagen import retention as R
from course_utils.errors import CourseArgumentError

TRUE_UPLIFT = [f"uplift_{o}" for o in R.OFFERS]


@pytest.fixture(scope="module")
def bank():
    return get_bank()


@pytest.fixture(scope="module")
def campaign(bank):
    table = getattr(bank, "retention_campaign", None)
    gen, truth = R.campaign_for(2024, len(bank.customers))
    return (gen if table is None else table), truth


@pytest.fixture(scope="module")
def ctx(bank):
    return rt.campaign_context(bank, seed=2024)


@pytest.fixture(scope="module")
def big():
    """20,000 customers: enough for balance and effect sizes to show through the noise."""
    b = get_bank(seed=11, n_customers=20_000)
    table, truth = R.campaign_for(11, 20_000)
    return b, table, truth, build_churn_table(b, R.CAMPAIGN_DATE)


# --------------------------------------------------------------------------- the table
def test_population_and_outcome_agree_with_customers(bank, campaign):
    table, truth = campaign
    c = bank.customers
    on = c[domain.on_books_at_start(c, R.CAMPAIGN_DATE)]
    assert list(table["customer_id"].astype(str)) == list(on["customer_id"].astype(str))
    churn = on["churn_date"].to_numpy()
    want = (churn >= np.datetime64("2024-01-01")) & (churn < np.datetime64("2024-07-01"))
    assert (table["churned_6m"].to_numpy() == want).all()
    # the same label as the churn table at the campaign date
    ct = build_churn_table(bank, R.CAMPAIGN_DATE)
    assert (ct["churned"].to_numpy() == table["churned_6m"].to_numpy()).all()
    assert list(truth["customer_id"]) == list(table["customer_id"].astype(str))


def test_groups_offers_costs_and_dates_are_consistent(bank, campaign):
    table, _ = campaign
    g = table["group"].astype(str)
    assert set(g) == set(R.GROUPS)
    blocked = (table["consent"] == 0) | (table["do_not_call"] == 1) | (table["contacts_90d"] >= R.CONTACT_CAP)
    assert ((g == "excluded") == blocked).all()
    treated = g == "treatment"
    offer = table["offer"].fillna("").astype(str)
    assert set(offer[treated]) == set(R.OFFERS) and (offer[~treated] == "").all()
    assert (table.loc[treated, "contact_cost"] == R.CONTACT_COST).all()
    assert (table.loc[~treated, ["contact_cost", "offer_cost"]] == 0).all().all()
    assert (table.loc[treated, "offer_cost"].to_numpy() == offer[treated].map(R.OFFER_COST).to_numpy()).all()
    contact = domain.as_dates(table["contact_date"])
    assert contact[~treated].isna().all()
    assert contact[treated].between("2024-01-01", "2024-01-14").all()
    # nobody is called after leaving
    churn = bank.customers.set_index("customer_id").loc[table["customer_id"].astype(str), "churn_date"]
    left = treated.to_numpy() & churn.notna().to_numpy()
    assert (contact.to_numpy()[left] < churn.to_numpy()[left]).all()
    assert set(table["risk_reason"].astype(str)) <= set(R.REASONS)


def test_same_seed_same_table_and_seeds_differ():
    a, ta = R.campaign_for(5, 600)
    b, tb = R.campaign_for(5, 600)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ta, tb)
    c, _ = R.campaign_for(6, 600)
    assert not a["group"].equals(c["group"])


def test_generated_bank_holds_the_same_table():
    """Once the generator writes the table, it is the one campaign_for regenerates."""
    b = get_bank(seed=7, n_customers=800)
    if not hasattr(b, "retention_campaign"):
        pytest.skip("retention_campaign is not in the generated bank yet")
    table, _ = R.campaign_for(7, 800)
    got = b.retention_campaign
    assert list(got["customer_id"]) == list(table["customer_id"])
    for col in ("group", "risk_reason"):
        assert list(got[col].astype(str)) == list(table[col])
    assert (got["churned_6m"].to_numpy() == table["churned_6m"].to_numpy()).all()


# --------------------------------------------------------------------------- randomisation and effects
@pytest.mark.slow
def test_randomisation_is_balanced(big):
    _, table, _, ct = big
    exp = (table["group"] != "excluded").to_numpy()
    t = (table["group"] == "treatment").to_numpy()[exp]
    n = exp.sum()
    assert abs(t.mean() - R.TREATMENT_SHARE) < 4 * np.sqrt(0.25 / n)
    x = ct.loc[exp, FEATURES]
    for f in FEATURES:
        a, b = x.loc[t, f].dropna(), x.loc[~t, f].dropna()
        if len(a) < 100:
            continue
        smd = (a.mean() - b.mean()) / np.sqrt((a.var() + b.var()) / 2)
        assert abs(smd) < 0.06, (f, smd)
    # treated share does not drift along the strongest churn signals
    for f in ("recency_days", "txn_trend", "balance_trend", "satisfaction"):
        q = pd.qcut(x[f].rank(method="first"), 5, labels=False)
        share = pd.Series(t).groupby(q.to_numpy()).mean()
        assert (share - R.TREATMENT_SHARE).abs().max() < 0.04, (f, share.tolist())
    offers = table.loc[table["group"] == "treatment", "offer"].value_counts(normalize=True)
    assert (offers - 1 / 3).abs().max() < 0.03


@pytest.mark.slow
def test_average_effect_is_positive_but_modest(big):
    _, table, truth, _ = big
    exp = (table["group"] != "excluded").to_numpy()
    true_ate = truth.loc[exp, TRUE_UPLIFT].mean(axis=1).mean()       # offers drawn at random
    assert 0.005 < true_ate < 0.04, true_ate
    y = table.loc[exp, "churned_6m"]
    g = table.loc[exp, "group"]
    control, treated = y[g == "control"].mean(), y[g == "treatment"].mean()
    assert 0 < control - treated < 0.05, (control, treated)
    assert 0.06 < control < 0.15


def test_hidden_truth_is_coherent(campaign):
    _, truth = campaign
    q = truth["churn_prob"].to_numpy()
    probs = truth[[f"p_{t}" for t in ("persuadable", "persuadable_match", "lost_cause",
                                      "sleeping_dog", "sure_thing")]].to_numpy()
    assert np.allclose(probs.sum(axis=1), 1) and (probs >= 0).all()
    up = truth[TRUE_UPLIFT].to_numpy()
    assert (up <= 2 * q[:, None] + 1e-12).all()             # feasible with P(churn) = q at 50/50
    certain = (q >= 1) | (q <= 0)
    assert np.allclose(up[certain], 0)                         # declining / dormant: no effect
    for reason, offer in R.MATCHING_OFFER.items():
        rows = (truth["true_reason"] == reason).to_numpy() & ~certain
        best = truth.loc[rows, TRUE_UPLIFT].to_numpy().argmax(axis=1)
        assert (np.array(R.OFFERS)[best] == offer).mean() > 0.95
    types = truth["type"].value_counts()
    assert types["sure_thing"] > types["lost_cause"] > types["sleeping_dog"] > 0
    assert types["persuadable"] + types["persuadable_match"] > types["sleeping_dog"]


def test_churn_probability_is_calibrated(big):
    _, table, truth, _ = big
    q, y = truth["churn_prob"].to_numpy(), table["churned_6m"].to_numpy()
    assert abs(q.mean() - y.mean()) < 0.005
    mid = (q > 0) & (q < 1)
    bins = pd.qcut(q[mid], 5, labels=False)
    got = pd.DataFrame({"q": q[mid], "y": y[mid], "b": bins}).groupby("b").mean()
    assert ((got["y"] - got["q"]).abs() < 3 * np.sqrt(got["q"] * (1 - got["q"]) / (mid.sum() / 5)) + 0.005).all()
    assert (y[q >= 1] == 1).all() and (y[q <= 0] == 0).all()


# --------------------------------------------------------------------------- simulator
def test_plan_respects_budget_compliance_and_offers(ctx):
    ok = ctx.compliant()
    for ranking in rt.RANKINGS:
        prev = -1
        for budget in (0, 3_000, 20_000, 80_000):
            r = rt.simulate_plan(ctx, ranking, budget, rt.MATCHED_OFFERS)
            assert r["total_cost"] <= budget + 1e-6
            assert r["contacts"] == len(r["contacted"]) >= prev
            prev = r["contacts"]
            assert ok[r["contacted"]].all()
            reasons = ctx.table["risk_reason"].to_numpy()[r["contacted"]]
            assert "life" not in set(reasons)                       # "none": not called
            assert abs(r["total_cost"] - r["contact_cost"] - r["offer_cost"]) < 1e-6
            assert abs(r["net_value"] - (r["value_saved"] - r["total_cost"])) < 1e-6
    # the plan follows the ranking: nobody skipped who was compliant and affordable
    r = rt.simulate_plan(ctx, "risk", 10_000, rt.STANDARD_OFFERS)
    order = ctx.order("risk")
    first = order[ok[order]][: r["contacts"]]
    assert sorted(first) == sorted(r["contacted"])
    assert r["skipped_compliance"] == int((~ok[order[: np.flatnonzero(np.isin(order, first))[-1] + 1]]).sum())


def test_contact_cap_is_a_filter(ctx):
    strict = rt.simulate_plan(ctx, "uplift", 30_000, rt.MATCHED_OFFERS, contact_cap=1)
    assert (ctx.contacts_90d[strict["contacted"]] < 1).all()


@pytest.mark.parametrize("kwargs, fragment", [
    ({"ranking": "value"}, "排序方式"), ({"budget": -5}, "预算"), ({"budget": float("nan")}, "预算"),
    ({"budget": True}, "预算"), ({"budget": "1000"}, "预算"),
    ({"offers_by_reason": {"price": "gold"}}, "优惠"), ({"offers_by_reason": {"money": "care"}}, "未知的原因"),
    ({"offers_by_reason": ["care"]}, "字典"),
])
def test_bad_plans_get_bilingual_errors(ctx, kwargs, fragment):
    args = {"ranking": "risk", "budget": 1000, "offers_by_reason": rt.MATCHED_OFFERS, **kwargs}
    with pytest.raises(CourseArgumentError) as e:
        rt.simulate_plan(ctx, **args)
    assert fragment in str(e.value) and "\n" in str(e.value)


def test_context_refuses_data_of_another_seed(bank):
    with pytest.raises(CourseArgumentError, match="种子 3"):
        rt.campaign_context(bank, seed=3)


def test_plans_table_and_curve(ctx):
    a = rt.simulate_plan(ctx, "risk", 20_000, rt.STANDARD_OFFERS)
    b = rt.simulate_plan(ctx, "uplift", 20_000, rt.MATCHED_OFFERS)
    t = rt.plans_table({"按风险": a, "按增益": b})
    assert list(t.columns) == ["按风险", "按增益"] and "净收益(元)" in t.index
    curve = rt.budget_curve(ctx, [0, 10_000], rt.MATCHED_OFFERS)
    assert len(curve) == 4 and set(curve["ranking"]) == set(rt.RANKINGS)
    assert (curve.loc[curve["budget"] == 0, "contacts"] == 0).all()


def test_risk_ranking_starts_with_lost_causes(ctx):
    """The highest churn risk is mostly customers already leaving: contacting them saves nobody."""
    top = ctx.order("risk")[:100]
    assert (ctx.truth["churn_prob"].to_numpy()[top] >= 1).mean() > 0.4
    up = ctx.truth[TRUE_UPLIFT].to_numpy()
    assert up[top].max(axis=1).mean() < up[ctx.order("uplift")[:100]].max(axis=1).mean()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2024, 3, 4, 5])
def test_uplift_targeting_beats_risk_targeting_at_equal_budget(seed):
    """Quality bar (issue 10): on >= 3 seeds, at the same budget, uplift beats risk in net value."""
    b = get_bank(seed=seed, n_customers=5000)
    c = rt.campaign_context(b, seed=seed)
    for budget in (10_000, 20_000):
        risk = rt.simulate_plan(c, "risk", budget, rt.MATCHED_OFFERS)
        uplift = rt.simulate_plan(c, "uplift", budget, rt.MATCHED_OFFERS)
        assert abs(risk["total_cost"] - uplift["total_cost"]) <= rt.full_cost("pricing")
        assert uplift["net_value"] > max(risk["net_value"], 0), (seed, budget, risk["net_value"],
                                                                  uplift["net_value"])
