"""Lecture 5, question 4: the week-over-week app-time trigger, checked on held-out weeks.

The trainee writes ``app_drop(usage, week)``: the customers whose app minutes in ``week``
fell by at least 50 % against the week before. The check compares it with the reference
(:func:`course_utils.journeys.app_time_drop_trigger`) on weeks the trainee did not develop
on (:meth:`AppTimeTrigger.holdout_weeks`, the last weeks of the data) and on a hand-made
frame (:data:`EDGE_USAGE`) with the edge cases: exactly 50 %, no row this week (= 0 minutes),
zero minutes last week, new customers, a skipped week, a rise. It says which cases differ.
"""
from __future__ import annotations

import html as _html
from collections import Counter
from typing import Any

import pandas as pd

from course_utils import journeys
from course_utils.exercises import Exercise, answers
from course_utils.exercises.placeholder import contains_placeholder

from .q1_study_abroad import _ids

DROP = 0.5
#: Weeks held out for the check (the last weeks of the data); the notebook develops before them.
N_HOLDOUT_WEEKS = 4

_W0, _W1, _W = "2024-06-10", "2024-06-17", "2024-06-24"
#: Edge week of the hand-made frame and its cases: customer -> (case key, triggered?).
EDGE_WEEK = pd.Timestamp(_W)
_EDGE_ROWS = [
    ("E_HALF", _W1, 40), ("E_HALF", _W, 20),        # exactly -50 %: yes
    ("E_ALMOST", _W1, 40), ("E_ALMOST", _W, 21),    # -47.5 %: no
    ("E_ZERO_NOW", _W1, 30), ("E_ZERO_NOW", _W, 0),  # a row with 0 minutes: yes
    ("E_NO_ROW", _W1, 30),                          # no row this week = 0 minutes: yes
    ("E_BIG", _W1, 100), ("E_BIG", _W, 10),         # yes
    ("E_ZERO_ZERO", _W1, 0), ("E_ZERO_ZERO", _W, 0),  # 0 last week: no
    ("E_ZERO_UP", _W1, 0), ("E_ZERO_UP", _W, 5),    # 0 last week: no
    ("E_NEW_ZERO", _W, 0),                          # new customer, 0 minutes: no
    ("E_NEW", _W, 12),                              # new customer: no
    ("E_GAP", _W0, 50), ("E_GAP", _W, 10),          # no row last week (skipped): no
    ("E_UP", _W1, 10), ("E_UP", _W, 30),            # a rise: no
    ("E_FLAT", _W0, 60), ("E_FLAT", _W1, 60), ("E_FLAT", _W, 60),  # no
]
EDGE_USAGE = pd.DataFrame(_EDGE_ROWS, columns=["customer_id", "week_start", "minutes"])
EDGE_USAGE["week_start"] = pd.to_datetime(EDGE_USAGE["week_start"])
EDGE_USAGE["minutes"] = EDGE_USAGE["minutes"].astype("int64")
EDGE_USAGE["customer_id"] = EDGE_USAGE["customer_id"].astype(str)
EDGE_USAGE["sessions"] = (EDGE_USAGE["minutes"] > 0).astype("int64")

#: Case key -> Chinese description (used in messages).
CASES_ZH = {
    "half": "恰好下降 50% 的客户（≥ 50% 要触发）",
    "no_row": "本周没有记录的客户（没有记录 = 0 分钟，下降 100%，要触发）",
    "zero_now": "本周 0 分钟的客户（下降 100%，要触发）",
    "zero_last": "上周为 0 分钟的客户（无从下降，不触发）",
    "new": "新客户：本周之前没有任何记录（不触发）",
    "gap": "上周没有记录、更早有记录的客户（上周 = week − 7 天，不是该客户的上一条记录；不触发）",
    "rise": "使用时间上升的客户（不触发）",
    "other": "其他客户",
}
_EDGE_CASE = {"E_HALF": "half", "E_ALMOST": "other", "E_ZERO_NOW": "zero_now", "E_NO_ROW": "no_row",
              "E_BIG": "other", "E_ZERO_ZERO": "zero_last", "E_ZERO_UP": "zero_last", "E_NEW_ZERO": "new",
              "E_NEW": "new", "E_GAP": "gap", "E_UP": "rise", "E_FLAT": "other"}


def solution_app_drop(usage: pd.DataFrame, week) -> list[str]:
    """Reference written with pandas (= journeys.app_time_drop_trigger's customer ids)."""
    week = pd.Timestamp(week)
    last = usage[usage["week_start"] == week - pd.Timedelta(days=7)].groupby("customer_id")["minutes"].sum()
    now = usage[usage["week_start"] == week].groupby("customer_id")["minutes"].sum()
    now = now.reindex(last.index, fill_value=0)             # no row this week = 0 minutes
    hit = (last > 0) & (now <= (1 - DROP) * last)           # down >= 50 %
    return sorted(last.index[hit].astype(str))


def reference_ids(usage: pd.DataFrame, week) -> list[str]:
    """The library's trigger (the reference of the check)."""
    return journeys.app_time_drop_trigger(usage, week, drop=DROP)["customer_id"].astype(str).tolist()


