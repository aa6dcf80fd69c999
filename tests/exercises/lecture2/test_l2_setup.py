"""Lecture 2's package: setup(), what ``import *`` gives a notebook, docstring examples."""
from __future__ import annotations

import doctest
import importlib

import pytest

from course_utils import campaign
from course_utils.config import L2_CUTOFF
from course_utils.exercises import lecture2 as L2

MODULES = ["", ".q1_rfm", ".q2_segment_choice", ".q3_campaign", ".q4_cleaning"]


def test_setup_binds_one_view(bank, qs):
    assert [type(q) for q in qs] == list(L2.EXERCISES)
    q1, q2, q3, q4 = qs
    assert q1.as_of == L2_CUTOFF
    assert len(q2.table) == len(q4.data) == len(q3.audience)     # one customer view for all questions
    assert sum(q3.sizes.values()) == len(q2.table)
    assert set(q3.targets) == {"max_budget", "min_roi", "min_profit"}
    assert isinstance(q3.audience, campaign.Audience)


def test_star_import_gives_the_notebook_what_it_needs():
    ns: dict = {}
    exec("from course_utils.exercises.lecture2 import *", ns)   # noqa: S102
    from course_utils.exercises import ____
    assert ns["____"] is ____
    assert {"setup", "campaign_app"} <= set(ns)


def test_hints_and_solutions_render(qs):
    for q in qs:
        assert len(q.hints) >= 3
        assert "提示 1/" in str(q.hint(1)) and q.solution()._repr_html_()


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    module = importlib.import_module("course_utils.exercises.lecture2" + suffix)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
