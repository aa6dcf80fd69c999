"""Safe output for the generator: argument checks, resource estimates, atomic folder swap.

A dataset folder is written into a hidden temporary sibling (``.<name>.tmp-<pid>-<hex>``),
``MANIFEST.json`` last, and only then renamed into place, so a killed run never leaves
a folder that loads (the loader refuses a folder without a matching manifest). An
existing non-empty folder is replaced only with ``force=True``: it is moved aside,
the new folder renamed in, and the old one deleted after that rename; files in it that
the generator does not write (such as ``README.md``) are carried over.

Every refusal raises :class:`~course_utils.errors.CourseArgumentError` whose message
is one line, Chinese first, then English.

File formats (``format=`` of ``write_bank``, ``--format`` of the CLI): ``csv`` (UTF-8 with
BOM, opens in Excel), ``parquet`` (one ``<table>.parquet`` file per table, written by
pyarrow, see :data:`PARQUET_COLUMNS` for the schema and :data:`PARQUET_OPTIONS` for the
fixed writer settings that make the bytes deterministic) or ``both``. Without a format,
:func:`default_format` picks CSV below :data:`~course_utils.config.PARQUET_MIN_CUSTOMERS`
customers and Parquet from there on.

>>> check_seed(-1)
Traceback (most recent call last):
...
course_utils.errors.CourseArgumentError: 随机种子 --seed（seed）必须是 ≥ 0 的整数（收到 -1） / --seed (seed) must be a whole number >= 0 (got -1)
"""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import CourseArgumentError

__all__ = ["MIN_CUSTOMERS", "check_seed", "check_customers", "check_format", "default_format", "formats_of",
           "estimate_peak_bytes", "estimate_disk_bytes", "available_memory", "check_resources", "check_target",
           "new_temp_dir", "swap_into_place", "remove_stale_temps", "data_file_names",
           "PARQUET_COLUMNS", "PARQUET_OPTIONS", "ROW_GROUP_ROWS", "arrow_schema", "arrow_table",
           "ParquetTables"]

#: Fewest customers that still give every table and KPI of the course.
MIN_CUSTOMERS = 50
#: Measured peak memory of ``write_bank`` (all processes, 2 workers): fixed part + per customer
#: (benchmarks/bench_generate.py, 2026-11-30: 100,000 customers 1.43 GB, 1,000,000 6.04 GB).
WRITE_BASE_BYTES = 0.9e9
WRITE_BYTES_PER_CUSTOMER = 5_200
#: Measured peak memory of ``generate_bank`` (every table in memory): 100,000 customers 0.97 GB.
MEMORY_BASE_BYTES = 0.2e9
MEMORY_BYTES_PER_CUSTOMER = 9_000
#: Measured CSV bytes per customer (5,000 customers: 15.9 MB; 1,000,000: 3.26 GB).
DISK_BYTES_PER_CUSTOMER = 3_300
#: Measured Parquet bytes per customer (benchmarks/bench_parquet.py, 1,000,000 customers: 506 MB;
#: 100,000: 52 MB). Peak memory of a Parquet write is that of a CSV write (1,000,000: 6.09 GB).
PARQUET_BYTES_PER_CUSTOMER = 520
#: Safety margin on the estimates (they are averages over seeds).
MARGIN = 1.25


def _bad(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh} / {en}")


def check_seed(seed) -> int:
    """``seed`` as an int >= 0, or a bilingual :class:`CourseArgumentError`.

    >>> check_seed(2024)
    2024
    """
    if isinstance(seed, bool) or not hasattr(seed, "__index__"):
        raise _bad(f"随机种子 --seed（seed）必须是 ≥ 0 的整数（收到 {seed!r}）",
                   f"--seed (seed) must be a whole number >= 0 (got {seed!r})")
    seed = int(seed)
    if seed < 0:
        raise _bad(f"随机种子 --seed（seed）必须是 ≥ 0 的整数（收到 {seed}）",
                   f"--seed (seed) must be a whole number >= 0 (got {seed})")
    return seed


