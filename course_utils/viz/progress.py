"""Figures of the instructor dashboard (``instructor/dashboard.ipynb``): who is stuck where.

The functions take the tables :mod:`course_utils.dashboard` produces (the counts are computed
there, in one place) and give a :class:`~course_utils.viz.theme.CourseFigure` whose title states
the message and whose note names the population (which trainees, whose files). Colours: blue =
answered correctly, vermilion = stuck (checked, never correct), grey = not attempted; every
segment with room for it also carries its number, so nothing rests on colour alone.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .fmt import percent, text_width_in, wrap_to_width
from .theme import BAD, GOOD, INK, NEUTRAL, TEXT_PT, TITLE_PT, new_figure, style_axes, title_and_note

__all__ = ["STATE_COLOURS", "exercise_label", "progress_figure", "progress_message"]

#: One colour per state of :data:`course_utils.dashboard.STATES`.
STATE_COLOURS = {"correct": GOOD, "incorrect": BAD, "not_attempted": NEUTRAL}
#: Legend text per state (the dashboard's words, with what "incorrect" means here).
_LEGEND = {"correct": "答对", "incorrect": "还没答对（卡住）", "not_attempted": "未尝试"}
_STATES = tuple(STATE_COLOURS)


def exercise_label(lecture: str, title: str) -> str:
    """The y-axis label of one exercise: lecture key and the Chinese title.

    >>> exercise_label("L1", "各价值层的流失率")
    'L1 各价值层的流失率'
    """
    return f"{lecture} {title}".strip()


def progress_message(counts: pd.DataFrame) -> str:
    """The dashboard chart's title: the exercise where most trainees are stuck, from the counts.

    ``counts``: :func:`course_utils.dashboard.state_counts` (``attrs["learners"]`` = trainees).
    The exercise ranks as :func:`course_utils.dashboard.stuck_exercises` ranks them (stuck
    trainees, then the stuck share of those who tried, then trainees who tried; ties in
    teaching order).

    >>> c = pd.DataFrame({"lecture": ["L1", "L2"], "title": ["题 a", "题 b"], "correct": [3, 1],
    ...                   "incorrect": [1, 2], "not_attempted": [0, 1]}, index=["L1.a", "L2.b"])
    >>> c.attrs["learners"] = 4
    >>> progress_message(c)
    '“题 b”（L2）卡住的人最多：做过的 3 位学员中 2 位还没答对（66.7%）'
    """
    learners = int(counts.attrs.get("learners", 0))
    if learners == 0 or counts.empty:
        return "没有读到任何学员的进度记录"
    tried = counts["correct"] + counts["incorrect"]
    if int(tried.sum()) == 0:
        return f"{learners} 位学员还没有检查过任何一道题的答案"
    if int(counts["incorrect"].sum()) == 0:
        return f"没有人卡住：{learners} 位学员做过的题都答对了"
    rank = pd.DataFrame({"stuck": counts["incorrect"], "share": counts["incorrect"] / tried.where(tried > 0, 1),
                         "tried": tried, "order": np.arange(len(counts))}, index=counts.index)
    top = rank.sort_values(["stuck", "share", "tried", "order"], ascending=[False, False, False, True]).iloc[0]
    row = counts.loc[top.name]
    return (f"“{row['title']}”（{row['lecture']}）卡住的人最多：做过的 {int(top['tried'])} 位学员中 "
            f"{int(top['stuck'])} 位还没答对（{percent(top['share'])}）")


def progress_figure(counts: pd.DataFrame, *, title: str | None = None, population: str | None = None,
                    figsize: tuple[float, float] | None = None):
    """Stacked bars: per exercise, how many trainees answered correctly, are stuck, did not try.

    ``counts``: :func:`course_utils.dashboard.state_counts` (one row per exercise, teaching order,
    columns ``lecture``, ``title``, ``correct``, ``incorrect``, ``not_attempted``; trainees).
    Every bar is all trainees, so later lectures naturally show more "not attempted".
    ``title``: default :func:`progress_message`; ``population``: the note naming whose files
    were read (default: the number of trainees). With no trainees the figure says so and how
    to fix it instead of drawing empty bars. Size: 11 inches wide, height from the number of
    exercises (0.34 inch per bar).

    >>> c = pd.DataFrame({"lecture": ["L1"], "title": ["题 a"], "correct": [3], "incorrect": [1],
    ...                   "not_attempted": [0]}, index=["L1.a"])
    >>> c.attrs["learners"] = 4
    >>> fig = progress_figure(c, population="统计范围：4 位学员")
    >>> [float(p.get_width()) for p in fig.axes[0].patches]
    [3.0, 1.0, 0.0]
    >>> fig.axes[0].get_title(loc="left")
    '“题 a”（L1）卡住的人最多：做过的 4 位学员中 1 位还没答对（25.0%）'
    """
    learners = int(counts.attrs.get("learners", 0))
    labels = [exercise_label(lec, t) for lec, t in zip(counts["lecture"].astype(str), counts["title"].astype(str))]
    if figsize is None:
        figsize = (11.0, 1.9 + 0.34 * max(len(counts), 3)) if learners else (8.0, 3.0)
    fig = new_figure(figsize)
    ax = fig.add_subplot()
    y = np.arange(len(counts))
    if learners > 0:
        left = np.zeros(len(counts))
        for state in _STATES:
            v = counts[state].to_numpy(dtype=float)
            ax.barh(y, v, left=left, height=0.7, color=STATE_COLOURS[state], edgecolor="white",
                    linewidth=0.8, label=_LEGEND[state])
            ink = INK if state == "not_attempted" else "white"
            for yi, li, vi in zip(y, left, v):
                if vi >= max(2.0, 0.05 * learners):      # room for the number inside the segment
                    ax.text(li + vi / 2, yi, f"{int(vi)}", ha="center", va="center", fontsize=TEXT_PT,
                            color=ink)
            left = left + v
        ax.set_xlim(0, learners)
        ax.set_xlabel(f"学员人数（每根条都是全部 {learners} 位学员）", fontsize=TEXT_PT)
        fig.legend(loc="outside lower left", ncols=3, fontsize=TEXT_PT, frameon=False)
        ax.set_yticks(y, labels, fontsize=TEXT_PT)
    else:
        labels = []
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, "没有可读的进度记录：请确认文件夹里有学员的 .jsonl 进度文件\n"
                "（文件名如 seat07.jsonl），再运行一次。", transform=ax.transAxes, ha="center",
                va="center", fontsize=TEXT_PT, color=INK)
    ax.set_ylim(max(len(counts), 1) - 0.5, -0.5)         # teaching order, top to bottom
    style_axes(ax, "x")
    # the title starts at the axes' left edge: wrap it to what is left of the figure after the labels
    label_in = text_width_in(labels, TEXT_PT) + 0.35
    room = max(figsize[0] - label_in - 0.3, 3.0)
    if population is None:
        population = f"统计范围：读到进度文件的 {learners} 位学员"
    title_and_note(ax, wrap_to_width(title or progress_message(counts), room, TITLE_PT),
                   population)
    return fig

