"""JupyterLab end to end: every widget exercise, as a trainee meets it.

Each exercise notebook with a ``widget-exercise`` cell (discovered by scanning
exercises/, so later lectures are picked up without editing this file) is
opened in a real Chromium, run with Run > Run All Cells, and every control of
every widget exercise is changed (sliders by keyboard and by mouse drag,
dropdowns, text, buttons); the chart / table / feedback must change each time
and show no error, and every character on the page -- Chinese text, widget
labels, feedback icons -- must render with a real glyph (no tofu boxes). The feedback tests do an exercise right and wrong and read
the rendered "correct" / "incorrect" boxes. Screenshots: test-artifacts/browser/.
"""
from __future__ import annotations

import pytest

import browserkit as bk
import fixture_notebooks as fx
from fixture_notebooks import DEMO_LAYOUT, DEMO_REL

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WIDGET_NOTEBOOKS = bk.discover_widget_notebooks(bk.EXERCISES_DIR)
L1 = bk.EXERCISES_DIR / "L1_exercises.ipynb"


def test_exercise_notebooks_with_widgets_exist():
    """Lecture 1 has widget exercises, so discovery must find at least one notebook."""
    assert WIDGET_NOTEBOOKS, (f"no notebook in {bk.EXERCISES_DIR} has a cell tagged "
                              f"{bk.WIDGET_TAG!r}; the browser suite would test nothing")


def test_l1_churn_trend_feedback(lab_notebooks, lab_root, artifacts, monkeypatch, tmp_path,
                                 shoot_on_failure):
    """Lecture 1, exercise 1 in the browser: not attempted, correct, then a wrong answer.

    The right slider values and events come from the engine (q1.expected(): the data's
    churn rates, rounded to the slider step), and the wrong answer's message is the one
    the engine gives for the same values: the browser must render exactly that.
    """
    assert L1.is_file(), f"{L1} is missing (Lecture 1 exercises)"
    lecture1, q1 = _l1_reference(monkeypatch, tmp_path)
    expected = q1.expected()  # {"rates": {year: fraction}, "events": [(year, text), ...]}
    rates_pct = {int(y): round(float(r) * 100 * 2) / 2 for y, r in expected["rates"].items()}
    events = [(int(y), str(t)) for y, t in expected["events"]]
    right = {f"y{y}": v for y, v in rates_pct.items()}
    for i in range(1, lecture1.N_EVENT_ROWS + 1):
        y, t = events[i - 1] if i <= len(events) else (0, "")
        right[f"event{i}_year"], right[f"event{i}_text"] = y, t
    assert q1.check(lecture1.widget_values_to_answer(right)).status == "correct"
    last = max(rates_pct)
    wrong = dict(right, **{f"y{last}": rates_pct[min(rates_pct)] - 2.0})  # trend falls
    wrong_result = q1.check(lecture1.widget_values_to_answer(wrong))
    assert wrong_result.status == "incorrect"

    rel = f"exercises/{L1.name}"
    page, _ = lab_notebooks(rel)
    shoot_on_failure(page)
    idx = bk.widget_cells(lab_root / rel)[0]
    bk.rerun_cell(page, idx)                               # a fresh, untouched widget
    root = bk.lab_cell(page, idx)
    bk.press_check(page, root, "not_attempted")
    for y, v in rates_pct.items():
        bk.set_slider(page, bk.control(root, f"{y} 年"), v)
    for i, (y, text) in enumerate(events, 1):
        bk.select_option_containing(bk.control(root, f"关键节点 {i} 年份", "dropdown")
                                    .locator("select"), f"{y}")
        bk.type_text(bk.control(root, f"关键节点 {i} 说明", "text").locator("input"), text)
    ok = bk.press_check(page, root, "correct")
    out = root.locator(".jp-Cell-outputWrapper")
    bk.screenshot(out, artifacts / "lab__L1_exercises__feedback_correct.png")
    # the widget's labels, the chart's HTML and the feedback box (icon included) render
    rendered = [bk.check_text_rendering(page, out, where="L1 widget, correct", min_icons=1)]
    bk.set_slider(page, bk.control(root, f"{last} 年"), wrong[f"y{last}"])
    bad = bk.press_check(page, root, "incorrect")
    bk.screenshot(out, artifacts / "lab__L1_exercises__feedback_incorrect.png")
    rendered.append(bk.check_text_rendering(page, out, where="L1 widget, incorrect", min_icons=1))
    assert bk.squash(q1.success) in bk.squash(ok["text"])
    assert bk.squash(wrong_result.message) in bk.squash(bad["text"]), (bad, wrong_result.message)
    print("\n".join(r.summary() for r in rendered))
    assert all(r.ok for r in rendered), "\n".join(r.summary() for r in rendered)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("nb_path", WIDGET_NOTEBOOKS, ids=[p.name for p in WIDGET_NOTEBOOKS])
