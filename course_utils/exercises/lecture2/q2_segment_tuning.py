"""Lecture 2, question 2 (widget): tune the RFM segmentation -- quintiles, weights 1:1:2.

The trainee moves the sliders (score bins, R/F/M weights), watches segment sizes and
profiles redraw (:func:`render_segment_tuning`, a plain function) and reads off how
many 重要保持客户 are in the "RFM top 20 %" list. ``q2.check(app2)`` judges it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from course_utils.exercises import Exercise, answers
from course_utils.segments import html_bars, profile_table, render_segmentation

#: The task: quintiles and weights R:F:M = 1:1:2; count 重要保持客户 in the RFM top 20 %.
BINS = 5
WEIGHTS = (1.0, 1.0, 2.0)
SEGMENT = "重要保持客户"
#: The widget's starting state ("not attempted" while unchanged).
DEFAULTS = {"bins": 4, "w_r": 1.0, "w_f": 1.0, "w_m": 1.0, "count": 0}
#: Display name of the n_top column (as ``segments.sizes_display``; computations use n_top).
TOP_LABEL = "RFM前20%人数"


def _sizes_top(sizes: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(customers, of which in the RFM top 20 %) per segment from ``render_segmentation``."""
    return sizes["n"], sizes["n_top"]


def render_segment_tuning(values: Mapping[str, Any], table: pd.DataFrame, draw: bool = False) -> list:
    """Redraw of the segmentation widget (pure): sizes as bars + colour-graded profile table.

    The bars are HTML (``segments.html_bars``) so a redraw stays far below 150 ms;
    ``draw=True`` returns the matplotlib chart instead (lecture, static previews).
    """
    bins = int(values.get("bins", BINS))
    w = [float(values.get(k, 1)) for k in ("w_r", "w_f", "w_m")]
    sizes, profile, fig = render_segmentation(table, bins, *w, draw=draw)
    n, n_top = _sizes_top(sizes)
    shown = profile.drop(columns=["share"], errors="ignore").copy()
    shown.insert(1, TOP_LABEL, n_top.reindex(shown.index))
    if fig is None:
        fig = html_bars(
            [str(i) for i in sizes.index],
            {"客群人数": n.tolist(), "其中 RFM前20%": n_top.tolist()},
            {"客群人数": "#9DB4D3", "其中 RFM前20%": "#DD8452"},
            title=f"各客群人数（{bins} 档评分，RFM 综合分权重 R:F:M = {w[0]:g}:{w[1]:g}:{w[2]:g}）",
            overlay=True)
    return [fig, profile_table(shown)]


def top_count(table: pd.DataFrame, segment: str = SEGMENT, bins: int = BINS,
              weights=WEIGHTS) -> int:
    """Customers of ``segment`` in the RFM top 20 % list (weighted score)."""
    sizes, _, _ = render_segmentation(table, bins, *weights, draw=False)
    return int(_sizes_top(sizes)[1].loc[segment])


def segment_total(table: pd.DataFrame, segment: str = SEGMENT, bins: int = BINS,
                  weights=WEIGHTS) -> int:
    """Customers of ``segment`` (all of them, not only those in the top 20 % list)."""
    sizes, _, _ = render_segmentation(table, bins, *weights, draw=False)
    return int(_sizes_top(sizes)[0].loc[segment])


def _plain_number(x: Any) -> float | None:
    """``x`` as a float if it is one real, finite number (not bool, not text), else None."""
    return answers.to_number(x)


def _short(x: Any) -> str:
    try:
        return repr(x)[:30]
    except Exception:  # noqa: BLE001 - a hostile __repr__
        return answers.type_name(x)


