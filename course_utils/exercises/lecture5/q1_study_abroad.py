"""Lecture 5, question 1: the 留学金融 trigger list from raw web visits.

The trainee writes ``trigger_list(visits)``: the customers with at least one visit of the
留学金融 page lasting **more than** 180 s during the campaign period. The check runs the
function on the bank's ``web_visits`` *and* on a hand-made frame (:data:`HAND_VISITS`),
because on the default data two classic mistakes (``>=`` for ``>``, adding up a day's
visits) give exactly the right list; the hand-made customers each carry one trap.
"""
from __future__ import annotations

import html as _html
from typing import Any

import numpy as np
import pandas as pd

from course_utils import journeys
from course_utils.exercises import Exercise, answers
from course_utils.exercises.placeholder import contains_placeholder

PAGE = journeys.STUDY_ABROAD_PAGE
MIN_SECONDS = 180
#: The campaign period (both days included).
START, END = "2024-04-01", "2024-06-30"

#: Hand-made visits: (customer, date, page, seconds) -- one trap per customer.
_HAND_ROWS = [
    ("H01", "2024-04-10", PAGE, 180),                                    # exactly 3 minutes: no
    ("H02", "2024-04-12", PAGE, 100), ("H02", "2024-04-12", PAGE, 100),  # 2 short visits, same day: no
    ("H03", "2024-04-15", PAGE, 120), ("H03", "2024-05-20", PAGE, 90),   # 2 short visits, 2 days: no
    ("H04", "2024-04-18", "外汇", 900),                                   # another page: no
    ("H05", "2024-05-02", PAGE, 181),                                    # yes
    ("H06", "2024-03-31", PAGE, 200),                                    # before the period: no
    ("H07", "2024-04-01", PAGE, 185),                                    # first day: yes
    ("H08", "2024-06-30", PAGE, 240),                                    # last day: yes
    ("H09", "2024-04-20", PAGE, 100), ("H09", "2024-04-20", PAGE, 100),
    ("H09", "2024-05-05", PAGE, 300),                                    # yes (once)
    ("H10", "2024-05-10", PAGE, 60),                                     # 1 minute: no
    ("H11", "2024-04-22", PAGE, 200), ("H11", "2024-05-23", PAGE, 250),  # yes (once, two hits)
    ("H12", "2024-05-12", "首页", 30), ("H12", "2024-05-12", PAGE, 170),  # no
]
HAND_VISITS = pd.DataFrame(_HAND_ROWS, columns=["customer_id", "visit_date", "page", "dwell_seconds"])
HAND_VISITS["visit_date"] = pd.to_datetime(HAND_VISITS["visit_date"])
HAND_VISITS["dwell_seconds"] = HAND_VISITS["dwell_seconds"].astype("int64")
HAND_VISITS["customer_id"] = HAND_VISITS["customer_id"].astype(str)
HAND_VISITS["page"] = HAND_VISITS["page"].astype(str)

#: What each hand-made trap customer in a result means.
_TRAPS = [
    ("H10", "名单里有只停留了 1 分钟的客户：dwell_seconds 的单位是秒，3 分钟 = 180 秒。"),
    ("H04", "名单里有没访问留学金融页的客户：先只保留 page == '留学金融' 的访问记录。"),
    ("H03", "你把同一位客户几次短访问的停留时间加起来了：规则是“一次访问停留超过 3 分钟”，每条访问记录单独判断，不能按客户累计。"),
    ("H02", "你把同一天（同一次会话 session）里的几次短访问加起来了：规则看的是单次页面停留 (page dwell)，每条访问记录单独判断。"),
    ("H12", "你把同一天里其他页面的停留时间也加进来了：只看留学金融页，每条访问记录单独判断。"),
    ("H01", "名单里有恰好停留 180 秒的客户：“超过 3 分钟”是 > 180，不是 ≥ 180。"),
    ("H06", "名单里有活动期开始之前的访问：只看 START 到 END（含两端）之间的访问。"),
]
_MUST = [
    ("H07", "漏掉了活动期第一天（START 当天）的访问：起止日都要包含（>= START 且 <= END）。"),
    ("H08", "漏掉了活动期最后一天（END 当天）的访问：起止日都要包含（>= START 且 <= END）。"),
]


def solution_trigger_list(visits: pd.DataFrame) -> list[str]:
    """Reference: customers with one 留学金融 visit > 180 s in [START, END], sorted ids."""
    v = visits[(visits["page"] == PAGE) & (visits["dwell_seconds"] > MIN_SECONDS)
               & (visits["visit_date"] >= START) & (visits["visit_date"] <= END)]
    return sorted(v["customer_id"].astype(str).unique())