def classify(usage: pd.DataFrame, week, customer_ids) -> Counter:
    """Count ``customer_ids`` by edge case (keys of :data:`CASES_ZH`) for ``week`` in ``usage``."""
    week = pd.Timestamp(week)
    ids = usage["customer_id"].astype(str)
    weeks = usage["week_start"]
    minutes = pd.to_numeric(usage["minutes"], errors="coerce").fillna(0)
    last = minutes[weeks == week - pd.Timedelta(days=7)].groupby(ids[weeks == week - pd.Timedelta(days=7)]).sum()
    now = minutes[weeks == week].groupby(ids[weeks == week]).sum()
    earlier = set(ids[weeks < week - pd.Timedelta(days=7)])
    out: Counter = Counter()
    for cid in customer_ids:
        if cid not in last.index:
            out["gap" if cid in earlier else "new"] += 1
        elif last[cid] == 0:
            out["zero_last"] += 1
        elif cid not in now.index:
            out["no_row"] += 1
        elif now[cid] == 0:
            out["zero_now"] += 1
        elif now[cid] > last[cid]:
            out["rise"] += 1
        elif abs(now[cid] - (1 - DROP) * last[cid]) < 1e-9:
            out["half"] += 1
        else:
            out["other"] += 1
    return out


class AppTimeTrigger(Exercise):
    """Q4: a function for the week-over-week app-time trigger, compared on held-out weeks."""

    id = "L5.app_time_trigger"
    title = "周环比 APP 使用时长触发"
    hints = [
        "先取两周：本周 week 和上周 week − 7 天（pd.Timedelta(days=7)），各自按客户汇总 minutes。",
        "以“上周有使用的客户”为准：本周没有记录的客户算 0 分钟（reindex(..., fill_value=0)）。",
        "触发条件：上周 > 0 且 本周 ≤ 上周 × 50%（恰好一半也算）；新客户、上周为 0 的客户不触发。",
    ]
    solution_code = (
        "def app_drop(usage, week):\n"
        "    last = usage[usage['week_start'] == week - pd.Timedelta(days=7)].groupby('customer_id')['minutes'].sum()\n"
        "    now = usage[usage['week_start'] == week].groupby('customer_id')['minutes'].sum()\n"
        "    now = now.reindex(last.index, fill_value=0)      # 本周没有记录 = 0 分钟\n"
        "    hit = (last > 0) & (now <= 0.5 * last)           # 下降 ≥ 50%\n"
        "    return sorted(last.index[hit])"
    )
    success = ("答对了！周环比触发的细节都对上了：恰好一半要触发、本周没有记录算 0、上周为 0 或新客户不触发、"
               "上一周按日历算。触发后还要过营销授权、退订和频次上限，才会发出激活短信。")
    untouched_message = "函数 app_drop 还在返回占位符 ____：先写好规则，再检查。"

    def holdout_weeks(self) -> list[pd.Timestamp]:
        """The weeks the check uses (the last :data:`N_HOLDOUT_WEEKS` weeks of the data)."""
        weeks = pd.DatetimeIndex(self.context["app_usage"]["week_start"].dropna().unique()).sort_values()
        return list(weeks[-N_HOLDOUT_WEEKS:])

    def dev_usage(self) -> pd.DataFrame:
        """The rows the trainee develops on: every week before the held-out ones."""
        u = self.context["app_usage"]
        return u[u["week_start"] < self.holdout_weeks()[0]].reset_index(drop=True)

    def expected(self):
        return solution_app_drop

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        if callable(answer) and not isinstance(answer, type):
            try:
                return contains_placeholder(answer(EDGE_USAGE.copy(), EDGE_WEEK))
            except Exception:  # noqa: BLE001 - judged by diagnose
                return False
        return False

    @staticmethod
    def _run(fn, usage: pd.DataFrame, week, where: str):
        try:
            result = fn(usage.copy(), week)
        except Exception as exc:  # noqa: BLE001 - the trainee's code
            return None, (f"你的函数在{where}（week = {week:%Y-%m-%d}）上运行出错：{type(exc).__name__}: "
                          f"{_html.escape(str(exc))[:100]}。函数接收两个参数：usage（使用记录表）和 week（本周周一，Timestamp）。")
        ids, msg = _ids(result)
        if msg:
            return None, msg
        if len(ids) != len(set(ids)):
            return None, "名单里有重复的客户号：每位客户只出现一次。"
        return set(ids), None

    @staticmethod
    def _describe(extra: Counter, missing: Counter) -> str:
        parts = [f"多算了 {n} 位{CASES_ZH[k]}" for k, n in sorted(extra.items())]
        parts += [f"漏掉了 {n} 位{CASES_ZH[k]}" for k, n in sorted(missing.items())]
        return "；".join(parts)

    def diagnose(self, answer: Any) -> str | None:
        if not callable(answer) or isinstance(answer, type):
            return f"答案应该是函数 app_drop（不带括号），你给的是{answers.type_name(answer)}。"
        got, msg = self._run(answer, EDGE_USAGE, EDGE_WEEK, "检查用的手工数据")
        if msg:
            return msg
        if not got <= set(EDGE_USAGE["customer_id"]):
            return ("在手工数据上，你的名单里出现了这份数据里没有的客户：函数要用传进来的参数 usage 和 week，"
                    "不要用外面的变量。")
        want = set(reference_ids(EDGE_USAGE, EDGE_WEEK))
        if got != want:
            extra = Counter(_EDGE_CASE[c] for c in got - want)
            missing = Counter(_EDGE_CASE[c] for c in want - got)
            return "在检查用的手工数据（边界情况）上与参考规则不一致：" + self._describe(extra, missing) + "。"
        usage = self.context["app_usage"]
        problems = []
        for week in self.holdout_weeks():
            got, msg = self._run(answer, usage, week, "银行的 app_usage 表")
            if msg:
                return msg
            want = set(reference_ids(usage, week))
            if got != want:
                problems.append(f"{week:%Y-%m-%d} 这周" + self._describe(classify(usage, week, got - want),
                                                                          classify(usage, week, want - got)))
        if problems:
            return (f"边界情况都对了，但在检查用的 {N_HOLDOUT_WEEKS} 个没见过的周里与参考规则不一致："
                    + "；".join(problems[:2]) + ("……" if len(problems) > 2 else "") + "。")
        return None
