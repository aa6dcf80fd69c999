"""Papermill wall time per notebook at the default size (kernel start included).

    python benchmarks/bench_notebooks.py                 # every notebook
    python benchmarks/bench_notebooks.py --only L1 00    # names starting with L1 or 00
    python benchmarks/bench_notebooks.py --repeat 2      # best of 2 runs

Runs each committed notebook (notebooks/, exercises/, solutions/) with papermill
exactly as the test suite does (kernel python3, per-cell timeout, the notebook's
folder as working directory, SEED / N_CUSTOMERS at the defaults), measures the
wall time of the whole subprocess and writes benchmarks/results/notebooks.md.
Goals: <= 30 s per notebook on 2 cores, and (Lectures 3-5) within 4x the empty-notebook
baseline measured in the same run. Figures only; no assertion.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils import config  # noqa: E402
from tools.nbbuild import run_bounded  # noqa: E402

GOAL_S = 30.0
#: Lectures 3-5: a notebook within this many times the empty-notebook baseline of the same run.
GOAL_RATIO = 4.0
TIMEOUT_S = 600


def _kernel(path: Path) -> str:
    import json

    return json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {}).get("name", "")


def notebooks(only: list[str] | None) -> list[Path]:
    """The notebooks run in the course kernel (the Spark appendix has its own: bench_spark.py)."""
    paths = [p for folder in ("notebooks", "exercises", "solutions")
             for p in sorted((ROOT / folder).glob("*.ipynb")) if _kernel(p) == "python3"]
    if only:
        paths = [p for p in paths if any(p.stem.startswith(k) for k in only)]
    return paths


def empty_notebook():
    """The baseline: one parameters cell, kernel python3 (interpreter + papermill + kernel start)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "SEED = 0\nN_CUSTOMERS = 0", metadata={"tags": ["parameters"]})])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def run_once(path: Path, seed: int, n: int, cwd: Path | None = None) -> tuple[float, bool, str]:
    """Papermill wall time of ``path`` (working directory ``cwd``, default its folder), ok, output tail."""
    with tempfile.TemporaryDirectory(prefix="bench-nb-") as tmp:
        cmd = [sys.executable, "-m", "papermill", str(path), str(Path(tmp) / path.name),
               "-k", "python3", "--cwd", str(cwd or path.parent), "--execution-timeout", "300",
               "-p", "SEED", str(seed), "-p", "N_CUSTOMERS", str(n),
               "--no-progress-bar", "--log-level", "WARNING"]
        t0 = time.perf_counter()
        returncode, out = run_bounded(cmd, TIMEOUT_S)
        if returncode is None:
            return time.perf_counter() - t0, False, "timeout"
        return time.perf_counter() - t0, returncode == 0, out[-500:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", help="notebook name prefixes")
    ap.add_argument("--repeat", type=int, default=1, help="runs per notebook (best is kept)")
    ap.add_argument("--seed", type=int, default=config.DEFAULT_SEED)
    ap.add_argument("--customers", type=int, default=config.DEFAULT_CUSTOMERS)
    ap.add_argument("--note", action="append", default=[], help="a line for the notes under the table")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "notebooks.md"))
    args = ap.parse_args()

    rows = []
    # Baseline: an empty notebook (python + papermill + kernel start, nothing else). Its time
    # swings with the machine's state (3.0-4.0 s on the same quiet machine minutes apart), more
    # than a lecture's margin. So every notebook run is paired with a baseline run just before
    # it, and each notebook is compared with its own baselines: ratio = best notebook time /
    # best of its paired baseline times (the same number of samples on both sides).
    import nbformat
    base_runs: list[float] = []
    measured = []
    with tempfile.TemporaryDirectory(prefix="bench-base-") as tmp:
        empty = Path(tmp) / "empty.ipynb"
        nbformat.write(empty_notebook(), empty)
        run_once(empty, args.seed, args.customers)          # warm-up (disk cache), not counted
        for path in notebooks(args.only):
            times, bases, ok, tail = [], [], True, ""
            for _ in range(args.repeat):
                bases.append(run_once(empty, args.seed, args.customers)[0])
                t, good, tail = run_once(path, args.seed, args.customers)
                times.append(t)
                ok = ok and good
            base_runs += bases
            rel = path.relative_to(ROOT).as_posix()
            print(f"{rel:40s} {min(times):6.1f} s  baseline {min(bases):.1f} s  "
                  f"{min(times) / min(bases):4.1f}x", flush=True)
            if not ok:
                print(tail, file=sys.stderr)
            measured.append((rel, min(times), min(bases), ok))
    for rel, best, base, ok in measured:
        ratio = best / base
        verdict = ("FAILED" if not ok else "over goal" if best > GOAL_S
                   else f"over {GOAL_RATIO:.0f}x baseline" if ratio > GOAL_RATIO else "ok")
        rows.append((rel, best, base, ratio, verdict))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# Notebook execution time (papermill, kernel start included)",
        "",
        f"Generated by `python benchmarks/bench_notebooks.py` — SEED={args.seed}, "
        f"N_CUSTOMERS={args.customers:,}, best of {args.repeat} run(s); goals ≤ {GOAL_S:.0f} s "
        f"per notebook and ≤ {GOAL_RATIO:.0f}× the empty-notebook baseline of the same run.",
        f"Each notebook run follows an empty-notebook run; × baseline = best notebook time / best of "
        f"its own {args.repeat} baseline run(s). All {len(base_runs)} baseline runs ranged "
        f"{min(base_runs):.1f}-{max(base_runs):.1f} s (median {statistics.median(base_runs):.1f} s).",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load average at the end {load:.2f} "
        "(other jobs shared the cores).",
        "",
        "| notebook | wall time (s) | its baseline (s): empty notebook — interpreter, papermill, kernel start "
        "| × baseline | verdict |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [f"| {r} | {t:.1f} | {b:.1f} | {x:.1f} | {v} |" for r, t, b, x, v in rows]
    lines += [""] + [f"- {n}" for n in args.note] if args.note else []
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0 if all(v != "FAILED" for *_, v in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
