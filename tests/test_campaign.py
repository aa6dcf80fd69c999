"""Unit tests of the campaign simulator (course_utils.campaign) and its hidden rates."""
from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_utils import campaign as cp  # noqa: E402
from course_utils import domain  # noqa: E402
from course_utils.datagen import response_rates as rr  # noqa: E402

SIZES = {"重要价值客户": 1000, "重要挽留客户": 150, "一般挽留客户": 500, "一般发展客户": 400}
OPT_OUT = "【示例银行】理财专属优惠，详询客户经理。拒收请回复R"


@pytest.fixture(scope="module", autouse=True)
def _font():
    from course_utils.plotting import setup
    setup()


@pytest.fixture(scope="module")
def view():
    from course_utils.config import L2_CUTOFF
    from course_utils.data import get_bank
    from course_utils.features import customer_view
    from course_utils.segments import rfm_scores

    return rfm_scores(customer_view(get_bank(), L2_CUTOFF))


@pytest.fixture(scope="module")
def aud(view):
    return cp.audience(view)


# --------------------------------------------------------------------------- money adds up
def test_money_flows_hand_computed():
    # APP push: set-up 500 + 0.02 per contact; budget 520 -> 1000 contacts, no coupon
    plan = {"重要价值客户": ("理财", "APP推送", "无优惠", 520)}
    row = cp.simulate_campaign(plan, SIZES, seed=7).loc["重要价值客户"]
    assert row["contacts"] == 1000
    assert row["contact_cost"] == pytest.approx(500 + 1000 * 0.02)
    assert row["offer_cost"] == 0 and row["credit_loss"] == 0
    assert row["revenue"] == pytest.approx(row["responses"] * 600 * 3.0)
    assert row["cost"] == pytest.approx(row["contact_cost"] + row["offer_cost"])
    assert row["profit"] == pytest.approx(row["revenue"] - row["cost"])
    assert row["roi"] == pytest.approx(row["profit"] / row["cost"])


def test_offer_costs_are_inside_the_budget():
    """Issue 9: the coupons used to sit outside the budget (ROI 771 % vs profit/budget 2,080 %)."""
    budget = 20_000.0
    res = cp.simulate_campaign({"重要价值客户": ("理财", "电话外呼", "加息券", budget)}, SIZES, seed=3)
    row = res.loc["重要价值客户"]
    assert row["offer_cost"] > 0
    assert row["cost"] == pytest.approx(row["contact_cost"] + row["offer_cost"])
    assert row["cost"] <= budget
    assert budget - row["cost"] < cp.CHANNEL_COST["电话外呼"] + cp.OFFER_COST["加息券"]   # spent it all
    assert row["roi"] == pytest.approx(row["profit"] / row["cost"])


@pytest.mark.parametrize("seed", range(6))
def test_cost_never_exceeds_budget_and_totals_add_up(seed):
    rng = np.random.default_rng(seed)
    plan = {}
    for seg in cp.SEGMENTS:
        plan[seg] = (str(rng.choice(cp.PRODUCTS)), str(rng.choice(cp.CHANNELS)), str(rng.choice(cp.OFFERS)),
                     float(rng.integers(0, 30_000)), int(rng.integers(1, 5)))
    sizes = {s: int(rng.integers(0, 800)) for s in cp.SEGMENTS}
    res = cp.simulate_campaign(plan, sizes, seed=seed)
    body, total = res.drop(index=cp.TOTAL), res.loc[cp.TOTAL]
    assert (body["cost"] <= body["budget"] + 1e-9).all()
    assert (body["contacts"] <= body["eligible"]).all()
    for col in ("contacts", "responses", "contact_cost", "offer_cost", "cost", "revenue", "budget"):
        assert total[col] == pytest.approx(body[col].sum()), col
    assert total["profit"] == pytest.approx(total["revenue"] - total["cost"])
    if total["cost"] > 0:
        assert total["roi"] == pytest.approx(total["profit"] / total["cost"])


