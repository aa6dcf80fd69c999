"""Build every generated notebook from its jupytext percent source.

    python -m tools.nbbuild                 # rebuild + execute everything
    python -m tools.nbbuild --only L1       # only sources whose name starts with L1
    python -m tools.nbbuild --check         # committed notebooks up to date? (no execution)
    python -m tools.nbbuild --no-execute    # write notebooks without running them (drafts)
    python3 course.py build                 # the same, through the course entry point

Sources and targets::

    src/lectures/<name>.py         -> notebooks/<name>.ipynb        executed, outputs committed
    src/exercises/<L>_exercises.py -> exercises/<L>_exercises.ipynb clean (no outputs)
                                   -> solutions/<L>_solutions.ipynb executed
    src/instructor/<name>.py       -> instructor/<name>.ipynb       executed (parameters: PROGRESS_DIR)

Markers in ``src/exercises/*.py`` (whole lines, inside one code cell)::

    # BEGIN SOLUTION / # END SOLUTION        kept only in solutions/
    # BEGIN PLACEHOLDER / # END PLACEHOLDER  kept only in exercises/

A whole line ``# INSERT <module>:<name>`` inside a SOLUTION region (in
``src/exercises/*.py``) is replaced by the text of that string (``name`` may be
dotted, e.g. ``Automation.solution_code``), indented like the line. It makes the
solution cell and the exercise's ``solution_code`` (what ``q.solution()`` shows)
one text: the module is the source, the notebook is generated from it, and
``--check`` reports a notebook the text has moved away from.

Cell tags ``solution-only`` / ``exercise-only`` keep a whole cell (markdown or
code) in one build only; these two tags are removed from the output. Markers
never appear in generated notebooks; unbalanced or nested markers, a marker
in a lecture source, or a missing ``parameters`` cell (with ``SEED`` and
``N_CUSTOMERS``) stop the build with an error naming the file and line.

Wrong kernel: the build puts :data:`KERNEL_GUARD` at the top of every
notebook's first code cell (the ``parameters`` cell). In a Python where
``course_utils`` cannot be imported (a notebook opened with another kernel) it
stops the run with a short Chinese + English message saying how to fix it
(``python3 course.py lab``, or the kernel "Python 3 (ipykernel)") instead of a
``ModuleNotFoundError`` traceback; in the course kernel it does nothing.

Execution: nbclient, kernel ``python3``, working directory = the output
notebook's folder (what a trainee gets in Jupyter; data loads through
course_utils, never through ../ paths), a per-cell timeout and an overall
timeout (the notebook runs in a child process that is killed when it
overruns), kernel environment with PYTHONHASHSEED=0, the inline matplotlib
backend and the progress log switched off. Metadata is normalised (fixed
kernelspec and language_info, no timings, no widget state, cell ids from the
cell position) so a rebuild with nothing changed writes byte-identical files.

A rebuild never destroys a person's edits
-----------------------------------------
Trainees type answers and notes into ``exercises/``, ``notebooks/`` and
``solutions/``; instructors tweak parameters there. Every notebook the build
writes records what it wrote in its metadata::

    "metadata": {"nbbuild": {"cells_sha256": "<sha256 of every cell's type and source>"}, ...}

The record covers what a person writes (cell types, sources, attachments),
not outputs, execution counts or metadata: running a notebook is not editing
it, and the build regenerates outputs anyway. Before replacing a notebook the
build compares its current cells with that record:

* unchanged since the last build (or already equal to the new build): it is
  replaced silently;
* edited since the last build, or no record (first build, an older checkout)
  and different from the new build, or not readable as a notebook: a copy is
  kept first in a ``backups/`` folder next to it, e.g.
  ``exercises/backups/L1_exercises-20261130-101500.ipynb`` (local time of the
  rebuild), the rebuilt notebook takes its place, and the build says where the
  copy is, in Chinese and English. Backups are never overwritten or deleted
  by the build; there is no option to skip them.

The build goes on after a backup (an instructor rebuilding for a cohort gets
every notebook fresh and loses nothing) and writes each notebook atomically (a
temporary file, then a rename). ``backups/`` folders are not course notebooks:
the build, ``--check`` and the tests list notebooks with non-recursive globs
(``exercises/*.ipynb``) and never see them. The record is deterministic, so
rebuilds stay byte-identical; ``--check`` ignores it and only adds a note when
a notebook was edited by hand since it was built.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC_LECTURES = ROOT / "src" / "lectures"
SRC_EXERCISES = ROOT / "src" / "exercises"
OUT_LECTURES = ROOT / "notebooks"
OUT_EXERCISES = ROOT / "exercises"
OUT_SOLUTIONS = ROOT / "solutions"

#: Seconds one cell may run before the build fails.
CELL_TIMEOUT = 180
#: Seconds a whole notebook may run (kernel start included).
NOTEBOOK_TIMEOUT = 600

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: Kernels other than the course's python3: the Spark appendix (src/appendix/) runs in
#: "course-spark" (.venv-spark, registered by tools/spark_env.py).
KERNELSPECS = {"python3": KERNELSPEC,
               "course-spark": {"display_name": "Python 3 (Spark 附录)", "language": "python",
                                "name": "course-spark"}}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
#: Cell metadata keys kept from the source (jupytext adds layout keys we drop).
KEEP_CELL_METADATA = ("tags", "jupyter", "slideshow", "editable", "deletable")
BUILD_TAGS = ("solution-only", "exercise-only")
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

MARKER_RE = re.compile(r"^\s*#\s*(BEGIN|END)\s+(SOLUTION|PLACEHOLDER)\s*$")
MARKER_ANY_RE = re.compile(r"#\s*(BEGIN|END)\s+(SOLUTION|PLACEHOLDER)\b")
CELL_RE = re.compile(r"^# %%")
INSERT_RE = re.compile(r"^(\s*)#\s*INSERT\s+([\w.]+):([\w.]+)\s*$")

#: Notebook metadata key of the build record (see "A rebuild never destroys ...").
RECORD_KEY = "nbbuild"
#: Folder, next to a notebook, that keeps copies of edited notebooks.
BACKUP_DIR = "backups"
#: Local time in backup names: L1_exercises-20261130-101500.ipynb
BACKUP_TIME_FORMAT = "%Y%m%d-%H%M%S"


class BuildError(Exception):
    """A source problem; the message names the file and line."""


#: Prepended to every notebook's first code cell: in a kernel without the course
#: package it stops with a short bilingual message (IPython shows what
#: ``_render_traceback_`` returns instead of a traceback; Run All stops there).
KERNEL_GUARD = """\
# 内核检查 (kernel check)：选错了内核时，这里会说明怎么办；选对了就什么都不显示
try:
    import course_utils, ipywidgets, pandas  # noqa: E401,F401
