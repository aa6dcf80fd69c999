"""Lecture 1's package: setup(), what ``import *`` gives a notebook, docstring examples."""
from __future__ import annotations

import doctest
import importlib

import pytest

from course_utils.exercises import lecture1 as L1

MODULES = ["", ".labelled", ".q1_churn_trend", ".q2_churn_by_tier", ".q3_loyal_value",
           ".q4_churn_cut"]


def test_setup_accepts_a_bank_or_its_customers(customers):
    class Bank:  # what get_bank returns: an object with .customers
        pass
    b = Bank()
    b.customers = customers
    qs = L1.setup(b)
    assert [type(q) for q in qs] == list(L1.EXERCISES)
    assert qs[1].check(qs[1].expected()).status == "correct"
    with pytest.raises(TypeError):
        L1.setup("not a bank")


def test_star_import_gives_the_notebook_what_it_needs():
    ns: dict = {}
    exec("from course_utils.exercises.lecture1 import *", ns)   # noqa: S102
    from course_utils.exercises import ____
    assert ns["____"] is ____
    assert {"setup", "churn_trend_app", "render_churn_trend"} <= set(ns)


def test_hints_and_solutions_render(qs):
    for q in qs:
        assert len(q.hints) >= 3
        h = q.hint(1)
        assert "提示 1/" in str(h) and h._repr_html_()
        assert q.solution().code and q.solution()._repr_html_()


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    module = importlib.import_module("course_utils.exercises.lecture1" + suffix)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