def diagnose_segment_tuning(answer: Any, table: pd.DataFrame) -> str | None:
    """None if the widget answer uses quintiles, weights 1:1:2 and the right count."""
    if not isinstance(answer, Mapping):
        return f"答案应该是控件 app2（或它的取值 app2.values，一个字典）；你给的是{answers.type_name(answer)}。"
    missing = [k for k in DEFAULTS if k not in answer]
    if missing:
        return f"字典里要有 bins、w_r、w_f、w_m、count 五项（直接用 app2.values）；缺少 {'、'.join(missing)}。"
    bins = _plain_number(answer["bins"])
    if bins is None or bins != int(bins):
        return f"bins（评分档数）应该是一个整数，例如 {BINS}；你给的是 {_short(answer['bins'])}。"
    w = [_plain_number(answer[k]) for k in ("w_r", "w_f", "w_m")]
    if any(x is None or x < 0 for x in w):
        return "权重 w_r、w_f、w_m 应该是不小于 0 的数字（不要加引号）。"
    count = _plain_number(answer["count"])
    if count is None or count != int(count) or count < 0:
        return f"人数 count 应该是一个不小于 0 的整数；你给的是 {_short(answer['count'])}。"
    if int(bins) != BINS:
        return f"评分档数不对：五分位 (quintiles) 对应 bins = {BINS}。"
    if w[0] <= 0 or not (abs(w[0] - w[1]) < 1e-9 and abs(w[2] - 2 * w[0]) < 1e-9):
        return "权重比例不对：题目要 R:F:M = 1:1:2（M 的权重是 R、F 的两倍，R 与 F 相等）。"
    want = top_count(table)
    if int(count) == want:
        return None
    if int(count) == segment_total(table):
        return (f"这是整个{SEGMENT}的人数。题目问的是其中进入“RFM前20%”名单的人数"
                "（图中深色部分 / 表中“RFM前20%人数”一列）。")
    return f"人数和控件显示的对不上：看 {SEGMENT} 那一行的“RFM前20%人数”。"


class SegmentTuning(Exercise):
    """Q2: quintile RFM segments, weights 1:1:2, read a count off the widget."""

    id = "L2.segment_tuning"
    title = "调整客群划分：五分位、权重 1:1:2"
    hints = [
        "把“评分档数”拖到 5（五分位），再把 R、F、M 的权重设成 1、1、2。",
        f"看图中 {SEGMENT} 那一行的深色部分，或表格里“{TOP_LABEL}”一列。",
        "把这个人数填进控件最下面的输入框，再点“检查答案”。",
    ]
    solution_code = (
        "# 控件：评分档数 5，权重 R=1、F=1、M=2，读出重要保持客户的 RFM前20%人数\n"
        "app2.set_values(bins=5, w_r=1.0, w_f=1.0, w_m=2.0)\n"
        "sizes, profile, _ = segments.render_segmentation(q2.table, bins=5, w_r=1, w_f=1, w_m=2,\n"
        "                                                 draw=False)\n"
        "app2.set_values(count=int(sizes.loc['重要保持客户', 'n_top']))   # n_top：RFM前20%人数\n"
        "q2.check(app2)"
    )
    success = "答对了！这些客户金额高、交易多，但最近没来——正是需要及时唤回的人。"
    untouched_message = "控件还是初始状态：先调评分档数和权重，再填人数。"

    @property
    def table(self) -> pd.DataFrame:
        """R, F, M per customer at the cut-off (what the widget segments)."""
        return self.context["table"]

    def expected(self) -> dict:
        return {"bins": BINS, "w_r": WEIGHTS[0], "w_f": WEIGHTS[1], "w_m": WEIGHTS[2],
                "count": top_count(self.table)}

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        if not isinstance(answer, Mapping) or set(answer) != set(DEFAULTS):
            return False
        return all(answers.to_number(answer[k]) == float(v) for k, v in DEFAULTS.items())

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_segment_tuning(answer, self.table)


def segmentation_app(exercise: SegmentTuning):
    """The segmentation-tuning widget (bins, weights, answer box) bound to ``exercise``."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    table = exercise.table
    style = {"description_width": "120px"}
    controls = {
        "bins": W.IntSlider(value=DEFAULTS["bins"], min=3, max=7, description="评分档数 bins",
                            style=style),
        "w_r": W.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description="R 权重", style=style),
        "w_f": W.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description="F 权重", style=style),
        "w_m": W.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description="M 权重", style=style),
        "count": W.BoundedIntText(value=0, min=0, max=10**7, description="你的答案：人数",
                                  style=style),
    }

    def render(values):
        if sum(float(values[k]) for k in ("w_r", "w_f", "w_m")) <= 0:
            return "<p style='color:#a33'>三个权重不能都为 0：至少给一个维度权重。</p>"
        return render_segment_tuning(values, table)

    instructions = ("<p style='margin:2px 0'>拖动滑块，图和表会随之更新。任务：用五分位 (bins=5)、"
                    f"权重 R:F:M = 1:1:2，读出 {SEGMENT} 中进入“RFM前20%”名单的人数，"
                    "填入最下面的输入框，再点“检查答案”。</p>")
    return WidgetExercise(controls, render, title="练习 2：调整客群划分", exercise=exercise,
                          name="L2.segment_tuning", instructions=instructions)