def _ids(result: Any) -> tuple[list[str] | None, str | None]:
    """The customer ids a trainee's function returned (duplicates kept), or a message."""
    if isinstance(result, pd.DataFrame):
        if "customer_id" in result.columns:
            result = result["customer_id"]
        elif result.index.name == "customer_id":
            result = pd.Series(result.index)
        else:
            return None, "函数返回了表格，但没有 customer_id 列：请返回客户号的列表。"
    if isinstance(result, (pd.Series, pd.Index, np.ndarray, list, tuple, set, frozenset)):
        try:
            values = list(result)
        except Exception:  # noqa: BLE001
            return None, "函数的返回值读不出客户号：请返回客户号的列表。"
        if not all(isinstance(x, str) for x in values):
            bad = next(x for x in values if not isinstance(x, str))
            return None, (f"名单里应该是客户号文字（例如 'C000123'），却有{answers.type_name(bad)}："
                          "返回 customer_id 列的值，不是行号或其他列。")
        return values, None
    return None, f"函数应该返回客户号的列表，你的函数返回了{answers.type_name(result)}。"


class StudyAbroadTrigger(Exercise):
    """Q1: a function returning the 留学金融 trigger list (run on the bank and a hand-made frame)."""

    id = "L5.study_abroad_trigger"
    title = "从网页访问记录找出留学金融触发名单"
    hints = [
        "一行 = 一次页面访问。先筛选：page 是 '留学金融'、访问日期在 START 到 END 之间（含两端）。",
        "再看每一行的 dwell_seconds：单次访问超过 180 秒（> 180，不是 >=）才算；不要把几次访问的时间加起来。",
        "最后取这些行的 customer_id，去重（.unique()），排序后返回列表。",
    ]
    solution_code = (
        "def trigger_list(visits):\n"
        "    v = visits[(visits['page'] == '留学金融')\n"
        "               & (visits['dwell_seconds'] > 180)          # 单次访问超过 3 分钟\n"
        "               & (visits['visit_date'] >= START) & (visits['visit_date'] <= END)]\n"
        "    return sorted(v['customer_id'].unique())             # 每位客户一次"
    )
    success = ("答对了！触发看的是“单次页面停留超过 3 分钟”：既不是 ≥，也不是把几次访问加起来。"
               "名单只是第一步：推送前还要过营销授权、退订和频次上限。")
    untouched_message = "函数 trigger_list 还在返回占位符 ____：先写好筛选规则，再检查。"

    def expected(self):
        return solution_trigger_list

    def expected_ids(self) -> list[str]:
        """The right list on the bank's data (sorted customer ids)."""
        return solution_trigger_list(self.context["web_visits"])

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        if callable(answer) and not isinstance(answer, type):
            try:
                return contains_placeholder(answer(HAND_VISITS.copy()))
            except Exception:  # noqa: BLE001 - judged by diagnose
                return False
        return False

    @staticmethod
    def _run(fn, visits: pd.DataFrame, where: str) -> tuple[list[str] | None, str | None]:
        try:
            result = fn(visits.copy())
        except Exception as exc:  # noqa: BLE001 - the trainee's code
            return None, (f"你的函数在{where}上运行出错：{type(exc).__name__}: "
                          f"{_html.escape(str(exc))[:100]}。函数只接收一个参数 visits（访问记录表）。")
        return _ids(result)

    def diagnose(self, answer: Any) -> str | None:
        if not callable(answer) or isinstance(answer, type):
            if isinstance(answer, (list, tuple, set, pd.Series, np.ndarray)):
                return ("你交的像是名单本身：请交函数 trigger_list（不带括号），"
                        "检查会把它用在银行数据和另一份手工数据上。")
            return f"答案应该是函数 trigger_list（不带括号），你给的是{answers.type_name(answer)}。"
        hand, msg = self._run(answer, HAND_VISITS, "检查用的手工数据")
        if msg:
            return msg
        bank, msg = self._run(answer, self.context["web_visits"], "银行的 web_visits 表")
        if msg:
            return msg
        hand_set, bank_set = set(hand), set(bank)
        if not hand_set <= set(HAND_VISITS["customer_id"]):
            return ("在检查用的手工数据上，你的名单里出现了这份数据里没有的客户：函数要用传进来的参数 visits，"
                    "不要用外面的 web_visits 变量。")
        if len(hand) != len(hand_set) or len(bank) != len(bank_set):
            return "名单里有重复的客户号：一位客户多次触发也只算一次（去重 .unique()）。"
        for cid, message in _TRAPS:
            if cid in hand_set:
                return message
        for cid, message in _MUST:
            if cid not in hand_set:
                return message
        want_hand = set(solution_trigger_list(HAND_VISITS))
        if hand_set - want_hand:
            return (f"在检查用的手工数据上多了 {len(hand_set - want_hand)} 位不该触发的客户："
                    "只有留学金融页、活动期内、单次停留超过 180 秒的访问才算。")
        if want_hand - hand_set:
            return (f"在检查用的手工数据上漏掉了 {len(want_hand - hand_set)} 位应触发的客户：单次访问超过 180 秒的都要算，"
                    "哪怕同一位客户还有别的短访问。")
        want = set(self.expected_ids())
        if bank_set != want:
            extra, missing = len(bank_set - want), len(want - bank_set)
            parts = ([f"多了 {extra} 位"] if extra else []) + ([f"少了 {missing} 位"] if missing else [])
            return ("手工数据上对了，但在银行的 web_visits 上名单" + "、".join(parts)
                    + "：检查日期范围和页面名称是否写对（例如日期用了字符串比较以外的格式）。")
        return None
