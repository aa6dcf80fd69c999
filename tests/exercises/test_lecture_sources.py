"""The exercise notebooks' sources: the setup cell cannot be broken by editing answer cells.

Issue 9: the setup cell used to hold ``from course_utils.exercises import ____``; a trainee
told to "replace ____" who edited it broke every later cell. The setup cell now has no
``____`` at all, and the placeholder comes from ``from course_utils.exercises.lectureN import *``.
These tests build the exercise version of each source (as ``tools.nbbuild`` does) and run
its code cells in one namespace on a small bank: untouched, and with every ``____`` in the
answer cells replaced by a trainee's (wrong) answer.
"""
from __future__ import annotations

import pytest
from helpers import run_source_cells, source_code_cells

SOURCES = ["L1_exercises", "L2_exercises"]


@pytest.mark.parametrize("stem", SOURCES)
def test_setup_cell_has_no_placeholder(stem):
    setup_cells = [code for _, code in source_code_cells(stem) if "setup(bank" in code]
    assert len(setup_cells) == 1
    assert "____" not in setup_cells[0]
    assert "import *" in setup_cells[0]


@pytest.mark.parametrize("stem", SOURCES)
def test_untouched_notebook_runs_and_says_not_attempted(stem):
    ns = run_source_cells(source_code_cells(stem))
    for name in ("q1", "q2", "q3", "q4"):
        q = ns[name]
        assert q.check(ns["____"]).status == "not_attempted"
    assert ns["answer1"] is ns["____"]


@pytest.mark.parametrize("answer", ["None", "42", "'答案'", "[]"])
@pytest.mark.parametrize("stem", SOURCES)
def test_edited_answer_cells_cannot_break_the_notebook(stem, answer):
    """Every ``____`` of every answer cell replaced: each later cell still runs, and the
    checks give feedback (never a traceback)."""
    ns = run_source_cells(source_code_cells(stem), edit=lambda code: code.replace("____", answer))
    for name in ("q1", "q2", "q3", "q4"):
        r = ns[name].check(ns[f"answer{name[1]}"] if f"answer{name[1]}" in ns else ns["X"])
        assert r.status in ("incorrect", "not_attempted"), (name, r)


@pytest.mark.parametrize("stem", SOURCES)
def test_solution_notebook_is_all_correct(stem):
    ns = run_source_cells(source_code_cells(stem, kind="solution"))
    answers = [ns["answer1"], ns["answer2"], ns["answer3"], ns.get("answer4", ns.get("X"))]
    for name, answer in zip(("q1", "q2", "q3", "q4"), answers):
        r = ns[name].check(answer)
        assert r.status == "correct", (name, r)
