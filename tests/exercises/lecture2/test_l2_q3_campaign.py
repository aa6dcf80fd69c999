"""Lecture 2, question 3 (widget): a compliant campaign plan per segment under a cost cap."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import campaign
from course_utils.datagen import response_rates as rr
from course_utils.exercises import assert_check_cases
from course_utils.exercises.lecture2 import q3_campaign as Q3

OPT_OUT = "【示例银行】您的专属理财优惠已到账，详询客户经理。拒收请回复R"


def _as_widget(plan, message=OPT_OUT):
    vals = {"message": message}
    for seg, (p, c, o, b, *t) in plan.items():
        vals.update({f"{seg}|product": p, f"{seg}|channel": c, f"{seg}|offer": o, f"{seg}|budget": b,
                     f"{seg}|touches": t[0] if t else 1})
    return vals


def _right(q3):
    return campaign.suggested_plan(q3.audience, q3.seed, q3.targets["max_budget"])


def test_checks(qs):
    q3 = qs[2]
    targets = q3.targets
    right = _right(q3)
    # over the cap: the same campaigns with every budget tripled (cost follows the budget)
    too_much = {s: (p, c, o, b * 3, t) for s, (p, c, o, b, t) in right.items()}
    visit_everyone = {s: ("理财", "客户经理面访", "加息券", targets["max_budget"] / 8) for s in campaign.SEGMENTS}
    wrong_target = dict(right, 一般挽留客户=("贷款", "电话外呼", "无优惠", 1000 + 7 * 50))
    too_often = dict(right, 一般发展客户=("信用卡", "短信", "积分礼品", 1000, 3))
    only_app = {"一般发展客户": ("理财", "APP推送", "无优惠", 600)}
    assert_check_cases(
        q3,
        correct=[{"plan": right, "message": OPT_OUT}, _as_widget(right),
                 {"plan": right, "message": "尊敬的客户：加息券已到账。回复TD退订"}],
        wrong=[({"plan": too_much, "message": OPT_OUT}, "超过上限"),
               ({"plan": wrong_target, "message": OPT_OUT}, "一般挽留客户 用了电话外呼"),
               ({"plan": too_often, "message": OPT_OUT}, "每月最多 2 次"),
               ({"plan": right, "message": "尊敬的客户：加息券已到账"}, "没有退订方式"),
               (right, "缺营销文案"),
               ({"plan": only_app, "message": OPT_OUT}, "净收益"),
               ({"plan": visit_everyone, "message": OPT_OUT}, "ROI"),
               ({"plan": right, "message": 42}, "一段文字"),
               ({"plan": {"重要价值客户": ("黄金", "短信", "无优惠", 1000)}, "message": OPT_OUT}, "未知产品"),
               ({"plan": {"重要价值客户": (pd.Series([1]), "短信", "无优惠", 1000)}, "message": OPT_OUT},
                "产品应该是一段文字")],
        half_done=[{}, {"plan": {}, "message": OPT_OUT}, _as_widget({})],
    )


def test_solution_passes_on_other_sizes():
    from course_utils.data import get_bank
    from course_utils.exercises import lecture2 as L2

    for seed, n in ((7, 800), (99, 1500), (1, 300)):
        q3 = L2.setup(get_bank(seed=seed, n_customers=n), seed=seed)[2]
        plan = campaign.suggested_plan(q3.audience, seed, q3.targets["max_budget"])
        assert q3.check({"plan": plan, "message": OPT_OUT}).status == "correct", (seed, n)


@pytest.mark.parametrize("junk", [pd.Series([1, 2]), np.array([1.0, 2.0]), pd.NA, "800"],
                         ids=["Series", "array", "pd.NA", "text"])
def test_junk_values_get_feedback_from_the_check(qs, junk):
    q3 = qs[2]
    for key in ("product", "budget", "channel", "touches"):
        vals = {"重要价值客户|product": "理财", "重要价值客户|channel": "短信", "重要价值客户|touches": 1,
                "重要价值客户|offer": "无优惠", "重要价值客户|budget": 800, f"重要价值客户|{key}": junk,
                "message": OPT_OUT}
        r = q3.check(vals)
        assert r.status == "incorrect" and not r.detail, (key, junk, r, r.detail)
    r = q3.check({"plan": {"重要价值客户": ("理财", "短信", "无优惠", junk)}, "message": OPT_OUT})
    assert r.status == "incorrect" and not r.detail


def test_wrong_target_message_matches_the_segment(qs):
    """Issue 9: 一般发展客户 trade recently (small recency in the heatmap): never "久未活跃"."""
    q3 = qs[2]
    msg = q3.check({"plan": {"一般发展客户": ("信用卡", "客户经理面访", "无优惠", 20_000)},
                    "message": OPT_OUT}).message
    assert "一般发展客户 用了客户经理面访" in msg and "最近有交易" in msg and "久未" not in msg
    assert "很久没有交易" in q3.check({"plan": {"一般挽留客户": ("存款", "电话外呼", "无优惠", 8000)},
                                       "message": OPT_OUT}).message


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
    plan = _right(q3)
    assert q3.check({"plan": plan, "message": OPT_OUT}).status == "correct"
    res = campaign.simulate_campaign(plan, q3.audience, q3.seed)
    assert (res.drop(index=campaign.TOTAL)["profit"] >= 0).all()       # 做了活动的客群都不亏钱
    assert not any((s, cell[1]) in rr.WRONG_TARGETS for s, cell in plan.items())
    assert res.loc[campaign.TOTAL, "cost"] <= q3.targets["max_budget"]   # 总成本在上限内
    assert res.loc[campaign.TOTAL, "cost"] == pytest.approx(
        res.loc[campaign.TOTAL, "contact_cost"] + res.loc[campaign.TOTAL, "offer_cost"])
    assert campaign.compliance_problems(plan, OPT_OUT) == []
    assert "高价值客户" not in q3.success    # the solution calls 一般价值客户 too


def test_no_dormant_customer_gets_a_loan(qs):
    """Issue 9: the old solution pushed loans to dormant customers by SMS."""
    from course_utils import domain

    q3, table = qs[2], qs[1].table
    credit_ok = q3.audience.table["credit_ok"].reindex(table.index.astype(str))
    dormant = domain.is_dormant(table["recency_days"]).to_numpy()
    assert dormant.any() and credit_ok.any()
    assert not credit_ok.to_numpy()[dormant].any()


def test_widget_and_render(qs):
    q3 = qs[2]
    app = Q3.campaign_app(q3)
    assert "还没有任何客群" in app.output.outputs[1]["data"]["text/html"]
    first = app.output.outputs
    app.set_values(**{"一般挽留客户|channel": "电话外呼"})    # every control change is visible
    assert app.output.outputs != first
    assert q3.check(app).status == "not_attempted"
    plan = _right(q3)
    vals = {k: (int(np.ceil(v / 500) * 500) if k.endswith("|budget") else v)
            for k, v in _as_widget(plan, Q3.DEFAULT_MESSAGE).items()}
    app.set_values(**vals)
    assert app.last_error is None and len(app.output.outputs) == 5
    html = "".join(o["data"].get("text/html", "") for o in app.output.outputs)
    assert "没有退订方式" in html and "可触达人数" in html and "合计" in html
    r = q3.check(app)
    assert r.status == "incorrect" and "退订" in r.message           # the default text has no opt-out
    app.set_values(message=OPT_OUT)
    assert "通过" in app.output.outputs[3]["data"]["text/html"]
    assert q3.check(app).status in ("correct", "incorrect")           # budgets rounded to the slider step
    assert Q3.widget_values_to_plan({"重要价值客户|product": Q3.NO_CAMPAIGN,
                                     "重要价值客户|budget": 900}) == {}


def test_render_with_the_course_chart(qs):
    import matplotlib.pyplot as plt

    q3 = qs[2]
    vals = _as_widget({"重要价值客户": ("理财", "电话外呼", "加息券", 5000)})
    out = Q3.render_campaign_values(vals, q3.audience, q3.seed, q3.targets, draw=True)
    fig = out[1]
    assert "投资回报率 (ROI)" in fig.axes[0].get_title(loc="left")
    plt.close(fig)


def test_public_attributes_are_copies(qs):
    q3 = qs[2]
    q3.sizes["重要价值客户"] = -1
    q3.targets["max_budget"] = 0
    assert q3.sizes["重要价值客户"] >= 0 and q3.targets["max_budget"] > 0