def test_budget_caps_contacts_and_small_budget_buys_nothing():
    res = cp.simulate_campaign({"重要价值客户": ("理财", "客户经理面访", "无优惠", 2000 + 150 * 10)}, SIZES)
    assert res.loc["重要价值客户", "contacts"] == 10
    res = cp.simulate_campaign({"重要价值客户": ("理财", "电话外呼", "无优惠", 900)}, SIZES)
    assert res.loc["重要价值客户", "contacts"] == 0 and res.loc["重要价值客户", "cost"] == 0
    res = cp.simulate_campaign({"重要价值客户": ("理财", "短信", "无优惠", 1e9)}, SIZES)
    assert res.loc["重要价值客户", "contacts"] == 1000  # never more than the segment


def test_touches_cost_more_and_respond_more():
    one = cp.simulate_campaign({"重要价值客户": ("理财", "短信", "无优惠", 1e6, 1)}, SIZES, seed=1)
    two = cp.simulate_campaign({"重要价值客户": ("理财", "短信", "无优惠", 1e6, 2)}, SIZES, seed=1)
    assert two.loc["重要价值客户", "contact_cost"] == pytest.approx(500 + 1000 * 0.1 * 2)
    assert two.loc["重要价值客户", "responses"] >= one.loc["重要价值客户", "responses"]
    assert rr.true_rate("重要价值客户", "理财", "短信", "无优惠", 2) > rr.true_rate("重要价值客户", "理财", "短信", "无优惠")


def test_credit_loss_is_charged_on_loans():
    row = cp.simulate_campaign({"重要价值客户": ("贷款", "短信", "无优惠", 1e6)}, SIZES, seed=2).loc["重要价值客户"]
    assert row["responses"] > 0
    assert row["credit_loss"] == pytest.approx(row["responses"] * 0.02 * 0.45 * 50_000)
    assert row["revenue"] == pytest.approx(row["margin"] - row["credit_loss"])


def test_same_seed_same_result_and_seed_matters():
    plan = {s: ("理财", "电话外呼", "加息券", 8000) for s in SIZES}
    a = cp.simulate_campaign(plan, SIZES, seed=1)
    pd.testing.assert_frame_equal(a, cp.simulate_campaign(plan, SIZES, seed=1))
    others = [cp.simulate_campaign(plan, SIZES, seed=s).loc[cp.TOTAL, "responses"] for s in range(2, 8)]
    assert len(set(others) | {a.loc[cp.TOTAL, "responses"]}) > 1


def test_responses_follow_hidden_rates_on_average():
    n = 1000
    plan = {"重要价值客户": ("理财", "APP推送", "无优惠", 500 + n * 0.02)}
    draws = [cp.simulate_campaign(plan, SIZES, seed=s).loc["重要价值客户", "responses"] for s in range(200)]
    p = rr.true_rate("重要价值客户", "理财", "APP推送", "无优惠")
    assert np.mean(draws) == pytest.approx(n * p, rel=0.05)


def test_dict_cells_zero_budget_and_empty_plan():
    plan = {"重要价值客户": {"product": "基金", "channel": "短信", "offer": "手续费减免", "budget": 600,
                             "touches": 2},
            "一般挽留客户": ("存款", "短信", "无优惠", 0)}
    res = cp.simulate_campaign(plan, pd.Series(SIZES))
    assert list(res.index) == ["重要价值客户", cp.TOTAL] and res.loc["重要价值客户", "touches"] == 2
    empty = cp.simulate_campaign({}, SIZES)
    assert list(empty.index) == [cp.TOTAL] and empty.loc[cp.TOTAL, "cost"] == 0
    assert pd.isna(empty.loc[cp.TOTAL, "roi"])


def test_total_row_has_an_english_key_and_chinese_display():
    res = cp.simulate_campaign({"重要价值客户": ("理财", "短信", "无优惠", 700)}, SIZES)
    assert cp.TOTAL == "total" and cp.TOTAL in res.index
    shown = cp.to_chinese(res)
    assert cp.TOTAL_ZH in shown.index and "投资回报率 ROI" in shown.columns and "总成本(元)" in shown.columns


