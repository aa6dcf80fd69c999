"""Unit tests of the campaign simulator (course_utils.campaign) and its hidden rates."""
from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

try:  # course theme with the bundled CJK font (no missing-glyph warnings)
    from course_utils.plotting import setup as _setup

    _setup()
except Exception:  # pragma: no cover - plotting module absent
    pass
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_utils import campaign as cp  # noqa: E402
from course_utils.datagen import response_rates as rr  # noqa: E402

SIZES = {"重要价值客户": 1000, "重要挽留客户": 150, "一般挽留客户": 500, "一般发展客户": 400}


def test_money_flows_hand_computed():
    # APP push: set-up 500 + 0.02 per contact; budget 520 -> (520 - 500) / 0.02 = 1000 contacts
    plan = {"重要价值客户": ("理财", "APP推送", "无优惠", 520)}
    res = cp.simulate_campaign(plan, SIZES, seed=7)
    row = res.loc["重要价值客户"]
    assert row["contacts"] == 1000
    assert row["contact_cost"] == pytest.approx(500 + 1000 * 0.02)
    assert row["offer_cost"] == 0
    assert row["revenue"] == pytest.approx(row["responses"] * 600 * 3.0)
    assert row["cost"] == pytest.approx(row["contact_cost"] + row["offer_cost"])
    assert row["roi"] == pytest.approx((row["revenue"] - row["cost"]) / row["cost"])
    assert res.loc["合计", "responses"] == row["responses"]


def test_budget_caps_contacts_and_small_budget_buys_nothing():
    res = cp.simulate_campaign({"重要价值客户": ("理财", "客户经理面访", "加息券", 5000 + 150 * 10)}, SIZES)
    assert res.loc["重要价值客户", "contacts"] == 10
    res = cp.simulate_campaign({"重要价值客户": ("理财", "电话外呼", "无优惠", 2000)}, SIZES)
    assert res.loc["重要价值客户", "contacts"] == 0 and res.loc["重要价值客户", "cost"] == 0
    res = cp.simulate_campaign({"重要价值客户": ("理财", "短信", "无优惠", 1e9)}, SIZES)
    assert res.loc["重要价值客户", "contacts"] == 1000  # never more than the segment


def test_same_seed_same_result_and_seed_matters():
    plan = {s: ("理财", "电话外呼", "加息券", 8000) for s in SIZES}
    a = cp.simulate_campaign(plan, SIZES, seed=1)
    b = cp.simulate_campaign(plan, SIZES, seed=1)
    pd.testing.assert_frame_equal(a, b)
    others = [cp.simulate_campaign(plan, SIZES, seed=s).loc["合计", "responses"] for s in range(2, 8)]
    assert len(set(others) | {a.loc["合计", "responses"]}) > 1


def test_responses_follow_hidden_rates_on_average():
    n = 1000
    plan = {"重要价值客户": ("理财", "APP推送", "无优惠", 500 + n * 0.02)}
    draws = [cp.simulate_campaign(plan, SIZES, seed=s).loc["重要价值客户", "responses"] for s in range(200)]
    p = rr.true_rate("重要价值客户", "理财", "APP推送", "无优惠")
    assert np.mean(draws) == pytest.approx(n * p, rel=0.05)


def test_dict_cells_and_zero_budget():
    plan = {"重要价值客户": {"product": "基金", "channel": "短信", "offer": "手续费减免", "budget": 600},
            "一般挽留客户": ("存款", "短信", "无优惠", 0)}
    res = cp.simulate_campaign(plan, pd.Series(SIZES))
    assert list(res.index) == ["重要价值客户", "合计"]


def test_empty_plan_gives_zero_total():
    res = cp.simulate_campaign({}, SIZES)
    assert list(res.index) == ["合计"] and res.loc["合计", "cost"] == 0
    assert pd.isna(res.loc["合计", "roi"])


