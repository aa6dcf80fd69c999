"""High-value retention lists and emotion-driven service recovery (course_utils.recovery)."""
import numpy as np
import pandas as pd
import pytest

from course_utils import churn, recovery as rc, sentiment
from course_utils.data import get_bank
from course_utils.errors import CourseArgumentError


@pytest.fixture(scope="module")
def bank():
    return get_bank(seed=7, n_customers=800)


@pytest.fixture(scope="module")
def scores(bank):
    return rc.customer_scores(bank)


def test_population_and_order_are_the_churn_table_and_the_campaign(bank, scores):
    table = churn.build_churn_table(bank, rc.AS_OF)
    assert scores["customer_id"].tolist() == table["customer_id"].tolist()
    assert scores["customer_id"].tolist() == bank.retention_campaign["customer_id"].astype(str).tolist()
    assert "2023-12-31" in scores.attrs["population"]


def test_top_lists_have_exactly_20_percent_and_mean_what_they_say(scores):
    n = len(scores)
    for col in ("rfm_top", "rfmp_top", "high_risk"):
        assert scores[col].sum() == round(0.2 * n)
    assert scores.loc[scores["rfm_top"], "rfm_score"].min() >= scores.loc[~scores["rfm_top"], "rfm_score"].max()
    assert scores.loc[scores["rfmp_top"], "rfmp_score"].min() >= scores.loc[~scores["rfmp_top"], "rfmp_score"].max()
    assert scores.loc[scores["high_risk"], "risk"].min() >= scores.loc[~scores["high_risk"], "risk"].max()
    p = scores[["R_score", "F_score", "M_score", "P_score"]].mean(axis=1)
    assert np.allclose(p, scores["rfmp_score"])
    # P = product holdings: more products, higher P score
    by = scores.groupby("P_score")["product_count"].mean()
    assert by.is_monotonic_increasing


def test_risk_model_ranks_churners_out_of_time(scores):
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(scores["churned"], scores["risk"]) > 0.7
    hr = scores.groupby("high_risk")["churned"].mean()
    assert hr[True] > 2 * hr[False]


def test_top_mask_ties_and_bad_share():
    assert rc.top_mask([1, 1, 1, 1], [0, 5, 0, 0], 0.25).tolist() == [False, True, False, False]
    assert rc.top_mask([2, 1], [0, 0], 0.01).sum() == 1                    # at least one
    for bad in (0, 1.5, "0.2", True, -0.1):
        with pytest.raises(CourseArgumentError):
            rc.top_mask([1, 2], [0, 0], bad)


def test_high_value_retention_money_adds_up(scores):
    a = rc.RetentionAssumptions()
    r = rc.high_value_retention(scores, a)
    lst = r["list"]
    assert r["n_list"] == len(lst) == int((scores["rfm_top"] & scores["high_risk"]).sum())
    assert r["call_cost"] == pytest.approx(a.call_cost * len(lst))
    assert r["offer_cost"] == pytest.approx((lst["balance"] * a.rate_bonus * a.months / 12 * a.acceptance).sum())
    assert r["total_cost"] == pytest.approx(r["call_cost"] + r["offer_cost"])
    assert r["retained_balance"] == pytest.approx((lst["balance"] * lst["risk"] * a.churn_reduction).sum())
    assert r["net_value"] == pytest.approx(r["retained_balance"] * a.margin - r["total_cost"])
    # at the break-even reduction the value equals the cost
    be = rc.high_value_retention(scores, rc.RetentionAssumptions(churn_reduction=r["break_even_reduction"]))
    assert be["net_value"] == pytest.approx(0.0, abs=1e-6)
    # a bigger assumed effect is worth more; a dearer offer costs more
    assert rc.high_value_retention(scores, rc.RetentionAssumptions(churn_reduction=0.3))["value"] > r["value"]
    assert rc.high_value_retention(scores, rc.RetentionAssumptions(rate_bonus=0.01))["total_cost"] > r["total_cost"]


def _msgs():
    return pd.DataFrame({"message_id": ["m1", "m2", "m3", "m4", "m5"],
                         "customer_id": ["C1", "C2", "C3", "C1", "C9"],
                         "msg_date": ["2023-12-01", "2023-12-02", "2023-12-03", "2023-08-01", "2023-12-30"],
                         "channel": ["电话客服"] * 5,
                         "text": ["卡丢了，很着急，怎么办", "网点几点关门", "服务太差了，太过分了！", "服务太差", "一点也不着急"]})


def test_emotion_flags_window_lexicon_and_model():
    f = rc.emotion_flags(_msgs())
    assert f["message_id"].tolist() == ["m1", "m2", "m3", "m5"]          # m4 is outside the 90 days
    assert f["negative"].tolist() == [True, False, True, False]           # m5: negated anxiety
    assert f["emotion"].tolist()[:3] == ["焦虑", "无", "愤怒"]

    class Model:                                                           # a fitted model's interface
        def predict_proba(self, texts):
            p = np.array([0.9 if "关门" in t else 0.1 for t in texts])
            return np.column_stack([1 - p, p])

    g = rc.emotion_flags(_msgs(), model=Model())
    assert g["negative"].tolist() == [True, True, True, False]
    assert g.loc[1, "source"] == "模型" and g.loc[0, "source"] == "词典"
    with pytest.raises(CourseArgumentError):
        rc.emotion_flags(_msgs().drop(columns=["text"]))


