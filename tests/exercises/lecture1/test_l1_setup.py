"""Lecture 1's package: setup(), what ``import *`` gives a notebook, docstring examples."""
from __future__ import annotations

import pytest
from helpers import assert_doctests_pass, assert_hints_and_solutions_render, assert_star_import

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
    assert_star_import("course_utils.exercises.lecture1", {"setup", "churn_trend_app", "render_churn_trend"})


def test_hints_and_solutions_render(qs):
    assert_hints_and_solutions_render(qs)
    for q in qs:                                 # Lecture 1 also shows hint 1 and the solution's code
        assert q.hint(1)._repr_html_() and q.solution().code


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    assert_doctests_pass("course_utils.exercises.lecture1" + suffix)
