"""Lecture 2's package: setup(), what ``import *`` gives a notebook, docstring examples."""
from __future__ import annotations

import pytest
from helpers import assert_doctests_pass, assert_hints_and_solutions_render, assert_star_import

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
    assert_star_import("course_utils.exercises.lecture2", {"setup", "campaign_app"})


def test_hints_and_solutions_render(qs):
    assert_hints_and_solutions_render(qs)


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    assert_doctests_pass("course_utils.exercises.lecture2" + suffix)