except ImportError as _error:
    class CourseKernelError(Exception):
        def _render_traceback_(self):
            return str(self).splitlines()
    _what = _error.name or "course_utils"
    raise CourseKernelError(
        f"这个笔记本用的内核 (kernel) 里没有课程需要的 Python 包 {_what}：多半是选错了内核。\\n"
        "怎么办：在课程文件夹里运行 python3 course.py lab 打开 Jupyter，再打开这个笔记本；\\n"
        "或者用菜单 Kernel → Change Kernel… 选择课程的内核「Python 3 (ipykernel)」，然后从头运行。\\n"
        f"Wrong kernel: the Python package {_what} needed by the course is not available here.\\n"
        "Start Jupyter with `python3 course.py lab` in the course folder, or choose the kernel\\n"
        "\\"Python 3 (ipykernel)\\" (Kernel → Change Kernel…), then run the notebook again."
    ) from None
"""


def _rel(path: Path, root: Path = ROOT) -> str:
    """``path`` relative to ``root`` (POSIX) when inside it, else the path itself."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# Targets: which source makes which notebook
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One generated notebook: its source, its path and its kind."""

    source: Path
    path: Path
    kind: str  # "lecture" | "exercise" | "solution" | "instructor"
    kernel: str = "python3"  # a key of KERNELSPECS

    @property
    def executed(self) -> bool:
        return self.kind != "exercise"

    def rel(self) -> str:
        return _rel(self.path)


def solution_name(stem: str) -> str:
    """``L1_exercises`` -> ``L1_solutions`` (else ``<stem>_solutions``).

    >>> solution_name("L1_exercises"), solution_name("L9_extra")
    ('L1_solutions', 'L9_extra_solutions')
    """
    if stem.endswith("_exercises"):
        return stem[: -len("_exercises")] + "_solutions"
    return stem + "_solutions"


def targets(only: list[str] | None = None, root: Path = ROOT) -> list[Target]:
    """Every target, optionally filtered by source-name prefix (``L1``, ``00``)."""
    out: list[Target] = []
    for src in sorted((root / "src" / "lectures").glob("*.py")):
        out.append(Target(src, root / "notebooks" / f"{src.stem}.ipynb", "lecture"))
    for src in sorted((root / "src" / "exercises").glob("*.py")):
        out.append(Target(src, root / "exercises" / f"{src.stem}.ipynb", "exercise"))
        out.append(Target(src, root / "solutions" / f"{solution_name(src.stem)}.ipynb",
                          "solution"))
    for src in sorted((root / "src" / "instructor").glob("*.py")):  # instructors' notebooks
        out.append(Target(src, root / "instructor" / f"{src.stem}.ipynb", "instructor"))
    for src in sorted((root / "src" / "appendix").glob("*.py")):  # optional, own kernel
        out.append(Target(src, root / "notebooks" / f"{src.stem}.ipynb", "lecture", "course-spark"))
    if only:
        out = [t for t in out if any(t.source.stem == k or t.source.stem.startswith(k)
                                     for k in only)]
    # The start page (00_*) lists the notebooks that exist: build it last.
    return sorted(out, key=lambda t: t.source.stem.startswith("00"))


# --------------------------------------------------------------------------
# Source -> notebook (no execution)
# --------------------------------------------------------------------------
def validate_markers(text: str, source: Path, allow: bool) -> None:
    """Raise BuildError for unbalanced/nested markers or a region crossing a cell."""
    open_kind: str | None = None
    open_line = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        m = MARKER_RE.match(line)
        if m is None:
            if INSERT_RE.match(line) and not allow:
                raise BuildError(f"{source}:{lineno}: '# INSERT' is only allowed in src/exercises/*.py")
            if INSERT_RE.match(line) and open_kind != "SOLUTION":
                # only solution notebooks (executed; their cache keys include the course code) hold it
                raise BuildError(f"{source}:{lineno}: '# INSERT' must stand inside a SOLUTION region")
            if MARKER_ANY_RE.search(line):
                raise BuildError(f"{source}:{lineno}: a marker must be alone on its line: "
                                 f"{line.strip()!r}")
            if CELL_RE.match(line) and open_kind:
                raise BuildError(f"{source}:{lineno}: new cell inside the "
                                 f"{open_kind} region opened at line {open_line} "
                                 f"(missing '# END {open_kind}')")
            continue
        if not allow:
            raise BuildError(f"{source}:{lineno}: solution/placeholder markers are only "
                             "allowed in src/exercises/*.py")
        action, kind = m.groups()
        if action == "BEGIN":
            if open_kind:
                raise BuildError(f"{source}:{lineno}: '# BEGIN {kind}' inside the "
                                 f"{open_kind} region opened at line {open_line}")
            open_kind, open_line = kind, lineno
        else:
            if open_kind != kind:
                what = f"the {open_kind} region opened at line {open_line}" if open_kind \
                    else "no open region"
                raise BuildError(f"{source}:{lineno}: '# END {kind}' does not match {what}")
            open_kind = None
    if open_kind:
        raise BuildError(f"{source}:{open_line}: '# BEGIN {open_kind}' is never closed")


def strip_regions(code: str, keep: str) -> str:
    """Keep the ``keep`` regions ("SOLUTION"/"PLACEHOLDER"), drop the other kind.

    >>> strip_regions("a = 1\\n# BEGIN SOLUTION\\nb = 2\\n# END SOLUTION\\n"
    ...               "# BEGIN PLACEHOLDER\\nb = ____\\n# END PLACEHOLDER", "PLACEHOLDER")
    'a = 1\\nb = ____'
    """
    out, region = [], None
    for line in code.split("\n"):
        m = MARKER_RE.match(line)
        if m:
            region = m.group(2) if m.group(1) == "BEGIN" else None
            continue
        if region is None or region == keep:
            out.append(line)
    return "\n".join(out)


def expand_inserts(code: str, where: str) -> str:
    """Replace each ``# INSERT <module>:<name>`` line by that string, indented like the line.

    >>> expand_inserts("x = 1\\n    # INSERT tools.nbbuild:BACKUP_DIR", "demo.py")
    'x = 1\\n    backups'
    """
    out = []
    for line in code.split("\n"):
        m = INSERT_RE.match(line)
        if m is None:
            out.append(line)
            continue
        indent, module, name = m.groups()
        try:
            obj = importlib.import_module(module)
            for part in name.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise BuildError(f"{where}: cannot insert {module}:{name} ({type(exc).__name__}: {exc})") from None
        if not isinstance(obj, str):
            raise BuildError(f"{where}: {module}:{name} is not a text ({type(obj).__name__}): nothing to insert")
        out.extend(indent + t if t else t for t in obj.strip("\n").split("\n"))
    return "\n".join(out)


#: Names the ``parameters`` cell must set, per target kind (instructors' notebooks
#: read progress files, not a bank).
REQUIRED_PARAMETERS = {"instructor": ("PROGRESS_DIR",)}


def _parameters_ok(nb, kind: str = "lecture") -> bool:
    names = REQUIRED_PARAMETERS.get(kind, ("SEED", "N_CUSTOMERS"))
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return all(re.search(rf"^{name}\s*=", cell.source, re.M) for name in names)
    return False


def _output_cell(cell, keep: str, lecture: bool, source: Path):
    """The output cell for one jupytext cell, or None when this build drops it."""
    import nbformat

    tags = list(cell.metadata.get("tags", []))
    if lecture and any(t in tags for t in BUILD_TAGS):
        raise BuildError(f"{_rel(source)}: tags {BUILD_TAGS} are for src/exercises only")
    drop_tag = "exercise-only" if keep == "SOLUTION" else "solution-only"
    if drop_tag in tags:
        return None
    meta = {k: copy.deepcopy(v) for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
    tags = [t for t in tags if t not in BUILD_TAGS]
    if tags:
        meta["tags"] = tags
    else:
        meta.pop("tags", None)
    if cell.cell_type == "code":
        code = strip_regions(cell.source, keep)
        if not lecture:
            code = expand_inserts(code, _rel(source))
        code = code.strip("\n")
        if not code.strip():
            return None  # a cell that only held the other build's region
        return nbformat.v4.new_code_cell(source=code, metadata=meta)
    if cell.cell_type == "markdown":
        return nbformat.v4.new_markdown_cell(source=cell.source, metadata=meta)
    return nbformat.v4.new_raw_cell(source=cell.source, metadata=meta)


def add_kernel_guard(nb) -> None:
    """Put :data:`KERNEL_GUARD` at the top of the first code cell of ``nb`` (in place).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("SEED = 1")])
    >>> add_kernel_guard(nb); nb.cells[0].source.endswith("SEED = 1"), "course.py lab" in nb.cells[0].source
    (True, True)
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            if not cell.source.startswith(KERNEL_GUARD):
                cell.source = KERNEL_GUARD + cell.source
            return


