"""Tests of tools/nbbuild.py on small fixture sources (tests/fixtures/nbsrc)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from tools import nbbuild
from tools.nbbuild import BuildError, Target

FIXTURES = Path(__file__).parent / "fixtures" / "nbsrc"


@pytest.fixture
def root(tmp_path):
    """A throwaway repo layout with the fixture sources under src/."""
    shutil.copytree(FIXTURES, tmp_path / "src")
    return tmp_path


def by_kind(root, only=None):
    return {t.kind: t for t in nbbuild.targets(only, root=root)}


def code_sources(nb):
    return [c.source for c in nb.cells if c.cell_type == "code"]


def all_text(nb):
    return "\n".join(c.source for c in nb.cells)


# --- naming and discovery --------------------------------------------------------
def test_targets_and_naming(root):
    ts = nbbuild.targets(root=root)
    got = {(t.kind, t.path.relative_to(root).as_posix()) for t in ts}
    assert got == {("lecture", "notebooks/T0_demo.ipynb"),
                   ("exercise", "exercises/T1_exercises.ipynb"),
                   ("solution", "solutions/T1_solutions.ipynb")}
    assert [t.kind for t in nbbuild.targets(["T1"], root=root)] == ["exercise", "solution"]


def test_start_page_is_built_last(tmp_path):
    (tmp_path / "src" / "lectures").mkdir(parents=True)
    for name in ("00_start", "L1_overview", "L2_profiling"):
        (tmp_path / "src" / "lectures" / f"{name}.py").write_text("# %%\n")
    assert nbbuild.targets(root=tmp_path)[-1].source.stem == "00_start"


# --- markers -------------------------------------------------------------------------
def test_exercise_and_solution_builds(root):
    t = by_kind(root)
    ex, sol = nbbuild.generate(t["exercise"]), nbbuild.generate(t["solution"])
    ex_code, sol_code = "\n".join(code_sources(ex)), "\n".join(code_sources(sol))
    assert "answer = ____" in ex_code and "21 * 2" not in ex_code
    assert "answer = 21 * 2" in sol_code and "answer = ____" not in sol_code
    for nb in (ex, sol):
        assert "BEGIN" not in all_text(nb) and "END " not in all_text(nb)
        for cell in nb.cells:
            assert not set(cell.metadata.get("tags", [])) & {"solution-only", "exercise-only"}
    assert "参考讲解" in all_text(sol) and "参考讲解" not in all_text(ex)
    assert "q1.hint()" in ex_code and "q1.hint()" not in sol_code
    assert [c.id for c in ex.cells] == [f"c{i:03d}" for i in range(len(ex.cells))]
    assert ex.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("body, fragment", [
    ("# BEGIN SOLUTION\nx = 1\n", ":9: '# BEGIN SOLUTION' is never closed"),
    ("x = 1\n# END SOLUTION\n", ":10: '# END SOLUTION' does not match no open region"),
    ("# BEGIN SOLUTION\n# BEGIN PLACEHOLDER\n", ":10: '# BEGIN PLACEHOLDER' inside the "
                                                "SOLUTION region opened at line 9"),
    ("# BEGIN SOLUTION\nx = 1\n# END PLACEHOLDER\n", ":11: '# END PLACEHOLDER' does not match"),
    ("# BEGIN SOLUTION\nx = 1\n\n# %%\ny = 2\n# END SOLUTION\n", ":12: new cell inside"),
    ("x = 1  # BEGIN SOLUTION\n", ":9: a marker must be alone on its line"),
])
def test_unbalanced_markers_name_file_and_line(root, body, fragment):
    src = root / "src" / "exercises" / "T2_exercises.py"
    src.write_text("# %% tags=[\"parameters\"]\nSEED = 1\nN_CUSTOMERS = 10\n\n"
                   "# %% [markdown]\n# 题目\n\n# %%\n" + body, encoding="utf-8")
    t = Target(src, root / "exercises" / "T2_exercises.ipynb", "exercise")
    with pytest.raises(BuildError) as err:
        nbbuild.generate(t)
    assert "T2_exercises.py" + fragment in str(err.value)


@pytest.mark.parametrize("tag", ["solution-only", "exercise-only"])
def test_build_tags_rejected_in_lectures(root, tag):
    src = root / "src" / "lectures" / "T5_tags.py"
    src.write_text("# %% tags=[\"parameters\"]\nSEED = 1\nN_CUSTOMERS = 10\n\n"
                   f"# %% [markdown] tags=[\"{tag}\"]\n# 注\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"T5_tags.py: tags .* are for src/exercises only"):
        nbbuild.generate(Target(src, root / "notebooks" / "T5_tags.ipynb", "lecture"))


def test_markers_rejected_in_lectures(root):
    src = root / "src" / "lectures" / "T3_bad.py"
    src.write_text("# %% tags=[\"parameters\"]\nSEED = 1\nN_CUSTOMERS = 10\n"
                   "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"T3_bad.py:4: .*only allowed in src/exercises"):
        nbbuild.generate(Target(src, root / "notebooks" / "T3_bad.ipynb", "lecture"))


@pytest.mark.parametrize("params", ["", "# %% tags=[\"parameters\"]\nSEED = 1\n",
                                    "# %%\nSEED = 1\nN_CUSTOMERS = 10\n"])
def test_parameters_cell_required(root, params):
    src = root / "src" / "lectures" / "T4_noparams.py"
    src.write_text("# %% [markdown]\n# 标题\n\n" + params + "\n# %%\nprint(1)\n",
                   encoding="utf-8")
    with pytest.raises(BuildError, match="parameters"):
        nbbuild.generate(Target(src, root / "notebooks" / "T4_noparams.ipynb", "lecture"))


# --- --check -------------------------------------------------------------------------
def test_check_detects_stale_missing_and_orphan(root):
    ts = nbbuild.targets(["T1"], root=root)
    assert all("missing" in p for t in ts for p in nbbuild.check_target(t))
    for t in ts:
        nbbuild.build(t, run=False)
    assert nbbuild.check_all(["T1"], root=root) == []
    src = root / "src" / "exercises" / "T1_exercises.py"
    src.write_text(src.read_text(encoding="utf-8").replace("二十一的两倍", "二十一的三倍"),
                   encoding="utf-8")
    problems = nbbuild.check_all(["T1"], root=root)
    assert len(problems) == 2 and all("cell 2 differs" in p and "source" in p for p in problems)
    (root / "exercises" / "Old_exercises.ipynb").write_text("{}")
    assert any("Old_exercises.ipynb: no source" in p for p in nbbuild.orphans(root))


def test_check_detects_changed_tags(root):
    t = by_kind(root, ["T1"])["exercise"]
    nbbuild.build(t, run=False)
    nb = json.loads(t.path.read_text(encoding="utf-8"))
    nb["cells"][1]["metadata"]["tags"] = []
    t.path.write_text(json.dumps(nb), encoding="utf-8")
    assert "metadata" in nbbuild.check_target(t)[0]


def test_exercise_notebook_is_clean(root):
    t = by_kind(root, ["T1"])["exercise"]
    nbbuild.build(t)  # exercise notebooks are never executed
    nb = nbformat.read(t.path, as_version=4)
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None


# --- execution (starts kernels: a few seconds each) ------------------------------------------------
@pytest.mark.notebooks
def test_execute_is_deterministic_and_normalised(root):
    t = by_kind(root, ["T0"])["lecture"]
    assert nbbuild.build(t).changed is True
    first = t.path.read_bytes()
    assert nbbuild.build(t).changed is False  # nothing changed -> byte-identical
    assert t.path.read_bytes() == first
    nb = nbformat.read(t.path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert nb.metadata["language_info"] == nbbuild.LANGUAGE_INFO
    assert "widgets" not in nb.metadata
    text = first.decode("utf-8")
    assert nbbuild.WIDGET_VIEW_MIME not in text and '"execution"' not in text
    plot_cell, widget_cell = [c for c in nb.cells if c.cell_type == "code"][1:3]
    assert any("image/png" in o.get("data", {}) for o in plot_cell.outputs)  # inline backend
    assert any("行数 100" in o.get("text", "") for o in plot_cell.outputs)
    assert any("image/png" in o.get("data", {}) for o in widget_cell.outputs)  # static preview


@pytest.mark.notebooks
def test_execution_error_and_timeouts_fail_the_build(root):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    with pytest.raises(BuildError, match="ZeroDivisionError"):
        nbbuild.execute(nb, cwd=root, label="err.ipynb", total_timeout=120)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time; time.sleep(60)")])
    with pytest.raises(BuildError, match="execution failed"):
        nbbuild.execute(nb, cwd=root, cell_timeout=2, total_timeout=120, label="slow.ipynb")
    with pytest.raises(BuildError, match="longer than 12 s"):
        nbbuild.execute(nb, cwd=root, cell_timeout=300, total_timeout=12, label="hang.ipynb")


# --- wrong kernel ------------------------------------------------------------------------
#: Runs the first code cell of a built notebook the way a kernel without the course would:
#: an isolated Python (-I: no PYTHONPATH, no user site, no current folder) whose sys.path
#: has the repository (added by the venv's .pth file) removed, executing the cell in an
#: IPython shell (what ipykernel uses) and printing what the trainee would see.
_RUN_FIRST_CELL = r"""
import os, sys
root = os.path.realpath(sys.argv[1])
sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) != root]
try:
    import course_utils  # noqa: F401
    print("COURSE_UTILS_STILL_IMPORTABLE")
