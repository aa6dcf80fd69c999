"""Lecture 5, question 3 (widget): coupon tiers that beat the flat coupon at no more cost."""
from __future__ import annotations

from helpers import assert_widget_flow

from course_utils import coupons
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises import lecture5 as L5
from course_utils.exercises.lecture5 import q3_coupons as Q3


def _summary(q3, tiers):
    return coupons.coupon_plan_value(q3.context["balances"], tiers).summary.iloc[0]


def test_population_is_on_the_books(bank, qs):
    q3 = qs[2]
    bal = q3.context["balances"]
    assert bal["customer_id"].is_unique and (bal["balance"] >= 0).all()
    assert "在网" in q3.context["population"]


def test_checks(qs):
    q3 = qs[2]
    ref = q3.reference()
    right = q3.expected()
    s = _summary(q3, right)
    assert s["cost"] <= ref["cost"] and s["net_value"] > ref["net_value"]
    rich = [(right[0][0], right[0][1] * 2), (right[1][0], right[1][1] * 2)]           # costs too much
    assert _summary(q3, rich)["cost"] > ref["cost"]
    stingy = [(500_000, 0.001), (1_000_000, 0.002)]                                 # spends too little
    low_start = [(0, 0.0025), (200_000, 0.0025)]                                    # flat-like, cheaper
    assert _summary(q3, low_start)["net_value"] < ref["net_value"]
    values = {"t1_wan": right[0][0] / 10_000, "r1_pct": right[0][1] * 100,
              "t2_wan": right[1][0] / 10_000, "r2_pct": right[1][1] * 100}
    assert_check_cases(
        q3,
        correct=[right, [list(t) for t in right], values],
        wrong=[(rich, "超过了统一加息券"),
               (stingy, "不到一半"),
               (low_start, "门槛太低"),
               ([(50_000, 0.5), (200_000, 0.8)], "小数"),
               ([(200_000, 0.003), (50_000, 0.005)], "递增"),
               ([(50_000, 0.003, 1)], "两个数"),
               ({**values, "t2_wan": 0}, "递增"),
               ("50000:0.3%", "档位列表")],
        half_done=[dict(Q3.DEFAULTS), [(____, 0.003)], {**values, "r1_pct": ____}],
    )


def test_render_is_pure_and_states_assumptions(qs):
    q3 = qs[2]
    args = (q3.context["balances"], q3.reference(), q3.context["population"])
    v = {"t1_wan": 5, "r1_pct": 0.3, "t2_wan": 20, "r2_pct": 0.5}
    html = L5.render_coupons(v, *args)
    assert "假设" in html and "在网" in html and "统一加息券" in html and "净收益" in html
    assert html == L5.render_coupons(v, *args)
    assert "递增" in L5.render_coupons({**v, "t2_wan": 5}, *args)


def test_widget_flow_and_redraw_time(qs):
    q3 = qs[2]
    app = L5.coupon_app(q3)
    right = q3.expected()
    assert_widget_flow(q3, app, change={"t1_wan": 5},
                       right={"t1_wan": right[0][0] / 10_000, "r1_pct": right[0][1] * 100,
                              "t2_wan": right[1][0] / 10_000, "r2_pct": right[1][1] * 100},
                       sweep=[{"r2_pct": r} for r in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)])
