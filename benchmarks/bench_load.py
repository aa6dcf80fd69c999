"""Benchmark: loading and validating the bank (``course_utils.data``).

Three parts:

1. **Default bank** (5,000 customers, the committed ``datasets/``): ``load_bank()``
   end to end (manifest hashes, reading, types, validation), and the share of
   the validation alone.
2. **Validation at scale** (default 1,000,000 customers, in memory): the typed
   tables of the committed bank are tiled (ids renumbered per copy, so keys
   stay unique and references resolve) to the requested size, then validated
   table by table by the hand-written vectorised checks (``validate_table`` +
   ``validate_references``) and, if ``pandera`` is installed, by an equivalent
   pandera schema (same rules: keys, empty cells, codes, ranges, whole numbers,
   dirt tolerance, date order, references). One table at a time, to bound memory.
3. **CSV load at scale** (``--csv-customers N``, default 100,000; 0 skips): the
   generator's CLI writes a bank to a temp folder, then ``load_bank`` reads it
   with and without validation.

Run:  .venv/bin/python benchmarks/bench_load.py [--customers 1000000] [--csv-customers 100000]
      [--repeat 3] [--tables transactions customers]
Writes benchmarks/results/load.md. pandera is not a course dependency: install it into
the venv (``pip install pandera``) to include the comparison.
"""
from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils import config, data, manifest


