"""Lecture 4's package: setup(), what ``import *`` gives a notebook, docstring examples, the source."""
from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from course_utils.exercises import lecture4 as L4
from tools.nbbuild import ROOT, Target, generate

MODULES = ["", ".q1_metrics", ".q2_recommender", ".q3_sentiment", ".q4_chatbot_threshold"]
SOURCE = "L4_exercises"


def test_setup_binds_the_four_questions(qs):
    assert [type(q) for q in qs] == list(L4.EXERCISES)
    assert [q.id for q in qs] == ["L4.metrics_by_hand", "L4.recommender", "L4.sentiment", "L4.chatbot_threshold"]


def test_star_import_gives_the_notebook_what_it_needs():
    ns: dict = {}
    exec("from course_utils.exercises.lecture4 import *", ns)   # noqa: S102
    from course_utils.exercises import ____
    assert ns["____"] is ____
    assert {"setup", "recommender_app", "chatbot_threshold_app"} <= set(ns)


def test_hints_and_solutions_render(qs):
    for q in qs:
        assert len(q.hints) >= 3
        assert "提示 1/" in str(q.hint(1)) and q.solution()._repr_html_()


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix):
    module = importlib.import_module("course_utils.exercises.lecture4" + suffix)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


# -- the exercise notebook's source (as tests/exercises/test_lecture_sources.py does for L1-L2) --------
def _code_cells(kind: str = "exercise") -> list[tuple[list[str], str]]:
    target = Target(ROOT / "src" / "exercises" / f"{SOURCE}.py", Path("/nonexistent.ipynb"), kind)
    return [(list(c.metadata.get("tags", [])), c.source) for c in generate(target).cells if c.cell_type == "code"]


def _run(cells, edit=lambda code: code) -> dict:
    ns: dict = {}
    for i, (tags, code) in enumerate(cells):
        if "parameters" in tags:
            code += "\nSEED = 7\nN_CUSTOMERS = 800\n"
        else:
            code = edit(code)
        exec(compile(code, f"<cell {i}>", "exec"), ns)   # noqa: S102 - our own notebook source
    return ns


def test_setup_cell_has_no_placeholder():
    setup_cells = [code for _, code in _code_cells() if "setup(bank" in code]
    assert len(setup_cells) == 1 and "____" not in setup_cells[0] and "import *" in setup_cells[0]


def test_widget_cells_are_tagged():
    for tags, code in _code_cells():
        if "_app(q" in code:
            assert {"widget-exercise", "nbval-ignore-output"} <= set(tags), code


def test_untouched_notebook_runs_and_says_not_attempted():
    ns = _run(_code_cells())
    for i, name in enumerate(("q1", "q2", "q3", "q4"), 1):
        assert ns[name].check(ns[f"answer{i}"]).status == "not_attempted", name


@pytest.mark.parametrize("answer", ["None", "42", "'答案'", "[]"])
def test_edited_answer_cells_cannot_break_the_notebook(answer):
    ns = _run(_code_cells(), edit=lambda code: code.replace("____", answer))
    for i, name in enumerate(("q1", "q2", "q3", "q4"), 1):
        r = ns[name].check(ns[f"answer{i}"])
        assert r.status in ("incorrect", "not_attempted"), (name, r)


def test_solution_notebook_is_all_correct():
    ns = _run(_code_cells("solution"))
    for i, name in enumerate(("q1", "q2", "q3", "q4"), 1):
        r = ns[name].check(ns[f"answer{i}"])
        assert r.status == "correct", (name, r)
