"""Lecture 2, question 2: choose the segmentation so that two business constraints hold.

The dedicated relationship managers can serve at most ``capacity`` of the customers
(so 重要价值客户 may be at most that share), and every segment needs at least
``min_share`` of the customers to be worth a campaign of its own. The trainee segments
the customers with ``segments.rfm_scores`` for every number of score levels (bins 3-7),
tabulates two shares per bins, and picks the bins that keeps both constraints with the
most 重要价值客户 (the managers' capacity used as fully as possible). The check compares
the table with the data and the choice with the constraints.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils.domain import SEGMENT_LABELS_ZH
from course_utils.exercises import Exercise, answers
from course_utils.segments import SEGMENTS, rfm_scores

#: Numbers of score levels the trainee compares.
BINS = (3, 4, 5, 6, 7)
#: Columns of the trainee's table (fractions 0-1).
COLUMNS = ("important_value_share", "smallest_share")
IMPORTANT = SEGMENT_LABELS_ZH["important_value"]
TOL = 1e-6


def share_table(table: pd.DataFrame, bins=BINS) -> pd.DataFrame:
    """Per number of score levels: share of 重要价值客户 and of the smallest segment (0-1).

    >>> t = pd.DataFrame({"recency_days": range(1, 41), "frequency": range(40, 0, -1),
    ...                   "monetary": [float(x) for x in range(40, 0, -1)]})
    >>> share_table(t, bins=(3,)).round(3).to_dict("index")
    {3: {'important_value_share': 0.35, 'smallest_share': 0.0}}
    """
    rows = {}
    for b in bins:
        s = rfm_scores(table, bins=b)["segment"].astype(str).value_counts(normalize=True)
        s = s.reindex(list(SEGMENTS), fill_value=0.0)
        rows[int(b)] = {"important_value_share": float(s[IMPORTANT]), "smallest_share": float(s.min())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "bins"
    return out


def best_bins(shares: pd.DataFrame, capacity: float, min_share: float) -> list[int]:
    """The bins that keep both constraints with the largest 重要价值客户 share (ties: all).

    Empty when no bins keeps both.

    >>> s = pd.DataFrame({"important_value_share": [.1, .3, .18], "smallest_share": [.01, .04, .04]},
    ...                  index=[3, 4, 5])
    >>> best_bins(s, capacity=0.2, min_share=0.03)
    [5]
    """
    ok = shares[(shares["important_value_share"] <= capacity + 1e-12)
                & (shares["smallest_share"] >= min_share - 1e-12)]
    if ok.empty:
        return []
    top = ok["important_value_share"].max()
    return [int(b) for b in ok.index[np.isclose(ok["important_value_share"], top, rtol=0, atol=1e-12)]]


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _read_table(table: Any, want: pd.DataFrame) -> tuple[pd.DataFrame | None, str]:
    """The trainee's table indexed by bins with the two columns as floats, or a message."""
    frame = answers.to_frame(table)
    if frame is None or not isinstance(frame, pd.DataFrame):
        return None, (f"'table' 应该是一个 DataFrame（每个 bins 一行，两列 {'、'.join(COLUMNS)}）；"
                      f"你给的是{answers.type_name(table)}。")
    if "bins" in frame.columns:
        frame = frame.set_index("bins")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        return None, (f"表里缺少列 {missing}：两列分别是重要价值客户占比 important_value_share "
                      "和最小客群占比 smallest_share。")
    if frame.columns.duplicated().any():
        return None, "表里有重复的列名：每个列名只能出现一次。"
    index = []
    for b in frame.index:
        x = answers.to_number(b)
        if x is None and isinstance(b, str):
            x = answers.to_number(float(b)) if b.strip().isdigit() else None
        index.append(int(x) if x is not None and x == int(x) else None)
    if None in index or len(set(index)) != len(index):
        return None, "表的行索引应该是评分档数 bins（3、4、5、6、7，每个一行，不重复）。"
    frame = frame.set_axis(index)
    absent = [b for b in want.index if b not in frame.index]
    if absent:
        return None, f"表里少了 bins = {'、'.join(map(str, absent))} 的行：3 到 7 每个档数都要算。"
    frame = frame.loc[list(want.index), list(COLUMNS)]
    out = pd.DataFrame(index=frame.index)
    for c in COLUMNS:
        col = frame[c]
        if pd.api.types.is_bool_dtype(col) or not (pd.api.types.is_numeric_dtype(col)
                                                    or col.map(answers.is_real).all()):
            return None, f"列 {c} 里不是数字（{col.dtype}）：直接用计算结果，不要转成文字。"
        values = pd.to_numeric(col, errors="coerce").astype(float)
        if values.isna().any() or not np.isfinite(values).all():
            return None, f"列 {c} 里有空值 (NaN) 或无穷大：每个 bins 的两个占比都要算出来。"
        out[c] = values
    return out, ""