def generate(target: Target):
    """The notebook for ``target`` from its source, not executed (nbformat node)."""
    import jupytext
    import nbformat

    text = target.source.read_text(encoding="utf-8")
    lecture = target.kind in ("lecture", "instructor")
    validate_markers(text, _rel(target.source), allow=not lecture)
    keep = "SOLUTION" if target.kind == "solution" else "PLACEHOLDER"
    cells = [_output_cell(c, keep, lecture, target.source)
             for c in jupytext.reads(text, fmt="py:percent").cells]
    out = nbformat.v4.new_notebook(cells=[c for c in cells if c is not None])
    add_kernel_guard(out)
    if target.kind == "lecture":  # slide / sub-slide / skip from the headings (explicit metadata wins)
        from tools.present import slide_tags
        slide_tags(out)
    for i, cell in enumerate(out.cells):
        cell.id = f"c{i:03d}"
    out.metadata = {"kernelspec": dict(KERNELSPECS[target.kernel]),
                    "language_info": copy.deepcopy(LANGUAGE_INFO)}
    if not _parameters_ok(out, target.kind):
        names = " and ".join(REQUIRED_PARAMETERS.get(target.kind, ("SEED", "N_CUSTOMERS")))
        raise BuildError(f"{_rel(target.source)}: needs a code cell tagged 'parameters' that sets "
                         f"{names} (first code cell: "
                         "'# %% tags=[\"parameters\"]')")
    return out


