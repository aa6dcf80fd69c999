"""Wall time of ``python3 course.py cohort`` for 30 trainees at the default size (goal <= 3 min).

    python benchmarks/bench_cohort.py                       # seed 11, 5,000 customers, 30 trainees
    python benchmarks/bench_cohort.py --seed 11 --customers 5000 --trainees 30 --jobs 2

Runs ``python -m tools.cohort`` into a temporary folder twice: a cold build (new seed, so the
dataset is generated and every notebook executed) and a re-run with the same arguments (the
idempotent path: nothing rebuilt). Records wall time, CPU time of the whole process tree
(children's user + system), the 1-minute load average before and after, the sizes of the packs,
and writes benchmarks/results/cohort.md. Figures only; no assertion.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 180.0
OUT = ROOT / "benchmarks" / "results" / "cohort.md"


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(args: list[str]) -> tuple[float, float, float, float, str]:
    """(wall s, CPU s, load before, load after, stdout) of one cohort run."""
    load0 = os.getloadavg()[0]
    cpu0, t0 = _children_cpu(), time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "tools.cohort", *args, "--no-progress"], cwd=ROOT,
                       env=dict(os.environ, PYTHONHASHSEED="0"), capture_output=True, text=True,
                       timeout=3600)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if r.returncode != 0:
        raise SystemExit(f"cohort failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return wall, cpu, load0, os.getloadavg()[0], r.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--trainees", type=int, default=30)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-cohort-"))
    folder = tmp / "bench"
    args = ["--name", "bench", "--seed", str(a.seed), "--customers", str(a.customers),
            "--trainees", str(a.trainees), "--jobs", str(a.jobs), "--out", str(folder)]
    try:
        cold = run(args)
        warm = run(args)
        packs = sorted((folder / "packs").glob("*.zip"))
        per = sorted((folder / "packs" / "trainees").glob("*.zip"))
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in packs)
        per_size = sum(p.stat().st_size for p in per) / 1e6
        summary = [line for line in cold[4].splitlines() if line.startswith("  ")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    verdict = "ok" if cold[0] <= GOAL_S else "over the goal"
    lines = [
        "# Benchmark: preparing a cohort (`python3 course.py cohort`)",
        "",
        f"`python benchmarks/bench_cohort.py` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {now}. Seed {a.seed} (not the committed data: the dataset is "
        f"generated), {a.customers:,} customers, {a.trainees} trainees, {a.jobs} notebooks executed at "
        "a time. CPU = user + system time of every process of the run (kernels included). Load = "
        "1-minute load average before / after the run (the machine is shared).",
        "",
        "| run | wall time | CPU time | goal | verdict | load before / after |",
        "|---|---:|---:|---:|---|---:|",
        f"| cold (data + 11 notebooks executed + packs) | {cold[0]:.1f} s | {cold[1]:.1f} s | ≤ {GOAL_S:.0f} s "
        f"| {verdict} | {cold[2]:.1f} / {cold[3]:.1f} |",
        f"| re-run, same arguments (nothing rebuilt) | {warm[0]:.1f} s | {warm[1]:.1f} s | | "
        f"{'nothing changed' if 'nothing changed' in warm[4] else 'REBUILT SOMETHING'} "
        f"| {warm[2]:.1f} / {warm[3]:.1f} |",
        "",
        f"Packs: {sizes}; {len(per)} per-trainee packs, {per_size:.0f} MB together.",
        "",
        "What the cold run printed:",
        "",
        "```",
        *summary,
        "```",
        "",
    ]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
