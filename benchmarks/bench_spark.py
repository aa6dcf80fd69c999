"""Benchmark: pandas vs Spark local[2] for RFM + the Lecture 3 churn features, 100k / 1M / 10M customers.

Both engines start from the same Parquet bank (one ``<table>.parquet`` per table, or a
folder of parts) and compute the same two things:

* RFM of the last 365 days at ``L2_CUTOFF`` (``features.rfm`` / ``spark.rfm_spark``),
* the churn feature table at ``L3_TEST_CUTOFF`` (``churn.build_churn_table`` /
  ``spark.churn_features_spark``).

pandas reads the needed tables with pyarrow (dates as ``datetime64``) and keeps the results in memory;
Spark reads with ``read_bank`` and writes both results to the ``noop`` sink (computed in
full, not collected). Each (engine, size) runs in its own child process; wall time is
measured by the parent from start to exit (Spark's JVM start included), peak memory is
the largest summed RSS of the child's whole process tree (the JVM included), sampled
every 0.2 s with psutil. A pandas run can be capped (``--pandas-cap-gb``, RLIMIT_AS) so
that it fails with MemoryError instead of taking the shared machine down.

Data: 100k and 1M customers come from the generator (``python -m course_utils generate``,
Parquet; or CSV converted with ``load_bank`` when the generator has no ``--format``);
10M is the 1M bank replicated 10 times with shifted customer ids (generating 10M takes
too long here), written as folders of 10 parts per table.

Run:  .venv/bin/python benchmarks/bench_spark.py --sizes 100000 1000000 10000000
Writes benchmarks/results/spark.md (sizes not run keep no row).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._measure import measure  # noqa: E402
from tools import spark_env  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "spark.md"
TABLES = ["customers", "transactions", "balances", "holdings", "accounts", "messages", "app_usage"]
SEED = 2024
BASE = 1_000_000  # the size replicated for 10M

_PANDAS = r"""
import json, sys, time
import pandas as pd
from pathlib import Path
from course_utils import features
from course_utils.churn import build_churn_table
from course_utils.config import L2_CUTOFF, L3_TEST_CUTOFF
folder, tables = Path(sys.argv[1]), json.loads(sys.argv[2])
t0 = time.monotonic()
import pyarrow.parquet as pq
# date32 columns as datetime64 (pandas' default would make them Python date objects: slow for pandas)
tb = {t: pq.read_table(folder / f"{t}.parquet").to_pandas(date_as_object=False) for t in tables}
t1 = time.monotonic()
r = features.rfm(tb["transactions"], L2_CUTOFF, window_days=365)
c = build_churn_table(tb, L3_TEST_CUTOFF)
t2 = time.monotonic()
print("BENCH " + json.dumps({"read_s": t1 - t0, "compute_s": t2 - t1, "rows_tx": len(tb["transactions"]),
                             "rfm_rows": len(r), "churn_rows": len(c)}), flush=True)