# --------------------------------------------------------------------------
# Execution: a child process per notebook, bounded in time
# --------------------------------------------------------------------------
def kernel_env(base: dict | None = None) -> dict:
    """Environment for every kernel the build and the tests start.

    PYTHONHASHSEED=0 (stable set/dict order of strings), the inline matplotlib
    backend (``MPLBACKEND=Agg`` inherited from ``course.py test`` would stop
    figures from appearing in outputs), progress logging off.

    >>> kernel_env({})["PYTHONHASHSEED"]
    '0'
    """
    env = dict(os.environ if base is None else base)
    env["PYTHONHASHSEED"] = "0"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["COURSE_PROGRESS_FILE"] = "off"
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # course_utils and tools importable even without the .pth file.
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]]
                                                       if env.get("PYTHONPATH") else []))
    return env


def kill_tree(proc: subprocess.Popen) -> None:
    """Kill ``proc`` and its children (a kernel included), on POSIX and Windows.

    ``proc`` must have been started with ``start_new_session=True`` (POSIX).
    """
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, 9)
        else:  # pragma: no cover - Windows
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                           capture_output=True, check=False)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def run_bounded(cmd: list[str], timeout: float, cwd: Path = ROOT) -> tuple[int | None, str]:
    """Run ``cmd`` (kernel environment, own process group), output captured.

    Returns ``(returncode, output)``; ``returncode`` is None when the run took
    longer than ``timeout`` seconds and its whole process tree was killed (a
    hung kernel must fail a build or a test, never stall it).
    """
    proc = subprocess.Popen(cmd, cwd=cwd, env=kernel_env(), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(proc)
        out, _ = proc.communicate()
        return None, out
    return proc.returncode, out


def _execute_in_process(nb, cwd: Path, cell_timeout: int, kernel: str = "python3"):
    """Run ``nb`` with nbclient here (the child process of :func:`execute`)."""
    from nbclient import NotebookClient

    os.environ.update(kernel_env())
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name=kernel,
                            resources={"metadata": {"path": str(cwd)}},
                            record_timing=False, store_widget_state=False,
                            startup_timeout=120, allow_errors=False)
    client.execute()
    return nb