@pytest.mark.parametrize(
    "plan, words",
    [
        ({"超级客户": ("理财", "短信", "无优惠", 100)}, "未知客群"),
        ({"重要价值客户": ("黄金", "短信", "无优惠", 100)}, "未知产品"),
        ({"重要价值客户": ("理财", "飞鸽传书", "无优惠", 100)}, "未知渠道"),
        ({"重要价值客户": ("理财", "短信", "送房子", 100)}, "未知优惠"),
        ({"重要价值客户": ("理财", "短信", "无优惠", -1)}, "负数"),
        ({"重要价值客户": ("理财", "短信", "无优惠", "一万")}, "数字"),
        ({"重要价值客户": ("理财", "短信", "无优惠", 800, 0)}, "触达次数"),
        ({"重要价值客户": ("理财", "短信", "无优惠", 800, 1.5)}, "触达次数"),
        ({"重要价值客户": ("理财", "短信", "无优惠", 800, "2")}, "触达次数"),
        ({"重要价值客户": ("理财", "短信")}, "四项"),
        ({"重要价值客户": {"product": "理财"}}, "缺少"),
        ([("理财", "短信", "无优惠", 1)], "字典"),
    ],
)
def test_invalid_plans_give_chinese_plan_error(plan, words):
    with pytest.raises(cp.PlanError) as e:
        cp.simulate_campaign(plan, SIZES)
    assert words in str(e.value)
    assert e.value._render_traceback_()[0].startswith("方案有误")   # IPython: message, no traceback


# --------------------------------------------------------------------------- who may be reached
def test_suitability_excludes_customers_below_the_product_risk(view, aud):
    level = cp.risk_level(view["risk_appetite"])
    seg = view["segment"].astype(str).to_numpy()
    for product, need in cp.PRODUCT_RISK.items():
        for s in cp.SEGMENTS:
            want = int(((seg == s) & (level >= need)).sum())
            assert aud.allowed_by_rule(s, product) == want, (product, s)
    fund = cp.exclusions(aud, "基金", "短信")
    assert fund["excluded_rule"].sum() > 0          # the lecture has something to show
    assert (fund["size"] == fund["excluded_rule"] + fund["excluded_consent"] + fund["eligible"]).all()


def test_credit_prescreen_never_lets_a_dormant_customer_get_a_loan(view, aud):
    ok = cp.credit_eligible(view)
    assert not (ok & domain.is_dormant(view["recency_days"])).any()
    assert not (ok & view["monthly_income"].isna()).any()
    assert ok.any() and not ok.all()
    assert aud.allowed_by_rule("一般挽留客户", "贷款") < aud.size("一般挽留客户")
    assert aud.allowed_by_rule("一般挽留客户", "贷款") == int(ok[view["segment"] == "一般挽留客户"].sum())


def test_consent_flags_are_deterministic_documented_shares(view, aud):
    ids = [str(i) for i in view.index]
    a, b = rr.consent_flags(ids), rr.consent_flags(ids)
    for c in cp.CHANNELS:
        assert (a[c] == b[c]).all()
    reg = domain.consent_register(ids)
    for c, key in rr.CONSENT_CHANNEL_KEY.items():               # the one register decides
        assert (a[c] == domain.may_contact(reg, key)).all(), c
    for c, rate in rr.CONSENT_RATE.items():                     # reachable share = consent x no opt-out (x not DNC)
        share = rate * (1 - domain.OPT_OUT_SHARE) * ((1 - domain.DO_NOT_CALL_SHARE) if c == "电话外呼" else 1)
        assert abs(a[c].mean() - share) < 0.03, c
    assert (a["客户经理面访"] == a["电话外呼"]).all()          # a visit is booked by phone
    no_app = (view["app_minutes_recent"] <= 0).to_numpy()
    assert not aud.table["reach|APP推送"].to_numpy()[no_app].any()   # a push needs the APP


def test_from_sizes_means_everyone_may_be_reached():
    a = cp.Audience.from_sizes(SIZES)
    assert a.eligible("重要价值客户", "基金", "电话外呼") == 1000 and len(a) == sum(SIZES.values())


