"""Benchmark: the synthetic bank as Parquet vs CSV, and pandas 3's pyarrow-backed strings.

    .venv/bin/python benchmarks/bench_parquet.py                      # 1,000,000 customers
    .venv/bin/python benchmarks/bench_parquet.py --customers 100000   # a quicker look

1. Generating: ``python -m course_utils generate --format csv`` and ``--format parquet``
   in child processes: wall time, CPU time of all processes, peak summed RSS of the
   process tree, size on disk.
2. Loading: ``load_bank(folder)`` from each format in a child process (wall, CPU of all
   threads, peak RSS), and a digest of every loaded table (values and dtypes) that must
   be equal for both formats. When the machine has less free memory than a full load
   needs, each table is loaded by its own ``load_bank(folder, tables=[t])`` call (each
   also reads the id columns of customers / products for the reference check) and the
   times are summed; the results file says which was done.
3. pyarrow-backed strings: with pyarrow installed pandas 3 stores text as
   ``ArrowStringArray``. ``load_bank(tables=["transactions"])`` from CSV and ``rfm()`` on
   the transactions (the lectures' largest table and a hot path) are timed with the
   package as it was before this work (``--before``, a git revision, checked out into a
   temporary folder) with Python-object strings (``pd.options.future.infer_string =
   False``) and with pyarrow strings, and with the current package. ``rfm()`` results
   must be bit-identical in every setting.

Results go to ``benchmarks/results/parquet.md``. The machine is shared: CPU times are the
comparable figures, wall times follow the load average shown.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_generate import _watch_tree  # noqa: E402

from course_utils import config  # noqa: E402
from course_utils.datagen import TABLES  # noqa: E402

#: Revision of the package before Parquet and the pyarrow-string fixes (parent of the first
#: Parquet commit).
BEFORE = "963da16"
NOTE = ("What changed for pyarrow strings: the loader's checks compare neighbouring ids and hash text columns in Arrow (`pc.not_equal`, `pd.factorize` on the Arrow array) and decode code columns with an Arrow `take` instead of building a Python string per row; `rfm()` ranks the ids in Arrow (`pd.factorize` + `pc.array_sort_indices`) instead of converting 40 M ids to Python strings. `rfm()` keeps its sort so the sums add up in the same order (bit-identical results); summing per id with `np.bincount` (no sort) was tried and rejected: it changes `monetary` in the last bit for about half of the customers (measured at 100,000 customers).")
#: Peak memory of a full load_bank at 1 M customers (measured at 100 k: ~1.2 GB) with margin.
FULL_LOAD_BYTES_PER_CUSTOMER = 14_000


def _free() -> float:
    import psutil
    return float(psutil.virtual_memory().available)


def generate(n: int, seed: int, fmt: str, out: Path) -> dict:
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            f"subprocess.run([sys.executable,'-m','course_utils','generate','--customers','{n}',"
            f"'--seed','{seed}','--out',r'{out}','--format','{fmt}','--no-progress'],check=True,"
            "stdout=subprocess.DEVNULL);w=time.perf_counter()-t;"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);print(w, u.ru_utime + u.ru_stime)")
    load = os.getloadavg()[0]
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONHASHSEED": "0"})
    peak = _watch_tree(proc)
    stdout, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"generating {n} customers as {fmt} failed")
    wall, cpu = map(float, stdout.split())
    files = [p for p in out.iterdir() if p.suffix in (".csv", ".parquet")]
    return {"fmt": fmt, "wall": wall, "cpu": cpu, "peak_gb": peak / 1024 ** 3, "files": len(files),
            "mb": sum(p.stat().st_size for p in files) / 1e6, "load": load}


_LOAD_CHILD = r"""
import hashlib, json, resource, sys, time
import pandas as pd
args = json.loads(sys.argv[1])
if args["strings"] == "object":
    import warnings
    warnings.simplefilter("ignore")
    pd.options.future.infer_string = False
from course_utils import data
from course_utils.features import rfm