def _exec_child(argv: list[str]) -> int:
    """``python -m tools.nbbuild --_exec IN OUT CWD CELL_TIMEOUT`` (internal)."""
    import nbformat

    src, dst, cwd, cell_timeout = argv[:4]
    nb = nbformat.read(src, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    _execute_in_process(nb, Path(cwd), int(cell_timeout), kernel)
    nbformat.write(nb, dst)
    return 0


def execute(nb, cwd: Path, cell_timeout: int = CELL_TIMEOUT,
            total_timeout: int = NOTEBOOK_TIMEOUT, label: str = "notebook"):
    """Execute ``nb`` in a child process (killed after ``total_timeout`` s)."""
    import nbformat

    with tempfile.TemporaryDirectory(prefix="nbbuild-") as tmp:
        src, dst = Path(tmp) / "in.ipynb", Path(tmp) / "out.ipynb"
        nbformat.write(nb, src)
        cmd = [sys.executable, "-m", "tools.nbbuild", "--_exec", str(src), str(dst),
               str(cwd), str(cell_timeout)]
        returncode, log = run_bounded(cmd, total_timeout)
        if returncode is None:
            raise BuildError(f"{label}: execution took longer than {total_timeout} s "
                             "(hung kernel?)")
        if returncode != 0:
            raise BuildError(f"{label}: execution failed:\n{log[-4000:]}")
        return nbformat.read(dst, as_version=4)


def normalise(nb, executed: bool, kernel: str | None = None):
    """Deterministic metadata/outputs plus the build record: what gets written to disk."""
    kernel = kernel or nb.metadata.get("kernelspec", {}).get("name", "python3")  # generate() set it
    nb.metadata = {"kernelspec": dict(KERNELSPECS.get(kernel, KERNELSPEC)),
                   "language_info": copy.deepcopy(LANGUAGE_INFO)}
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i:03d}"
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if not executed:
            cell.outputs = []
            cell.execution_count = None
            continue
        for out in cell.outputs:
            data = out.get("data")
            if data and WIDGET_VIEW_MIME in data:
                # Widget models have random ids and no saved state: keep the static
                # preview (image / text) that WidgetExercise puts next to the view.
                data.pop(WIDGET_VIEW_MIME)
                if set(data) <= {"text/plain"}:
                    data["text/plain"] = "（交互控件 (widget)：运行这个单元格即可显示）"
    nb.metadata[RECORD_KEY] = {"cells_sha256": cells_fingerprint(nb)}
    return nb