# --------------------------------------------------------------------------- rules and targets
def test_compliance_problems():
    ok = {"重要价值客户": ("理财", "短信", "无优惠", 900, 2)}
    assert cp.compliance_problems(ok, OPT_OUT) == []
    too_often = {"重要价值客户": ("理财", "电话外呼", "无优惠", 9000, 2)}
    assert "每月最多 1 次" in cp.compliance_problems(too_often, OPT_OUT)[0]
    assert "缺营销文案" in cp.compliance_problems(ok, None)[0]
    assert "没有退订方式" in cp.compliance_problems(ok, "理财新品上线，欢迎咨询")[0]
    assert cp.compliance_problems({}, None) == []          # nothing sent, nothing to check
    assert all(cp.has_opt_out(f"x{w}y") for w in cp.OPT_OUT_WORDS)


def test_evaluate_plan_and_problems():
    good = {"重要价值客户": ("理财", "电话外呼", "加息券", 9000), "重要挽留客户": ("理财", "电话外呼", "加息券", 2500)}
    ok, reasons, res = cp.evaluate_plan(good, SIZES, seed=1, min_roi=1.0, max_budget=20000, message=OPT_OUT)
    assert ok, reasons
    bad = dict(good, 一般挽留客户=("贷款", "客户经理面访", "无优惠", 10000))
    ok, reasons, _ = cp.evaluate_plan(bad, SIZES, seed=1, min_roi=0.0, max_budget=1e6, message=OPT_OUT)
    assert not ok and any("一般挽留客户 用了客户经理面访" in r for r in reasons)
    ok, reasons, _ = cp.evaluate_plan(good, SIZES, seed=1, min_roi=1.0, max_budget=10000, message=OPT_OUT)
    assert not ok and any("总成本" in r and "超过上限" in r for r in reasons)
    ok, reasons, _ = cp.evaluate_plan(good, SIZES, seed=1, min_roi=100.0, max_budget=1e6, message=OPT_OUT)
    assert not ok and any("ROI" in r for r in reasons)
    ok, reasons, _ = cp.evaluate_plan(good, SIZES, seed=1, min_roi=1.0, max_budget=1e6, message="你好")
    assert not ok and any("退订" in r for r in reasons)
    ok, reasons, _ = cp.evaluate_plan({}, SIZES, seed=1, min_roi=1.0, max_budget=1e6)
    assert not ok and any("没有触达" in r for r in reasons)


def test_wrong_targets_always_lose_money():
    """The lesson must be true: calls / visits on low-value segments never pay, at any touches."""
    for (seg, ch), prod, offer, t in itertools.product(rr.WRONG_TARGETS, rr.PRODUCTS, rr.OFFERS, range(1, 5)):
        p = rr.true_rate(seg, prod, ch, offer, t)
        margin_per_contact = p * (rr.value_per_response(seg, prod) - rr.OFFER_COST[offer])
        assert margin_per_contact < t * rr.CHANNEL_COST[ch], (seg, ch, prod, offer, t)


def test_personal_channels_pay_on_valuable_segments():
    best = max(
        rr.true_rate("重要价值客户", p, "客户经理面访", o) * (rr.value_per_response("重要价值客户", p) - rr.OFFER_COST[o])
        for p, o in itertools.product(rr.PRODUCTS, rr.OFFERS)
    )
    assert best > 2 * rr.CHANNEL_COST["客户经理面访"]
    assert rr.CHANNEL_EFFECT["一般挽留客户"]["APP推送"] < rr.CHANNEL_EFFECT["重要价值客户"]["APP推送"]


def test_every_credit_product_keeps_a_positive_value():
    for seg, prod in itertools.product(cp.SEGMENTS, cp.CREDIT_PRODUCTS):
        assert rr.value_per_response(seg, prod) > 0


