"""Lecture 1, question 1 (widget): the 2021-2023 churn trend with annotated key events.

The trainee sets three sliders (churn rate per year, in percent) and at least two
event annotations; the chart redraws on every change (:func:`render_churn_trend`,
a plain function). ``q1.check(app1)`` judges the widget's answer
(:func:`widget_values_to_answer`); a dict ``{"rates": {year: rate}, "events":
[(year, text), ...]}`` typed in code is judged the same way.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from course_utils.config import L1_CHURN_YEARS
from course_utils.exercises import Exercise, ____, answers
from course_utils.viz.lecture1 import churn_trend_svg

#: Slider position before the trainee touches anything (percent); with no event
#: annotated this state is "not attempted".
DEFAULT_RATE_PCT = 10.0
#: Event rows offered by the widget.
N_EVENT_ROWS = 3
#: Tolerance on each year's rate, in percentage points.
TOL_PP = 1.0
#: Annotations required.
MIN_EVENTS = 2
#: The reference annotations (the lecture's examples).
EVENTS = [(2022, "产品调整：部分免费服务改为收费"), (2023, "市场变化：竞品推出高收益理财、存款降息")]


def widget_values_to_answer(values: Mapping[str, Any]) -> dict:
    """Flat widget values -> ``{"rates": {year: percent}, "events": [(year, text)]}``.

    Widget keys: ``y2021``.. (slider, percent) and ``event1_year`` /
    ``event1_text`` .. (year 0 = no annotation). Rows with neither a year nor a
    text are skipped.

    >>> widget_values_to_answer({"y2021": 15.0, "event1_year": 2022, "event1_text": "调费"})
    {'rates': {2021: 15.0}, 'events': [(2022, '调费')]}
    """
    rates = {int(k[1:]): v for k, v in values.items()
             if isinstance(k, str) and k.startswith("y") and k[1:].isdigit()}
    events = []
    for i in range(1, 10):
        if f"event{i}_year" not in values and f"event{i}_text" not in values:
            continue
        year = values.get(f"event{i}_year")
        text = values.get(f"event{i}_text")
        no_year = year is None or year is ____ or (isinstance(year, (int, str)) and year in (0, ""))
        no_text = text is None or (isinstance(text, str) and not text.strip())
        if no_year and no_text:
            continue
        events.append((year, "" if text is None else text))
    return {"rates": rates, "events": events}


def _as_answer(answer: Any) -> Any:
    """A flat ``app1.values`` dict becomes the ``{"rates", "events"}`` form; else unchanged."""
    if isinstance(answer, Mapping) and "rates" not in answer \
            and any(isinstance(k, str) and k.startswith("y20") for k in answer):
        return widget_values_to_answer(answer)
    return answer


def render_churn_trend(values: Mapping[str, Any]) -> Any:
    """Redraw of the churn-trend widget: flat widget values -> SVG chart (HTML).

    Sliders are in percent (15.0 = 15%); events with no year or blank text are
    not drawn (the trainee may be half-way through typing); junk values and rates
    outside 0-100 % draw a gap. The chart is :func:`course_utils.viz.lecture1.churn_trend_svg` -- the lecture's
    figure drawn as SVG, so a slider move redraws in about a millisecond (a
    matplotlib PNG took ~100 ms of CPU per move); the y axis is fixed so a slider
    visibly moves the line.

    >>> svg = render_churn_trend({"y2021": 15, "y2022": 18, "y2023": 20,
    ...                           "event1_year": 2022, "event1_text": "手续费上调"})
    >>> "手续费上调" in svg and "三年从 15.0% 升至 20.0%" in svg
    True
    """
    answer = widget_values_to_answer(values)
    rates = {}
    for year, v in answer["rates"].items():
        x = answers.to_number(v)
        rates[year] = x / 100.0 if x is not None and 0 <= x <= 100 else float("nan")
    finite = [v for v in rates.values() if math.isfinite(v)]
    ymax = max([0.45] + [v * 1.3 for v in finite])  # fixed scale: a slider moves the line
    events = [(y, t) for y, t in answer["events"]
              if isinstance(y, int) and y in rates and isinstance(t, str) and t.strip()]
    return churn_trend_svg(rates, events, ymax=ymax)


def _parse_events(events: Any) -> tuple[list[tuple[Any, Any]] | None, str]:
    if isinstance(events, Mapping):
        events = list(events.items())
    if not isinstance(events, (list, tuple)):
        return None, (f"「events」应该是一个列表，例如 [(年份, '事件说明'), ...]；"
                      f"你给的是{answers.type_name(events)}。")
    out = []
    for e in events:
        if isinstance(e, Mapping):
            out.append((e.get("year"), e.get("text")))
        elif isinstance(e, (list, tuple)) and len(e) == 2:
            out.append((e[0], e[1]))
        else:
            return None, "「events」里的每一项都应该是 (年份, '事件说明') 这样的一对。"
    return out, ""


def _year(key: Any) -> int | None:
    """2021, "2021", "2021年", 2021.0 -> 2021; anything else None."""
    if isinstance(key, bool):
        return None
    number = answers.to_number(key)
    if number is not None:
        return int(number) if number.is_integer() else None
    if isinstance(key, str):
        text = key.strip().rstrip("年")
        return int(text) if text.isdigit() and len(text) == 4 else None
    return None


def diagnose_churn_trend(answer: Any, expected: pd.Series, tol_pp: float = TOL_PP,
                         min_events: int = MIN_EVENTS) -> str | None:
    """Return None if the churn-trend answer is right, else a Chinese message.

    ``answer``: ``{"rates": {year: rate}, "events": [(year, text), ...]}`` with
    rates as fractions (0.15) or percent (15), or flat widget values.
    ``expected``: Series year -> churn rate (fraction). Checks, in order: shape,
    every year present and numeric, rising trend, each rate within ``tol_pp``
    percentage points of the data, at least ``min_events`` distinct annotations
    on plotted years with a text.

    >>> exp = pd.Series({2021: 0.15, 2022: 0.18, 2023: 0.20})
    >>> diagnose_churn_trend({"rates": {2021: 15, 2022: 18, 2023: 20},
    ...                       "events": [(2022, "调费"), (2023, "降息")]}, exp) is None
    True
    >>> diagnose_churn_trend({"rates": {2021: 15, 2022: 18, 2023: 20},
    ...                       "events": [(2022, "调费")]}, exp).startswith("至少要标注 2 个")
    True
    """
    answer = _as_answer(answer)
    if not isinstance(answer, Mapping):
        return ("答案应该是控件 app1（或形如 {'rates': {...}, 'events': [...]} 的字典）；"
                f"你给的是{answers.type_name(answer)}。")
    if "rates" not in answer or "events" not in answer:
        return "字典里要有两个键：'rates'（各年流失率）和 'events'（关键节点标注）。"
    rates = answer["rates"]
    if isinstance(rates, pd.Series):
        rates = rates.to_dict()
    if not isinstance(rates, Mapping):
        return f"「rates」应该是 {{年份: 流失率}} 的字典；你给的是{answers.type_name(rates)}。"
    by_year: dict[int, Any] = {}
    for k, v in rates.items():
        y = _year(k)
        if y is None:
            return f"认不出年份「{str(k)[:20]}」，请用 2021、2022、2023 这样的整数作为键。"
        if y in by_year:
            return f"{y} 年的流失率给了两次，每年只写一个值。"
        by_year[y] = v
    years = [int(y) for y in expected.index]
    vals = []
    for y in years:
        if y not in by_year:
            return f"缺少 {y} 年的流失率。"
        v = answers.to_number(by_year[y])
        if v is None:
            return f"{y} 年的流失率不是有效数字。"
        vals.append(v)
    if max(vals) > 1.0:  # given in percent
        vals = [v / 100.0 for v in vals]
    for i in range(1, len(years)):
        if not vals[i] > vals[i - 1]:
            return (f"折线没有逐年上升：{years[i]} 年的流失率不高于 {years[i - 1]} 年。"
                    "回头看看数据里流失率的走向。")
    off = [f"{y} 年（{'偏高' if v > float(expected[y]) else '偏低'}）"
           for y, v in zip(years, vals) if abs(v - float(expected[y])) > tol_pp / 100.0]
    if off:
        return (f"这些年份的流失率和数据对不上（相差超过 {tol_pp:g} 个百分点）：{'、'.join(off)}。"
                "用第一讲里按年计算的流失率核对一下。")
    events, msg = _parse_events(answer["events"])
    if events is None:
        return msg
    seen: set[tuple[int, str]] = set()
    for year, text in events:
        y = _year(year)
        if y is None:
            return f"有一个标注的年份「{str(year)[:20]}」不是有效年份。"
        if y == 0:
            return "有一个标注写了说明，但没有选年份。"
        if y not in years:
            return f"有一个标注的年份（{y}）不在图上的年份范围 {years[0]}–{years[-1]} 内。"
        if not isinstance(text, str) or not text.strip():
            return f"{y} 年的标注没有文字说明，写一句发生了什么（例如某次产品调整）。"
        key = (y, "".join(text.split()))
        if key in seen:
            return f"{y} 年的同一条标注写了两次；重复的只算一个，请标注另一个关键节点。"
        seen.add(key)
    if len(seen) < min_events:
        return (f"至少要标注 {min_events} 个关键节点（例如行内某次产品调整、某个市场变化），"
                f"你目前标注了 {len(seen)} 个。")
    return None


class ChurnTrend(Exercise):
    """Q1: plot the 2021-2023 churn trend and annotate key events (widget)."""

    id = "L1.churn_trend"
    title = "用折线图展示流失率 15%→20%"
    hints = [
        "先在讲义里找到每年的流失率 (churn rate)：分母是 1 月 1 日仍在网的客户，"
        "分子是这一年内流失的客户。",
        "把三个滑块分别调到 2021、2022、2023 年的流失率（单位是 %）。",
        "关键节点：至少选 2 个年份，并各写一句说明，例如“产品调整：……”、“市场变化：……”。",
        "代码作答时写成 {'rates': {2021: 0.15, ...}, 'events': [(2022, '...'), ...]}，"
        "rates 可以是小数，也可以是百分数。",
    ]
    solution_code = (
        "from course_utils.kpis import yearly_churn_rates\n"
        "rates = yearly_churn_rates(customers)      # 每年流失率（小数）\n"
        "answer1 = {\n"
        "    'rates': rates.to_dict(),\n"
        "    'events': [(2022, '产品调整：部分免费服务改为收费'),\n"
        "               (2023, '市场变化：竞品推出高收益理财、存款降息')],\n"
        "}\n"
        "q1.check(answer1)\n"
        "# 也可以拖动滑块、填写事件后运行 q1.check(app1)"
    )
    success = "答对了！三年数据、上升趋势和关键节点都标清楚了。"
    untouched_message = "控件还是初始状态：先拖动滑块设置各年流失率，并填写至少 2 个关键节点，再检查。"

    def rates(self) -> pd.Series:
        """Churn rate (fraction) per year of the bound customers, as in the lecture."""
        from course_utils.kpis import yearly_churn_rates

        years = tuple(self.context.get("years", L1_CHURN_YEARS))
        return yearly_churn_rates(self.context["customers"], years=years).astype(float)

    def expected(self) -> dict:
        return {"rates": self.rates().to_dict(), "events": list(EVENTS)}

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        answer = _as_answer(answer)
        if not isinstance(answer, Mapping) or set(answer) != {"rates", "events"}:
            return False
        rates, events = answer["rates"], answer["events"]
        if not isinstance(rates, Mapping) or not rates or events != []:
            return False
        return all(answers.to_number(v) == DEFAULT_RATE_PCT for v in rates.values())

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_churn_trend(answer, self.rates())


def churn_trend_app(exercise: ChurnTrend | None = None, years=L1_CHURN_YEARS,
                    n_events: int = N_EVENT_ROWS):
    """The churn-trend widget exercise (sliders + event rows + chart), bound to ``exercise``.

    Display it as the last line of a cell tagged ``widget-exercise`` and
    ``nbval-ignore-output``; ``q1.check(app)`` judges it, as does its button.
    """
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    style = {"description_width": "110px"}
    controls: dict[str, Any] = {}
    for y in years:
        controls[f"y{y}"] = W.FloatSlider(value=DEFAULT_RATE_PCT, min=0.0, max=40.0, step=0.5,
                                          description=f"{y} 年流失率 %", readout_format=".1f",
                                          style=style, layout=W.Layout(width="460px"))
    options = [("（不标注）", 0)] + [(f"{y} 年", y) for y in years]
    for i in range(1, n_events + 1):
        controls[f"event{i}_year"] = W.Dropdown(options=options, value=0,
                                                description=f"关键节点 {i} 年份", style=style)
        controls[f"event{i}_text"] = W.Text(value="", placeholder="例如：产品调整——手续费上调",
                                            description=f"关键节点 {i} 说明", style=style,
                                            layout=W.Layout(width="460px"))
    instructions = ("<p style='margin:2px 0'>拖动滑块设置每年的客户流失率（%），"
                    "再为至少 2 个关键节点选年份、写说明（输入后按回车）。图会随之更新；"
                    "点“检查答案”看反馈。</p>")
    return WidgetExercise(controls, render_churn_trend, title="练习 1：用折线图展示流失率 15%→20%",
                          exercise=exercise, answer=widget_values_to_answer,
                          name="L1.churn_trend", instructions=instructions)
