"""The suite fails when a widget exercise breaks: proven on broken copies.

A check that cannot fail proves nothing, so :func:`browserkit.check_widget_exercise`
is run on deliberately broken notebooks (generated with nbformat in a temporary
copy, never committed) and must report each breakage:

* Lecture 1's real exercise notebook with its render function raising;
* a demo notebook with one exercise per further breakage: the controls
  disconnected from the redraw callback, widgets not displayed at all (only a
  static picture is left), and kernel widgets with a version the front end
  does not have -- followed by an intact exercise, which must pass
  (``test_browser_lab.py::test_demo_widget_exercise_in_lab``: the control group).
"""
from __future__ import annotations

import nbformat
import pytest

import browserkit as bk
import fixture_notebooks as fx
from fixture_notebooks import DEMO_LAYOUT, DEMO_REL

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WIDGET_NOTEBOOKS = bk.discover_widget_notebooks(bk.EXERCISES_DIR)
#: The notebook already ran and its intact exercise renders in the same page
#: (see the control test), so a breakage shows well within this (s).
SELFTEST_TIMEOUT = 6.0


@pytest.fixture(scope="module")
def broken_lecture(lab_root):
    """A copy of the first exercise notebook with widgets, its render function raising."""
    if WIDGET_NOTEBOOKS:
        source = WIDGET_NOTEBOOKS[0]
        nb = nbformat.read(str(source), as_version=4)
    else:  # no lecture yet: the plain demo exercise
        source, nb = lab_root / "demo.ipynb", fx.demo_notebook()
    nb = fx.broken_copy(nb, "render_raises")
    rel = f"selftest/{source.stem}__render_raises.ipynb"
    fx.write(nb, lab_root / rel)
    return rel


def test_render_error_is_reported(broken_lecture, lab_notebooks, lab_root, artifacts,
                                  shoot_on_failure):
    page, _ = lab_notebooks(broken_lecture)
    shoot_on_failure(page)
    reports = bk.check_cells(page, lab_root / broken_lecture, "selftest__render_raises",
                             artifacts, fail_fast=True)  # the error box shows at once
    print(bk.summarise(reports))
    assert reports and not reports[0].ok, bk.summarise(reports)
    assert any("engine error box" in p for p in reports[0].problems), reports[0].summary()


@pytest.mark.parametrize("breakage, expected", [
    ("callback_disconnected", "output did not change"),
    ("not_rendered", "no widget controls rendered"),
    ("version_mismatch", "no widget controls rendered"),
])
def test_breakage_is_reported(breakage, expected, lab_notebooks, lab_root, artifacts,
                              shoot_on_failure):
    page, _ = lab_notebooks(DEMO_REL)
    shoot_on_failure(page)
    report = bk.check_widget_exercise(page, bk.lab_cell(page, DEMO_LAYOUT[breakage]),
                                      f"selftest__{breakage}", artifacts, fail_fast=True,
                                      timeout=SELFTEST_TIMEOUT, probe=1.5)
    print(report.summary())
    assert not report.ok, report.summary()
    assert any(expected in p for p in report.problems), report.summary()
