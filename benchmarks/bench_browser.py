"""Browser benchmark: how long a trainee waits, measured in a real Chromium.

For every exercise notebook with widget exercises (discovered like the browser
suite does) this starts JupyterLab the way ``python3 course.py lab`` does (on a
copy of the repository), opens the start page, then each notebook, runs all cells and
changes every control of every widget exercise (tests/browser/browserkit.py);
it records, per change, the time from the start of the action (key press,
mouse drag, option chosen, text typed) until the output (chart image / table /
feedback) has settled in its new state. It also times Voila (app mode) for the
first notebook and, unless ``--no-suite``, the whole browser test suite
(``pytest -m browser tests/browser``) as the README's test command runs it.

Goals (issue #4): each widget change visible in <= 2 s; browser suite <= 3 min
on 2 cores. Results: benchmarks/results/browser.md (and printed).

    .venv/bin/python benchmarks/bench_browser.py            # everything
    .venv/bin/python benchmarks/bench_browser.py --no-suite # skip the suite timing
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import browserkit as bk  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "browser.md"
GOAL_CHANGE_S = 2.0
GOAL_SUITE_S = 180.0


def _fmt(xs: list[float]) -> str:
    if not xs:
        return "-"
    return f"{statistics.median(xs):.2f} / {max(xs):.2f}"


def bench_lab(browser, notebooks: list[Path], work: Path
              ) -> tuple[list[str], list[float], float, list[str]]:
    """JupyterLab started as ``python3 course.py lab`` (course.lab_steps) on a repo copy."""
    root = bk.copy_repo(work / "root")
    t0 = time.monotonic()
    server = bk.start_course_lab(root, work / "lab")
    start_s = time.monotonic() - t0
    rows, all_lat, notes = [], [], []
    try:
        page = bk.new_page(browser)
        try:
            home_s = bk.open_lab_home(page, server)
            t1 = time.monotonic()
            report = bk.check_text_rendering(page, bk.current_panel(page), where="start page")
            notes.append(f"Start page (the address Jupyter prints -> default URL, kernel ready): "
                         f"{home_s:.1f} s; Chinese-rendering check: "
                         f"{time.monotonic() - t1:.2f} s, {report.chars} characters, "
                         f"{'OK' if report.ok else 'FAILED'}.")
        finally:
            page.context.close()
            bk.shutdown_kernels(server)
        for nb in notebooks:
            rel = f"exercises/{nb.name}"
            page = bk.new_page(browser)
            try:
                run = bk.check_notebook_in_lab(page, server, rel, root / rel, artifacts=None)
                t1 = time.monotonic()
                report = bk.check_text_rendering(page, bk.current_panel(page), where=rel)
                notes.append(f"{rel}: Chinese-rendering check {time.monotonic() - t1:.2f} s, "
                             f"{report.chars} characters, {len(report.icons)} feedback icons, "
                             f"{'OK' if report.ok else 'FAILED'}.")
            finally:
                page.context.close()
                bk.shutdown_kernels(server)
            for r in run.reports:
                lat = r.latencies
                all_lat += lat
                by_kind: dict[str, list[float]] = {}
                for c in r.controls:
                    if c.latency_s is not None:
                        by_kind.setdefault(f"{c.kind} {c.action.replace(' (pass 2)', '')}",
                                           []).append(c.latency_s)
                kinds = "; ".join(f"{k}: {_fmt(v)}" for k, v in sorted(by_kind.items()))
                rows.append(f"| JupyterLab | {nb.name} | {r.name.split('__')[-1]} | "
                            f"{run.open_s:.1f} | {run.run_s:.1f} | {len(lat)} | {_fmt(lat)} | "
                            f"{sum(x <= GOAL_CHANGE_S for x in lat)}/{len(lat)} | "
                            f"{'OK' if r.ok else 'FAILED'} | {kinds} |")
    finally:
        server.stop()
    return rows, all_lat, start_s, notes


def bench_voila(browser, nb: Path, work: Path) -> tuple[list[str], list[float]]:
    copy = work / "voila" / nb.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(nb.read_bytes())
    t0 = time.monotonic()
    server = bk.start_voila(copy, work / "voila_work")
    start_s = time.monotonic() - t0
    rows, all_lat = [], []
    page = bk.new_page(browser)
    try:
        load_s = bk.open_voila(page, server)
        for i, cell in enumerate(bk.voila_cells(page)):
            r = bk.check_widget_exercise(page, cell, f"voila_{i}", artifacts=None)
            lat = r.latencies
            all_lat += lat
            rows.append(f"| Voila | {nb.name} | exercise {i} | {start_s:.1f} (server) | "
                        f"{load_s:.1f} (page+kernel) | {len(lat)} | {_fmt(lat)} | "
                        f"{sum(x <= GOAL_CHANGE_S for x in lat)}/{len(lat)} | "
                        f"{'OK' if r.ok else 'FAILED'} | |")
    finally:
        page.context.close()
        server.stop()
    return rows, all_lat


def bench_suite() -> tuple[float, str]:
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-m", "browser", "tests/browser",
                           "-q", "-p", "no:cacheprovider"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)
    wall = time.monotonic() - t0
    last = (proc.stdout.strip().splitlines() or ["?"])[-1]
    return wall, last


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-suite", action="store_true", help="skip timing the whole suite")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    exe = bk.find_chromium()
    if exe is None:
        print(bk.missing_browser_message(), file=sys.stderr)
        return 2
    notebooks = bk.discover_widget_notebooks(bk.EXERCISES_DIR)
    if not notebooks:
        print("no exercise notebook with widget exercises found", file=sys.stderr)
        return 2
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench_browser_") as tmp, sync_playwright() as pw:
        browser = bk.launch_browser(pw, exe)
        try:
            lab_rows, lab_lat, lab_start, lab_notes = bench_lab(browser, notebooks, Path(tmp))
            voila_rows, voila_lat = bench_voila(browser, notebooks[0], Path(tmp))
        finally:
            browser.close()
    suite = None if args.no_suite else bench_suite()
    load_after = os.getloadavg()

    lat = lab_lat + voila_lat
    lines = [
        "# Browser benchmark (bench_browser.py)",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Chromium `{exe}`; load average before/after "
        f"{load_before[0]:.1f}/{load_after[0]:.1f} (other work on the machine slows "
        "everything below).",
        "",
        "Change latency = from the start of the action (key press, mouse drag, option "
        "chosen, text typed, button click) until the output (chart / table / feedback) "
        f"has settled in its new state. Goal: <= {GOAL_CHANGE_S:.0f} s each.",
        "",
        f"JupyterLab server start (`course.lab_steps`: trust the lecture notebooks, then "
        f"`jupyter lab` on the repository root): {lab_start:.1f} s.",
        "",
        *[f"- {n}" for n in lab_notes],
        "",
        "| where | notebook | exercise | open s | run all s | changes | latency median / max s "
        "| <= 2 s | check | by control (median / max s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *lab_rows, *voila_rows,
        "",
        f"All changes: {len(lat)}, median {statistics.median(lat):.2f} s, max {max(lat):.2f} s, "
        f"{sum(x <= GOAL_CHANGE_S for x in lat)}/{len(lat)} within {GOAL_CHANGE_S:.0f} s."
        if lat else "No changes measured.",
    ]
    if suite is not None:
        wall, last = suite
        lines += ["", f"Whole browser suite (`pytest -m browser tests/browser`): {wall:.0f} s "
                      f"wall ({'within' if wall <= GOAL_SUITE_S else 'OVER'} the "
                      f"{GOAL_SUITE_S:.0f} s goal) -- `{last}`"]
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