@pytest.mark.parametrize(
    "plan, words",
    [
        ({"超级客户": ("理财", "短信", "无优惠", 100)}, "未知客群"),
        ({"重要价值客户": ("黄金", "短信", "无优惠", 100)}, "未知产品"),
        ({"重要价值客户": ("理财", "飞鸽传书", "无优惠", 100)}, "未知渠道"),
        ({"重要价值客户": ("理财", "短信", "送房子", 100)}, "未知优惠"),
        ({"重要价值客户": ("理财", "短信", "无优惠", -1)}, "负数"),
        ({"重要价值客户": ("理财", "短信", "无优惠", "一万")}, "数字"),
        ({"重要价值客户": ("理财", "短信")}, "四项"),
        ({"重要价值客户": {"product": "理财"}}, "缺少"),
        ([("理财", "短信", "无优惠", 1)], "字典"),
    ],
)
def test_invalid_plans_give_chinese_plan_error(plan, words):
    with pytest.raises(cp.PlanError) as e:
        cp.simulate_campaign(plan, SIZES)
    assert words in str(e.value)
    # IPython shows the message instead of a traceback
    assert e.value._render_traceback_()[0].startswith("方案有误")


def test_wrong_targets_always_lose_money():
    """The lesson must be true: calls / visits on low-value dormant segments never pay."""
    for (seg, ch), prod, offer in itertools.product(rr.WRONG_TARGETS, rr.PRODUCTS, rr.OFFERS):
        p = rr.true_rate(seg, prod, ch, offer)
        margin_per_contact = p * (rr.value_per_response(seg, prod) - rr.OFFER_COST[offer])
        assert margin_per_contact < rr.CHANNEL_COST[ch], (seg, ch, prod, offer)


def test_personal_channels_pay_on_valuable_segments():
    best = max(
        rr.true_rate("重要价值客户", p, "客户经理面访", o) * (rr.value_per_response("重要价值客户", p) - rr.OFFER_COST[o])
        for p, o in itertools.product(rr.PRODUCTS, rr.OFFERS)
    )
    assert best > 2 * rr.CHANNEL_COST["客户经理面访"]
    # dormant customers rarely read APP pushes
    assert rr.CHANNEL_EFFECT["一般挽留客户"]["APP推送"] < rr.CHANNEL_EFFECT["重要价值客户"]["APP推送"]


def test_evaluate_plan_and_problems():
    good = {"重要价值客户": ("理财", "电话外呼", "加息券", 9000), "重要挽留客户": ("理财", "电话外呼", "加息券", 4000)}
    ok, reasons, res = cp.evaluate_plan(good, SIZES, seed=1, min_roi=1.0, max_budget=20000)
    assert ok, reasons
    bad = dict(good, 一般挽留客户=("贷款", "客户经理面访", "无优惠", 10000))
    ok, reasons, _ = cp.evaluate_plan(bad, SIZES, seed=1, min_roi=0.0, max_budget=1e6)
    assert not ok and any("一般挽留客户" in r for r in reasons)
    ok, reasons, _ = cp.evaluate_plan(good, SIZES, seed=1, min_roi=1.0, max_budget=10000)
    assert not ok and any("预算" in r for r in reasons)
    ok, reasons, _ = cp.evaluate_plan(good, SIZES, seed=1, min_roi=100.0, max_budget=1e6)
    assert not ok and any("ROI" in r for r in reasons)
    ok, reasons, _ = cp.evaluate_plan({}, SIZES, seed=1, min_roi=1.0, max_budget=1e6)
    assert not ok and any("没有触达" in r for r in reasons)


def test_render_campaign_pure():
    table, msg, fig = cp.render_campaign({"重要价值客户": ("理财", "短信", "无优惠", 700)}, SIZES, seed=3)
    assert msg == "" and "ROI" in table.columns and "触达人数" in table.columns
    assert fig is not None
    plt.close(fig)
    table, msg, fig = cp.render_campaign({"重要价值客户": ("理财", "短信", "无优惠", -5)}, SIZES)
    assert table is None and fig is None and "负数" in msg
