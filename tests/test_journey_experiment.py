"""The 留学金融 journey experiment table: trigger rule, randomisation, outcomes, hidden truth, loader rules."""
import numpy as np
import pandas as pd
import pytest

from course_utils import data, experiments, journeys
from course_utils.data import DataFileError, get_bank
from course_utils.datagen import journey_experiment as jx


@pytest.fixture(scope="module")
def banks():
    return {"default": get_bank(), "small": get_bank(seed=7, n_customers=800)}


@pytest.mark.parametrize("which", ["default", "small"])
def test_same_customers_and_dates_as_the_dwell_trigger(banks, which):
    bank = banks[which]
    t = bank.journey_experiment
    ref = journeys.dwell_trigger(bank.web_visits, end=jx.EXPERIMENT_END)
    assert len(t) > 0
    assert t["customer_id"].tolist() == ref["customer_id"].tolist()
    assert (t["trigger_date"].to_numpy() == ref["trigger_date"].to_numpy()).all()
    assert (t["dwell_seconds"] > jx.MIN_DWELL).all()
    # the triggering visit exists in web_visits with that dwell
    wv = bank.web_visits
    hit = wv[wv["page"] == jx.PAGE].merge(t, left_on=["customer_id", "visit_date", "dwell_seconds"],
                                           right_on=["customer_id", "trigger_date", "dwell_seconds"])
    assert hit["customer_id"].nunique() == len(t)


def test_a_visit_of_exactly_180_s_or_two_short_visits_do_not_trigger():
    wv = pd.DataFrame({"customer_id": ["C1", "C2", "C2", "C3", "C4"],
                       "visit_date": ["2024-03-01"] * 4 + ["2024-06-17"],
                       "page": ["留学金融"] * 5, "dwell_seconds": [180, 100, 100, 181, 900]})
    assert jx.study_triggers(wv)["customer_id"].tolist() == ["C3"]      # C4: after the last trigger day


@pytest.mark.parametrize("which", ["default", "small"])
def test_consent_groups_and_outcome_columns_agree(banks, which):
    t = banks[which].journey_experiment
    flags = journeys.contact_flags(t["customer_id"].tolist(), channel="push")    # a push needs push consent
    ok = (flags["consent"] & ~flags["opted_out"]).to_numpy().astype(int)
    assert (t["consent"].to_numpy() == ok).all()
    assert ((t["group"] == "excluded") == (t["consent"] == 0)).all()
    assert set(t["group"]) <= set(jx.GROUPS)
    push = t["group"] == "push"
    assert (t.loc[push, "push_date"] == t.loc[push, "trigger_date"]).all()
    assert t.loc[~push, "push_date"].isna().all()
    conv = t["converted"] == 1
    days = (t.loc[conv, "convert_date"] - t.loc[conv, "trigger_date"]).dt.days
    assert days.between(0, jx.OUTCOME_DAYS - 1).all()
    assert t.loc[~conv, "convert_date"].isna().all()
    assert set(t.loc[conv, "product"]) <= set(jx.PRODUCTS)
    assert (t.loc[~conv, "product"].fillna("") == "").all()
    assert t.loc[t["group"] == "excluded", "satisfaction"].isna().all()
    s = t["satisfaction"].dropna()
    assert s.between(1, 5).all() and (s == s.round()).all()


