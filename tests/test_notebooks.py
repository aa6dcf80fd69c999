"""Validation of the committed notebooks (notebooks/, exercises/, solutions/).

Fast checks (no kernel): freshness against src/ (``tools.nbbuild --check``),
every code cell of executed notebooks executed in order, exercise notebooks
clean, no error outputs, a ``parameters`` cell, widget cells tagged, every
notebook on the start page.

Kernel runs (marker ``notebooks``), each in a subprocess with a hard timeout
so a hung ipykernel fails the test instead of stalling CI:

* nbval strict on notebooks/ and solutions/ (text outputs compared, with
  tests/nbval_sanitize.cfg), nbval-lax on exercises/ (must run untouched);
* papermill on every notebook at a small size (SEED=7, N_CUSTOMERS=800) and
  at the default size with another seed (SEED=99), then a scan of the output
  for the engine's widget error marker.

Deselect the kernel runs with ``pytest -m "not notebooks"``.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils import config, coursemap
from course_utils.exercises.feedback import ERROR_MARKER
from tools import nbbuild

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
EXECUTED = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("solutions/*.ipynb"))
EXERCISES = sorted(ROOT.glob("exercises/*.ipynb"))
ALL = EXECUTED + EXERCISES
START_PAGE = ROOT / "notebooks" / "00_start.ipynb"
#: Notebooks with their own kernel, run by their own tests (A1: course-spark kernel, tests/test_spark.py).
OWN_KERNEL = {"A1_scale_spark.ipynb"}

#: Seconds a single cell may run inside nbval / papermill.
CELL_TIMEOUT = 120
#: Seconds a whole nbval / papermill subprocess may take before it is killed.
RUN_TIMEOUT = 420
WIDGET_TAGS = {"widget-exercise", "nbval-ignore-output"}
WIDGET_PREVIEW_TEXT = "交互控件 (widget)"


def rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


def ids(paths):
    return [rel(p) for p in paths]


def read(p: Path):
    return nbformat.read(p, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def run_bounded(cmd: list[str], timeout: int = RUN_TIMEOUT, cwd: Path = ROOT):
    """Run ``cmd`` in its own process group; kill the group after ``timeout`` s."""
    returncode, out = nbbuild.run_bounded(cmd, timeout, cwd=cwd)
    if returncode is None:
        pytest.fail(f"timed out after {timeout} s (hung kernel?): {' '.join(cmd)}\n"
                    f"{out[-3000:]}")
    return returncode, out


# --------------------------------------------------------------------------
# Fast structural checks
# --------------------------------------------------------------------------
def test_there_are_notebooks():
    assert START_PAGE.exists(), "notebooks/00_start.ipynb missing: run python -m tools.nbbuild"


def test_committed_notebooks_are_up_to_date_with_sources():
    problems = nbbuild.check_all()
    assert not problems, ("committed notebooks are out of date with src/ "
                          "(run `python -m tools.nbbuild`):\n  " + "\n  ".join(problems))


@pytest.mark.parametrize("path", EXECUTED, ids=ids(EXECUTED))
def test_executed_notebook_ran_every_cell_in_order(path):
    cells = code_cells(read(path))
    counts = [c.execution_count for c in cells]
    assert None not in counts, f"{rel(path)}: cells never executed: " \
        f"{[i for i, c in enumerate(counts) if c is None]}"
    assert counts == list(range(1, len(counts) + 1)), \
        f"{rel(path)}: execution counts not 1..n in order: {counts}"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_no_error_outputs_committed(path):
    nb = read(path)
    for i, c in enumerate(code_cells(nb)):
        for out in c.outputs:
            assert out.output_type != "error", \
                f"{rel(path)} code cell {i}: error output {out.get('ename')}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Traceback" not in out.text, f"{rel(path)} code cell {i}: traceback"
                assert "Glyph" not in out.text, f"{rel(path)} code cell {i}: missing CJK glyphs"
    assert ERROR_MARKER not in path.read_text(encoding="utf-8"), \
        f"{rel(path)}: contains a widget render error box"


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_exercise_notebook_is_clean(path):
    for i, c in enumerate(code_cells(read(path))):
        assert c.outputs == [], f"{rel(path)} code cell {i} has outputs"
        assert c.execution_count is None, f"{rel(path)} code cell {i} has an execution count"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_parameters_cell(path):
    cells = code_cells(read(path))
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{rel(path)}: needs exactly one cell tagged 'parameters'"
    src = tagged[0].source
    for name in ("SEED", "N_CUSTOMERS"):
        assert re.search(rf"^{name}\s*=", src, re.M), f"{rel(path)}: parameters lacks {name}"


@pytest.mark.parametrize("path", EXECUTED, ids=ids(EXECUTED))
def test_widget_cells_are_tagged(path):
    """A cell that displayed a widget must carry the widget tags (browser suite + nbval)."""
    for i, c in enumerate(code_cells(read(path))):
        shows_widget = any(WIDGET_PREVIEW_TEXT in str(o.get("data", {}).get("text/plain", ""))
                           or nbbuild.WIDGET_VIEW_MIME in o.get("data", {})
                           for o in c.outputs)
        if shows_widget:
            missing = WIDGET_TAGS - set(c.metadata.get("tags", []))
            assert not missing, f"{rel(path)} code cell {i} shows a widget but lacks tags {missing}"


def _start_page_links() -> set[str]:
    texts = []
    for c in read(START_PAGE).cells:
        texts.append(c.source)
        for o in c.get("outputs", []):
            for mime in ("text/markdown", "text/html"):
                texts.append(str(o.get("data", {}).get(mime, "")))
    links = re.findall(r"\]\(([^)]+\.ipynb)\)|href=\"([^\"]+\.ipynb)\"", "\n".join(texts))
    return {os.path.normpath(os.path.join("notebooks", a or b)).replace(os.sep, "/")
            for a, b in links}


def test_start_page_links_every_lecture_and_exercise_notebook():
    links = _start_page_links()
    present = {rel(p) for p in sorted(ROOT.glob("notebooks/*.ipynb")) +
               sorted(ROOT.glob("exercises/*.ipynb")) if p != START_PAGE}
    missing = present - links
    assert not missing, (f"not on the start page: {sorted(missing)} -- add them to "
                         "course_utils/coursemap.py and rebuild notebooks/00_start.ipynb")
    dangling = {link for link in links if not (ROOT / link).exists()}
    assert not dangling, f"start page links to missing notebooks: {sorted(dangling)}"


def test_coursemap_knows_every_notebook_and_marks_planned_ones(tmp_path):
    on_map = set(coursemap.all_notebooks())
    for p in sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("exercises/*.ipynb")):
        if p != START_PAGE:
            assert rel(p) in on_map, f"{rel(p)} is not in course_utils/coursemap.py"
    # In an empty checkout every entry is planned; with one file it gets a link.
    md = coursemap.start_page_markdown(root=tmp_path)
    assert "](" not in md and md.count(coursemap.COMING_SOON) == len(coursemap.SCHEDULE)
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "L1_exercises.ipynb").write_text("{}")
    md = coursemap.start_page_markdown(root=tmp_path)
    assert "[练习](../exercises/L1_exercises.ipynb)" in md
    assert md.count(coursemap.COMING_SOON) == len(coursemap.SCHEDULE) - 1


# --------------------------------------------------------------------------
# Kernel runs
# --------------------------------------------------------------------------
def _nbval(path: Path, lax: bool) -> None:
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax" if lax else "--nbval", str(path),
           "--nbval-current-env", "--nbval-cell-timeout", str(CELL_TIMEOUT),
           "-p", "no:cacheprovider", "-q", "-o", "addopts=", "--rootdir", str(ROOT)]
    if not lax:
        cmd += ["--nbval-sanitize-with", str(SANITIZE)]
    rc, out = run_bounded(cmd)
    assert rc == 0, f"nbval {'lax' if lax else 'strict'} failed on {rel(path)}:\n{out[-6000:]}"


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in EXECUTED if p.name not in OWN_KERNEL],
                         ids=ids([p for p in EXECUTED if p.name not in OWN_KERNEL]))
def test_nbval_strict(path):
    _nbval(path, lax=False)


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_nbval_lax_exercises_run_untouched(path):
    _nbval(path, lax=True)


SIZES = {"small": (7, 800), "default": (99, config.DEFAULT_CUSTOMERS)}


def papermill_run(path: Path, out: Path, seed: int, n: int,
                  timeout: int = RUN_TIMEOUT) -> tuple[int, str]:
    """Run ``path`` with papermill (kernel python3, per-cell timeout) into ``out``."""
    cmd = [sys.executable, "-m", "papermill", str(path), str(out),
           "-k", "python3", "--cwd", str(path.parent),
           "--execution-timeout", str(CELL_TIMEOUT), "--start-timeout", "120",
           "-p", "SEED", str(seed), "-p", "N_CUSTOMERS", str(n),
           "--no-progress-bar", "--log-level", "WARNING"]
    return run_bounded(cmd, timeout=timeout)


def widget_errors(nb_path: Path) -> list[str]:
    """Widget render errors recorded in an executed notebook (outputs or widget state)."""
    text = nb_path.read_text(encoding="utf-8")
    return [m.group(0) for m in re.finditer(
        rf".{{0,200}}{ERROR_MARKER}", text)] if ERROR_MARKER in text else []


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("path", [p for p in ALL if p.name not in OWN_KERNEL],
                         ids=ids([p for p in ALL if p.name not in OWN_KERNEL]))
def test_papermill_runs(path, size, tmp_path):
    seed, n = SIZES[size]
    out = tmp_path / path.name
    rc, log = papermill_run(path, out, seed, n)
    assert rc == 0, f"papermill failed on {rel(path)} (SEED={seed}, N_CUSTOMERS={n}):\n" \
                    f"{log[-6000:]}"
    nb = json.loads(out.read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and f"N_CUSTOMERS = {n}" in "".join(injected[0]["source"])
    errors = widget_errors(out)
    assert not errors, f"{rel(path)}: a widget render failed:\n{errors[0]}"
    assert_feedback_fits(rel(path), nb, f"SEED={seed}, N_CUSTOMERS={n}")


FEEDBACK_RE = re.compile(r'class="course-feedback course-(correct|incorrect|not_attempted)"')


def feedback_statuses(nb) -> list[tuple[int, str]]:
    """(cell index, status) of every check result shown in the outputs of ``nb``."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        for o in cell.get("outputs", []):
            html_ = o.get("data", {}).get("text/html", "")
            html_ = "".join(html_) if isinstance(html_, list) else html_
            found += [(i, m) for m in FEEDBACK_RE.findall(html_)]
    return found


