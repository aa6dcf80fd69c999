"""Lecture 4's package: setup(), what ``import *`` gives a notebook, docstring examples, the source."""
from __future__ import annotations

import pytest
from helpers import (assert_doctests_pass, assert_hints_and_solutions_render, assert_star_import,
                     run_source_cells, source_code_cells)

from course_utils.exercises import lecture4 as L4

MODULES = ["", ".q1_metrics", ".q2_recommender", ".q3_sentiment", ".q4_chatbot_threshold"]
SOURCE = "L4_exercises"


def test_setup_binds_the_four_questions(qs):
    assert [type(q) for q in qs] == list(L4.EXERCISES)
    assert [q.id for q in qs] == ["L4.metrics_by_hand", "L4.recommender", "L4.sentiment", "L4.chatbot_threshold"]


def test_star_import_gives_the_notebook_what_it_needs():
    assert_star_import("course_utils.exercises.lecture4", {"setup", "recommender_app", "chatbot_threshold_app"})


def test_hints_and_solutions_render(qs):
    assert_hints_and_solutions_render(qs)


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    assert_doctests_pass("course_utils.exercises.lecture4" + suffix)


# -- the exercise notebook's source (as tests/exercises/test_lecture_sources.py does for L1-L2) --------

def test_setup_cell_has_no_placeholder():
    setup_cells = [code for _, code in source_code_cells(SOURCE) if "setup(bank" in code]
    assert len(setup_cells) == 1 and "____" not in setup_cells[0] and "import *" in setup_cells[0]


def test_widget_cells_are_tagged():
    for tags, code in source_code_cells(SOURCE):
        if "_app(q" in code:
            assert {"widget-exercise", "nbval-ignore-output"} <= set(tags), code


def test_untouched_notebook_runs_and_says_not_attempted():
    ns = run_source_cells(source_code_cells(SOURCE))
    for i, name in enumerate(("q1", "q2", "q3", "q4"), 1):
        assert ns[name].check(ns[f"answer{i}"]).status == "not_attempted", name


@pytest.mark.parametrize("answer", ["None", "42", "'答案'", "[]"])
def test_edited_answer_cells_cannot_break_the_notebook(answer):
    ns = run_source_cells(source_code_cells(SOURCE), edit=lambda code: code.replace("____", answer))
    for i, name in enumerate(("q1", "q2", "q3", "q4"), 1):
        r = ns[name].check(ns[f"answer{i}"])
        assert r.status in ("incorrect", "not_attempted"), (name, r)


def test_solution_notebook_is_all_correct():
    ns = run_source_cells(source_code_cells(SOURCE, "solution"))
    for i, name in enumerate(("q1", "q2", "q3", "q4"), 1):
        r = ns[name].check(ns[f"answer{i}"])
        assert r.status == "correct", (name, r)
