"""Orchestrator: one seed -> every table of the synthetic bank.

Random streams come from ``np.random.SeedSequence(seed).spawn(...)``: one per
customer-level table and one per chunk of customers for the behaviour tables, so
:func:`generate_bank` (in memory) and :func:`write_bank` (chunked, on disk) give
byte-identical CSV files for the same ``(n_customers, seed)`` -- on every CPU
(see :mod:`.detmath`): ``tests/test_determinism.py`` regenerates the committed
dataset with numpy's AVX-512 and AVX2 kernels switched off and compares bytes.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..manifest import MANIFEST_NAME, write_manifest
from . import activity, output
from . import customers as cust

#: Version of the generator's output. Bump it whenever the bytes for a given
#: ``(n_customers, seed)`` change; it is recorded in every dataset's MANIFEST.json.
#: 2: same bytes on every CPU (detmath, stable sorts); KPIs on customers on the books
#: on WINDOW_END; departed customers loyal = 0 with a historical CLV.
#: 3: new table retention_campaign (Lecture 3); the other tables' bytes unchanged.
#: 4: new table journey_experiment (Lecture 5); the other tables' bytes unchanged.
#: 5: consent / do-not-call of retention_campaign and journey_experiment from the one
#:    register (domain.consent_register); the other tables' bytes unchanged.
GENERATOR_VERSION = "5"

#: Customers per behaviour chunk (fixed: the output must not depend on the machine).
CHUNK = 25_000
#: Table names in writing order.
TABLES = ("customers", "accounts", "balances", "transactions", "products", "holdings",
          "messages", "outbound_calls", "app_usage", "web_visits", "survey", "retention_campaign",
          "journey_experiment")
CHUNKED = ("accounts", "balances", "transactions", "app_usage", "web_visits")
#: CSV format of every file (UTF-8 with BOM so Excel on Chinese Windows opens it).
CSV_OPTS = dict(index=False, float_format="%.2f", lineterminator="\n")


def _streams(seed: int) -> dict:
    # new streams go at the END: a SeedSequence child depends only on its position
    names = ["customers", "products", "holdings", "messages", "outbound", "survey", "chunks", "retention",
             "journey"]
    kids = np.random.SeedSequence(seed).spawn(len(names))
    return dict(zip(names, kids))


def _h1b():
    from . import products, texts  # written by the products/texts engineer
    return products, texts


def _campaign(full: pd.DataFrame, ss: dict) -> pd.DataFrame:
    """The past retention campaign (Lecture 3), drawn from the customers' hidden columns."""
    from . import retention
    return retention.make_campaign(full, np.random.default_rng(ss["retention"]))[0]


def _journey(customers: pd.DataFrame, triggers: list, ss: dict) -> pd.DataFrame:
    """The 留学金融 journey experiment (Lecture 5), from the customers' qualifying web visits."""
    from . import journey_experiment as jx
    trig = (pd.concat(triggers, ignore_index=True) if triggers
            else pd.DataFrame({"customer_id": [], "trigger_date": [], "dwell_seconds": []}))
    return jx.make_experiment(customers, trig, np.random.default_rng(ss["journey"]))[0]


