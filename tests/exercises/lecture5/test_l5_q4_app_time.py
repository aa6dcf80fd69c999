"""Lecture 5, question 4: the week-over-week app-time trigger on held-out weeks."""
from __future__ import annotations

import pandas as pd

from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture5 import q4_app_time as Q4


def _two_weeks(u, week):
    last = u[u["week_start"] == week - pd.Timedelta(days=7)].groupby("customer_id")["minutes"].sum()
    now = u[u["week_start"] == week].groupby("customer_id")["minutes"].sum()
    return last, now


def strict(u, week):                   # > 50 % instead of >= 50 %
    last, now = _two_weeks(u, week)
    now = now.reindex(last.index, fill_value=0)
    return sorted(last.index[(last > 0) & (now < 0.5 * last)])


def inner_join(u, week):               # customers without a row this week are lost
    last, now = _two_weeks(u, week)
    both = pd.concat([last.rename("last"), now.rename("now")], axis=1, join="inner")
    return sorted(both.index[(both["last"] > 0) & (both["now"] <= 0.5 * both["last"])])


def outer_zero(u, week):               # outer join filled with 0, no "last > 0"
    last, now = _two_weeks(u, week)
    both = pd.concat([last.rename("last"), now.rename("now")], axis=1).fillna(0)
    return sorted(both.index[both["now"] <= 0.5 * both["last"]])


def previous_row(u, week):             # the customer's previous row instead of week - 7 days
    u = u[u["week_start"] <= week].sort_values(["customer_id", "week_start"])
    u = u.assign(prev=u.groupby("customer_id")["minutes"].shift())
    now = u[u["week_start"] == week]
    hit = (now["prev"] > 0) & (now["minutes"] <= 0.5 * now["prev"])
    missing = set(_two_weeks(u, week)[0].index) - set(now["customer_id"])
    last = _two_weeks(u, week)[0]
    return sorted(set(now.loc[hit, "customer_id"]) | {c for c in missing if last[c] > 0})


def rises(u, week):
    last, now = _two_weeks(u, week)
    now = now.reindex(last.index, fill_value=0)
    return sorted(last.index[(last > 0) & ((now <= 0.5 * last) | (now >= 1.5 * last))])


def test_checks(qs, bank):
    q4 = qs[3]
    right = q4.expected()
    weeks = q4.holdout_weeks()
    assert len(weeks) == Q4.N_HOLDOUT_WEEKS and q4.dev_usage()["week_start"].max() < weeks[0]
    for week in weeks:
        assert Q4.solution_app_drop(bank.app_usage, week) == Q4.reference_ids(bank.app_usage, week)
    assert_check_cases(
        q4,
        correct=[right, Q4.reference_ids, lambda u, w: set(Q4.solution_app_drop(u, w))],
        wrong=[(strict, "恰好下降 50%"),
               (inner_join, "本周没有记录"),
               (outer_zero, "上周为 0 分钟"),
               (previous_row, "week − 7 天"),
               (rises, "上升"),
               (lambda u, w: Q4.solution_app_drop(bank.app_usage, pd.Timestamp("2024-06-24")), "不要用外面的变量"),
               (lambda u: [], "两个参数"),
               (lambda u, w: Q4.solution_app_drop(u, w) * 2, "重复"),
               ("app_drop", "函数")],
        half_done=[lambda u, w: ____],
    )


def test_edge_cases_are_each_named(bank):
    want = set(Q4.reference_ids(Q4.EDGE_USAGE, Q4.EDGE_WEEK))
    assert want == {"E_HALF", "E_ZERO_NOW", "E_NO_ROW", "E_BIG"}
    counts = Q4.classify(Q4.EDGE_USAGE, Q4.EDGE_WEEK, list(Q4.EDGE_USAGE["customer_id"].unique()))
    assert {"half", "no_row", "zero_now", "zero_last", "new", "gap", "rise"} <= set(counts)


def test_held_out_weeks_can_fail_alone(qs, bank):
    """A function right on the hand-made frame but wrong on the bank's weeks is caught there."""
    q4 = qs[3]
    edge_ids = set(Q4.EDGE_USAGE["customer_id"])

    def only_edges(u, week):
        out = Q4.solution_app_drop(u, week)
        return out if set(u["customer_id"]) <= edge_ids else out[1:]

    r = q4.check(only_edges)
    assert not r.correct and "没见过的周" in r.message