except ImportError:
    pass
code = sys.stdin.read()
if sys.argv[2] == "ipython":
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance(colors="NoColor")
    result = shell.run_cell(code)
    print("ERROR_TYPE", type(result.error_in_exec).__name__)
else:
    try:
        exec(compile(code, "<cell>", "exec"), {})
    except Exception as exc:  # noqa: BLE001
        print("ERROR_TYPE", type(exc).__name__)
        print(exc)
"""


def _first_code_cell(target: Target) -> str:
    return next(c.source for c in nbbuild.generate(target).cells if c.cell_type == "code")


def test_every_notebook_starts_with_the_kernel_guard():
    for t in nbbuild.targets():
        first = next(c for c in nbbuild.generate(t).cells if c.cell_type == "code")
        assert first.source.startswith(nbbuild.KERNEL_GUARD), t.rel()
        assert "parameters" in first.metadata.get("tags", []), t.rel()
        assert first.source.count(nbbuild.KERNEL_GUARD) == 1, t.rel()


def test_kernel_guard_is_silent_in_the_course_kernel(capsys):
    ns: dict = {}
    exec(compile(nbbuild.KERNEL_GUARD, "<guard>", "exec"), ns)   # noqa: S102 - our own code
    assert "CourseKernelError" not in ns and capsys.readouterr() == ("", "")


@pytest.mark.parametrize("shell", ["ipython", "python"])
@pytest.mark.parametrize("stem", ["L1_overview", "L1_exercises", "00_start"])
def test_wrong_kernel_gets_a_chinese_fix_not_a_traceback(stem, shell):
    import subprocess
    import sys

    target = next(t for t in nbbuild.targets([stem]) if t.kind in ("lecture", "exercise"))
    proc = subprocess.run([sys.executable, "-I", "-c", _RUN_FIRST_CELL, str(nbbuild.ROOT), shell],
                          input=_first_code_cell(target), capture_output=True, text=True,
                          timeout=120, cwd=target.path.parent)
    out = proc.stdout + proc.stderr
    assert "COURSE_UTILS_STILL_IMPORTABLE" not in out, out
    assert "ERROR_TYPE CourseKernelError" in out, out       # the cell stops there
    for words in ("选错了内核", "python3 course.py lab", "Python 3 (ipykernel)", "Wrong kernel",
                  "course_utils"):
        assert words in out, (words, out)
    assert "ModuleNotFoundError" not in out and "Traceback" not in out, out
    if shell == "ipython":   # what Jupyter shows: the message only, a few lines
        shown = [ln for ln in out.splitlines() if ln.strip() and not ln.startswith("ERROR_TYPE")]
        assert len(shown) <= 8, out


@pytest.mark.notebooks
def test_wrong_kernel_in_a_real_jupyter_kernel(tmp_path, monkeypatch):
    """End to end: a built notebook run by a Jupyter kernel that cannot import course_utils.

    The kernel is the venv's ipykernel started with ``-I`` and the repository removed from
    ``sys.path`` (a kernelspec in a temporary JUPYTER_PATH). Run All stops at the first cell,
    whose error output is the bilingual message, not a ModuleNotFoundError traceback.
    """
    import sys

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    launcher = ("import os, sys; root = os.path.realpath(sys.argv.pop(1)); "
                "sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) != root]; "
                "from ipykernel import kernelapp; kernelapp.launch_new_instance()")
    spec_dir = tmp_path / "jupyter" / "kernels" / "nocourse"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-I", "-c", launcher, str(nbbuild.ROOT), "-f",
                 "{connection_file}"],
        "display_name": "Python without the course", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    nb = nbbuild.generate(next(t for t in nbbuild.targets(["L1_exercises"])
                               if t.kind == "exercise"))
    client = NotebookClient(nb, kernel_name="nocourse", timeout=120, startup_timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for o in code[0].outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "CourseKernelError"
    shown = "\n".join(errors[0].traceback)
    assert "选错了内核" in shown and "python3 course.py lab" in shown and "Wrong kernel" in shown
    assert "ModuleNotFoundError" not in shown and "Traceback" not in shown
    assert all(c.outputs == [] for c in code[1:])        # Run All stopped at the first cell