def best_of(fn, repeat: int) -> tuple[float, list[float]]:
    """Best and all CPU times of this process (s): fair on a shared, busy machine
    (the code is single-threaded, so CPU time = wall time on an idle one)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times), times


def _fmt(ts) -> str:
    return ", ".join(f"{t:.2f}" for t in ts)


# ---------------------------------------------------------------------------
# 1. default bank
# ---------------------------------------------------------------------------
def bench_default(repeat: int) -> list[str]:
    folder = config.datasets_dir()
    tmp = None
    note = ""
    if manifest.read_manifest(folder) is None:      # before the generator writes one: a copy with one
        tmp = Path(tempfile.mkdtemp(prefix="bench_load_"))
        shutil.copytree(folder, tmp / "ds")
        folder = tmp / "ds"
        manifest.write_manifest(folder, seed=config.DEFAULT_SEED, n_customers=config.DEFAULT_CUSTOMERS,
                                generator_version="bench")
        note = " (datasets/ had no MANIFEST.json yet: timed on a copy with one)"
    data._codes()                                   # imports the generator's code lists once
    best_all, all_runs = best_of(lambda: data.load_bank(folder), repeat)

    def no_validation():
        for t in data.TABLES:
            p = folder / f"{t}.csv"
            data.coerce_table(data._read_csv(p, t), t, p, validate=False)

    best_nov, nov_runs = best_of(no_validation, repeat)
    bank = data.load_bank(folder)
    raw = _typed_default(folder)

    def only_validation():
        for t, df in raw.items():
            data.validate_table(df, t, t)
        data.validate_references(raw, {})

    best_val, val_runs = best_of(only_validation, repeat)
    best_hash, hash_runs = best_of(lambda: manifest.verify_folder(folder), repeat)
    rows = sum(len(v) for v in bank.tables.values())
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return [
        f"## 1. Default bank: {config.DEFAULT_CUSTOMERS:,} customers, 11 tables, {rows:,} rows{note}",
        "",
        "| step | best CPU (s) | all runs (s) |",
        "|---|---|---|",
        f"| `load_bank()` end to end (manifest, read, types, validation) | {best_all:.2f} | {_fmt(all_runs)} |",
        f"| read + types, no validation, no manifest | {best_nov:.2f} | {_fmt(nov_runs)} |",
        f"| validation only (11 tables + references) | {best_val:.3f} | {_fmt(val_runs)} |",
        f"| manifest check only (SHA-256 of 11 files) | {best_hash:.3f} | {_fmt(hash_runs)} |",
        "",
    ]


# ---------------------------------------------------------------------------
# 2. validation at scale (in memory)
# ---------------------------------------------------------------------------
def _typed_default(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """The default tables as ``validate_table`` sees them inside ``load_bank``: dates and
    numbers typed, code columns still the categories ``read_csv`` made of them."""
    folder = folder or config.datasets_dir()
    out = {}
    for t in data.TABLES:
        p = folder / f"{t}.csv"
        df = data.coerce_table(data._read_csv(p, t), t, p, validate=False)
        for c in data.RULES[t].get("codes", {}):
            if c in df.columns:
                df[c] = df[c].astype("str").astype("category")
        out[t] = df
    return out


def _tile(df: pd.DataFrame, all_ids: np.ndarray, copies: int, n_base: int) -> pd.DataFrame:
    """``copies`` copies of a table; customer numbers shifted by ``n_base`` per copy
    (``all_ids[i]`` is the id of customer number ``i + 1``; string objects are shared)."""
    n = len(df)
    k = np.repeat(np.arange(copies), n)
    out = {}
    for c in df.columns:
        v = df[c].to_numpy()
        if c == "customer_id":
            num = df[c].str[1:].astype(np.int64).to_numpy()
            out[c] = pd.array(all_ids[np.tile(num - 1, copies) + k * n_base], dtype="str")
        elif c in ("account_id", "message_id", "call_id"):
            out[c] = pd.array((np.tile(v.astype(object), copies) + "-" + k.astype(str).astype(object)),
                              dtype="str")
        elif isinstance(df[c].dtype, pd.CategoricalDtype):
            out[c] = pd.Categorical.from_codes(np.tile(df[c].cat.codes.to_numpy(), copies), dtype=df[c].dtype)
        elif pd.api.types.is_string_dtype(df[c]):
            out[c] = pd.array(np.tile(v.astype(object), copies), dtype="str")
        else:
            out[c] = np.tile(v, copies)
    return pd.DataFrame(out)


def _pandera_schema(table: str, known: dict[str, pd.Series], n_rows: int):
    """A pandera schema with the same rules as ``data.RULES`` for one table."""
    import pandera.pandas as pa

    rules, spec = data.RULES[table], data.SCHEMA[table]
    codes = data._codes()
    keys = rules.get("keys", [])
    single = {k[0] for k in keys if len(k) == 1}
    notnull = set(rules.get("notnull", [])) | set(spec["ids"])
    limit = max(data.DIRT_MIN_ROWS, int(math.floor(data.DIRT_TOLERANCE * n_rows)))
    cols = {}
    for c in dict.fromkeys(spec["columns"] + spec.get("numeric", []) + list(rules.get("codes", {}))
                           + list(rules.get("ranges", {}))):
        checks = []
        if c in rules.get("codes", {}):
            checks.append(pa.Check.isin(list(codes[rules["codes"][c]])))
        if c in rules.get("ranges", {}):
            lo, hi, whole = rules["ranges"][c]
            if c in rules.get("dirt", []):
                plo, phi = data.PLAUSIBLE[c]
                checks.append(pa.Check(lambda s, plo=plo, phi=phi: int(((s < plo) | (s > phi)).sum()) <= limit,
                                       name="dirt_tolerance"))
                checks.append(pa.Check(lambda s: s.abs() != np.inf, name="finite"))
            else:
                checks.append(pa.Check(lambda s, lo=lo, hi=hi: s.between(lo, hi) & np.isfinite(s), name="range"))
            if whole:
                checks.append(pa.Check(lambda s: np.floor(s) == s, name="whole"))
        ref = rules.get("refs", {}).get(c)
        if ref and ref in known:
            checks.append(pa.Check.isin(known[ref]))
        cols[c] = pa.Column(nullable=c not in notnull, unique=c in single, checks=checks, required=False)
    frame_checks = [pa.Check(lambda df, a=a, b=b: ~(df[b] < df[a]), name=f"{b}>={a}")
                    for a, b in rules.get("order", [])]
    composite = [list(k) for k in keys if len(k) > 1]
    return pa.DataFrameSchema(cols, checks=frame_checks, unique=composite[0] if composite else None)


def bench_scale(n_customers: int, repeat: int, tables: list[str]) -> list[str]:
    try:
        import pandera  # noqa: F401
        have_pandera = True
    except ImportError:
        have_pandera = False
    base = _typed_default()
    n_base = len(base["customers"])
    copies = max(1, -(-n_customers // n_base))
    width = max(6, len(str(copies * n_base)))
    all_ids = np.array([f"C{i:0{width}d}" for i in range(1, copies * n_base + 1)], dtype=object)
    customers = _tile(base["customers"], all_ids, copies, n_base)
    products = base["products"]
    # as in load_bank: the referenced ids as an Index, built once (its hash table is reused)
    known = {"customers": pd.Index(customers["customer_id"]), "products": pd.Index(products["product_id"])}
    lines = [f"## 2. Validation at scale: {len(customers):,} customers ({copies} tiled copies of the default "
             "bank), in memory", "",
             "| table | rows | hand-written CPU (s) | all runs | pandera CPU (s) | all runs | pandera / hand |",
             "|---|---:|---:|---|---:|---|---:|"]
    tot_hand = tot_pa = 0.0
    for t in tables:
        df = customers if t == "customers" else products if t == "products" else \
            _tile(base[t], all_ids, copies, n_base)

        def hand(df=df, t=t):
            data.validate_table(df, t, t)
            data.validate_references({t: df}, {}, keys=known)

        b_hand, r_hand = best_of(hand, repeat)
        tot_hand += b_hand
        if have_pandera:
            schema = _pandera_schema(t, known, len(df))
            b_pa, r_pa = best_of(lambda df=df, schema=schema: schema.validate(df, inplace=True), repeat)
            tot_pa += b_pa
            lines.append(f"| {t} | {len(df):,} | {b_hand:.2f} | {_fmt(r_hand)} | {b_pa:.2f} | {_fmt(r_pa)} | "
                         f"{b_pa / max(b_hand, 1e-9):.1f}× |")
        else:
            lines.append(f"| {t} | {len(df):,} | {b_hand:.2f} | {_fmt(r_hand)} | – | – | – |")
        print(lines[-1], flush=True)
        del df
        gc.collect()
    lines.append(f"| **all** | | **{tot_hand:.1f}** | | **{tot_pa:.1f}** | | "
                 f"{(tot_pa / tot_hand) if have_pandera else float('nan'):.1f}× |")
    if have_pandera:
        import pandera
        lines += ["", f"pandera {pandera.__version__} (`pandera.pandas.DataFrameSchema`, `validate(inplace=True)`, "
                  "first error stops, like the loader)."]
    return lines + [""]


# ---------------------------------------------------------------------------
# 3. CSV load at scale
# ---------------------------------------------------------------------------
def bench_csv(n_customers: int) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="bench_load_csv_"))
    out = tmp / "bank"
    try:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "course_utils", "generate", "--customers", str(n_customers),
                        "--seed", "1", "--out", str(out), "--no-progress"], check=True, capture_output=True)
        gen = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in out.glob("*.csv"))
        if manifest.read_manifest(out) is None:
            manifest.write_manifest(out, seed=1, n_customers=n_customers, generator_version="bench")
        gc.collect()
        t0 = time.process_time()
        bank = data.load_bank(out)
        full = time.process_time() - t0
        rows = sum(len(v) for v in bank.tables.values())
        del bank
        gc.collect()
        t0 = time.process_time()
        for t in data.TABLES:
            p = out / f"{t}.csv"
            data.coerce_table(data._read_csv(p, t), t, p, validate=False)
        nov = time.process_time() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [f"## 3. CSV load: {n_customers:,} customers ({size / 1e6:.0f} MB, {rows:,} rows; generated in "
            f"{gen:.0f} s)", "",
            "| step | CPU (s) |", "|---|---:|",
            f"| `load_bank(folder)` end to end | {full:.1f} |",
            f"| read + types only (no manifest, no validation) | {nov:.1f} |",
            f"| → manifest + validation | {full - nov:.1f} ({(full - nov) / full:.0%}) |", ""]


NOTES = [
    "## Method and decision", "",
    "- The loader's checks are hand-written and vectorised, driven by one rules table (`data.RULES`: keys, "
    "empty cells, codes from the generator, ranges, tolerated dirt, date order, references). pandera was "
    "measured with an equivalent schema and not adopted: slower on every large table (section 2), a measured "
    "0.45 s more import time in every notebook, four extra packages (pydantic, pydantic-core, typeguard, "
    "typing-inspect), and its errors would still have to be rewritten into the course's bilingual "
    "file / column / line / count / fix message.",
    "- Where the time goes: text columns are Python string objects (pandas `str` without pyarrow), so each "
    "hash pass over 40 M transaction rows costs seconds. The loader hashes each text column at most once; "
    "for columns grouped by customer it compares neighbours (~15 ns a row) and hashes only the distinct "
    "values; code columns are parsed as categories, so only their few categories are checked; keys of "
    "tables sorted by (customer, month/week) are proven unique without hashing (unsorted input falls back "
    "to a hash).",
    "- Section 2 tiles the committed bank in memory because the CSV read of a 1 M-customer bank (~3.2 GB, "
    "~90 M rows of Python strings; not run) would take several GB of RAM and minutes on this shared "
    "machine; section 3 shows that at 100 k customers validation + manifest are a small share of a load that is dominated by the CSV "
    "parser.", ""]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--csv-customers", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tables", nargs="*", default=list(data.TABLES))
    ap.add_argument("--skip-default", action="store_true")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "load.md"))
    args = ap.parse_args()

    lines = ["# Loader benchmark (`course_utils.data`)", "",
             f"Command: `.venv/bin/python benchmarks/bench_load.py --customers {args.customers} "
             f"--csv-customers {args.csv_customers} --repeat {args.repeat}`", ""]
    if not args.skip_default:
        lines += bench_default(max(args.repeat, 3))
        print("\n".join(lines), flush=True)
    if args.customers:
        lines += bench_scale(args.customers, args.repeat, args.tables)
    if args.csv_customers:
        lines += bench_csv(args.csv_customers)
    lines += NOTES
    lines += ["Times are CPU seconds of the benchmark process (`time.process_time`), best of the runs: "
              "the machine is shared, and wall time follows the other jobs' load.", "",
              f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
              f"{platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}; "
              f"1-min load average at the end: {os.getloadavg()[0]:.1f}.", ""]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
