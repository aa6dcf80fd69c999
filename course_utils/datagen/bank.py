"""Orchestrator: one seed -> every table of the synthetic bank.

Random streams come from ``np.random.SeedSequence(seed).spawn(...)``: one per
customer-level table and one per chunk of customers for the behaviour tables, so
:func:`generate_bank` (in memory) and :func:`write_bank` (chunked, on disk) give
byte-identical CSV files for the same ``(n_customers, seed)``.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from . import activity, customers as cust

#: Customers per behaviour chunk (fixed: the output must not depend on the machine).
CHUNK = 25_000
#: Table names in writing order.
TABLES = ("customers", "accounts", "balances", "transactions", "products", "holdings",
          "messages", "outbound_calls", "app_usage", "web_visits", "survey")
CHUNKED = ("accounts", "balances", "transactions", "app_usage", "web_visits")
#: CSV format of every file (UTF-8 with BOM so Excel on Chinese Windows opens it).
CSV_OPTS = dict(index=False, float_format="%.2f", lineterminator="\n")


def _streams(seed: int) -> dict:
    names = ["customers", "products", "holdings", "messages", "outbound", "survey", "chunks"]
    kids = np.random.SeedSequence(seed).spawn(len(names))
    return dict(zip(names, kids))


def _h1b():
    from . import products, texts  # written by the products/texts engineer
    return products, texts


def _chunk_arrays(full: pd.DataFrame, lo: int, hi: int) -> dict:
    part = full.iloc[lo:hi]
    return {k: part[k].to_numpy() for k in ["customer_id", "_open", "_churn", "_age", "_n_acc",
                                            "_lam", "_bal", "_amt", "_dormant", "_decline",
                                            "_dip", "_dip_len"]}


def _iter_bank(n_customers: int, seed: int, progress: bool):
    """Yield (table_name, DataFrame) pieces in writing order; chunked tables repeat."""
    from tqdm.auto import tqdm

    products_mod, texts_mod = _h1b()
    ss = _streams(seed)
    n_chunks = max(1, -(-n_customers // CHUNK))
    bar = tqdm(total=5 + n_chunks, desc="生成数据 generating", disable=not progress, unit="step")

    full = cust.make_customers(n_customers, np.random.default_rng(ss["customers"]))
    bar.update(1)
    # hidden columns the text/holding generators read
    hidden = cust.public(full)
    for k in ("_taste", "_risk"):
        hidden[k] = full[k].to_numpy()
    yield "customers", cust.public(full)

    chunk_ss = ss["chunks"].spawn(n_chunks)
    silent = []
    pieces: dict[str, list] = {t: [] for t in CHUNKED}
    for i in range(n_chunks):
        lo, hi = i * CHUNK, min(n_customers, (i + 1) * CHUNK)
        out = activity.make_activity(_chunk_arrays(full, lo, hi), lo, np.random.default_rng(chunk_ss[i]))
        silent.append(out.pop("_silent_ids"))
        for t in CHUNKED:
            yield t, out[t]
        bar.update(1)

    products = products_mod.make_products(np.random.default_rng(ss["products"]))
    yield "products", products
    holdings = products_mod.make_holdings(hidden, products, np.random.default_rng(ss["holdings"]))
    yield "holdings", holdings
    bar.update(1)
    yield "messages", texts_mod.make_messages(hidden, np.random.default_rng(ss["messages"]))
    bar.update(1)
    silent_ids = np.concatenate(silent) if silent else np.empty(0, dtype=object)
    yield "outbound_calls", texts_mod.make_outbound_calls(hidden, silent_ids,
                                                          np.random.default_rng(ss["outbound"]))
    bar.update(1)
    yield "survey", texts_mod.make_survey(hidden, np.random.default_rng(ss["survey"]))
    bar.update(1)
    bar.close()


def generate_bank(n_customers: int = config.DEFAULT_CUSTOMERS, seed: int = config.DEFAULT_SEED,
                  progress: bool = False) -> dict[str, pd.DataFrame]:
    """Generate every table of the synthetic bank in memory.

    Tables are returned as they are written to CSV: dates are ISO strings
    (``''`` for "none"), money in CNY rounded to 2 decimals. Use
    :func:`course_utils.data.get_bank` for typed tables.

    >>> bank = generate_bank(300, seed=7)
    >>> sorted(bank)[:3]
    ['accounts', 'app_usage', 'balances']
    """
    parts: dict[str, list] = {t: [] for t in TABLES}
    for name, df in _iter_bank(n_customers, seed, progress):
        parts[name].append(df)
    return {t: (pd.concat(v, ignore_index=True) if len(v) > 1 else v[0].reset_index(drop=True))
            for t, v in parts.items()}


def write_table(df: pd.DataFrame, path: Path, append: bool = False) -> None:
    """Write one table (or one more chunk of it) as UTF-8-with-BOM CSV."""
    if append:
        with open(path, "a", encoding="utf-8", newline="") as fh:
            df.to_csv(fh, header=False, **CSV_OPTS)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            df.to_csv(fh, header=True, **CSV_OPTS)


def write_bank(out_dir: str | os.PathLike, n_customers: int = config.DEFAULT_CUSTOMERS,
               seed: int = config.DEFAULT_SEED, progress: bool = True) -> dict[str, Path]:
    """Generate the bank and write one CSV per table into ``out_dir`` (chunk by chunk).

    Memory stays bounded for large ``n_customers`` because behaviour tables are
    written per chunk of :data:`CHUNK` customers. Returns ``{table: path}``.

    >>> import tempfile
    >>> paths = write_bank(tempfile.mkdtemp(), 300, seed=7, progress=False)
    >>> paths["customers"].name
    'customers.csv'
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    paths = {}
    for name, df in _iter_bank(n_customers, seed, progress):
        p = out / f"{name}.csv"
        write_table(df, p, append=name in seen)
        seen.add(name)
        paths[name] = p
    return paths