# --------------------------------------------------------------------------- the lecture's tools
def test_allocate_and_spread_spend_at_most_the_total(aud):
    cells = {s: ("理财", "电话外呼", "加息券") for s in cp.SEGMENTS}
    for total in (5_000, 31_000, 200_000):
        for plan in (cp.allocate(cells, aud, total), cp.spread(cells, aud, total)):
            assert sum(c[3] for c in plan.values()) <= total + 1e-9
            res = cp.simulate_campaign(plan, aud)
            assert res.loc[cp.TOTAL, "cost"] <= total
    first = cp.allocate(cells, aud, 31_000)
    assert list(first)[0] == "重要价值客户"
    even = cp.spread(cells, aud, 31_000)
    full = {s: cp.full_budget(s, "理财", "电话外呼", "加息券", aud) for s in even}
    unsaturated = {b for s, (*_, b, _t) in even.items() if b < full[s]}
    assert len(unsaturated) <= 1                       # the even share


def test_compare_plans_at_equal_spend(aud):
    total = 31_000
    visits = cp.spread({s: ("理财", "客户经理面访", "加息券") for s in cp.SEGMENTS}, aud, total)
    tiered = cp.allocate({"重要保持客户": ("理财", "电话外呼", "加息券"), "重要挽留客户": ("存款", "电话外呼", "加息券"),
                          "重要发展客户": ("基金", "电话外呼", "手续费减免"),
                          "重要价值客户": ("理财", "客户经理面访", "加息券")}, aud, total)
    t = cp.compare_plans({"A": visits, "B": tiered}, aud)
    assert (t["cost"] <= total).all() and (t["cost"] >= 0.9 * total).all()     # equal spend
    assert t.loc["B", "profit"] > t.loc["A", "profit"]                           # the lecture's claim


def test_holdout_plan_hand_computed():
    h = cp.holdout_plan(2000, share=0.1, base_rate=0.05)
    assert (h["n_treated"], h["n_control"]) == (1800, 200)
    z = 1.959964 + 0.841621
    assert h["mde"] == pytest.approx(z * np.sqrt(0.05 * 0.95 * (1 / 1800 + 1 / 200)), rel=1e-5)
    assert np.isnan(cp.holdout_plan(5, share=0.01)["mde"])


def test_assumptions_table_states_the_price_list():
    a = cp.assumptions()
    assert "1,000" in a.loc[("渠道", "电话外呼"), "假设"] and "每月最多 1 次" in a.loc[("渠道", "电话外呼"), "假设"]
    assert "450" in a.loc[("产品", "贷款"), "假设"] and "R3" in a.loc[("产品", "基金"), "假设"]


def test_render_campaign_uses_the_course_chart():
    table, msg, fig = cp.render_campaign({"重要价值客户": ("理财", "短信", "无优惠", 700)}, SIZES, seed=3)
    assert msg == "" and "投资回报率 ROI" in table.columns and "合计" in table.index
    assert "投资回报率 (ROI)" in fig.axes[0].get_title(loc="left")
    plt.close(fig)
    table, msg, fig = cp.render_campaign({"重要价值客户": ("理财", "短信", "无优惠", -5)}, SIZES)
    assert table is None and fig is None and "负数" in msg


def test_targets_and_reference_plan_are_compliant(aud):
    t = cp.campaign_targets(aud)
    plan = cp.suggested_plan(aud, seed=2024, max_budget=t["max_budget"])
    assert sum(c[3] for c in plan.values()) <= t["max_budget"]
    ok, reasons, res = cp.evaluate_plan(plan, aud, 2024, t["min_roi"], t["max_budget"], t["min_profit"],
                                        message=OPT_OUT)
    assert ok, reasons
    assert all(cell[4] <= cp.CONTACT_CAP_PER_MONTH[cell[1]] for cell in plan.values())


@pytest.mark.parametrize("module", ["course_utils.campaign", "course_utils.campaign_plans",
                                    "course_utils.datagen.response_rates"])
def test_docstring_examples(module):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(module)).failed == 0


def test_planning_helpers_are_importable_from_campaign():
    from course_utils import campaign_plans

    for name in campaign_plans.__all__:
        assert getattr(cp, name) is getattr(campaign_plans, name)
