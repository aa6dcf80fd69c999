"""Lecture 5, question 2 (widget): an experiment design for "留存 +12 %"."""
from __future__ import annotations

from helpers import assert_widget_flow

from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises import lecture5 as L5
from course_utils.exercises.lecture5 import q2_experiment as Q2
from course_utils.experiments import power_of


def test_base_retention_comes_from_the_data(bank, qs):
    base = qs[1].base()
    assert list(base) == list(Q2.MONTHS)
    assert all(0 < r < 1 for r in base.values())
    assert all(base[a] >= base[b] for a, b in zip(Q2.MONTHS, Q2.MONTHS[1:]))   # longer -> fewer stay
    assert base[6] * 1.12 >= 1 and base[12] * 1.12 < 1                          # +12 % impossible at 6 months


def test_checks(qs):
    q2 = qs[1]
    right = q2.expected()
    assert right["lift_pct"] == Q2.CLAIM_LIFT_PCT and 2 * right["n_per_group"] <= q2.budget
    base = q2.base()
    # the simulated power agrees with the normal approximation near the chosen size
    sim = Q2.simulate_design(right, base)
    assert abs(sim["power"] - power_of(right["n_per_group"], base[right["months"]], 0.12)) < 0.04
    small = {**right, "n_per_group": right["n_per_group"] // 4}
    short = {**right, "months": 6}
    over = {**right, "months": max(Q2.MONTHS), "n_per_group": q2.budget // 2 + 50}
    assert_check_cases(
        q2,
        correct=[right, {**right, "n_per_group": q2.budget // 2}, {**right, "n_per_group": float(right["n_per_group"])}],
        wrong=[(small, "功效只有"),
               (short, "不可能成立"),
               (over, "超出了"),
               ({**right, "lift_pct": 20}, "高估"),
               ({**right, "lift_pct": 5}, "更小"),
               ({**right, "lift_pct": 0}, "误报"),
               ({**right, "months": 7}, "观察月数"),
               ({**right, "n_per_group": 2.5}, "正整数"),
               ({"n_per_group": 100}, "缺少")],
        half_done=[dict(Q2.DEFAULTS), {**right, "n_per_group": ____}],
    )


def test_render_is_pure_and_names_population_and_assumptions(qs):
    q2 = qs[1]
    base, n = q2.base(), q2.context["n_base"]
    html = L5.render_experiment({"n_per_group": 200, "months": 12, "lift_pct": 12}, base, n)
    assert "<svg" in html and "在网" in html and "功效" in html and "误报" in html and "模拟" in html
    assert html == L5.render_experiment({"n_per_group": 200, "months": 12, "lift_pct": 12}, base, n)
    assert "不可能" in L5.render_experiment({"n_per_group": 200, "months": 3, "lift_pct": 12}, base, n)
    assert "观察月数" in L5.render_experiment({"n_per_group": 200, "months": 5, "lift_pct": 12}, base, n)


def test_widget_flow_and_redraw_time(qs):
    q2 = qs[1]
    app = L5.experiment_app(q2)
    assert_widget_flow(q2, app, change={"n_per_group": 300}, right=q2.expected(),
                       sweep=[{"n_per_group": n} for n in range(100, 1001, 100)])