def diagnose_segment_choice(answer: Any, table: pd.DataFrame, capacity: float,
                            min_share: float) -> str | None:
    """None if the share table agrees with the data and the chosen bins is the best one."""
    if not isinstance(answer, Mapping):
        return (f"答案应该是一个字典 {{'table': 你的表, 'bins': 你选的档数}}；"
                f"你给的是{answers.type_name(answer)}。")
    missing = [k for k in ("table", "bins") if k not in answer]
    if missing:
        return f"字典里要有 'table' 和 'bins' 两项；缺少 {'、'.join(repr(k) for k in missing)}。"
    want = share_table(table)
    got, msg = _read_table(answer["table"], want)
    if got is None:
        return msg
    n = len(table)
    for c, what in (("important_value_share", "重要价值客户占比"), ("smallest_share", "最小客群占比")):
        diff = (got[c] - want[c]).abs()
        if (diff <= TOL).all():
            continue
        if np.allclose(got[c], want[c] * 100, rtol=0, atol=1e-4):
            return f"{what}看起来是百分数（如 18.2）：请用小数（0.182），和 value_counts(normalize=True) 的结果一样。"
        if np.allclose(got[c], want[c] * n, rtol=0, atol=0.5):
            return f"{what}看起来是人数：题目要的是占比（人数 ÷ 客户总数），用 value_counts(normalize=True)。"
        if c == "smallest_share":
            largest = pd.Series({b: rfm_scores(table, bins=b)["segment"].astype(str)
                                 .value_counts(normalize=True).max() for b in want.index})
            if np.allclose(got[c], largest, rtol=0, atol=TOL):
                return "smallest_share 看起来是最大客群的占比：约束说的是最小的客群（min，不是 max）。"
        bad = [int(b) for b in diff.index[diff > TOL]]
        return (f"{what}在 bins = {'、'.join(map(str, bad))} 时和数据对不上："
                f"对每个 bins 用 segments.rfm_scores(q2.table, bins=...) 分群，再看各客群占比。")
    choice = answer["bins"]
    best = best_bins(want, capacity, min_share)
    if choice is None:
        if not best:
            return None
        return "其实有满足两个约束的档数：再对照表格逐行检查两个条件。"
    x = answers.to_number(choice)
    if x is None or x != int(x):
        return f"'bins' 应该是一个整数（3 到 7），没有满足条件的档数时写 None；你给的是{answers.type_name(choice)}。"
    b = int(x)
    if b not in want.index:
        return f"bins = {b} 不在 3 到 7 之间：只能从表里的档数中选。"
    row = want.loc[b]
    if row["important_value_share"] > capacity + 1e-12:
        return (f"bins = {b} 时重要价值客户占 {_pct(row['important_value_share'])}，"
                f"超过了客户经理能服务的 {_pct(capacity)}。")
    if row["smallest_share"] < min_share - 1e-12:
        return (f"bins = {b} 时最小的客群只占 {_pct(row['smallest_share'])}，"
                f"低于 {_pct(min_share)}：这个客群太小，不值得单独做活动。")
    if b in best:
        return None
    return ("bins = {0} 满足两个约束，但还有一个满足约束的档数能让更多重要价值客户得到专属服务"
            "（名额要尽量用足）。").format(b)


class SegmentChoice(Exercise):
    """Q2: the bins whose segmentation fits the managers' capacity and the minimum segment size."""

    id = "L2.segment_choice"
    title = "选评分档数：让分群满足业务约束"
    hints = [
        "对 bins = 3、4、5、6、7 各做一次 segments.rfm_scores(q2.table, bins=b)，"
        "再用 ['segment'].value_counts(normalize=True) 看各客群占比。",
        "每个 bins 记下两个数：重要价值客户的占比，和 8 个客群里最小的占比（.min()）；"
        "把它们放进一个以 bins 为索引的 DataFrame。",
        "先去掉不满足约束的行（重要价值客户占比 > 上限，或最小客群占比 < 下限），"
        "再在剩下的行里取重要价值客户占比最大的 bins（.idxmax()）。",
    ]
    solution_code = (
        "rows = {}\n"
        "for b in range(3, 8):\n"
        "    share = segments.rfm_scores(q2.table, bins=b)['segment'].value_counts(normalize=True)\n"
        "    rows[b] = {'important_value_share': share['重要价值客户'],   # 重要价值客户占比\n"
        "               'smallest_share': share.min()}                    # 最小客群占比\n"
        "table2 = pd.DataFrame.from_dict(rows, orient='index')\n"
        "ok = table2[(table2['important_value_share'] <= q2.capacity)\n"
        "            & (table2['smallest_share'] >= q2.min_share)]         # 两个约束都满足的行\n"
        "best = int(ok['important_value_share'].idxmax()) if len(ok) else None\n"
        "answer2 = {'table': table2, 'bins': best}"
    )
    success = ("答对了！评分档数是业务选择：它决定了“重要价值客户”有多少人，"
               "要和客户经理的人手、每个客群的规模一起定。")

    @property
    def table(self) -> pd.DataFrame:
        """R, F, M per customer at the cut-off (what to segment)."""
        return self.context["table"]

    @property
    def capacity(self) -> float:
        """Largest share (0-1) of customers the dedicated managers can serve."""
        return float(self.context["capacity"])

    @property
    def min_share(self) -> float:
        """Smallest share (0-1) a segment needs to get its own campaign."""
        return float(self.context["min_share"])

    def expected(self) -> dict:
        shares = share_table(self.table)
        best = best_bins(shares, self.capacity, self.min_share)
        return {"table": shares, "bins": best[0] if best else None}

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_segment_choice(answer, self.table, self.capacity, self.min_share)
