"""Lecture 1, question 1 (widget): churn trend with key events."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture1 import q1_churn_trend as Q1
from course_utils.kpis import yearly_churn_rates

EVENTS = [(2022, "产品调整：上调手续费"), (2023, "市场变化：竞品高收益理财")]


def _answer(rates, events=EVENTS):
    return {"rates": {int(y): float(v) for y, v in rates.items()}, "events": list(events)}


def test_checks(qs, customers):
    q1 = qs[0]
    exp = yearly_churn_rates(customers)
    pct = {y: round(v * 100, 1) for y, v in exp.items()}
    widget_like = {f"y{y}": v for y, v in pct.items()}
    widget_like.update({"event1_year": 2022, "event1_text": "手续费上调",
                        "event2_year": 2023, "event2_text": "竞品高收益", "event3_year": 0,
                        "event3_text": ""})
    rising = sorted(exp.tolist())
    correct = [_answer(exp), _answer(pct), widget_like,
               {"rates": exp, "events": {2021: "开户优惠结束", 2023: "降息"}},
               {"rates": {str(y): v for y, v in exp.items()}, "events": EVENTS}]
    y = list(exp.index)
    wrong = [
        (_answer(dict(zip(y, rising[::-1]))), "没有逐年上升"),
        (_answer({y[0]: exp[y[0]], y[1]: exp[y[1]] + 0.025, y[2]: exp[y[2]] + 0.05}), "对不上"),
        (_answer(exp, EVENTS[:1]), "至少要标注 2 个"),
        (_answer(exp, EVENTS + [(2019, "开户")]), "不在图上"),
        (_answer(exp, [(2022, "调费"), (2023, "  ")]), "没有文字说明"),
        (_answer(exp, [(0, "调费"), (2023, "降息")]), "没有选年份"),
        (_answer(exp, [(2022, "调费"), (2022, " 调费 ")]), "写了两次"),
        ({"rates": {y[0]: exp[y[0]], y[1]: exp[y[1]]}, "events": EVENTS}, "缺少 2023 年"),
        ({"rates": {y[0]: "15%", y[1]: 0.18, y[2]: 0.2}, "events": EVENTS}, "不是有效数字"),
        ({"rates": {y[0]: 0.15, y[1]: pd.NA, y[2]: 0.2}, "events": EVENTS}, "2022 年的流失率不是"),
        ({"rates": [0.15, 0.18, 0.20], "events": EVENTS}, "rates」应该是"),
        ({"rates": {**exp.to_dict(), "2021": 0.1}, "events": EVENTS}, "给了两次"),
        ({"values": [1, 2]}, "两个键"),
    ]
    untouched = {f"y{yy}": Q1.DEFAULT_RATE_PCT for yy in y}
    untouched.update({"event1_year": 0, "event1_text": ""})
    assert_check_cases(q1, correct=correct, wrong=wrong,
                       half_done=[untouched, Q1.widget_values_to_answer(untouched),
                                  {"rates": {2021: ____, 2022: 0.18, 2023: 0.2}, "events": EVENTS}])


def test_wrong_trend_message_does_not_leak_values(qs, customers):
    exp = yearly_churn_rates(customers)
    r = qs[0].check({"rates": {2021: 0.15, 2022: 0.19, 2023: 0.30}, "events": EVENTS})
    assert r.status == "incorrect"
    for v in exp:
        assert f"{v:.1%}" not in r.message and f"{v * 100:.1f}" not in r.message


def test_duplicated_event_counts_once(qs, customers):
    """Issue 8 §5: the same event twice must not count as two annotations."""
    exp = yearly_churn_rates(customers)
    widget_twice = {**{f"y{y}": v * 100 for y, v in exp.items()},
                    "event1_year": 2023, "event1_text": "降息", "event2_year": 2023,
                    "event2_text": "降息", "event3_year": 0, "event3_text": ""}
    r = qs[0].check(widget_twice)
    assert r.status == "incorrect" and "两次" in r.message
    assert qs[0].check(_answer(exp, [(2023, "降息"), (2023, "竞品高收益理财")])).status == "correct"


def _svg_points(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)]


def test_render_is_robust():
    svg = Q1.render_churn_trend({"y2021": 15, "y2022": 18, "y2023": 20,
                                 "event1_year": 2022, "event1_text": "调费",
                                 "event2_year": 0, "event2_text": "没选年份"})
    assert ">调费<" in svg and "没选年份" not in svg
    assert "三年从 15.0% 升至 20.0%" in svg and "15.0%" in svg and "20.0%" in svg
    points = _svg_points(svg)
    assert len(points) == 3
    ys = [y for _, y in points]
    assert ys[0] > ys[1] > ys[2]                      # rising rates: higher up the chart
    # fixed scale: the same rate sits at the same height whatever the others are
    other = _svg_points(Q1.render_churn_trend({"y2021": 15, "y2022": 30, "y2023": 5}))
    assert other[0][1] == ys[0]
    for junk in ({"y2021": None, "y2022": "x", "y2023": 20}, {}, {"y2021": pd.NA, "event1_year": 2021,
                                                                   "event1_text": pd.Series([1])},
                 {"y2021": 40, "y2022": 0, "y2023": 1e308, "event1_year": 2021,
                  "event1_text": "<script>alert(1)</script>" + "长" * 2000}):
        svg = Q1.render_churn_trend(junk)       # draws, never raises
        assert "<script>" not in svg and svg.count("<text") < 60


def test_render_is_fast():
    """The redraw budget (150 ms) is measured by benchmarks/bench_widgets.py; here only that
    the widget draws SVG, not a matplotlib figure, so a redraw costs no PNG encoding."""
    from course_utils.exercises.widgets import to_mimebundle

    out = to_mimebundle(Q1.render_churn_trend({"y2021": 15, "y2022": 18, "y2023": 20}))
    assert list(out[0]["data"]) == ["text/html", "text/plain"]
    assert out[0]["data"]["text/html"].startswith('<div class="course-svg-chart"><svg ')


def test_widget_values_to_answer_skips_empty_rows():
    ans = Q1.widget_values_to_answer({"y2021": 1.0, "event1_year": 0, "event1_text": "",
                                      "event2_year": 2023, "event2_text": "降息",
                                      "event3_year": 0, "event3_text": "只写了字"})
    assert ans == {"rates": {2021: 1.0}, "events": [(2023, "降息"), (0, "只写了字")]}


def test_widget_end_to_end(qs, customers):
    q1 = qs[0]
    app = Q1.churn_trend_app(q1)
    assert app.output.outputs and "<svg" in app.output.outputs[0]["data"]["text/html"]
    assert q1.check(app).status == "not_attempted"
    assert q1.check(app.values).status == "not_attempted"
    exp = yearly_churn_rates(customers)
    first = app.output.outputs[0]["data"]["text/html"]
    assert "持平于 10.0%" in first                     # the untouched sliders
    app.set_values(**{f"y{y}": round(v * 200) / 2 for y, v in exp.items()})
    assert app.output.outputs[0]["data"]["text/html"] != first
    assert q1.check(app).message.startswith("至少要标注")
    app.set_values(event1_year=2022, event1_text="产品调整", event2_year=2023,
                   event2_text="市场变化")
    assert q1.check(app).status == "correct"
    result = app.check()  # the widget's own check button
    assert result.status == "correct" and "正确" in app.feedback.value
    assert app.errors == []


def test_checks_on_committed_data(bank):
    from course_utils.exercises import lecture1 as L1

    q1 = L1.setup(bank)[0]
    rates = yearly_churn_rates(bank.customers)
    assert q1.check({"rates": rates, "events": EVENTS}).status == "correct"
    assert q1.check(q1.expected()).status == "correct"


CROWDED = [
    {"y2021": 30, "y2022": 30, "y2023": 30, "event1_year": 2021, "event1_text": "产品调整：部分免费服务改为收费",
     "event2_year": 2022, "event2_text": "市场变化：竞品推出高收益理财、存款降息", "event3_year": 2022,
     "event3_text": "测试"},
    {"y2021": 15, "y2022": 18, "y2023": 20, "event1_year": 2023, "event1_text": "产品调整：部分免费服务改为收费",
     "event2_year": 2023, "event2_text": "市场变化：竞品推出高收益理财、存款降息", "event3_year": 2023,
     "event3_text": "第三个事件：很长很长很长很长很长很长很长很长很长很长的说明"},
    {"y2021": 40, "y2022": 0, "y2023": 40, "event1_year": 2021, "event1_text": "一", "event2_year": 2022,
     "event2_text": "二", "event3_year": 2023, "event3_text": "三"},
]


@pytest.mark.parametrize("values", CROWDED)
def test_event_boxes_never_cover_each_other_or_the_title(values):
    svg = Q1.render_churn_trend(values)
    boxes = [tuple(float(v) for v in m) for m in re.findall(
        r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" rx', svg)]
    assert len(boxes) == 3
    for i, (x, y, w, h) in enumerate(boxes):
        assert 0 <= x and x + w <= 750 and 75 <= y and y + h <= 440 * 0.9   # inside the plot
        for x2, y2, w2, h2 in boxes[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, (boxes, values)