def test_recovery_plan_locks_high_value_at_risk_and_counts_work(bank, scores):
    flags = rc.emotion_flags(bank.messages)
    plan = rc.recovery_plan(scores, flags)
    neg = set(flags.loc[flags["negative"], "customer_id"])
    want = scores["rfmp_top"] & (scores["customer_id"].isin(neg) | scores["high_risk"])
    assert plan["locked"]["customer_id"].tolist() == scores.loc[want, "customer_id"].tolist()
    assert plan["n_locked"] == plan["n_locked_by_emotion"] + plan["n_locked_by_risk_only"]
    # routes: negative + RFMP top -> VIP, negative otherwise -> agent, the rest -> bot
    top = set(scores.loc[scores["rfmp_top"], "customer_id"])
    r = plan["routed"]
    vip = r["negative"] & r["customer_id"].isin(top)
    assert (r.loc[vip, "route"] == sentiment.ROUTES["vip"]).all()
    assert (r.loc[r["negative"] & ~vip, "route"] == sentiment.ROUTES["agent"]).all()
    assert (r.loc[~r["negative"], "route"] == sentiment.ROUTES["normal"]).all()
    w = plan["workload"]
    a = rc.RecoveryAssumptions()
    assert w.loc["before", "agent_messages"] == len(flags)
    assert w.loc["after", "manager_calls"] == plan["n_locked"]
    assert w.loc["after", "hours"] == pytest.approx((w.loc["after", "agent_messages"] * a.minutes_per_message
                                                     + w.loc["after", "vip_messages"] * a.minutes_vip
                                                     + plan["n_locked"] * a.minutes_manager_call) / 60)
    assert 0 < w.attrs["reduction"] < 1
    assert plan["bonus_cost"] == pytest.approx((plan["locked"]["balance"] * a.rate_bonus * a.months / 12).sum())


def test_manual_workload_by_hand():
    w = rc.manual_workload(pd.DataFrame({"x": range(10)}), ["常规处理"] * 7 + ["人工坐席", "人工坐席", "VIP专线"],
                           n_manager_calls=0, assumptions=rc.RecoveryAssumptions(minutes_per_message=6,
                                                                                minutes_vip=12))
    assert w.loc["before", "hours"] == pytest.approx(1.0)            # 10 × 6 min
    assert w.loc["after", "hours"] == pytest.approx((2 * 6 + 12) / 60)
    assert w.attrs["reduction"] == pytest.approx(0.6)


def test_campaign_outcomes_match_the_table(bank):
    camp = bank.retention_campaign
    out = rc.campaign_outcomes(bank)
    for g in ("control", "treatment"):
        part = camp[camp["group"] == g]
        assert out[g] == (int(part["churned_6m"].sum()), len(part))
        assert out[f"stayed_{g}"][0] == len(part) - part["churned_6m"].sum()
    three = rc.campaign_outcomes(bank, months=3)
    assert all(three[g][0] <= out[g][0] for g in ("control", "treatment"))   # 3 months within 6
    some = camp.loc[camp["group"] == "control", "customer_id"].head(5)
    assert rc.campaign_outcomes(bank, some)["control"][1] == 5
    assert rc.campaign_outcomes(bank, some)["treatment"][1] == 0


def test_risk_model_on_two_threads_is_the_one_thread_forest(bank):
    from course_utils.churn_models import make_churn_model

    table = churn.build_churn_table(bank, rc.RISK_TRAIN_CUTOFF)
    fast = rc.risk_model(bank)                                     # builds its own (fast) table
    given = rc.risk_model(bank, table=table)
    one = make_churn_model("forest", churn.FEATURES, [], random_state=0, n_estimators=rc.RISK_TREES)
    one.fit(table[churn.FEATURES], table["churned"])
    x = churn.build_churn_table(bank, rc.AS_OF)[churn.FEATURES]
    assert np.array_equal(given.predict_proba(x), one.predict_proba(x))
    assert np.allclose(fast.predict_proba(x), one.predict_proba(x), rtol=0, atol=1e-12)
    assert given.named_steps["model"].n_jobs == 1                  # predictions add up in a fixed order


def test_customer_scores_with_a_given_table_are_the_same(bank, scores):
    model = rc.risk_model(bank)
    again = rc.customer_scores(bank, model=model, table=churn.build_churn_table(bank, rc.AS_OF))
    pd.testing.assert_frame_equal(again.drop(columns=["monetary", "rfm_score", "rfmp_score"]),
                                  scores.drop(columns=["monetary", "rfm_score", "rfmp_score"]))
    np.testing.assert_allclose(again["monetary"], scores["monetary"], rtol=1e-12)


def test_sentiment_model_dual_form_gives_the_same_flags(bank):
    msgs = bank.messages
    early = msgs[msgs["msg_date"] < pd.Timestamp(rc.AS_OF) - pd.Timedelta(days=rc.EMOTION_WINDOW_DAYS)]
    dual = rc.sentiment_model(early)
    assert dual.named_steps["clf"].dual is True
    primal = sentiment.make_sentiment_model().fit(early["text"].astype(str).tolist(),
                                                 sentiment.negative_labels(early["sentiment"]))
    texts = msgs["text"].astype(str).tolist()
    assert np.abs(dual.predict_proba(texts)[:, 1] - primal.predict_proba(texts)[:, 1]).max() < 0.01
    a, b = rc.emotion_flags(msgs, model=dual), rc.emotion_flags(msgs, model=primal)
    assert a["source"].tolist() == b["source"].tolist() and a["negative"].tolist() == b["negative"].tolist()
    with pytest.raises(CourseArgumentError):
        rc.sentiment_model(early.drop(columns=["sentiment"]))