def check_customers(n) -> int:
    """``n`` as an int >= :data:`MIN_CUSTOMERS`, or a bilingual :class:`CourseArgumentError`.

    >>> check_customers(5000)
    5000
    >>> check_customers(10)
    Traceback (most recent call last):
    ...
    course_utils.errors.CourseArgumentError: 客户数 --customers（n_customers）至少为 50（收到 10） / --customers (n_customers) must be at least 50 (got 10)
    """
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise _bad(f"客户数 --customers（n_customers）必须是整数（收到 {n!r}）",
                   f"--customers (n_customers) must be a whole number (got {n!r})")
    n = int(n)
    if n < MIN_CUSTOMERS:
        raise _bad(f"客户数 --customers（n_customers）至少为 {MIN_CUSTOMERS}（收到 {n}）",
                   f"--customers (n_customers) must be at least {MIN_CUSTOMERS} (got {n})")
    return n


def estimate_peak_bytes(n_customers: int, in_memory: bool = False) -> float:
    """Estimated peak memory (bytes, all processes) to generate ``n_customers``.

    ``in_memory``: every table held at once (:func:`generate_bank`) instead of
    chunked writing (:func:`write_bank`).

    >>> round(estimate_peak_bytes(1_000_000) / 1e9, 1)
    6.1
    """
    if in_memory:
        return MEMORY_BASE_BYTES + MEMORY_BYTES_PER_CUSTOMER * n_customers
    return WRITE_BASE_BYTES + WRITE_BYTES_PER_CUSTOMER * n_customers


def estimate_disk_bytes(n_customers: int, fmt: str = "csv") -> float:
    """Estimated size (bytes) of the files for ``n_customers`` in format ``fmt`` (csv, parquet, both).

    >>> round(estimate_disk_bytes(5000) / 1e6, 1)
    16.5
    """
    per = {"csv": DISK_BYTES_PER_CUSTOMER, "parquet": PARQUET_BYTES_PER_CUSTOMER,
           "both": DISK_BYTES_PER_CUSTOMER + PARQUET_BYTES_PER_CUSTOMER}[fmt]
    return float(per * n_customers)