def assert_feedback_fits(name: str, nb, run: str = "committed") -> None:
    """Solutions must solve every exercise; untouched exercises must say "not attempted"."""
    statuses = feedback_statuses(nb)
    if name.startswith("solutions/"):
        bad = [(i, s) for i, s in statuses if s != "correct"]
        assert not bad, f"{name} ({run}): checks not correct in cells {bad}"
    elif name.startswith("exercises/"):
        bad = [(i, s) for i, s in statuses if s != "not_attempted"]
        assert not bad, f"{name} ({run}): untouched exercise judged {bad}"


SOLUTIONS = sorted(ROOT.glob("solutions/*.ipynb"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_committed_solutions_pass_their_checks(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert feedback_statuses(nb), f"{rel(path)}: no check result in the outputs"
    assert_feedback_fits(rel(path), nb)


def test_sanitize_file_masks_what_varies_and_keeps_content():
    from nbval.plugin import get_sanitize_patterns  # nbval's own parser

    text = SANITIZE.read_text(encoding="utf-8")
    rules = [(re.compile(rx), rep) for rx, rep in get_sanitize_patterns(text)]
    assert len(rules) == text.count("\n[") + text.startswith("["), \
        "every section must be a `regex: ` line followed by a `replace: ` line"

    def clean(text: str) -> str:
        for rx, rep in rules:
            text = rx.sub(rep, text)
        return text

    assert clean("<Figure at 0x7f3a2b1c9d90>") == clean("<Figure at 0x7f00deadbeef>")
    assert clean("saved to /tmp/tmpab12cd/x.png") == clean("saved to /tmp/tmpzz99/x.png")
    assert clean("耗时 0.123 s") == clean("耗时 0.456 s")
    assert clean("Loading model cost 0.61 seconds.\n流失率 20%") == "流失率 20%"
    assert clean("  40%|████      | 4/10 [00:01<00:02,  3.1it/s]\n") == ""
    assert clean("| 2021 | 15.0% |") == "| 2021 | 15.0% |"  # tables are not progress bars
    # real content still differs after sanitising
    assert clean("流失率 15.0%") != clean("流失率 18.0%")
    assert clean("客户数 5,000") != clean("客户数 800")


@pytest.mark.notebooks
def test_papermill_scan_finds_a_swallowed_widget_error(tmp_path):
    """papermill passes when a widget callback fails without failing the cell; the scan does not."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("SEED = 1\nN_CUSTOMERS = 10", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import ipywidgets as W\n"
            "from course_utils.exercises.widgets import WidgetExercise\n"
            "def render(v):\n"
            "    if v['a'] < 0:\n"
            "        raise ValueError('negative')\n"
            "    return f\"<b>{v['a']}</b>\"\n"
            "app = WidgetExercise({'a': W.IntSlider(value=1, min=-5)}, render, name='scan.demo')\n"
            "app", metadata={"tags": sorted(WIDGET_TAGS)}),
        nbformat.v4.new_code_cell(
            "try:\n    app.controls['a'].value = -1   # like a callback from the browser\n"
            "except ValueError:\n    pass"),
    ])
    nb.metadata["kernelspec"] = dict(nbbuild.KERNELSPEC)
    src, out = tmp_path / "scan.ipynb", tmp_path / "scan_out.ipynb"
    nbformat.write(nb, src)
    rc, log = papermill_run(src, out, seed=1, n=10, timeout=240)
    assert rc == 0, log[-3000:]
    errors = widget_errors(out)
    assert errors and "图表没能更新" in errors[0]


def test_feedback_scan_catches_wrong_outcomes():
    from course_utils.exercises.feedback import CheckResult

    def fake(*statuses):
        return {"cells": [{"outputs": [{"data": {"text/html": CheckResult(s, "x")._repr_html_()}}]}
                          for s in statuses]}

    assert feedback_statuses(fake("correct", "incorrect")) == [(0, "correct"), (1, "incorrect")]
    assert_feedback_fits("solutions/X.ipynb", fake("correct"))
    with pytest.raises(AssertionError, match="not correct"):
        assert_feedback_fits("solutions/X.ipynb", fake("correct", "not_attempted"))
    assert_feedback_fits("exercises/X.ipynb", fake("not_attempted"))
    with pytest.raises(AssertionError, match="untouched exercise judged"):
        assert_feedback_fits("exercises/X.ipynb", fake("incorrect"))


def test_start_page_output_is_current():
    """A new notebook must appear on the committed start page (rebuild `--only 00`)."""
    shown = [str(o.get("data", {}).get("text/markdown", ""))
             for c in read(START_PAGE).cells for o in c.get("outputs", [])]
    assert coursemap.start_page_markdown() in shown, \
        "notebooks/00_start.ipynb is stale: run `python -m tools.nbbuild --only 00`"
    assert coursemap.solution_areas_markdown() in shown