"""

_SPARK = r"""
import json, sys, time
from course_utils import spark as cs
from course_utils.config import L2_CUTOFF, L3_TEST_CUTOFF
folder, tables, mem = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
t0 = time.monotonic()
spark = cs.get_session("local[2]", driver_memory=mem)
t1 = time.monotonic()
t = cs.read_bank(folder, tables)
cs.rfm_spark(t["transactions"], L2_CUTOFF, window_days=365).write.format("noop").mode("overwrite").save()
cs.churn_features_spark(t, L3_TEST_CUTOFF).write.format("noop").mode("overwrite").save()
t2 = time.monotonic()
rows = t["transactions"].count()
print("BENCH " + json.dumps({"session_s": t1 - t0, "compute_s": t2 - t1, "rows_tx": rows}), flush=True)
spark.stop()
"""


def watch(cmd, env=None, preexec=None) -> dict:
    """Run ``cmd``; wall seconds, peak summed RSS of its process tree (GiB), its output."""
    m = measure(cmd, cwd=ROOT, env=env, preexec=preexec)
    res = {"wall_s": m.wall_s, "peak_gib": m.peak_gib, "rc": m.returncode}
    out = m.output
    lines = [ln for ln in out.splitlines() if ln.startswith("BENCH ")]
    if lines:
        res.update(json.loads(lines[-1][6:]))
    else:
        res["error"] = out.strip().splitlines()[-1][:200] if out.strip() else f"exit {m.returncode}"
        res["log"] = out[-3000:]
    return res


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------
def _has_format_flag() -> bool:
    r = subprocess.run([sys.executable, "-m", "course_utils", "generate", "--help"], capture_output=True,
                       text=True, cwd=ROOT)
    return "--format" in r.stdout


def make_bank(n: int, data_root: Path) -> Path:
    """Parquet bank of ``n`` customers under ``data_root`` (reused when present)."""
    folder = data_root / f"pq_{n}"
    if (folder / "transactions.parquet").exists():
        return folder
    if n > BASE:
        return replicate(make_bank(BASE, data_root), n // BASE, folder)
    if _has_format_flag():
        subprocess.run([sys.executable, "-m", "course_utils", "generate", "--customers", str(n), "--seed",
                        str(SEED), "--out", str(folder), "--format", "parquet", "--no-progress"],
                       check=True, cwd=ROOT)
        return folder
    csv = data_root / f"csv_{n}"
    if not (csv / "MANIFEST.json").exists():
        subprocess.run([sys.executable, "-m", "course_utils", "generate", "--customers", str(n), "--seed",
                        str(SEED), "--out", str(csv), "--no-progress"], check=True, cwd=ROOT)
    code = ("import sys; from pathlib import Path; from course_utils.data import load_bank\n"
            "b = load_bank(sys.argv[1], tables=sys.argv[3].split(','))\n"
            "out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)\n"
            "[df.to_parquet(out / f'{n}.parquet', index=False) for n, df in b.tables.items()]\n")
    subprocess.run([sys.executable, "-c", code, str(csv), str(folder), ",".join(TABLES)], check=True, cwd=ROOT)
    shutil.rmtree(csv, ignore_errors=True)
    return folder


def replicate(base: Path, times: int, out: Path) -> Path:
    """``times`` copies of the ``base`` bank with shifted customer ids, one part per copy and table."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for t in TABLES:
        (tmp / f"{t}.parquet").mkdir(parents=True)
        src = pq.ParquetFile(base / f"{t}.parquet")
        n_base = None
        for k in range(times):
            with pq.ParquetWriter(tmp / f"{t}.parquet" / f"part-{k:02d}.parquet", src.schema_arrow) as w:
                for batch in src.iter_batches(batch_size=2_000_000):
                    tb = pa.Table.from_batches([batch])
                    ids = tb.column("customer_id").cast(pa.string())
                    num = pc.cast(pc.utf8_slice_codeunits(ids, 1), pa.int64())
                    n_base = n_base or BASE
                    new = pc.binary_join_element_wise(
                        "C", pc.utf8_lpad(pc.cast(pc.add(num, k * n_base), pa.string()), 8, "0"), "")
                    idx = tb.schema.get_field_index("customer_id")
                    tb = tb.set_column(idx, tb.schema.field(idx), new.cast(tb.schema.field(idx).type))
                    w.write_table(tb)
    os.replace(tmp, out)
    return out


# --------------------------------------------------------------------------
# runs
# --------------------------------------------------------------------------
def run_pandas(folder: Path, cap_gb: float | None) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0")

    def limit():
        if cap_gb:
            b = int(cap_gb * 1024 ** 3)
            resource.setrlimit(resource.RLIMIT_AS, (b, b))

    return watch([sys.executable, "-c", _PANDAS, str(folder), json.dumps(TABLES)], env=env, preexec=limit)


def run_spark(folder: Path, driver_memory: str) -> dict:
    py = spark_env.ensure(quiet=True)
    return watch([str(py), "-c", _SPARK, str(folder), json.dumps(TABLES), driver_memory],
                 env=spark_env.spark_environ())