def available_memory() -> float | None:
    """Memory (bytes) the system can give a new process now, or None if unknown."""
    try:
        import psutil
        return float(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - psutil missing or unsupported platform
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def check_resources(n_customers: int, folder: Path | None = None, in_memory: bool = False,
                    fmt: str = "csv") -> None:
    """Refuse a size whose estimated memory or disk need exceeds what is available.

    ``folder``: where the files will go (disk check skipped when None); ``fmt``: their format.
    """
    need = estimate_peak_bytes(n_customers, in_memory) * MARGIN
    avail = available_memory()
    if avail is not None and need > avail:
        fit = max(0, int((avail / MARGIN - (MEMORY_BASE_BYTES if in_memory else WRITE_BASE_BYTES))
                         / (MEMORY_BYTES_PER_CUSTOMER if in_memory else WRITE_BYTES_PER_CUSTOMER)))
        raise _bad(f"{n_customers:,} 位客户约需 {need / 1e9:.1f} GB 内存，本机可用约 {avail / 1e9:.1f} GB；"
                   f"请把 --customers 减到约 {fit:,} 以下，或换一台内存更大的电脑",
                   f"{n_customers:,} customers need about {need / 1e9:.1f} GB of memory, about "
                   f"{avail / 1e9:.1f} GB is available; use --customers below about {fit:,} or a larger machine")
    if folder is not None:
        probe = _nearest_existing(folder)
        try:
            free = shutil.disk_usage(probe).free
        except OSError:
            return
        disk = estimate_disk_bytes(n_customers, fmt) * MARGIN
        if disk > free:
            raise _bad(f"{n_customers:,} 位客户的数据约需 {disk / 1e9:.1f} GB 磁盘空间，{probe} 只剩 "
                       f"{free / 1e9:.1f} GB；请换个位置（--out）或减少 --customers",
                       f"{n_customers:,} customers need about {disk / 1e9:.1f} GB of disk, {probe} has "
                       f"{free / 1e9:.1f} GB free; choose another --out or fewer --customers")


def _is_empty_dir(p: Path) -> bool:
    return p.is_dir() and not any(p.iterdir())


def _nearest_existing(p: Path) -> Path:
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_target(out_dir, force: bool = False) -> Path:
    """Check, without writing anything, that ``out_dir`` can receive a dataset.

    Refused: no folder given, a path that is a file or lies under a file, a folder that
    cannot be written, a non-empty folder without ``force``. Missing parent folders are
    fine (created when writing starts). Returns the absolute path of the target folder.
    """
    if out_dir is None or str(out_dir).strip() == "":
        raise _bad("请用 --out 指定一个新的输出文件夹，例如 --out my_data",
                   "choose a new output folder with --out, e.g. --out my_data")
    target = Path(out_dir).expanduser().absolute()
    if target.exists() and not target.is_dir():
        raise _bad(f"--out {out_dir} 是一个文件，不是文件夹；请换一个文件夹名",
                   f"--out {out_dir} is a file, not a folder; choose a folder name")
    if target.is_dir() and not _is_empty_dir(target) and not force:
        raise _bad(f"文件夹 {out_dir} 已存在且不是空的，为保护其中的数据不会覆盖；请换一个新文件夹，"
                   f"或确认要替换时加上 --force",
                   f"folder {out_dir} exists and is not empty; it is not overwritten. Choose a new folder, "
                   f"or add --force to replace it")
    base = _nearest_existing(target.parent)
    if not base.is_dir():
        raise _bad(f"--out {out_dir} 位于文件 {base} 之下，无法创建文件夹；请换一个位置",
                   f"--out {out_dir} lies under the file {base}; choose another place")
    if not os.access(base, os.W_OK | os.X_OK) or (target.is_dir() and not os.access(target, os.W_OK | os.X_OK)):
        raise _bad(f"没有写入 {base} 的权限；请换一个可写的文件夹",
                   f"no permission to write in {base}; choose a writable folder")
    return target


def new_temp_dir(target: Path) -> Path:
    """Create the hidden temporary sibling folder of ``target`` (same file system -> atomic rename).

    Missing parent folders of ``target`` are created first.
    """
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
    except OSError as e:
        raise _bad(f"无法在 {target.parent} 中写入（{e.strerror or e}）；请换一个可写的文件夹",
                   f"cannot write in {target.parent} ({e.strerror or e}); choose a writable folder") from None
    return tmp


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete temporary siblings of ``target`` left by killed runs (POSIX only). Returns them."""
    if os.name != "posix" or not target.parent.is_dir():
        return []
    gone = []
    for p in target.parent.glob(f".{target.name}.tmp-*"):
        try:
            pid = int(p.name.rsplit(".tmp-", 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if p.is_dir() and not _pid_alive(pid):
            shutil.rmtree(p, ignore_errors=True)
            gone.append(p)
    return gone


def swap_into_place(tmp: Path, target: Path, force: bool, generated: set[str]) -> None:
    """Rename the finished ``tmp`` folder to ``target``.

    An existing empty ``target`` is replaced; a non-empty one only with ``force``:
    files in it that are not in ``generated`` (e.g. ``README.md``) are copied into
    ``tmp`` first, then ``target`` is moved aside, ``tmp`` renamed in, and the old
    folder removed. If the second rename fails the old folder is put back.
    """
    try:
        if not target.exists():
            os.rename(tmp, target)
            return
        if _is_empty_dir(target):
            target.rmdir()
            os.rename(tmp, target)
            return
        if not force:
            raise _bad(f"文件夹 {target} 在生成期间出现了内容，未覆盖；新数据留在 {tmp}",
                       f"folder {target} got files while generating; not overwritten, new data left in {tmp}")
        for p in target.iterdir():
            if p.name in generated or (tmp / p.name).exists():
                continue
            if p.is_dir():
                shutil.copytree(p, tmp / p.name, symlinks=True)
            else:
                shutil.copy2(p, tmp / p.name, follow_symlinks=False)
        aside = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.rename(target, aside)
        try:
            os.rename(tmp, target)
        except OSError:
            os.rename(aside, target)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    except CourseArgumentError:
        raise
    except OSError as e:
        raise _bad(f"无法把新数据放到 {target}（{e.strerror or e}）；请关闭正在使用其中文件的程序（如 Excel）后重试",
                   f"cannot move the new data into {target} ({e.strerror or e}); close programs using its "
                   f"files (e.g. Excel) and retry") from None


# ---------------------------------------------------------------------------
# File formats
# ---------------------------------------------------------------------------
def default_format(n_customers: int) -> str:
    """The format written when none is asked for: ``csv`` below
    :data:`~course_utils.config.PARQUET_MIN_CUSTOMERS` customers, ``parquet`` from there on.

    >>> default_format(5000), default_format(100_000)
    ('csv', 'parquet')
    """
    return "parquet" if int(n_customers) >= config.PARQUET_MIN_CUSTOMERS else "csv"


def check_format(fmt, n_customers: int) -> str:
    """``fmt`` checked (one of :data:`~course_utils.config.DATA_FORMATS`); None -> :func:`default_format`.

    >>> check_format(None, 5000), check_format("Parquet", 5000)
    ('csv', 'parquet')
    >>> check_format("xlsx", 5000)
    Traceback (most recent call last):
    ...
    course_utils.errors.CourseArgumentError: 文件格式 --format（format）只能是 csv、parquet 或 both（收到 'xlsx'） / --format (format) must be csv, parquet or both (got 'xlsx')
    """
    if fmt is None:
        return default_format(n_customers)
    name = fmt.strip().lower() if isinstance(fmt, str) else None
    if name not in config.DATA_FORMATS:
        raise _bad(f"文件格式 --format（format）只能是 csv、parquet 或 both（收到 {fmt!r}）",
                   f"--format (format) must be csv, parquet or both (got {fmt!r})")
    return name


def formats_of(fmt: str) -> tuple[str, ...]:
    """File formats written for ``fmt``: ``both`` -> ``("csv", "parquet")``.

    >>> formats_of("both"), formats_of("parquet")
    (('csv', 'parquet'), ('parquet',))
    """
    return ("csv", "parquet") if fmt == "both" else (fmt,)


def data_file_names(tables, fmt: str) -> list[str]:
    """File names written for ``tables`` in format ``fmt`` (CSV names first).

    >>> data_file_names(["customers"], "both")
    ['customers.csv', 'customers.parquet']
    """
    return [f"{t}.{ext}" for ext in formats_of(fmt) for t in tables]


# ---------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------
_S, _D, _M, _I, _F = "string", "date", "month", "int64", "float64"
#: Parquet schema of every table: column -> kind, in file order. Kinds and their Arrow types:
#: ``string`` = ``pa.string()`` (null where the CSV cell is empty), ``date`` = ``pa.date32()``,
#: ``month`` = ``pa.date32()`` holding the first day of the month (the CSV's ``YYYY-MM``),
#: ``int64`` = ``pa.int64()``, ``float64`` = ``pa.float64()`` (rounded to 2 decimals exactly as
#: the CSV's ``%.2f`` text, null where the CSV cell is empty). Money is CNY. No pandas metadata
#: is stored, so Spark, DuckDB or pandas read the same plain types.
PARQUET_COLUMNS: dict[str, dict[str, str]] = {
    "customers": {"customer_id": _S, "name": _S, "phone": _S, "gender": _S, "age": _I, "city": _S,
                  "occupation": _S, "monthly_income": _F, "risk_appetite": _S, "open_date": _D,
                  "churn_date": _D, "churn_reason": _S, "satisfaction": _I, "loyal": _I, "clv": _F},
    "accounts": {"account_id": _S, "customer_id": _S, "account_type": _S, "open_date": _D, "close_date": _D},
    "balances": {"customer_id": _S, "month": _M, "balance": _F},
    "transactions": {"customer_id": _S, "txn_date": _D, "amount": _F, "txn_type": _S, "channel": _S},
    "products": {"product_id": _S, "name": _S, "category": _S, "risk_level": _S, "annual_yield": _F,
                 "min_amount": _F, "term_days": _I, "launch_date": _D},
    "holdings": {"customer_id": _S, "product_id": _S, "start_date": _D, "amount": _F},
    "messages": {"message_id": _S, "customer_id": _S, "msg_date": _D, "channel": _S, "text": _S,
                 "sentiment": _S, "intent": _S, "emotion": _S},
    "outbound_calls": {"call_id": _S, "customer_id": _S, "call_date": _D, "script": _S, "reply": _S,
                       "intent_grade": _S},
    "app_usage": {"customer_id": _S, "week_start": _D, "minutes": _I, "sessions": _I},
    "web_visits": {"customer_id": _S, "visit_date": _D, "page": _S, "dwell_seconds": _I},
    "survey": {"customer_id": _S, "survey_date": _D, "overall": _I, "score_service": _I, "score_waiting": _I,
               "score_returns": _I, "score_fees": _I, "score_app": _I, "comment": _S},
    "retention_campaign": {"customer_id": _S, "risk_reason": _S, "consent": _I, "do_not_call": _I,
                           "contacts_90d": _I, "group": _S, "offer": _S, "contact_date": _D,
                           "contact_cost": _F, "offer_cost": _F, "churned_6m": _I},
    "journey_experiment": {"customer_id": _S, "trigger_date": _D, "dwell_seconds": _I, "consent": _I,
                           "group": _S, "push_date": _D, "converted": _I, "convert_date": _D, "product": _S,
                           "satisfaction": _F},
}
#: Fixed ``pyarrow.parquet.ParquetWriter`` settings: together with the pinned pyarrow (its
#: version is the file's ``created_by``) and no schema metadata they make the bytes depend
#: on the data only (no timestamps, no host names, no threads).
PARQUET_OPTIONS = dict(compression="zstd", compression_level=3, use_dictionary=True, write_statistics=True,
                       version="2.6", data_page_version="1.0", data_page_size=1 << 20, write_page_index=False,
                       store_schema=True)
#: Most rows per row group. The behaviour tables are written per chunk of customers
#: (``bank.CHUNK``), one row group each (~1 M transactions); the other tables in groups
#: of at most this many rows. Fixed, so the bytes do not depend on the machine.
ROW_GROUP_ROWS = 2_000_000

_FORMATS = {"date": "%Y-%m-%d", "month": "%Y-%m"}


def arrow_schema(table: str):
    """The ``pyarrow.Schema`` of ``table``'s Parquet file (see :data:`PARQUET_COLUMNS`).

    >>> str(arrow_schema("balances")).splitlines()
    ['customer_id: string', 'month: date32[day]', 'balance: double']
    """
    import pyarrow as pa
    types = {_S: pa.string(), _D: pa.date32(), _M: pa.date32(), _I: pa.int64(), _F: pa.float64()}
    return pa.schema([pa.field(c, types[k]) for c, k in PARQUET_COLUMNS[table].items()])


def _text_array(s: pd.Series):
    import pyarrow as pa
    import pyarrow.compute as pc
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = pa.array(np.asarray(s.cat.categories, dtype=object), type=pa.string())
        codes = s.cat.codes.to_numpy()
        arr = cats.take(pa.array(codes, mask=codes < 0))
    else:
        arr = pa.array(s, from_pandas=True)
        if arr.type != pa.string():
            arr = arr.cast(pa.string())
    if len(arr) and pc.any(pc.equal(arr, "")).as_py():      # '' is an empty CSV cell: missing
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return arr


def _date_array(s: pd.Series, kind: str):
    import pyarrow as pa

    def parse(values) -> np.ndarray:
        v = pd.Series(values, dtype=object)
        v = v.mask(v.isna() | (v == ""))
        return pd.to_datetime(v, format=_FORMATS[kind]).to_numpy().astype("datetime64[D]")

    if pd.api.types.is_datetime64_any_dtype(s):
        days = s.to_numpy().astype("datetime64[D]")
    elif isinstance(s.dtype, pd.CategoricalDtype):         # chunk tables: parse the few distinct dates
        codes = s.cat.codes.to_numpy()
        cats = np.append(parse(np.asarray(s.cat.categories, dtype=object)), np.datetime64("NaT", "D"))
        days = cats[np.where(codes < 0, len(cats) - 1, codes)]
    else:
        days = parse(s.to_numpy(dtype=object))
    return pa.array(days, type=pa.date32(), from_pandas=True)


def arrow_table(df: pd.DataFrame, table: str):
    """The generator's frame of ``table`` (CSV-shaped: ISO date text, ``''`` = none) as a
    ``pyarrow.Table`` with :func:`arrow_schema` and the values its CSV file holds.

    >>> t = arrow_table(pd.DataFrame({"customer_id": ["C1", "C2"], "month": ["2024-01", ""],
    ...                               "balance": [1.005, float("nan")]}), "balances")
    >>> t.to_pylist()[0]["month"], t.column("month").null_count, t.column("balance").to_pylist()
    (datetime.date(2024, 1, 1), 1, [1.0, None])
    """
    import pyarrow as pa
    kinds = PARQUET_COLUMNS[table]
    if list(df.columns) != list(kinds):
        raise RuntimeError(f"{table}: generator columns {list(df.columns)} differ from PARQUET_COLUMNS "
                           f"{list(kinds)}; update output.PARQUET_COLUMNS (and docs/ARCHITECTURE.md)")
    arrays = []
    for col, kind in kinds.items():
        s = df[col]
        if kind == _S:
            arrays.append(_text_array(s))
        elif kind in (_D, _M):
            arrays.append(_date_array(s, kind))
        elif kind == _I:
            if not pd.api.types.is_integer_dtype(s):
                raise RuntimeError(f"{table}.{col}: integer column has dtype {s.dtype}")
            arrays.append(pa.array(s.to_numpy(dtype=np.int64)))
        else:                                               # the CSV's "%.2f", as the number it reads back
            x = s.to_numpy(dtype=float, na_value=np.nan)
            arrays.append(pa.array(np.round(x * 100) / 100 + 0.0, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


class ParquetTables:
    """One Parquet file per table in ``folder``; each :meth:`write` appends row groups.

    >>> import tempfile, pyarrow.parquet as pq
    >>> d = Path(tempfile.mkdtemp())
    >>> w = ParquetTables(d)
    >>> w.write("balances", pd.DataFrame({"customer_id": ["C1"], "month": ["2024-01"], "balance": [2.5]}))
    >>> w.close()
    ['balances.parquet']
    >>> pq.read_table(d / "balances.parquet").num_rows
    1
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._writers: dict = {}

    def write(self, table: str, data) -> None:
        """Append ``data`` (a generator frame or a table from :func:`arrow_table`) to ``table``'s file."""
        import pyarrow as pa
        import pyarrow.parquet as pq
        t = data if isinstance(data, pa.Table) else arrow_table(data, table)
        w = self._writers.get(table)
        if w is None:
            w = self._writers[table] = pq.ParquetWriter(self.folder / f"{table}.parquet", t.schema,
                                                        **PARQUET_OPTIONS)
        w.write_table(t, row_group_size=ROW_GROUP_ROWS)

    def close(self) -> list[str]:
        """Finish every file (footer); returns the file names written."""
        for w in self._writers.values():
            w.close()
        return [f"{t}.parquet" for t in self._writers]

    def abort(self) -> None:
        """Close every file after a failure (their folder is then deleted; Windows needs them closed)."""
        for w in self._writers.values():
            try:
                w.close()
            except Exception:  # noqa: BLE001 - already failing; the folder is removed next
                pass
