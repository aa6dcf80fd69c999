"""Redraw time of every widget exercise at the default dataset size.

    python benchmarks/bench_widgets.py                # every notebook source
    python benchmarks/bench_widgets.py --only L1      # sources whose name starts with L1
    python benchmarks/bench_widgets.py --changes 10   # control changes per widget

How it finds the widgets: every notebook source (``src/lectures/*.py``,
``src/exercises/*.py``, solution regions kept) that has a cell tagged
``widget-exercise`` is run in this process up to its last such cell, with the
parameters cell at its defaults (SEED / N_CUSTOMERS from course_utils.config).
Every :class:`~course_utils.exercises.widgets.WidgetExercise` created on the
way lands in the engine's registry (``widgets.registered()``); later lectures'
widget exercises are therefore picked up without changing this script.

What is measured: for each widget, each control is changed in turn to another
valid value (slider +/- one step, next dropdown option, text edited, checkbox
toggled) ``--changes`` times in total; the wall time of the assignment is what
a trainee waits for after moving a control (the observer re-runs the plain
render function and encodes the PNG / HTML), minus the browser round trip.
Writes benchmarks/results/widgets.md. Goal: <= 150 ms per redraw. Figures
only; no assertion.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_PROGRESS_FILE", "off")

GOAL_MS = 150.0
RESULT = ROOT / "benchmarks" / "results" / "widgets.md"


def _sources(only: list[str] | None) -> list[Path]:
    files = sorted((ROOT / "src" / "lectures").glob("*.py")) + \
        sorted((ROOT / "src" / "exercises").glob("*.py"))
    if only:
        files = [f for f in files if any(f.name.startswith(o) for o in only)]
    return files


def _code_cells(path: Path):
    import jupytext

    from tools.nbbuild import strip_regions

    nb = jupytext.read(path)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    last = max((i for i, c in enumerate(cells)
                if "widget-exercise" in c.metadata.get("tags", [])), default=-1)
    for cell in cells[:last + 1]:
        tags = cell.metadata.get("tags", [])
        if "exercise-only" in tags:
            continue
        yield strip_regions(cell.source, "SOLUTION")


def run_source(path: Path) -> float:
    """Execute a notebook source up to its last widget cell; return seconds taken."""
    ns: dict = {"__name__": "__bench__", "display": lambda *a, **k: None}
    t0 = time.perf_counter()
    old_cwd = os.getcwd()
    os.chdir(ROOT / ("notebooks" if path.parent.name == "lectures" else "exercises"))
    try:
        for code in _code_cells(path):
            lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))]
            exec(compile("\n".join(lines), f"{path.name}", "exec"), ns)  # noqa: S102
    finally:
        os.chdir(old_cwd)
    return time.perf_counter() - t0


def _next_value(widget, i: int):
    """Another valid value for a control (cycles so repeated changes differ)."""
    import ipywidgets as W

    if isinstance(widget, (W.FloatSlider, W.IntSlider, W.BoundedFloatText, W.BoundedIntText,
                           W.FloatLogSlider)):
        step = widget.step or 1
        up = widget.value + step
        return up if up <= widget.max else widget.value - step
    if isinstance(widget, (W.FloatRangeSlider, W.IntRangeSlider)):
        lo, hi = widget.value
        step = widget.step or 1
        return (lo, hi - step) if hi - step > lo else (lo, hi + step)
    if hasattr(widget, "options") and not isinstance(widget, W.SelectMultiple):
        opts = list(widget.options)
        values = [o[1] if isinstance(o, tuple) else o for o in opts]
        if not values:
            return widget.value
        try:
            k = values.index(widget.value)
        except ValueError:
            k = -1
        return values[(k + 1 + i) % len(values)] if len(values) > 1 else widget.value
    if isinstance(widget, W.Checkbox):
        return not widget.value
    if isinstance(widget, (W.Text, W.Textarea)):
        return f"事件{i}"
    if isinstance(widget, (W.FloatText, W.IntText)):
        return widget.value + 1
    return widget.value


def bench_app(app, changes: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times (ms) of ``changes`` control changes, each one redraw.

    CPU time (this process) shows the redraw's own cost when other jobs share
    the cores; wall time is what a trainee waits for on this machine now.
    """
    names = list(app.controls)
    wall: list[float] = []
    cpu: list[float] = []
    for i in range(changes):
        w = app.controls[names[i % len(names)]]
        new = _next_value(w, i)
        if new == w.value:
            continue
        c0, t0 = time.process_time(), time.perf_counter()
        w.value = new  # observer -> render(values) -> PNG/HTML into the Output
        wall.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
    if app.errors:
        print(f"  {app.name}: {len(app.errors)} render error(s); last:\n{app.errors[-1]}")
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="source name prefixes (e.g. L1)")
    ap.add_argument("--changes", type=int, default=12, help="control changes per widget")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)

    from course_utils import config
    from course_utils.exercises import widgets

    rows = []
    for src in _sources(args.only):
        before = set(widgets.registered())
        apps_before = {k: id(v) for k, v in widgets.registered().items()}
        try:
            secs = run_source(src)
        except Exception as exc:  # noqa: BLE001 - report and go on
            print(f"[bench_widgets] {src.name}: failed: {type(exc).__name__}: {exc}")
            continue
        new = {k: v for k, v in widgets.registered().items()
               if k not in before or apps_before.get(k) != id(v)}
        if not new:
            continue
        print(f"[bench_widgets] {src.relative_to(ROOT)}: set-up {secs:.1f} s, "
              f"{len(new)} widget(s)")
        for name, app in sorted(new.items()):
            wall, cpu = bench_app(app, args.changes)
            if not wall:
                continue
            med, worst, cmed = statistics.median(wall), max(wall), statistics.median(cpu)
            if med <= GOAL_MS:
                verdict = "ok"
            elif cmed <= GOAL_MS:
                verdict = "ok on CPU time (wall time inflated by load)"
            else:
                verdict = "SLOW"
            rows.append((str(src.relative_to(ROOT)), name, len(wall), med, worst, cmed, verdict))
            print(f"  {name}: wall median {med:.0f} ms (max {worst:.0f}), CPU median "
                  f"{cmed:.0f} ms over {len(wall)} changes")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Widget redraw time (one control change -> render + PNG encoding)",
        "",
        f"Generated by `python benchmarks/bench_widgets.py` — SEED={config.DEFAULT_SEED}, "
        f"N_CUSTOMERS={config.DEFAULT_CUSTOMERS:,}; goal ≤ {GOAL_MS:.0f} ms per redraw "
        "(browser round trip not included).",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average at the end {load:.2f} (other jobs shared the cores).",
        "",
        "| source | widget | changes | wall median (ms) | wall max (ms) | CPU median (ms) | verdict |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for src, name, n, med, worst, cmed, verdict in rows:
        lines.append(f"| {src} | {name} | {n} | {med:.0f} | {worst:.0f} | {cmed:.0f} | {verdict} |")
    if not rows:
        lines.append("| (no widget exercise found) | | | | | | |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULT.parent.mkdir(parents=True, exist_ok=True)
        RESULT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
