"""Lecture 2, question 3 (widget): a campaign plan per segment."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import campaign
from course_utils.datagen import response_rates as rr
from course_utils.exercises import assert_check_cases
from course_utils.exercises.lecture2 import q3_campaign as Q3


def _as_widget(plan):
    vals = {}
    for seg, (p, c, o, b) in plan.items():
        vals.update({f"{seg}|product": p, f"{seg}|channel": c, f"{seg}|offer": o, f"{seg}|budget": b})
    return vals


def test_checks(qs):
    q3 = qs[2]
    sizes, seed, targets = q3.sizes, q3.seed, q3.targets
    right = campaign.suggested_plan(sizes, seed, targets["max_budget"])
    too_much = {s: (p, c, o, b * 3) for s, (p, c, o, b) in right.items()}
    visit_everyone = {s: ("理财", "客户经理面访", "加息券", targets["max_budget"] / 8) for s in sizes}
    wrong_target = dict(right, 一般挽留客户=("贷款", "电话外呼", "无优惠", 3000 + 6 * 50))
    only_app = {"一般发展客户": ("理财", "APP推送", "无优惠", 600)}
    assert_check_cases(
        q3,
        correct=[right, _as_widget(right)],
        wrong=[(too_much, "超过上限"), (wrong_target, "一般挽留客户 用了电话外呼"),
               (only_app, "净收益"), (visit_everyone, "ROI"),
               ({"重要价值客户": ("黄金", "短信", "无优惠", 1000)}, "未知产品"),
               ({"重要价值客户": (pd.Series([1]), "短信", "无优惠", 1000)}, "产品应该是一段文字")],
        half_done=[{}, _as_widget({})],
    )


def test_solution_passes_on_other_sizes():
    from course_utils.data import get_bank
    from course_utils.exercises import lecture2 as L2

    for seed, n in ((7, 800), (99, 1500)):
        q3 = L2.setup(get_bank(seed=seed, n_customers=n), seed=seed)[2]
        plan = campaign.suggested_plan(q3.sizes, seed, q3.targets["max_budget"])
        assert q3.check(plan).status == "correct", (seed, n)


@pytest.mark.parametrize("junk", [pd.Series([1, 2]), np.array([1.0, 2.0]), pd.NA, "800"],
                         ids=["Series", "array", "pd.NA", "text"])
def test_junk_values_get_feedback_from_the_check(qs, junk):
    q3 = qs[2]
    for key in ("product", "budget", "channel"):
        vals = {"重要价值客户|product": "理财", "重要价值客户|channel": "短信",
                "重要价值客户|offer": "无优惠", "重要价值客户|budget": 800, f"重要价值客户|{key}": junk}
        r = q3.check(vals)
        assert r.status == "incorrect" and not r.detail, (key, junk, r, r.detail)
    r = q3.check({"重要价值客户": ("理财", "短信", "无优惠", junk)})
    assert r.status == "incorrect" and not r.detail


def test_wrong_target_message_matches_the_segment(qs):
    """Issue 9: 一般发展客户 trade recently (small recency in the heatmap): never "久未活跃"."""
    q3 = qs[2]
    msg = q3.check({"一般发展客户": ("信用卡", "客户经理面访", "无优惠", 20_000)}).message
    assert "一般发展客户 用了客户经理面访" in msg and "最近有交易" in msg and "久未" not in msg
    assert "很久没有交易" in q3.check({"一般挽留客户": ("贷款", "电话外呼", "无优惠", 8000)}).message


def test_segment_words_agree_with_the_data(qs):
    """The recency word of each segment agrees with its median recency at the cut-off."""
    from course_utils.segments import rfm_scores

    scored = rfm_scores(qs[1].table, bins=5)
    med = scored.groupby("segment", observed=True)["recency_days"].median()
    overall = scored["recency_days"].median()
    for seg, days in med.items():
        recent = campaign.segment_description(seg).startswith("最近")
        assert (days <= overall) == recent, (seg, days, overall)


def test_success_text_is_true_of_the_solution(qs):
    """Issue 9: the success message claims only what the check guarantees, and the solution has it."""
    q3 = qs[2]
    plan = campaign.suggested_plan(q3.sizes, q3.seed, q3.targets["max_budget"])
    assert q3.check(plan).status == "correct"
    res = campaign.simulate_campaign(plan, q3.sizes, q3.seed)
    assert (res.drop(index="合计")["profit"] >= 0).all()              # 做了活动的客群都不亏钱
    assert not any((s, cell[1]) in rr.WRONG_TARGETS for s, cell in plan.items())
    assert res.loc["合计", "budget"] <= q3.targets["max_budget"]       # 预算上限内
    assert "高价值客户" not in q3.success    # the solution calls 一般价值客户 too


def test_widget_and_render(qs):
    q3 = qs[2]
    app = Q3.campaign_app(q3)
    assert "还没有任何客群" in app.output.outputs[1]["data"]["text/html"]
    first = app.output.outputs
    app.set_values(**{"一般挽留客户|channel": "电话外呼"})    # every control change is visible
    assert app.output.outputs != first
    assert q3.check(app).status == "not_attempted"
    plan = campaign.suggested_plan(q3.sizes, q3.seed, q3.targets["max_budget"])
    vals = {k: (int(np.ceil(v / 500) * 500) if k.endswith("|budget") else v)
            for k, v in _as_widget(plan).items()}
    app.set_values(**vals)
    assert app.last_error is None and len(app.output.outputs) == 4
    assert q3.check(app).status in ("correct", "incorrect")   # budgets rounded to the slider step
    assert Q3.widget_values_to_plan({"重要价值客户|product": Q3.NO_CAMPAIGN,
                                     "重要价值客户|budget": 900}) == {}


def test_public_attributes_are_copies(qs):
    q3 = qs[2]
    q3.sizes["重要价值客户"] = -1
    q3.targets["max_budget"] = 0
    assert q3.sizes["重要价值客户"] >= 0 and q3.targets["max_budget"] > 0