def test_widget_exercises_in_lab(lab_notebooks, lab_root, artifacts, nb_path, shoot_on_failure):
    """Every control of every widget exercise redraws the output, without errors."""
    rel = f"exercises/{nb_path.name}"
    page, (open_s, run_s) = lab_notebooks(rel)
    shoot_on_failure(page)
    reports = bk.check_cells(page, lab_root / rel, f"lab__{nb_path.stem}", artifacts)
    run = bk.NotebookRun(rel, reports, open_s, run_s)
    rendered = bk.check_text_rendering(page, bk.current_panel(page), where=rel)
    print(run.summary() + "\n" + rendered.summary())
    assert run.ok, run.summary()
    assert rendered.ok, rendered.summary()
    for r in run.reports:  # controls were really operated, sliders both ways
        assert r.controls, r.summary()
        sliders = {c.action for c in r.controls if c.kind == "slider"}
        assert not sliders or sliders == {"keyboard", "drag"}, r.summary()


def test_demo_check_feedback(lab_notebooks, lab_root, artifacts, shoot_on_failure):
    """Demo: the right point count -> "correct", too many -> its own message."""
    page, _ = lab_notebooks(DEMO_REL)
    shoot_on_failure(page)
    idx = DEMO_LAYOUT["intact"]
    bk.rerun_cell(page, idx)
    root = bk.lab_cell(page, idx)
    slider = bk.control(root, "点数")
    bk.set_slider(page, slider, fx.DEMO_CORRECT_N)
    ok = bk.press_check(page, root, "correct")
    bk.set_slider(page, slider, fx.DEMO_CORRECT_N + 2)
    bad = bk.press_check(page, root, "incorrect")
    bk.screenshot(root.locator(".jp-Cell-outputWrapper"),
                  artifacts / "lab__browser_demo__feedback_incorrect.png")
    assert "太多" in bad["text"] and ok["text"] != bad["text"]


def test_demo_widget_exercise_in_lab(lab_notebooks, lab_root, artifacts, shoot_on_failure):
    """The suite's own demo (course WidgetExercise helper): works without any lecture."""
    page, _ = lab_notebooks(DEMO_REL)
    shoot_on_failure(page)
    report = bk.check_widget_exercise(page, bk.lab_cell(page, DEMO_LAYOUT["intact"]),
                                      "lab__browser_demo", artifacts)
    print(report.summary())
    assert report.ok, report.summary()
    kinds = {(c.kind, c.action) for c in report.controls}
    # two sliders x (keyboard, drag), one dropdown, one text box, the check button
    assert {("slider", "keyboard"), ("slider", "drag"), ("dropdown", "select option"),
            ("text", "type"), ("button", "click")} <= kinds, report.summary()
    assert len(report.screenshots) == 2 and all(p.is_file() for p in report.screenshots)


def _l1_reference(monkeypatch, tmp_path):
    """Lecture 1's exercise q1 bound to the notebook's data, computed here in Python.

    The notebook's parameters cell uses the config defaults; so does this.
    """
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.jsonl"))
    from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED
    from course_utils.data import get_bank
    from course_utils.exercises import lecture1

    q1 = lecture1.setup(get_bank(seed=DEFAULT_SEED, n_customers=DEFAULT_CUSTOMERS))[0]
    return lecture1, q1