def _fmt_size(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def ratio_lines(rows: list[dict]) -> list[str]:
    """Spark vs pandas per size (both measured), and the pandas memory extrapolation (an estimate)."""
    by = {(r["size"], r["engine"] == "pandas"): r for r in rows if r.get("rc") == 0 and "compute_s" in r}
    out = ["", "| customers | Spark / pandas wall time | Spark / pandas compute | pandas / Spark peak memory |",
           "|---|---|---|---|"]
    for n in sorted({k[0] for k in by}):
        p, s = by.get((n, True)), by.get((n, False))
        if p and s:
            out.append(f"| {_fmt_size(n)} | {s['wall_s'] / p['wall_s']:.1f}x | {s['compute_s'] / p['compute_s']:.1f}x "
                       f"| {p['peak_gib'] / s['peak_gib']:.1f}x |")
    big = [r for (n, is_pd), r in by.items() if is_pd and n >= 1_000_000]
    notes = []
    if big:
        r = max(big, key=lambda r: r["size"])
        per_m = r["peak_gib"] / (r["size"] / 1e6)
        notes.append(f"pandas peak memory grows about linearly ({per_m:.1f} GiB per million customers at "
                     f"{_fmt_size(r['size'])}): estimated {per_m * 10:.0f} GiB at 10M customers, so pandas runs "
                     f"out of this 24 GiB machine from about {24 / per_m:.1f}M customers (an extrapolation, "
                     "not a measurement).")
    return out + ([""] + [f"- {n}" for n in notes] if notes else [])


def write_results(rows: list[dict], args) -> None:
    rows = sorted(rows, key=lambda r: (r["size"], r["engine"] != "pandas"))
    load = os.getloadavg()
    lines = [
        "# pandas vs Spark benchmark (bench_spark.py)", "",
        "Command: `.venv/bin/python benchmarks/bench_spark.py --sizes 100000 1000000 10000000 --pandas-cap-gb 18 "
        "--results-json rows.json` "
        "(each size and engine in its own child process; sizes may be run in separate invocations).", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared with other jobs), "
        f"Python {platform.python_version()}, PySpark 4.3.0 (local[2], driver memory {args.spark_memory}), "
        "Java 17" + ("." if args.report_only else f"; 1-min load average at the end: {load[0]:.1f}."), "",
        "Work: RFM of the last 365 days + the Lecture 3 churn feature table (one cut-off), read from Parquet. "
        "Wall time = child process start to exit (Python import / JVM start included); "
        "peak memory = largest summed RSS of the whole process tree (JVM included), sampled every 0.2 s.", "",
        "| customers | transactions | engine | wall time (s) | of which reading / session start (s) | "
        "compute (s) | peak memory (GiB) | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        first = r.get("read_s", r.get("session_s"))
        ok = "ok" if r.get("rc") == 0 and "compute_s" in r else f"failed: {r.get('error', '')}"
        lines.append(f"| {r['size_label']} | {r.get('rows_tx', r.get('rows_hint', 0)):,} | {r['engine']} | "
                     f"{r['wall_s']:.1f} | {'' if first is None else f'{first:.1f}'} | "
                     f"{'' if 'compute_s' not in r else format(r['compute_s'], '.1f')} | {r['peak_gib']:.2f} | {ok} |")
    lines += ratio_lines(rows)
    lines += [f"- {n}" for n in args.notes]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--engines", nargs="+", default=["pandas", "spark"])
    ap.add_argument("--data", type=Path, default=Path("/tmp/course-bench-spark"))
    ap.add_argument("--spark-memory", default="4g")
    ap.add_argument("--pandas-cap-gb", type=float, default=None,
                    help="address-space cap of the pandas child (GiB): MemoryError instead of the OOM killer")
    ap.add_argument("--keep-data", action="store_true")
    ap.add_argument("--results-json", type=Path, default=None, help="append raw rows here too")
    ap.add_argument("--note", action="append", default=[], help="a line for the Notes section")
    ap.add_argument("--report-only", action="store_true", help="only rewrite the results from --results-json")
    args = ap.parse_args()
    args.notes = args.note
    if args.report_only:
        write_results(json.loads(args.results_json.read_text()), args)
        return
    args.data.mkdir(parents=True, exist_ok=True)
    rows = []
    old = []
    if args.results_json and args.results_json.exists():
        old = json.loads(args.results_json.read_text())
    for n in args.sizes:
        folder = make_bank(n, args.data)
        for engine in args.engines:
            t0 = time.monotonic()
            r = run_pandas(folder, args.pandas_cap_gb) if engine == "pandas" else run_spark(folder, args.spark_memory)
            r.update(engine=engine if engine == "pandas" else "Spark local[2]", size=n, size_label=_fmt_size(n))
            r.pop("log", None) if r.get("rc") == 0 else print(r.get("log", ""))
            print(f"{_fmt_size(n)} {engine}: {r['wall_s']:.1f} s, peak {r['peak_gib']:.2f} GiB, rc {r['rc']} "
                  f"({time.monotonic() - t0:.0f} s)", flush=True)
            rows.append(r)
            if args.results_json:
                args.results_json.write_text(json.dumps(old + rows, indent=1))
    if not args.keep_data:
        shutil.rmtree(args.data, ignore_errors=True)
    write_results(old + rows, args)


if __name__ == "__main__":
    main()
