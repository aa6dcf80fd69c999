"""Benchmark: wall time and peak memory of writing the synthetic bank.

    python benchmarks/bench_generate.py          # default dataset + 100,000 customers
    python benchmarks/bench_generate.py --full   # ... + 1,000,000 customers

Each size runs in a child process (``python -m course_utils generate``) so the peak
resident memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``) is that run's own.
The time includes everything the command does: the CPU-independent math of the
generator (``course_utils/datagen/detmath.py``), writing into a temporary folder,
hashing every file into MANIFEST.json and the final rename. On a shared machine read
the CPU time: the wall time grows with the load average shown in the table.
Results go to ``benchmarks/results/generate.md``. Targets (issue #2): default <= 10 s,
100k <= 30 s, 1M <= 5 min and <= 12 GB, on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks._measure import measure  # noqa: E402
from course_utils import config  # noqa: E402

TARGETS = {config.DEFAULT_CUSTOMERS: 10, 100_000: 30, 1_000_000: 300}


def _target(n: int) -> str:
    return f"≤ {TARGETS[n]} s" if n in TARGETS else "–"


def run(n: int, seed: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix=f"bank{n}_"))
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            f"subprocess.run([sys.executable,'-m','course_utils','generate','--customers','{n}',"
            f"'--seed','{seed}','--out',r'{out}','--no-progress'],check=True,stdout=subprocess.DEVNULL);"
            "w=time.perf_counter()-t;"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(w, u.ru_maxrss, u.ru_utime + u.ru_stime)")
    load0 = os.getloadavg()[0]
    m = measure([sys.executable, "-c", code], cwd=ROOT, stderr=None)   # stderr stays on the terminal
    if m.returncode:
        raise SystemExit(f"generation of {n} customers failed")
    wall, rss_kb, cpu = m.output.split()
    size = sum(p.stat().st_size for p in out.glob("*.csv"))
    rows = {p.stem: sum(1 for _ in p.open("rb")) - 1 for p in out.glob("*.csv")} if n <= 100_000 else {}
    shutil.rmtree(out)
    return {"n": n, "wall": float(wall), "cpu": float(cpu), "rss_gb": int(rss_kb) / 1024 ** 2, "tree_gb": m.peak_gib, "size_mb": size / 1e6,
            "load": load0, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="also 1,000,000 customers")
    ap.add_argument("--seed", type=int, default=config.DEFAULT_SEED)
    ap.add_argument("--sizes", type=int, nargs="*", help="explicit list of sizes instead")
    a = ap.parse_args()
    sizes = a.sizes or [config.DEFAULT_CUSTOMERS, 100_000] + ([1_000_000] if a.full else [])
    res = []
    for n in sizes:
        r = run(n, a.seed)
        print(f"{n:>9,} customers: {r['wall']:.1f} s (CPU {r['cpu']:.1f} s), peak {r['rss_gb']:.2f} GB (all processes {r['tree_gb']:.2f} GB), {r['size_mb']:.0f} MB, "
              f"load {r['load']:.1f}", flush=True)
        res.append(r)
    lines = ["# Benchmark: generating the synthetic bank", "",
             f"`python benchmarks/bench_generate.py{' --full' if a.full else ''}` on "
             f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Each run is "
             "`python -m course_utils generate` in a child process (behaviour chunks are built by 2 "
             "worker processes when there is more than one chunk). Peak memory = largest max RSS of "
             "a single process (getrusage); all processes = peak of the summed RSS of the process "
             "tree (psutil, sampled every 0.2 s). "
             "CPU = user + system time summed over all processes of the run. Load = 1-minute load average when the run "
             "started (the machine is shared by several jobs).", "",
             "| customers | wall time | CPU time | target | peak memory (1 process) | all processes | CSV size | load |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in res:
        lines.append(f"| {r['n']:,} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {_target(r['n'])} | {r['rss_gb']:.2f} GB | {r['tree_gb']:.2f} GB | "
                     f"{r['size_mb']:.0f} MB | {r['load']:.1f} |")
    if res and res[0]["rows"]:
        lines += ["", f"Rows at {res[0]['n']:,} customers: " +
                  ", ".join(f"{k} {v:,}" for k, v in sorted(res[0]["rows"].items())) + "."]
    dest = ROOT / "benchmarks" / "results" / "generate.md"
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
