"""Lecture 3, question 4 (widget): a retention plan under a budget."""
from __future__ import annotations

from course_utils import retention as rt
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises import lecture3 as L3
from course_utils.exercises.lecture3 import q4_retention_plan as Q4


def _flat(plan):
    return {"ranking": plan["ranking"], "budget": plan["budget"],
            **{f"offer_{r}": o for r, o in plan["offers"].items()}}


def test_checks(qs):
    q4 = qs[3]
    right = q4.expected()
    ctx = q4.simulator()
    step, top = q4.budget_steps()
    mine = rt.simulate_plan(ctx, "uplift", right["budget"], right["offers"])
    usual = rt.simulate_plan(ctx, "risk", right["budget"], rt.STANDARD_OFFERS)
    assert mine["net_value"] > max(usual["net_value"], 0) and mine["total_cost"] <= right["budget"]
    risk_matched = {**right, "ranking": "risk"}
    # the largest budget with matched offers: judged by the data (any plan that beats the usual
    # one at its budget and makes money is right); calling life-event churners at that budget
    # (they cannot be kept) loses money while still beating the usual plan: the "亏钱" advice.
    huge = {**right, "budget": top}
    huge_mine = rt.simulate_plan(ctx, "uplift", top, right["offers"])["net_value"]
    huge_usual = rt.simulate_plan(ctx, "risk", top, rt.STANDARD_OFFERS)["net_value"]
    huge_right = huge_mine > max(huge_usual, 0)
    life_too = {**huge, "offers": {**right["offers"], "life": "pricing"}}
    life_mine = rt.simulate_plan(ctx, "uplift", top, life_too["offers"])["net_value"]
    assert huge_usual < life_mine <= 0
    nobody = {**right, "offers": {r: "none" for r in rt.REASONS}}
    assert_check_cases(
        q4,
        correct=[right, _flat(right), {**right, "budget": float(right["budget"])}] + ([huge] if huge_right else []),
        wrong=[(risk_matched, "流失风险排序"),
               *([] if huge_right else [(huge, "亏钱" if huge_mine > huge_usual else "没有超过")]),
               (life_too, "亏钱"),
               (nobody, "一个客户也没联系"),
               ({**right, "budget": 0}, "预算是 0"),
               ({**right, "offers": {"price": "gold"}}, "优惠应该是"),
               ({**right, "offers": {"money": "care"}}, "未知的原因"),
               ({**right, "ranking": "value"}, "ranking"),
               ({**right, "budget": -5}, "budget"),
               ({"ranking": "uplift"}, "缺少")],
        half_done=[{**right, "ranking": ____}, q4.default_values(), _flat(q4.default_values())],
    )


def test_plan_from_widget_values():
    plan = Q4.plan_from_values({"ranking": "uplift", "budget": 3000, "offer_life": "none", "offer_price": "care"})
    assert plan == {"ranking": "uplift", "budget": 3000, "offers": {"life": "none", "price": "care"}}


def test_render_shows_both_plans_and_the_assumptions(qs):
    q4 = qs[3]
    out = L3.render_retention_plan(_flat(q4.expected()), q4.simulator())
    html = "".join(o if isinstance(o, str) else o.to_html() for o in out)
    assert "你的方案" in html and "银行常规做法" in html and "假设" in html and "合规" in html
    bad = L3.render_retention_plan({"ranking": "x", "budget": 1, "offer_price": "care"}, q4.simulator())
    assert "ranking" in bad[0]


def test_widget_flow(qs):
    q4 = qs[3]
    app = L3.retention_plan_app(q4)
    assert q4.check(app).status == "not_attempted"             # starts as the bank's usual plan
    right = q4.expected()
    app.set_values(ranking="risk", budget=right["budget"])
    assert q4.check(app).status == "incorrect"
    app.set_values(**_flat(right))
    assert app.last_error is None and q4.check(app).correct and app.check().correct


def test_solution_passes_on_the_notebook_sizes():
    from course_utils.data import get_bank

    for seed, n in ((7, 800), (99, 5000)):
        q4 = L3.setup(get_bank(seed=seed, n_customers=n), seed=seed)[3]
        assert q4.check(q4.expected()).correct, (seed, n)