def _triggers(web_visits: pd.DataFrame) -> pd.DataFrame:
    from . import journey_experiment as jx
    return jx.study_triggers(web_visits)


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
    campaign = _campaign(full, ss)
    bar.update(1)
    # hidden columns the text/holding generators read
    hidden = cust.public(full)
    for k in ("_taste", "_risk"):
        hidden[k] = full[k].to_numpy()
    public = cust.public(full)
    yield "customers", public

    chunk_ss = ss["chunks"].spawn(n_chunks)
    silent, triggers = [], []
    for i in range(n_chunks):
        lo, hi = i * CHUNK, min(n_customers, (i + 1) * CHUNK)
        out = activity.make_activity(_chunk_arrays(full, lo, hi), lo, np.random.default_rng(chunk_ss[i]))
        silent.append(out.pop("_silent_ids"))
        triggers.append(_triggers(out["web_visits"]))
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
    yield "retention_campaign", campaign
    yield "journey_experiment", _journey(public, triggers, ss)
    bar.update(1)
    bar.close()


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Categorical (writer-friendly) text columns -> plain strings, as read from CSV."""
    cats = [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return df
    df = df.copy()
    for c in cats:
        df[c] = np.asarray(df[c].cat.categories.astype(object))[df[c].cat.codes.to_numpy()]
    return df


def generate_bank(n_customers: int = config.DEFAULT_CUSTOMERS, seed: int = config.DEFAULT_SEED,
                  progress: bool = False) -> dict[str, pd.DataFrame]:
    """Generate every table of the synthetic bank in memory.

    Tables are returned as they are written to CSV: dates are ISO strings
    (``''`` for "none"), money in CNY rounded to 2 decimals. Use
    :func:`course_utils.data.get_bank` for typed tables.

    Raises :class:`~course_utils.errors.CourseArgumentError` (one bilingual line) for
    a negative seed, fewer than 50 customers or a size that does not fit in memory.

    >>> bank = generate_bank(300, seed=7)
    >>> sorted(bank)[:3]
    ['accounts', 'app_usage', 'balances']
    """
    seed = output.check_seed(seed)
    n_customers = output.check_customers(n_customers)
    output.check_resources(n_customers, in_memory=True)
    parts: dict[str, list] = {t: [] for t in TABLES}
    for name, df in _iter_bank(n_customers, seed, progress):
        parts[name].append(_plain(df))
    return {t: (pd.concat(v, ignore_index=True) if len(v) > 1 else v[0].reset_index(drop=True))
            for t, v in parts.items()}


_NEEDS_QUOTE = (",", '"', "\n", "\r")


def _u8(a: np.ndarray) -> np.ndarray:
    return a.view(np.uint8).reshape(a.shape[0], a.dtype.itemsize)


def _digits(x: np.ndarray, width: int | None = None, pad_zero: bool = False) -> np.ndarray:
    """ASCII digits of non-negative ints as a NUL-padded uint8 matrix (leading zeros dropped)."""
    x = np.asarray(x, dtype=np.int64)
    if width is None:
        width = max(1, len(str(int(x.max())))) if x.shape[0] else 1
    mat = np.empty((x.shape[0], width), dtype=np.uint8)
    rest = x.copy()
    for j in range(width - 1, -1, -1):
        mat[:, j] = 48 + rest % 10
        rest //= 10
    if not pad_zero and width > 1:
        # leading zeros -> NUL (removed later), keep at least the last digit
        lead = np.cumsum(mat[:, :-1] != 48, axis=1) == 0
        mat[:, :-1][lead] = 0
    return mat


def _sign(neg: np.ndarray) -> np.ndarray:
    return np.where(neg, 45, 0).astype(np.uint8)[:, None]


def _col_bytes(s: pd.Series) -> np.ndarray | None:
    """Fixed-width byte matrix (NUL padded) of one column as CSV text, or None if unsupported."""
    n = len(s)
    if pd.api.types.is_integer_dtype(s) and not pd.api.types.is_bool_dtype(s):
        x = s.to_numpy(dtype=np.int64)
        return np.concatenate([_sign(x < 0), _digits(np.abs(x))], axis=1)
    if pd.api.types.is_float_dtype(s):
        x = s.to_numpy(dtype=float)
        nan = np.isnan(x)
        c = np.round(np.where(nan, 0.0, x) * 100).astype(np.int64)
        a = np.abs(c)
        mat = np.concatenate([_sign(c < 0), _digits(a // 100), np.full((n, 1), 46, np.uint8),
                              _digits(a % 100, 2, pad_zero=True)], axis=1)
        mat[nan] = 0
        return mat
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniq = s.cat.codes.to_numpy(), list(map(str, s.cat.categories.to_numpy(dtype=object).tolist()))
    elif s.dtype == object or pd.api.types.is_string_dtype(s):
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        uniq = list(map(str, np.asarray(uniq, dtype=object).tolist()))
    else:
        return None
    joined = "\x00".join(uniq)
    if any(q in joined for q in _NEEDS_QUOTE):
        return None                                      # needs CSV quoting: let pandas do it
    enc = joined.encode("utf-8").split(b"\x00") if uniq else []
    table = np.array(enc + [b""])
    if table.dtype.itemsize * n > 400_000_000:
        return None                                      # very long free text
    return _u8(table[np.where(codes < 0, len(uniq), codes)])


def csv_bytes(df: pd.DataFrame, header: bool = True) -> bytes:
    r"""CSV text (UTF-8, no BOM, ``\n`` line ends, floats as ``%.2f``) of ``df`` as bytes.

    Vectorised with numpy (several times faster than ``DataFrame.to_csv``) and
    byte-identical to ``df.to_csv(index=False, float_format="%.2f", lineterminator="\n")``
    for the bank's tables; falls back to pandas for free-text columns.

    >>> csv_bytes(pd.DataFrame({"a": ["x", None], "b": [1.5, float("nan")]}))
    b'a,b\nx,1.50\n,\n'
    """
    head = (",".join(map(str, df.columns)) + "\n").encode("utf-8") if header else b""
    n = len(df)
    if n == 0:
        return head
    mats = []
    for i, col in enumerate(df.columns):
        m = _col_bytes(df[col])
        if m is None:
            buf = df.to_csv(header=False, **CSV_OPTS)
            return head + buf.encode("utf-8")
        mats.append(m)
        mats.append(np.full((n, 1), 10 if i == len(df.columns) - 1 else 44, dtype=np.uint8))
    mat = np.concatenate(mats, axis=1)
    return head + mat[mat != 0].tobytes()


def write_table(df: pd.DataFrame, path: Path, append: bool = False) -> None:
    """Write one table (or one more chunk of it) as UTF-8-with-BOM CSV."""
    data = csv_bytes(df, header=not append)
    with open(path, "ab" if append else "wb") as fh:
        if not append:
            fh.write(b"\xef\xbb\xbf")
        fh.write(data)


def _chunk_job(arrays: dict, lo: int, seq: np.random.SeedSequence, formats: tuple = ("csv",)):
    """Worker: behaviour tables of one chunk, encoded per format ({table: (header, body)} CSV bytes,
    {table: pyarrow.Table} for Parquet or None), silent ids, journey triggers."""
    out = activity.make_activity(arrays, lo, np.random.default_rng(seq))
    silent = out.pop("_silent_ids")
    csv = ({t: (csv_bytes(out[t].iloc[:0]), csv_bytes(out[t], header=False)) for t in CHUNKED}
           if "csv" in formats else None)
    arrow = {t: output.arrow_table(out[t], t) for t in CHUNKED} if "parquet" in formats else None
    return csv, arrow, silent, _triggers(out["web_visits"])


class _Sink:
    """Writes each table (or its next chunk) in every requested format into ``out``."""

    def __init__(self, out: Path, formats: tuple):
        self.out, self.formats, self.seen = out, formats, set()
        self.parquet = output.ParquetTables(out) if "parquet" in formats else None

    def put(self, name: str, df: pd.DataFrame) -> None:
        if "csv" in self.formats:
            write_table(df, self.out / f"{name}.csv", append=name in self.seen)
        if self.parquet is not None:
            self.parquet.write(name, df)
        self.seen.add(name)

    def close(self) -> list[str]:
        names = [f"{t}.csv" for t in TABLES if t in self.seen] if "csv" in self.formats else []
        return names + (self.parquet.close() if self.parquet is not None else [])

    def abort(self) -> None:
        if self.parquet is not None:
            self.parquet.abort()


def _default_workers() -> int:
    env = os.environ.get("COURSE_GEN_WORKERS")
    if env:
        return max(1, int(env))
    return max(1, min(2, os.cpu_count() or 1))


def _write_parallel(out: Path, n_customers: int, seed: int, progress: bool, workers: int,
                    formats: tuple = ("csv",)) -> list[str]:
    """Like the sequential path, but behaviour chunks are built in worker processes."""
    from tqdm.auto import tqdm

    products_mod, texts_mod = _h1b()
    ss = _streams(seed)
    n_chunks = max(1, -(-n_customers // CHUNK))
    bar = tqdm(total=5 + n_chunks, desc="生成数据 generating", disable=not progress, unit="step")
    sink = _Sink(out, formats)
    try:
        return _write_parallel_into(sink, out, n_customers, seed, bar, workers, products_mod, texts_mod, ss,
                                    n_chunks)
    except BaseException:
        sink.abort()
        raise


def _write_parallel_into(sink: _Sink, out: Path, n_customers: int, seed: int, bar, workers: int,
                         products_mod, texts_mod, ss: dict, n_chunks: int) -> list[str]:
    """The body of :func:`_write_parallel` (which closes the open Parquet files on failure)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    formats = sink.formats
    full = cust.make_customers(n_customers, np.random.default_rng(ss["customers"]))
    hidden = cust.public(full)
    for k in ("_taste", "_risk"):
        hidden[k] = full[k].to_numpy()
    sink.put("customers", cust.public(full))
    campaign = _campaign(full, ss)
    bar.update(1)
    chunk_ss = ss["chunks"].spawn(n_chunks)
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as ex:
        futs = [ex.submit(_chunk_job, _chunk_arrays(full, i * CHUNK, min(n_customers, (i + 1) * CHUNK)),
                          i * CHUNK, chunk_ss[i], formats) for i in range(n_chunks)]
        del full
        # customer-level tables in the parent while the workers build the chunks
        products = products_mod.make_products(np.random.default_rng(ss["products"]))
        sink.put("products", products)
        sink.put("holdings", products_mod.make_holdings(hidden, products, np.random.default_rng(ss["holdings"])))
        bar.update(1)
        sink.put("messages", texts_mod.make_messages(hidden, np.random.default_rng(ss["messages"])))
        bar.update(1)
        sink.put("survey", texts_mod.make_survey(hidden, np.random.default_rng(ss["survey"])))
        bar.update(1)
        silent, triggers = [], []
        for i, f in enumerate(futs):
            parts, arrow, sil, trig = f.result()
            silent.append(sil)
            triggers.append(trig)
            for t, (head, body) in (parts or {}).items():
                with open(out / f"{t}.csv", "wb" if i == 0 else "ab") as fh:
                    if i == 0:
                        fh.write(b"\xef\xbb\xbf" + head)
                    fh.write(body)
            for t, tbl in (arrow or {}).items():
                sink.parquet.write(t, tbl)
            sink.seen.update(CHUNKED)
            futs[i] = None
            bar.update(1)
    silent_ids = np.concatenate(silent)
    sink.put("outbound_calls", texts_mod.make_outbound_calls(hidden, silent_ids,
                                                             np.random.default_rng(ss["outbound"])))
    sink.put("retention_campaign", campaign)
    sink.put("journey_experiment", _journey(hidden, triggers, ss))
    bar.update(1)
    bar.close()
    return sink.close()


