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

Markers in ``src/exercises/*.py`` (whole lines, inside one code cell)::

    # BEGIN SOLUTION / # END SOLUTION        kept only in solutions/
    # BEGIN PLACEHOLDER / # END PLACEHOLDER  kept only in exercises/

Cell tags ``solution-only`` / ``exercise-only`` keep a whole cell (markdown or
code) in one build only; these two tags are removed from the output. Markers
never appear in generated notebooks; unbalanced or nested markers, a marker
in a lecture source, or a missing ``parameters`` cell (with ``SEED`` and
``N_CUSTOMERS``) stop the build with an error naming the file and line.

Execution: nbclient, kernel ``python3``, working directory = the output
notebook's folder (what a trainee gets in Jupyter; data loads through
course_utils, never through ../ paths), a per-cell timeout and an overall
timeout (the notebook runs in a child process that is killed when it
overruns), kernel environment with PYTHONHASHSEED=0, the inline matplotlib
backend and the progress log switched off. Metadata is normalised (fixed
kernelspec and language_info, no timings, no widget state, cell ids from the
cell position) so a rebuild with nothing changed writes byte-identical files.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
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


class BuildError(Exception):
    """A source problem; the message names the file and line."""


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


# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One generated notebook: its source, its path and its kind."""

    source: Path
    path: Path
    kind: str  # "lecture" | "exercise" | "solution"

    @property
    def executed(self) -> bool:
        return self.kind != "exercise"

    def rel(self) -> str:
        return _rel(self.path)


def _rel(path: Path) -> str:
    """Repo-relative POSIX path when inside the repo, else the path itself."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


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


def _parameters_ok(nb) -> bool:
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            src = cell.source
            return bool(re.search(r"^SEED\s*=", src, re.M)
                        and re.search(r"^N_CUSTOMERS\s*=", src, re.M))
    return False


def generate(target: Target):
    """The notebook for ``target`` from its source, not executed (nbformat node)."""
    import jupytext
    import nbformat

    text = target.source.read_text(encoding="utf-8")
    validate_markers(text, _rel(target.source), allow=target.kind != "lecture")
    nb = jupytext.reads(text, fmt="py:percent")
    keep = "SOLUTION" if target.kind == "solution" else "PLACEHOLDER"
    drop_tag = "exercise-only" if target.kind == "solution" else "solution-only"
    cells = []
    for cell in nb.cells:
        tags = list(cell.metadata.get("tags", []))
        if drop_tag in tags:
            continue
        if target.kind == "lecture" and any(t in tags for t in BUILD_TAGS):
            raise BuildError(f"{_rel(target.source)}: tags {BUILD_TAGS} are for "
                             "src/exercises only")
        meta = {k: copy.deepcopy(v) for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        tags = [t for t in tags if t not in BUILD_TAGS]
        if tags:
            meta["tags"] = tags
        else:
            meta.pop("tags", None)
        source = cell.source
        if cell.cell_type == "code":
            source = strip_regions(source, keep).strip("\n")
            if not source.strip():
                continue  # a cell that only held the other build's region
            new = nbformat.v4.new_code_cell(source=source, metadata=meta)
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(source=source, metadata=meta)
        else:
            new = nbformat.v4.new_raw_cell(source=source, metadata=meta)
        cells.append(new)
    out = nbformat.v4.new_notebook(cells=cells)
    for i, cell in enumerate(out.cells):
        cell.id = f"c{i:03d}"
    out.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": copy.deepcopy(LANGUAGE_INFO)}
    if not _parameters_ok(out):
        raise BuildError(f"{_rel(target.source)}: needs a code cell tagged 'parameters' that sets "
                         "SEED and N_CUSTOMERS (first code cell: "
                         "'# %% tags=[\"parameters\"]')")
    return out


# --------------------------------------------------------------------------
# Execution and normalisation
# --------------------------------------------------------------------------
def normalise(nb, executed: bool):
    """Deterministic metadata/outputs: what gets written to disk."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": copy.deepcopy(LANGUAGE_INFO)}
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i:03d}"
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if not executed:
            cell.outputs = []
            cell.execution_count = None
            continue
        outputs = []
        for out in cell.outputs:
            data = out.get("data")
            if data and WIDGET_VIEW_MIME in data:
                # Widget models have random ids and no saved state: keep the static
                # preview (image / text) that WidgetExercise puts next to the view.
                data.pop(WIDGET_VIEW_MIME)
                if set(data) <= {"text/plain"}:
                    data["text/plain"] = "（交互控件 (widget)：运行这个单元格即可显示）"
            outputs.append(out)
        cell.outputs = outputs
    return nb


def _execute_in_process(nb, cwd: Path, cell_timeout: int):
    from nbclient import NotebookClient

    os.environ.update(kernel_env())
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}},
                            record_timing=False, store_widget_state=False,
                            startup_timeout=120, allow_errors=False)
    client.execute()
    return nb


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


def write_notebook(nb, path: Path) -> bool:
    """Write if the bytes differ; True when the file changed."""
    import nbformat

    text = nbformat.writes(nb) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def build(target: Target, run: bool = True) -> bool:
    """Generate (and execute) one target; returns True if the file changed."""
    nb = generate(target)
    if target.executed and run:
        target.path.parent.mkdir(parents=True, exist_ok=True)
        nb = execute(nb, cwd=target.path.parent, label=target.rel())
    return write_notebook(normalise(nb, executed=target.executed and run), target.path)


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
    if got.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append(f"{target.rel()}: kernelspec is not python3")
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
def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--_exec"]:  # child process: execute one notebook
        import nbformat
        src, dst, cwd, cell_timeout = argv[1:5]
        nb = nbformat.read(src, as_version=4)
        _execute_in_process(nb, Path(cwd), int(cell_timeout))
        nbformat.write(nb, dst)
        return 0
    ap = argparse.ArgumentParser(prog="python -m tools.nbbuild", description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", metavar="PREFIX",
                    help="only sources whose file name starts with PREFIX (e.g. L1, 00)")
    ap.add_argument("--check", action="store_true",
                    help="verify committed notebooks match their sources; no execution")
    ap.add_argument("--no-execute", action="store_true",
                    help="write notebooks without executing them (drafts; --check still passes,"
                         " the executed-notebook tests will not)")
    ap.add_argument("--list", action="store_true", help="list targets and exit")
    args = ap.parse_args(argv)
    if args.list:
        for t in targets(args.only):
            print(f"{t.kind:9s} {_rel(t.source)} -> {t.rel()}")
        return 0
    if args.check:
        problems = check_all(args.only)
        for p in problems:
            print(f"OUT OF DATE  {p}")
        if not problems:
            print(f"[nbbuild] {len(targets(args.only))} notebooks up to date")
        return 1 if problems else 0
    todo = targets(args.only)
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
    if any(not t.path.exists() for t in todo) and args.only:
        todo += [t for t in targets(["00"]) if t not in todo]
    failed = 0
    for t in todo:
        print(f"[nbbuild] {t.kind:9s} {t.rel()} ...", flush=True)
        try:
            changed = build(t, run=not args.no_execute)
            print(f"[nbbuild]   {'written' if changed else 'unchanged'}", flush=True)
        except BuildError as exc:
            failed += 1
            print(f"[nbbuild] ERROR {exc}", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