# --------------------------------------------------------------------------
# Writing without destroying a person's edits
# --------------------------------------------------------------------------
def _joined(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def cells_fingerprint(nb) -> str:
    """sha256 (hex) of what a person writes in a notebook: every cell's type and source.

    Outputs, execution counts and metadata do not count; a source stored as a
    list of lines (as in the .ipynb file) equals the same source as one string.

    >>> a = {"cells": [{"cell_type": "code", "source": ["x = 1\\n", "y = 2"], "outputs": []}]}
    >>> b = {"cells": [{"cell_type": "code", "source": "x = 1\\ny = 2", "outputs": ["ran"]}]}
    >>> cells_fingerprint(a) == cells_fingerprint(b)
    True
    >>> b["cells"][0]["source"] = "x = 1\\ny = 3"
    >>> cells_fingerprint(a) == cells_fingerprint(b)
    False
    """
    payload = [[c["cell_type"], _joined(c.get("source", "")), c.get("attachments") or {}]
               for c in nb["cells"]]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_fingerprint(nb) -> str | None:
    """The ``cells_sha256`` the build recorded in ``nb``'s metadata (None: no record).

    >>> recorded_fingerprint({"metadata": {"nbbuild": {"cells_sha256": "ab12"}}})
    'ab12'
    >>> recorded_fingerprint({"metadata": {}}) is None
    True
    """
    record = (nb.get("metadata") or {}).get(RECORD_KEY)
    value = record.get("cells_sha256") if isinstance(record, dict) else None
    return value if isinstance(value, str) else None


#: Why a notebook is backed up before it is replaced: (Chinese, English).
BACKUP_REASONS = {
    "edited": ("自上次构建以来被修改过", "was edited since the last build"),
    "unrecorded": ("没有构建记录，且与新构建的版本不同",
                   "has no build record and differs from the new build"),
    "unreadable": ("无法作为笔记本读取", "cannot be read as a notebook"),
}


def edit_status(path: Path, new_fingerprint: str) -> str | None:
    """Whether the notebook at ``path`` holds something a rebuild would destroy.

    None when it may be replaced silently: its cells equal what the last build
    recorded, or already equal the new build (``new_fingerprint``). Otherwise a
    key of :data:`BACKUP_REASONS`: ``"edited"`` (cells differ from the record),
    ``"unrecorded"`` (no record, cells differ from the new build) or
    ``"unreadable"`` (not notebook JSON).
    """
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        current = cells_fingerprint(old)
        recorded = recorded_fingerprint(old)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return "unreadable"
    if current == new_fingerprint:
        return None
    if recorded is None:
        return "unrecorded"
    return None if current == recorded else "edited"


def back_up(path: Path, now: datetime | None = None) -> Path:
    """Copy ``path`` to ``<folder>/backups/<stem>-<YYYYmmdd-HHMMSS>.ipynb``; the copy's path.

    Local time of ``now`` (default: the current time); never overwrites an
    existing backup (``-2``, ``-3`` ... are appended instead). The copy keeps
    the original's modification time.
    """
    data = path.read_bytes()
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = (now or datetime.now()).strftime(BACKUP_TIME_FORMAT)
    n = 1
    while True:
        dst = folder / f"{path.stem}-{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}"
        try:
            with open(dst, "xb") as fh:
                fh.write(data)
            break
        except FileExistsError:
            n += 1
    shutil.copystat(path, dst)
    if dst.read_bytes() != data:  # pragma: no cover - a full or failing disk
        raise OSError(f"backup {dst} does not match {path}")
    return dst


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, then rename it over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Written:
    """What :func:`write_notebook` did to one notebook."""

    path: Path
    changed: bool                 # the file's content changed
    backup: Path | None = None    # where the previous, edited version was kept
    reason: str | None = None     # key of BACKUP_REASONS when backup is set

    def message(self, root: Path = ROOT) -> str:
        """Two lines (Chinese, English) saying where the edited version went; '' if none."""
        if self.backup is None:
            return ""
        zh, en = BACKUP_REASONS[self.reason or "edited"]
        nb, copy_ = _rel(self.path, root), _rel(self.backup, root)
        return (f"{nb} {zh}：你的版本已备份 (backup) 到 {copy_}，原位置换成了新构建的笔记本。\n"
                f"{nb} {en}: your version was kept in {copy_}; "
                "the rebuilt notebook took its place.")


def write_notebook(nb, path: Path, now: datetime | None = None) -> Written:
    """Write ``nb`` to ``path`` unless the bytes are already there; never lose edits.

    A notebook that :func:`edit_status` reports is first copied by
    :func:`back_up` (``now`` names the copy). Written atomically, UTF-8, LF.
    """
    import nbformat

    data = (nbformat.writes(nb) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = reason = None
    if path.exists():
        old = path.read_bytes()
        if old.replace(b"\r\n", b"\n") == data:  # a CRLF checkout counts as unchanged
            return Written(path, changed=False)
        reason = edit_status(path, cells_fingerprint(nb))
        if reason:
            try:
                backup = back_up(path, now)
            except OSError as exc:
                raise BuildError(f"{_rel(path)}: could not back up the edited notebook "
                                 f"({exc}); left unchanged") from exc
    try:
        _write_atomic(path, data)
    except OSError as exc:
        kept = f"; your version is also in {_rel(backup)}" if backup else ""
        raise BuildError(f"{_rel(path)}: could not write ({exc}); left unchanged{kept}") from exc
    return Written(path, changed=True, backup=backup, reason=reason)


def build(target: Target, run: bool = True, now: datetime | None = None) -> Written:
    """Generate (and execute) one target and write it; nothing is touched on failure."""
    nb = generate(target)
    executed = target.executed and run
    if executed:
        target.path.parent.mkdir(parents=True, exist_ok=True)
        if target.kernel == "course-spark":  # the appendix's kernel lives in .venv-spark
            from tools.spark_env import ensure as ensure_spark
            ensure_spark(quiet=True)
        nb = execute(nb, cwd=target.path.parent, label=target.rel())
    return write_notebook(normalise(nb, executed=executed, kernel=target.kernel), target.path, now=now)


# --------------------------------------------------------------------------
# --check: committed notebooks up to date with their sources (no execution)
# --------------------------------------------------------------------------
def _cell_signature(cell) -> dict:
    meta = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA}
    return {"cell_type": cell["cell_type"], "source": cell["source"], "metadata": meta}


def check_target(target: Target) -> list[str]:
    """Differences between the committed notebook and its source (empty = fresh)."""
    import nbformat

    if not target.path.exists():
        return [f"{target.rel()}: missing (run python -m tools.nbbuild)"]
    want = generate(target)
    try:
        got = nbformat.read(target.path, as_version=4)
    except Exception as exc:  # noqa: BLE001
        return [f"{target.rel()}: unreadable ({exc})"]
    problems = []
    if got.metadata.get("kernelspec", {}).get("name") != target.kernel:
        problems.append(f"{target.rel()}: kernelspec is not {target.kernel}")
    if len(want.cells) != len(got.cells):
        problems.append(f"{target.rel()}: {len(got.cells)} cells, source gives "
                        f"{len(want.cells)}")
    for i, (w, g) in enumerate(zip(want.cells, got.cells)):
        sw, sg = _cell_signature(w), _cell_signature(g)
        if sw != sg:
            what = [k for k in sw if sw[k] != sg[k]]
            problems.append(f"{target.rel()}: cell {i} differs from "
                            f"{_rel(target.source)} ({', '.join(what)})")
            break
    recorded = recorded_fingerprint(got)
    if problems and recorded is not None and recorded != cells_fingerprint(got):
        problems.append(f"{target.rel()}: edited by hand since it was built (a rebuild keeps "
                        f"that version in {_rel(target.path.parent / BACKUP_DIR)}/)")
    return problems


def orphans(root: Path = ROOT) -> list[str]:
    """Generated notebooks with no source (renamed/deleted sources)."""
    expected = {t.path for t in targets(root=root)}
    found = []
    for folder in ("notebooks", "exercises", "solutions"):
        for p in sorted((root / folder).glob("*.ipynb")):
            if p not in expected:
                found.append(f"{p.relative_to(root).as_posix()}: no source in src/")
    return found


def check_all(only: list[str] | None = None, root: Path = ROOT) -> list[str]:
    """Every freshness problem (``--check``)."""
    problems: list[str] = []
    for t in targets(only, root=root):
        try:
            problems.extend(check_target(t))
        except BuildError as exc:
            problems.append(str(exc))
    if not only:
        problems.extend(orphans(root))
    return problems


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------
EPILOG = """\
Edited notebooks are kept / 修改过的笔记本会被保留:
  A notebook in notebooks/, exercises/ or solutions/ that was edited since the
  last build (or has no build record and differs from the new build) is copied
  to a backups/ folder next to it, e.g.
  exercises/backups/L1_exercises-20261130-101500.ipynb, before the rebuilt
  notebook replaces it; the build prints where. Backups are never deleted.
  重新构建前，被修改过的笔记本会先复制到同一文件夹下的 backups/ 中（文件名带时间），
  构建结束时会列出备份位置；备份不会被自动删除。
"""


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m tools.nbbuild",
                                 description=__doc__.split("\n")[0], epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", metavar="PREFIX",
                    help="only sources whose file name starts with PREFIX (e.g. L1, 00)")
    ap.add_argument("--check", action="store_true",
                    help="verify committed notebooks match their sources; no execution")
    ap.add_argument("--no-execute", action="store_true",
                    help="write notebooks without executing them (drafts; --check still passes,"
                         " the executed-notebook tests will not)")
    ap.add_argument("--list", action="store_true", help="list targets and exit")
    ap.add_argument("--root", type=Path, default=ROOT, metavar="DIR",
                    help="repository tree to build (default: this checkout; used by the tests)")
    return ap