def test_randomised_groups_are_balanced_and_answer_rates_equal():
    """make_experiment on 20,000 hand-made triggered customers (fast; the bank has ~2.5 % of its customers)."""
    n = 20_000
    ids = [f"C{i:06d}" for i in range(1, n + 1)]
    customers = pd.DataFrame({"customer_id": ids, "age": np.tile([22, 45, 60, 35], n // 4),
                              "monthly_income": np.tile([8000.0, 25000.0, np.nan, 12000.0], n // 4)})
    trig = pd.DataFrame({"customer_id": ids, "trigger_date": "2024-03-01", "dwell_seconds": 200})
    t, truth = jx.make_experiment(customers, trig, np.random.default_rng(0))
    elig = t[t["group"] != "excluded"]
    assert abs((elig["group"] == "push").mean() - jx.PUSH_SHARE) < 0.02
    answered = elig["satisfaction"].notna().groupby(elig["group"]).mean()
    assert abs(answered["push"] - answered["holdout"]) < 0.03
    assert abs(answered.mean() - jx.RESPONSE_RATE) < 0.02
    # excluded = no push consent or opted out: 1 - 0.90 * 0.97 = 12.7 % (independent hash words)
    expected_excluded = 1 - jx.CONSENT_SHARE * (1 - jx.OPT_OUT_SHARE)
    assert abs((t["group"] == "excluded").mean() - expected_excluded) < 0.02
    # large sample: observed effects close to the truth, and far from the claims
    eff = jx.true_effects(t, truth)
    rates = elig.groupby("group")["converted"].mean()
    assert abs(rates["push"] / rates["holdout"] - 1 - eff["conversion"]) < 0.1      # ~3 standard errors
    sat = (elig["satisfaction"] >= 4).groupby(elig["group"]).sum() / answered.mul(
        elig.groupby("group").size())
    assert abs(sat["push"] / sat["holdout"] - 1 - eff["satisfied"]) < 0.05


@pytest.mark.parametrize("seed", [2024, 7])
def test_hidden_truth_is_smaller_than_the_claims(seed):
    table, truth = jx.experiment_truth(seed, 5000)
    loaded = get_bank(seed=seed, n_customers=5000).journey_experiment
    for col in ("customer_id", "group", "converted", "consent", "dwell_seconds"):
        assert table[col].tolist() == loaded[col].tolist(), col
    assert np.array_equal(table["satisfaction"].to_numpy(float), loaded["satisfaction"].to_numpy(float),
                          equal_nan=True)
    eff = jx.true_effects(table, truth)
    assert 0.10 < eff["conversion"] < 0.22, eff        # the case claims +28 %
    assert 0.03 < eff["satisfied"] < 0.10, eff         # the case claims +19 %
    assert 0.15 < eff["conversion_holdout"] < 0.35
    # too few customers to confirm +28 %: the sample size needed is far above the group sizes
    need = experiments.sample_size(eff["conversion_holdout"], 0.28)
    assert need > 4 * eff["n_randomised"]


def test_observed_effects_vary_around_the_truth_across_seeds():
    """Observed relative lifts scatter widely at 5,000 customers (the lesson), centred near the truth."""
    lifts = []
    for seed in (1, 2, 3, 4, 5, 6):
        t = get_bank(seed=seed, n_customers=5000).journey_experiment
        r = t[t["group"] != "excluded"].groupby("group")["converted"].agg(["sum", "count"])
        lifts.append(r.loc["push", "sum"] / r.loc["push", "count"] / (r.loc["holdout", "sum"] / r.loc["holdout", "count"]) - 1)
    assert np.std(lifts) > 0.1                  # noisy at this size
    assert -0.3 < np.median(lifts) < 0.6


def test_loader_refuses_a_bad_journey_file(tmp_path):
    t = pd.DataFrame({"customer_id": ["C1", "C2"], "trigger_date": ["2024-03-01", "2024-03-02"],
                      "dwell_seconds": [200, 240], "consent": [1, 1], "group": ["push", "holdout"],
                      "push_date": ["2024-03-01", ""], "converted": [1, 0], "convert_date": ["2024-03-05", ""],
                      "product": ["fx", ""], "satisfaction": [4, None]})
    assert len(data.coerce_table(t, "journey_experiment")) == 2
    for col, value, word in [("group", "treatment", "group"), ("satisfaction", 7, "satisfaction"),
                             ("convert_date", "2024-02-01", "convert_date"), ("converted", 2, "converted")]:
        bad = t.copy()
        bad.loc[0, col] = value
        with pytest.raises(DataFileError) as e:
            data.coerce_table(bad, "journey_experiment", "journey_experiment.csv")
        assert word in str(e.value) and "journey_experiment.csv" in str(e.value)
    dup = pd.concat([t, t.iloc[:1]], ignore_index=True)
    with pytest.raises(DataFileError):
        data.coerce_table(dup, "journey_experiment", "journey_experiment.csv")
