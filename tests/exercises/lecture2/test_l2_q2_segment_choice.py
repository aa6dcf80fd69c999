"""Lecture 2, question 2: choose the bins so that the segments fit two business constraints."""
from __future__ import annotations

import pandas as pd

from course_utils.exercises import assert_check_cases
from course_utils.exercises.lecture2 import q2_segment_choice as Q2
from course_utils.segments import rfm_scores


def _by_hand(table):
    """The table as a trainee computes it (the solution's loop)."""
    rows = {}
    for b in range(3, 8):
        share = rfm_scores(table, bins=b)["segment"].value_counts(normalize=True)
        rows[b] = {"important_value_share": share["重要价值客户"], "smallest_share": share.min()}
    return pd.DataFrame.from_dict(rows, orient="index")


def test_the_data_makes_the_choice_non_trivial(qs):
    """Each constraint rules out some bins; the answer is neither the smallest nor the largest share."""
    q2 = qs[1]
    shares = Q2.share_table(q2.table)
    assert (shares["important_value_share"] > q2.capacity).any()
    best = Q2.best_bins(shares, q2.capacity, q2.min_share)
    assert best and shares["important_value_share"].idxmin() not in best


def test_checks(qs):
    q2 = qs[1]
    table = _by_hand(q2.table)
    best = Q2.best_bins(Q2.share_table(q2.table), q2.capacity, q2.min_share)[0]
    shares = Q2.share_table(q2.table)
    too_many = int(shares["important_value_share"].idxmax())              # over the capacity
    feasible_not_best = int(shares.loc[(shares["important_value_share"] <= q2.capacity)
                                       & (shares["smallest_share"] >= q2.min_share)]
                            ["important_value_share"].idxmin())
    assert feasible_not_best != best
    n = len(q2.table)
    largest = {b: rfm_scores(q2.table, bins=b)["segment"].value_counts(normalize=True).max() for b in range(3, 8)}
    assert_check_cases(
        q2,
        correct=[{"table": table, "bins": best}, {"table": table.reset_index(names="bins"), "bins": float(best)},
                 {"table": table.set_axis(table.index.astype(str)), "bins": best}],
        wrong=[({"table": table, "bins": too_many}, "超过了客户经理"),
               ({"table": table, "bins": feasible_not_best}, "名额要尽量用足"),
               ({"table": table, "bins": None}, "其实有满足"),
               ({"table": table, "bins": 9}, "不在 3 到 7"),
               ({"table": table * 100, "bins": best}, "百分数"),
               ({"table": table * n, "bins": best}, "人数"),
               ({"table": table.assign(smallest_share=pd.Series(largest)), "bins": best}, "最大客群"),
               ({"table": table.assign(important_value_share=table["important_value_share"] + 0.01),
                 "bins": best}, "对不上"),
               ({"table": table.drop(index=7), "bins": best}, "少了 bins = 7"),
               ({"table": table.drop(columns="smallest_share"), "bins": best}, "缺少列"),
               ({"table": table}, "缺少 'bins'"),
               ({"table": table, "bins": "5"}, "整数"),
               ({"table": [1, 2], "bins": best}, "DataFrame"),
               (table, "字典")],
    )


def test_min_share_constraint_names_the_small_segment(qs):
    q2 = qs[1]
    table = _by_hand(q2.table)
    shares = Q2.share_table(q2.table)
    small = shares[(shares["smallest_share"] < q2.min_share) & (shares["important_value_share"] <= q2.capacity)]
    bins = int(small.index[0]) if len(small) else None
    strict = Q2.diagnose_segment_choice({"table": table, "bins": 5}, q2.table, capacity=q2.capacity,
                                        min_share=0.05)
    assert "太小" in strict
    if bins is not None:
        assert "太小" in q2.check({"table": table, "bins": bins}).message


def test_no_feasible_bins_means_none(qs):
    q2 = qs[1]
    table = _by_hand(q2.table)
    assert Q2.diagnose_segment_choice({"table": table, "bins": None}, q2.table, capacity=0.01,
                                      min_share=0.03) is None
    assert "超过了客户经理" in Q2.diagnose_segment_choice({"table": table, "bins": 3}, q2.table,
                                                          capacity=0.01, min_share=0.03)
