"""JupyterLab end to end: every widget exercise, as a trainee meets it.

Each exercise notebook with a ``widget-exercise`` cell (discovered by scanning
exercises/, so later lectures are picked up without editing this file) is
opened in a real Chromium, run with Run > Run All Cells, and every control of
every widget exercise is changed (sliders by keyboard and by mouse drag,
dropdowns, text, buttons); the chart / table / feedback must change each time
and show no error. Screenshots: test-artifacts/browser/.
"""
from __future__ import annotations

import pytest

import browserkit as bk
import fixture_notebooks as fx
from conftest import DEMO_REL

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WIDGET_NOTEBOOKS = bk.discover_widget_notebooks(bk.EXERCISES_DIR)


def test_exercise_notebooks_with_widgets_exist():
    """Lecture 1 has widget exercises, so discovery must find at least one notebook."""
    assert WIDGET_NOTEBOOKS, (f"no notebook in {bk.EXERCISES_DIR} has a cell tagged "
                              f"{bk.WIDGET_TAG!r}; the browser suite would test nothing")


@pytest.mark.parametrize("nb_path", WIDGET_NOTEBOOKS, ids=[p.name for p in WIDGET_NOTEBOOKS])
def test_widget_exercises_in_lab(lab_page, lab, lab_root, artifacts, nb_path):
    rel = f"exercises/{nb_path.name}"
    reports = bk.check_notebook_in_lab(lab_page, lab, rel, lab_root / rel, artifacts)
    print(bk.summarise(reports))
    assert reports, f"{nb_path.name}: no widget-exercise cell checked"
    assert all(r.ok for r in reports), bk.summarise(reports)
    # every exercise had controls that were really operated
    assert all(r.controls for r in reports), bk.summarise(reports)


def test_demo_widget_exercise_in_lab(lab_page, lab, lab_root, artifacts):
    """The suite's own demo (course WidgetExercise helper): works without any lecture."""
    reports = bk.check_notebook_in_lab(lab_page, lab, DEMO_REL, lab_root / DEMO_REL, artifacts)
    assert len(reports) == 1
    report = reports[0]
    print(report.summary())
    assert report.ok, report.summary()
    kinds = {(c.kind, c.action) for c in report.controls}
    # two sliders x (keyboard, drag), one dropdown, one text box, the check button
    assert {("slider", "keyboard"), ("slider", "drag"), ("dropdown", "select option"),
            ("text", "type"), ("button", "click")} <= kinds, report.summary()
    assert len(report.screenshots) == 2 and all(p.is_file() for p in report.screenshots)
