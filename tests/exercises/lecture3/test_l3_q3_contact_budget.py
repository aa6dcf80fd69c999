"""Lecture 3, question 3 (widget): how many customers to call."""
from __future__ import annotations

from helpers import assert_widget_flow

from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises import lecture3 as L3


def test_checks(qs):
    q3 = qs[2]
    right = q3.expected()
    curves = q3.curves()
    net = curves[right["model"]]["net_value"].to_numpy()
    n = len(net) - 1
    peak = int(net.argmax())
    near = next(k for k in range(peak, n + 1) if net[k] < 0.95 * net[peak])   # still within 90 %
    worst = min(L3.q3_contact_budget.KINDS, key=lambda k: curves[k]["net_value"].max())
    worst_peak = int(curves[worst]["net_value"].to_numpy().argmax())
    cases = [({"model": right["model"], "contacts": max(1, peak // 10)}, "还在上升"),
             ({"model": right["model"], "contacts": n}, "太多"),
             ({"model": right["model"], "contacts": n + 5}, "之间"),
             ({"model": "gbm", "contacts": peak}, "model 应该是"),
             ({"model": right["model"], "contacts": 12.5}, "整数"),
             ({"contacts": peak}, "两个键")]
    if curves[worst]["net_value"].max() < 0.9 * net[peak]:
        cases.append(({"model": worst, "contacts": worst_peak}, "换个模型"))
    assert_check_cases(q3, correct=[right, {**right, "contacts": near}, {**right, "contacts": float(peak)}],
                       wrong=cases, half_done=[{"model": "forest", "contacts": 0}, {"model": ____, "contacts": 0}])


def test_render_is_pure_and_names_the_population(qs):
    q3 = qs[2]
    curves = q3.curves()
    html = L3.render_contact_budget({"model": "forest", "contacts": 300}, curves, q3.population)
    assert "<svg" in html and "在网" in html and "净收益" in html and "假设" in html
    assert html == L3.render_contact_budget({"model": "forest", "contacts": 300}, curves, q3.population)
    assert "model 应该是" in L3.render_contact_budget({"model": "x", "contacts": 3}, curves, q3.population)


def test_widget_flow(qs):
    q3 = qs[2]
    app = L3.contact_budget_app(q3)                             # the slider starts at 0: not attempted
    assert_widget_flow(q3, app, change={"contacts": 200}, right=q3.expected(),
                       sweep=[{"contacts": k} for k in range(0, 1000, 100)])
