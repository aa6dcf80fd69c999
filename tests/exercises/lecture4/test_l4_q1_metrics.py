"""Lecture 4, question 1: precision@k, recall@k and coverage of the small case, by hand."""
from __future__ import annotations

import itertools

import pandas as pd
import pytest

from course_utils import recommend
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture4 import q1_metrics as Q1


def _right():
    lib = recommend.evaluate(Q1.case_test(), Q1.CASE_RECS, Q1.CASE_CATALOGUE, k=Q1.K)   # the library's numbers
    return {"precision": lib["precision@k"], "recall": lib["recall@k"], "coverage": lib["coverage"]}


def test_expected_is_what_the_library_computes(qs):
    q1 = qs[0]
    right = _right()
    assert q1.expected() == pytest.approx(right, abs=1e-12)
    lib = q1.library()
    assert (lib["precision@k"], lib["recall@k"], lib["coverage"]) == pytest.approx(
        (right["precision"], right["recall"], right["coverage"]))


def test_every_mistake_gives_its_own_number():
    """Each typical slip changes the number by more than twice the tolerance: the check can name it."""
    variants = Q1.metric_variants()
    for metric in ("precision", "recall", "coverage"):
        values = [v[metric] for v in variants.values() if metric in v]
        for a, b in itertools.combinations(values, 2):
            assert abs(a - b) > 2 * Q1.TOL, (metric, a, b)
    assert set(variants) - {"right"} == set(Q1.MISTAKES)


@pytest.mark.parametrize("mistake", sorted(Q1.MISTAKES))
def test_each_mistake_is_named(qs, mistake):
    q1 = qs[0]
    variants = Q1.metric_variants()
    answer = dict(variants["right"], **variants[mistake])
    r = q1.check(answer)
    assert r.status == "incorrect"
    fragment = Q1.MISTAKES[mistake].split("：")[0].split("{what}")[-1][:8]
    assert fragment in r.message, (mistake, r.message)


def test_checks(qs):
    q1 = qs[0]
    right = _right()
    v = Q1.metric_variants()
    assert_check_cases(
        q1,
        correct=[right, {k: round(x, 2) for k, x in right.items()},
                 {"precision@3": right["precision"], "召回率": right["recall"], "覆盖率": right["coverage"]},
                 pd.Series(right)],
        wrong=[(dict(right, precision=v["precision_by_shown"]["precision"]), "分母永远是 k"),
               (dict(right, recall=right["precision"]), "召回率的分母"),
               (dict(right, **v["skip_no_recs"]), "排除在平均之外"),
               (dict(right, coverage=1.0), "必然是 100%"),
               (dict(right, coverage=v["coverage_test_only"]["coverage"]), "刘、周"),
               (dict(right, coverage=v["coverage_slots"]["coverage"]), "不可能"),
               ({k: 100 * x for k, x in right.items()}, "百分数"),
               (dict(right, precision=0.9), "偏大"),
               (dict(right, recall="0.35"), "文字"),
               ({"precision": right["precision"], "recall": right["recall"]}, "缺少"),
               ({**right, "ndcg": 0.3}, "认不出"),
               ([right["precision"], right["recall"], right["coverage"]], "字典")],
        half_done=[{"precision": right["precision"], "recall": ____, "coverage": ____}],
    )


def test_several_wrong_metrics_are_all_named(qs):
    v = Q1.metric_variants()
    answer = dict(v["right"], precision=v["precision_by_shown"]["precision"], coverage=1.0)
    msg = qs[0].check(answer).message
    assert "分母永远是 k" in msg and "必然是 100%" in msg


def test_case_table_shows_every_customer():
    table = Q1.case_table()
    assert set(table.index) == set(Q1.CASE_RECS) | set(Q1.CASE_TAKEUPS)
    assert "新客户" in table.loc["赵"].iloc[0] and "不在测试集" in table.loc["刘"].iloc[1]


def test_public_attributes_are_copies(qs):
    q1 = qs[0]
    q1.recs["王"].append("P09")
    q1.catalogue.append("P99")
    test = q1.test
    test.loc[0, "product_id"] = "P99"
    assert q1.expected() == pytest.approx(_right())
