"""Lecture 5, question 1: the 留学金融 trigger list (function run on the bank and a hand-made frame)."""
from __future__ import annotations

from course_utils import journeys
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture5 import q1_study_abroad as Q1

PAGE, START, END = Q1.PAGE, Q1.START, Q1.END


def _in(v):
    return v[(v["page"] == PAGE) & (v["visit_date"] >= START) & (v["visit_date"] <= END)]


def at_least(v):                       # >= instead of >
    w = _in(v)
    return sorted(w.loc[w["dwell_seconds"] >= 180, "customer_id"].unique())


def per_day(v):                        # a day's (session's) visits added up
    s = _in(v).groupby(["customer_id", "visit_date"])["dwell_seconds"].sum()
    return sorted(s[s > 180].index.get_level_values(0).unique())


def per_customer(v):                   # all visits of a customer added up
    s = _in(v).groupby("customer_id")["dwell_seconds"].sum()
    return sorted(s[s > 180].index)


def no_page(v):
    w = v[(v["visit_date"] >= START) & (v["visit_date"] <= END)]
    return sorted(w.loc[w["dwell_seconds"] > 180, "customer_id"].unique())


def minutes_unit(v):
    w = _in(v)
    return sorted(w.loc[w["dwell_seconds"] > 3, "customer_id"].unique())


def whole_period(v):
    w = v[v["page"] == PAGE]
    return sorted(w.loc[w["dwell_seconds"] > 180, "customer_id"].unique())


def end_exclusive(v):
    w = v[(v["page"] == PAGE) & (v["visit_date"] >= START) & (v["visit_date"] < END)]
    return sorted(w.loc[w["dwell_seconds"] > 180, "customer_id"].unique())


def with_duplicates(v):
    w = _in(v)
    return list(w.loc[w["dwell_seconds"] > 180, "customer_id"])


def library(v):                        # the lecture's function with the window: right
    return journeys.dwell_trigger(v, start=START, end=END)


def test_default_data_needs_the_hand_made_frame(bank):
    """On the default data >= and the per-day sum give the right list: only the hand frame tells."""
    v = bank.web_visits
    right = Q1.solution_trigger_list(v)
    assert at_least(v) == right and per_day(v) == right
    assert per_customer(v) != right


def test_checks(qs, bank):
    q1 = qs[0]
    right = q1.expected()
    ids = Q1.solution_trigger_list(bank.web_visits)
    assert ids == sorted(journeys.dwell_trigger(bank.web_visits, start=START, end=END)["customer_id"])
    assert_check_cases(
        q1,
        correct=[right, library, lambda v: set(Q1.solution_trigger_list(v)),
                 lambda v: _in(v).loc[lambda w: w["dwell_seconds"] > 180, "customer_id"].drop_duplicates()],
        wrong=[(at_least, "不是 ≥ 180"),
               (per_day, "同一天"),
               (per_customer, "按客户累计"),
               (no_page, "没访问留学金融页"),
               (minutes_unit, "单位是秒"),
               (whole_period, "活动期开始之前"),
               (end_exclusive, "最后一天"),
               (with_duplicates, "重复"),
               (lambda v: Q1.solution_trigger_list(bank.web_visits), "参数 visits"),
               (lambda v, x: [], "出错"),
               (lambda v: len(v), "列表"),
               (lambda v: [1, 2], "客户号文字"),
               (ids, "名单本身")],
        half_done=[lambda v: ____, lambda v: [____]],
    )