def _write_files(out: Path, n_customers: int, seed: int, progress: bool, workers: int,
                 formats: tuple = ("csv",)) -> list[str]:
    """Write every table into the (new, empty) folder ``out`` in ``formats``; returns the file names."""
    if workers > 1 and n_customers > CHUNK:
        return _write_parallel(out, n_customers, seed, progress, workers, formats)
    sink = _Sink(out, formats)
    try:
        for name, df in _iter_bank(n_customers, seed, progress):
            sink.put(name, df)
    except BaseException:
        sink.abort()
        raise
    return sink.close()


def write_bank(out_dir: str | os.PathLike, n_customers: int = config.DEFAULT_CUSTOMERS,
               seed: int = config.DEFAULT_SEED, progress: bool = True,
               workers: int | None = None, force: bool = False, format: str | None = None) -> dict[str, Path]:
    """Generate the bank and write one file per table plus ``MANIFEST.json`` into ``out_dir``.

    ``format``: ``"csv"`` (UTF-8 with BOM, for Excel), ``"parquet"`` (one ``<table>.parquet``
    per table, schema in :data:`.output.PARQUET_COLUMNS`) or ``"both"``; default
    (None): CSV below :data:`~course_utils.config.PARQUET_MIN_CUSTOMERS` customers,
    Parquet from there on (:func:`.output.default_format`). Parquet files are
    deterministic too (fixed :data:`.output.PARQUET_OPTIONS`, no metadata that varies).
    The manifest lists every file written and, unless the format is CSV, ``data_format``.

    Safe: ``out_dir`` must be new or empty; an existing non-empty folder is refused
    unless ``force=True`` (then the generated files are replaced, other files such
    as ``README.md`` kept). Atomic: everything is written into a hidden temporary
    sibling folder, :data:`~course_utils.manifest.MANIFEST_NAME` last (seed, size,
    :data:`GENERATOR_VERSION`, bytes and SHA-256 per file), then renamed into place,
    so an interrupted run leaves no folder that loads.

    Memory stays bounded for large ``n_customers`` because behaviour tables are
    written per chunk of :data:`CHUNK` customers. With more than one chunk the
    chunks are built by ``workers`` processes (default: 2, or ``COURSE_GEN_WORKERS``);
    the bytes written do not depend on ``workers``. Returns ``{table: path}`` of the
    format :func:`course_utils.data.load_bank` reads (Parquet when it was written).

    Raises :class:`~course_utils.errors.CourseArgumentError` (one bilingual line) for
    a negative seed, too few customers, an unknown format, a size that does not fit in memory
    or on disk, an ``out_dir`` that is a file, not writable or not empty (without ``force``).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "bank"
    >>> paths = write_bank(out, 300, seed=7, progress=False)
    >>> paths["customers"].name, (out / "MANIFEST.json").is_file()
    ('customers.csv', True)
    """
    seed = output.check_seed(seed)
    n_customers = output.check_customers(n_customers)
    fmt = output.check_format(format, n_customers)
    target = output.check_target(out_dir, force=force)
    output.check_resources(n_customers, target, fmt=fmt)
    output.remove_stale_temps(target)
    workers = _default_workers() if workers is None else max(1, int(workers))
    tmp = output.new_temp_dir(target)
    try:
        written = _write_files(tmp, n_customers, seed, progress, workers, output.formats_of(fmt))
        names = output.data_file_names(TABLES, fmt)
        if sorted(written) != sorted(names):      # pragma: no cover
            raise RuntimeError(f"generator wrote {sorted(written)}, expected {names}")
        write_manifest(tmp, seed=seed, n_customers=n_customers, generator_version=GENERATOR_VERSION,
                       files=names, data_format=fmt)
        # files of either format are "generated": an old CSV never survives next to new Parquet
        output.swap_into_place(tmp, target, force, set(output.data_file_names(TABLES, "both")) | {MANIFEST_NAME})
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    ext = "csv" if fmt == "csv" else "parquet"
    return {t: target / f"{t}.{ext}" for t in TABLES}