def digest(df):
    h = hashlib.sha256(str(list(df.dtypes.astype(str).items())).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()

folder = args["folder"]
if args.get("csv_only"):
    data.table_format = lambda f=None: "csv"       # the 'before' package has no table_format
res = {"tables": {}, "load_wall": 0.0, "load_cpu": 0.0}
groups = [args["tables"]] if args["mode"] == "together" else [[t] for t in args["tables"]]
for group in groups:
    w0, c0 = time.perf_counter(), time.process_time()
    bank = data.load_bank(folder, tables=group)
    res["load_wall"] += time.perf_counter() - w0    # the load calls only, not the digests
    res["load_cpu"] += time.process_time() - c0
    if args["digest"]:
        for t in group:
            res["tables"][t] = digest(bank[t])
    if args["rfm"]:
        tx = bank.transactions
        res["id_dtype"] = repr(tx["customer_id"].dtype)
        best = None
        for _ in range(2):
            w0, p0 = time.perf_counter(), time.process_time()
            r = rfm(tx, "2024-01-01")
            w, p = time.perf_counter() - w0, time.process_time() - p0
            best = (w, p) if best is None or p < best[1] else best
        res["rfm_wall"], res["rfm_cpu"] = best
        h = hashlib.sha256("|".join(map(str, r.index)).encode())
        for col in ("recency_days", "frequency", "monetary"):
            h.update(str(r[col].dtype).encode() + r[col].to_numpy().tobytes())
        res["rfm_digest"] = h.hexdigest()             # values bit for bit (the index dtype follows the strings)
        res["rfm_index_dtype"] = str(r.index.dtype)
    del bank
res["maxrss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
print(json.dumps(res))
"""


def load(folder: Path, tables, mode: str, strings: str = "pyarrow", package: Path = ROOT,
         digest: bool = False, rfm: bool = False, csv_only: bool = False) -> dict:
    args = {"folder": str(folder), "tables": list(tables), "mode": mode, "strings": strings,
            "digest": digest, "rfm": rfm, "csv_only": csv_only}
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(package)}
    r = subprocess.run([sys.executable, "-c", _LOAD_CHILD, json.dumps(args)], cwd=tempfile.gettempdir(),
                       env=env, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"load of {folder} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _before_package(rev: str, dest: Path) -> Path:
    archive = subprocess.run(["git", "archive", rev, "course_utils"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=config.DEFAULT_SEED)
    ap.add_argument("--before", default=BEFORE, help="git revision of the package 'before'")
    ap.add_argument("--work", default=None, help="folder for the generated banks (default: a temporary one)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "parquet.md"))
    a = ap.parse_args()
    n = a.customers
    work = Path(a.work or tempfile.mkdtemp(prefix="bench_parquet_"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        gens = {}
        for fmt in ("csv", "parquet"):
            out = work / fmt
            if out.exists():
                shutil.rmtree(out)
            gens[fmt] = generate(n, a.seed, fmt, out)
            print(f"generate {fmt}: {gens[fmt]}", flush=True)

        need = FULL_LOAD_BYTES_PER_CUSTOMER * n
        mode = "together" if _free() > need else "per table"
        loads = {}
        for fmt in ("parquet", "csv"):
            loads[fmt] = load(work / fmt, TABLES, mode, digest=True)
            print(f"load {fmt} ({mode}): wall {loads[fmt]['load_wall']:.1f} s, cpu {loads[fmt]['load_cpu']:.1f} s, "
                  f"rss {loads[fmt]['maxrss_gb']:.2f} GB", flush=True)
        same = loads["csv"]["tables"] == loads["parquet"]["tables"]
        print("CSV and Parquet loads equal:", same, flush=True)

        before = _before_package(a.before, Path(tempfile.mkdtemp(prefix="before_", dir=work)))
        tx = ["transactions"]
        runs = [("before", "object", before, "csv"), ("before", "pyarrow", before, "csv"),
                ("now", "object", ROOT, "csv"), ("now", "pyarrow", ROOT, "csv"), ("now", "pyarrow", ROOT, "parquet")]
        strings = []
        for code, kind, pkg, fmt in runs:
            r = load(work / fmt, tx, "together", strings=kind, package=pkg, rfm=True, csv_only=(fmt == "csv"))
            r.update(code=code, strings=kind, fmt=fmt)
            strings.append(r)
            print(f"{code} {kind} {fmt}: load cpu {r['load_cpu']:.1f} s, rfm cpu {r['rfm_cpu']:.2f} s "
                  f"({r['id_dtype']})", flush=True)
        rfm_same = len({r["rfm_digest"] for r in strings}) == 1
        print("rfm identical in every setting:", rfm_same, flush=True)
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)

    import pandas as pd
    import pyarrow as pa
    c, p = gens["csv"], gens["parquet"]
    lines = [
        "# Benchmark: Parquet vs CSV, and pyarrow-backed strings",
        "",
        f"`python benchmarks/bench_parquet.py{'' if n == 1_000_000 else f' --customers {n}'}` on "
        f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
        f"pandas {pd.__version__}, pyarrow {pa.__version__}, started {started}. {n:,} customers, seed {a.seed}. "
        "CPU = user + system time of every process (generation: 2 worker processes) or of every thread "
        "(loading: pyarrow reads with threads). The machine is shared: CPU time is the comparable figure, "
        "wall time grows with the 1-minute load average (shown).",
        "",
        "## Generate and load",
        "",
        "| format | generate wall | generate CPU | peak memory (all processes) | size on disk | load_bank wall "
        "| load_bank CPU | load peak RSS | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for fmt, name in (("csv", "CSV (UTF-8 with BOM)"), ("parquet", "Parquet (zstd)")):
        g, ld = gens[fmt], loads[fmt]
        lines.append(f"| {name} | {g['wall']:.0f} s | {g['cpu']:.0f} s | {g['peak_gb']:.2f} GB | {g['mb']:,.0f} MB "
                     f"| {ld['load_wall']:.0f} s | {ld['load_cpu']:.0f} s | {ld['maxrss_gb']:.1f} GB | {g['load']:.1f} |")
    lines += [
        "",
        f"Parquet / CSV: size {p['mb'] / c['mb']:.2f}×, generate CPU {p['cpu'] / c['cpu']:.2f}×, "
        f"load_bank CPU {loads['parquet']['load_cpu'] / loads['csv']['load_cpu']:.2f}× "
        f"(same run). load_bank: {'one call for all 13 tables' if mode == 'together' else 'one call per table (not enough free memory for all tables at once; the times are summed, each call also reads the customers / products id columns)'}, "
        "every check included (manifest hashes, types, keys, codes, ranges, references). "
        f"Loaded tables equal (values and dtypes, every table): **{'yes' if same else 'NO'}**.",
        "",
        "## pyarrow-backed strings (`load_bank(tables=['transactions'])` from CSV, then `rfm()`)",
        "",
        f"Transactions of {n:,} customers; `before` = the package at `{a.before}` (before this work), `now` = "
        "the current package; `object` = Python-object strings (`pd.options.future.infer_string = False`, "
        "pandas 3 without pyarrow behaves so), `pyarrow` = pandas 3's default with pyarrow installed. "
        "rfm: best of 2 runs.",
        "",
        "| package | strings | file | load CPU | load wall | rfm() CPU | rfm() wall | peak RSS |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in strings:
        lines.append(f"| {r['code']} | {r['strings']} | {r['fmt']} | {r['load_cpu']:.1f} s | {r['load_wall']:.1f} s "
                     f"| {r['rfm_cpu']:.2f} s | {r['rfm_wall']:.2f} s | {r['maxrss_gb']:.1f} GB |")
    lines += ["", NOTE]
    lines += ["", f"rfm() results bit-identical in every row (ids, recency, frequency, monetary to the last bit; the index dtype is `str` with pyarrow strings, `object` without): **{'yes' if rfm_same else 'NO'}**.",
              "", f"1-minute load average at the end: {os.getloadavg()[0]:.1f}."]
    Path(a.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
