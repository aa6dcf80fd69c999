"""Loading the synthetic bank with validation and clear, bilingual error messages.

>>> from course_utils.data import get_bank
>>> bank = get_bank()                      # the committed default dataset   # doctest: +SKIP
>>> bank.customers.dtypes["open_date"]                                      # doctest: +SKIP
dtype('<M8[us]')

Every problem with a data file raises :class:`DataFileError` (a ``ValueError``)
whose message names the file, the column and the fix, in Chinese and English.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataFileError

__all__ = ["Bank", "DataFileError", "SCHEMA", "load_bank", "get_bank", "coerce_table"]




#: Per table: required columns, date columns, id columns, ordered categories.
SCHEMA: dict[str, dict] = {
    "customers": {
        "columns": ["customer_id", "name", "phone", "gender", "age", "city", "occupation",
                    "monthly_income", "risk_appetite", "open_date", "churn_date", "churn_reason",
                    "satisfaction", "loyal", "clv"],
        "dates": ["open_date", "churn_date"], "ids": ["customer_id"],
        "numeric": ["age", "monthly_income", "satisfaction", "loyal", "clv"]},
    "accounts": {
        "columns": ["account_id", "customer_id", "account_type", "open_date", "close_date"],
        "dates": ["open_date", "close_date"], "ids": ["account_id", "customer_id"], "numeric": []},
    "balances": {
        "columns": ["customer_id", "month", "balance"],
        "dates": [], "months": ["month"], "ids": ["customer_id"], "numeric": ["balance"]},
    "transactions": {
        "columns": ["customer_id", "txn_date", "amount", "txn_type", "channel"],
        "dates": ["txn_date"], "ids": ["customer_id"], "numeric": ["amount"]},
    "products": {
        "columns": ["product_id", "name", "category", "risk_level"],
        "dates": ["launch_date"], "ids": ["product_id"], "numeric": []},
    "holdings": {
        "columns": ["customer_id", "product_id", "start_date"],
        "dates": ["start_date"], "ids": ["customer_id", "product_id"], "numeric": ["amount"]},
    "messages": {
        "columns": ["message_id", "customer_id", "msg_date", "channel", "text", "sentiment", "intent"],
        "dates": ["msg_date"], "ids": ["message_id", "customer_id"], "numeric": []},
    "outbound_calls": {
        "columns": ["call_id", "customer_id", "call_date", "reply", "intent_grade"],
        "dates": ["call_date"], "ids": ["call_id", "customer_id"], "numeric": []},
    "app_usage": {
        "columns": ["customer_id", "week_start", "minutes", "sessions"],
        "dates": ["week_start"], "ids": ["customer_id"], "numeric": ["minutes", "sessions"]},
    "web_visits": {
        "columns": ["customer_id", "visit_date", "page", "dwell_seconds"],
        "dates": ["visit_date"], "ids": ["customer_id"], "numeric": ["dwell_seconds"]},
    "survey": {
        "columns": ["customer_id", "survey_date"],
        "dates": ["survey_date"], "ids": ["customer_id"], "numeric": []},
}
#: Ordered categorical columns (everything else textual stays ``str``).
ORDERED = {"risk_appetite": ["R1", "R2", "R3", "R4", "R5"],
           "risk_level": ["R1", "R2", "R3", "R4", "R5"],
           "intent_grade": ["A", "B", "C"]}
TABLES = tuple(SCHEMA)
_FIX_REGEN = ("重新生成数据：python -m course_utils generate --out datasets "
              "/ regenerate: python -m course_utils generate --out datasets")


class Bank:
    """The bank's tables: one attribute per table, plus ``tables`` (a dict).

    >>> b = Bank({"customers": pd.DataFrame({"customer_id": ["C1"]})})
    >>> b.customers.shape, list(b.tables)
    ((1, 1), ['customers'])
    """

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self.tables = dict(tables)
        for k, v in self.tables.items():
            setattr(self, k, v)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __iter__(self):
        return iter(self.tables)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v.shape[0]}×{v.shape[1]}" for k, v in self.tables.items())
        return f"Bank({inner})"


def _err(path, zh: str, en: str, fix_zh: str, fix_en: str) -> DataFileError:
    return DataFileError(f"数据文件 {path}：{zh}。修复方法：{fix_zh}\n"
                         f"Data file {path}: {en}. Fix: {fix_en}")


def _read_csv(path: Path, table: str) -> pd.DataFrame:
    if not path.is_file():
        raise _err(path, "文件不存在", "file not found",
                   "确认 datasets 文件夹完整（可从课程仓库恢复），或运行 "
                   "python -m course_utils generate --out <文件夹> 重新生成",
                   "restore the datasets folder from the course repository, or run "
                   "python -m course_utils generate --out <folder>")
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        guess = "GBK/ANSI（常见于用 Excel 另存为“CSV（逗号分隔）”）"
        try:
            raw.decode("gbk")
        except UnicodeDecodeError:
            guess = "未知编码 (unknown encoding)"
        raise _err(path, f"不是 UTF-8 编码，看起来是 {guess}（第 {e.start} 字节）",
                   f"not UTF-8 encoded (looks like GBK/ANSI, e.g. saved by Excel as plain CSV; "
                   f"byte {e.start})",
                   "在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或用原始文件替换，或" + _FIX_REGEN.split(" / ")[0],
                   "save it in Excel as 'CSV UTF-8 (Comma delimited)', restore the original file, or "
                   + _FIX_REGEN.split(" / ")[1]) from None
    spec = SCHEMA.get(table, {})
    dtype = {c: str for c in spec.get("ids", [])}
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=dtype, keep_default_na=False,
                         na_values=[""], low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise _err(path, f"无法解析为 CSV（{e}）", f"cannot be parsed as CSV ({e})",
                   "用原始文件替换，或" + _FIX_REGEN.split(" / ")[0],
                   "restore the original file, or " + _FIX_REGEN.split(" / ")[1]) from None
    return df


def coerce_table(df: pd.DataFrame, table: str, path="(内存 in memory)") -> pd.DataFrame:
    """Check required columns and set dtypes of one table (dates -> datetime64, ids -> str).

    Raises :class:`DataFileError` naming ``path``, the column and the fix.

    >>> t = coerce_table(pd.DataFrame({"customer_id": [1], "month": ["2024-01"],
    ...                                "balance": ["5.5"]}), "balances")
    >>> str(t["month"].dtype).startswith("datetime64"), t["customer_id"].iloc[0]
    (True, '1')
    """
    spec = SCHEMA[table]
    df = df.copy()
    for col in spec["columns"]:
        if col not in df.columns:
            raise _err(path, f"缺少必需的列 “{col}”（现有列：{', '.join(map(str, df.columns))}）",
                       f"required column '{col}' is missing (columns present: "
                       f"{', '.join(map(str, df.columns))})",
                       f"恢复列名 “{col}”（不要在 Excel 里改表头），或用原始文件替换，或"
                       + _FIX_REGEN.split(" / ")[0],
                       f"restore the header '{col}' (do not rename headers in Excel), restore the "
                       "original file, or " + _FIX_REGEN.split(" / ")[1])
    for col in spec.get("ids", []):
        if col in df.columns:
            df[col] = df[col].astype(str)
    for col in df.columns:                       # '' means "none", as when read from CSV
        if (df[col].dtype == object or pd.api.types.is_string_dtype(df[col])) and (df[col] == "").any():
            df[col] = df[col].mask(df[col] == "")
    date_cols = [(c, "%Y-%m-%d", "YYYY-MM-DD") for c in spec.get("dates", [])]
    date_cols += [(c, "%Y-%m", "YYYY-MM") for c in spec.get("months", [])]
    for col, fmt, shown in date_cols:
        if col not in df.columns or pd.api.types.is_datetime64_any_dtype(df[col]):
            continue
        s = df[col].astype("string").str.strip()
        s = s.mask(s == "")
        parsed = pd.to_datetime(s, format=fmt, errors="coerce")
        bad = parsed.isna() & s.notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise _err(path, f"列 “{col}” 第 {i + 2} 行的日期 “{s.iloc[i]}” 无法解析"
                       f"（共 {int(bad.sum())} 个），应为 {shown} 格式",
                       f"column '{col}' has an unparsable date '{s.iloc[i]}' on line {i + 2} "
                       f"({int(bad.sum())} in all); expected {shown}",
                       f"把该列改回 {shown} 格式（Excel 可能自动改了日期格式），或用原始文件替换",
                       f"write the column as {shown} again (Excel may have reformatted dates), or "
                       "restore the original file")
        df[col] = parsed
    for col in spec.get("numeric", []):
        if col in df.columns and not pd.api.types.is_numeric_dtype(df[col]):
            num = pd.to_numeric(df[col], errors="coerce")
            bad = num.isna() & df[col].notna()
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise _err(path, f"列 “{col}” 第 {i + 2} 行的值 “{df[col].iloc[i]}” 不是数字",
                           f"column '{col}' has a non-numeric value '{df[col].iloc[i]}' on line {i + 2}",
                           "改回数字或用原始文件替换", "write a number there or restore the original file")
            df[col] = num
    for col, cats in ORDERED.items():
        if col in df.columns:
            df[col] = pd.Categorical(df[col], categories=cats, ordered=True)
    return df


def load_bank(data_dir: str | os.PathLike | None = None, tables=None) -> Bank:
    """Load the bank's CSV files from ``data_dir`` (default: the committed ``datasets/``).

    Parameters
    ----------
    data_dir : folder with ``customers.csv`` etc.; default :func:`course_utils.config.datasets_dir`.
    tables : iterable of table names to load (default: all eleven).

    Returns a :class:`Bank` with one attribute per table: dates are ``datetime64``
    (``NaT`` = none, e.g. ``churn_date`` of active customers), ids are ``str``,
    money in CNY (float), ``risk_appetite`` / ``risk_level`` / ``intent_grade``
    ordered categories.

    Raises :class:`DataFileError` for a missing file, a missing column, a wrong
    encoding (e.g. a file saved as GBK by Excel) or an unparsable date.

    >>> bank = load_bank(tables=["customers"])                   # doctest: +SKIP
    >>> bank.customers["churn_date"].isna().mean()               # doctest: +SKIP
    0.61...
    """
    folder = Path(data_dir) if data_dir is not None else config.datasets_dir()
    names = list(TABLES) if tables is None else [tables] if isinstance(tables, str) else list(tables)
    unknown = [t for t in names if t not in SCHEMA]
    if unknown:
        raise DataFileError(f"未知的表名 {unknown}，可选：{', '.join(TABLES)}\n"
                            f"Unknown table name(s) {unknown}; choose from: {', '.join(TABLES)}")
    out = {}
    for t in names:
        path = folder / f"{t}.csv"
        out[t] = coerce_table(_read_csv(path, t), t, path)
    return Bank(out)


@functools.lru_cache(maxsize=4)
def _generated(seed: int, n_customers: int) -> Bank:
    from .datagen import generate_bank
    raw = generate_bank(n_customers, seed)
    return Bank({t: coerce_table(df, t, f"(generated seed={seed}, n={n_customers}) {t}")
                 for t, df in raw.items()})


def get_bank(seed: int = config.DEFAULT_SEED, n_customers: int = config.DEFAULT_CUSTOMERS) -> Bank:
    """The bank for ``(seed, n_customers)``: the committed files for the defaults,
    otherwise generated in memory (cached per process). Every call returns fresh
    copies of the tables, so changing them in one cell never changes what the next
    ``get_bank()`` returns.

    >>> small = get_bank(seed=7, n_customers=300)               # doctest: +SKIP
    >>> len(small.customers)                                     # doctest: +SKIP
    300
    """
    seed, n_customers = int(seed), int(n_customers)
    if (seed, n_customers) == (config.DEFAULT_SEED, config.DEFAULT_CUSTOMERS):
        cached = _load_default(str(config.datasets_dir()))
    else:
        cached = _generated(seed, n_customers)
    # fresh (copy-on-write, so cheap) copies: changing a table never alters the cache
    return Bank({k: v.copy() for k, v in cached.tables.items()})


@functools.lru_cache(maxsize=2)
def _load_default(folder: str) -> Bank:
    return load_bank(folder)