def cmd_check(only: list[str] | None, root: Path) -> int:
    problems = check_all(only, root=root)
    for p in problems:
        print(f"OUT OF DATE  {p}")
    if not problems:
        print(f"[nbbuild] {len(targets(only, root=root))} notebooks up to date")
    return 1 if problems else 0


def cmd_build(only: list[str] | None, root: Path, run: bool = True) -> int:
    todo = targets(only, root=root)
    if not todo:
        print("[nbbuild] nothing to build", file=sys.stderr)
        return 1
    # Validate every source before spending time on execution.
    try:
        for t in todo:
            generate(t)
    except BuildError as exc:
        print(f"[nbbuild] ERROR {exc}", file=sys.stderr)
        return 2
    # A notebook that did not exist yet must appear on the start page: rebuild it too.
    if only and any(not t.path.exists() for t in todo):
        todo += [t for t in targets(["00"], root=root) if t not in todo]
    failed, backups = 0, []
    for t in todo:
        print(f"[nbbuild] {t.kind:9s} {_rel(t.path, root)} ...", flush=True)
        try:
            written = build(t, run=run)
        except BuildError as exc:
            failed += 1
            print(f"[nbbuild] ERROR {exc}", file=sys.stderr, flush=True)
            continue
        print(f"[nbbuild]   {'written' if written.changed else 'unchanged'}", flush=True)
        if written.backup:
            backups.append(written)
            for line in written.message(root).splitlines():
                print(f"[nbbuild]   {line}", flush=True)
    if backups:
        print(f"[nbbuild] {len(backups)} 个修改过的笔记本已备份 "
              f"/ {len(backups)} edited notebook(s) kept:")
        for w in backups:
            print(f"[nbbuild]   {_rel(w.path, root)} -> {_rel(w.backup, root)}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--_exec"]:  # child process of execute()
        return _exec_child(argv[1:])
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    if args.list:
        for t in targets(args.only, root=root):
            print(f"{t.kind:9s} {_rel(t.source, root)} -> {_rel(t.path, root)}")
        return 0
    if args.check:
        return cmd_check(args.only, root)
    return cmd_build(args.only, root, run=not args.no_execute)


if __name__ == "__main__":
    raise SystemExit(main())
