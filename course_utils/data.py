"""Loading the synthetic bank with validation and clear, bilingual error messages.

>>> from course_utils.data import get_bank
>>> bank = get_bank()                      # the committed default dataset   # doctest: +SKIP
>>> bank.customers.dtypes["open_date"]                                      # doctest: +SKIP
dtype('<M8[us]')

Every problem with a data file raises :class:`DataFileError` (a ``ValueError``)
whose message names the file, the column, an example row (line number and
value), how many rows are affected and the fix, in Chinese and English.

A folder holds one file per table, ``<table>.csv`` or ``<table>.parquet`` (or both:
Parquet is read, it loads faster); :func:`table_format` tells which. Both formats give
the same frames (values and dtypes) and pass the same checks below; Parquet rows are
named by row number (1 = first row) instead of CSV line. Parquet-only refusals: a
damaged or truncated file (or not Parquet at all), a column of the wrong Arrow type
(e.g. ``int64`` where a date belongs; text is accepted and parsed as in CSV), a
``balances.month`` that is not the first day of a month. The schema the generator
writes is ``course_utils.datagen.output.PARQUET_COLUMNS``.

What is refused and what loads (the contract of :func:`load_bank`)
------------------------------------------------------------------
**Refused** (hard errors -- the file is broken, or a course figure would be
silently wrong):

- the file cannot be read (missing, no permission, locked by Excel), is not
  UTF-8 (e.g. GBK from Excel's plain "CSV"), contains NUL bytes (a damaged
  copy, or UTF-16 "Unicode text"), cannot be parsed as CSV, or has only a
  header (no data rows; allowed only for a table its manifest vouches for,
  e.g. no outbound calls in a 50-customer bank);
- a folder with ``MANIFEST.json`` whose files do not match it ("mixed or
  half-written dataset"); the default ``datasets/`` folder must have one;
- a required column is missing; a date that is not ``YYYY-MM-DD`` (months
  ``YYYY-MM``); text in a number column;
- keys: an empty id, or a duplicated id (``customer_id`` in customers,
  ``account_id``, ``product_id``, ``message_id``, ``call_id``, and the
  customer-month / customer-week of balances / app usage);
- an empty cell in a column every row needs (e.g. gender, satisfaction,
  open_date, a transaction's amount);
- ranges: satisfaction and survey scores outside 0-100 or not whole numbers,
  loyal not 0/1, negative balances, holding amounts <= 0, negative minutes,
  sessions, dwell seconds, yields, minimum amounts or terms; infinite numbers;
- a code outside the set the generator writes (gender 男/女, risk R1-R5,
  intent grade A/B/C, product category, account type, transaction type and
  channel, city, occupation, churn reason, message channel / sentiment /
  intent / emotion, web page) -- these would otherwise turn into NaN;
- date order: ``churn_date`` before ``open_date`` (customers), ``close_date``
  before ``open_date`` (accounts);
- references: a ``customer_id`` in any other table that is not in
  customers.csv (a truncated or mixed customers file), a holding's
  ``product_id`` that is not in products.csv.

**Loads** (the documented teaching dirt of Lecture 2, see ``datasets/README.md``):

- missing ``monthly_income`` (5 %);
- impossible ages (0, -1, 150, 200, 999; 0.3 %), impossible incomes and
  impossible transaction amounts (negative or 9,999,999.99; 0.1 %) -- up to
  :data:`DIRT_TOLERANCE` (1 %) of the rows, or :data:`DIRT_MIN_ROWS` rows in a
  small file; more than that means a wrong column or a wrong file and is
  refused (ages and incomes must still be whole/real numbers);
- exact duplicate transaction rows (0.2 %), moved sentiment labels (~3 %).

A folder without ``MANIFEST.json`` (a trainee's own export) loads with the same
validation. Limits: a customers file cut exactly at a line end is caught by the
manifest, or by the references of any other table loaded with it (their ids are
checked against customers.csv even when only they are asked for); customers.csv
alone, without a manifest, cannot be told from a smaller bank. Dates are not
compared across tables (e.g. a transaction before the customer's open date).

Speed (``benchmarks/bench_load.py``): the checks are vectorised; each text
column is hashed once (``pd.factorize``) and that result serves keys, empty
cells, codes and references; code columns are parsed as categories so only
their few distinct values are checked.
"""
from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, manifest
from .errors import FIX_REGEN_EN, FIX_REGEN_ZH, DataFileError, file_error

__all__ = ["Bank", "DataFileError", "SCHEMA", "RULES", "DIRT_TOLERANCE", "DIRT_MIN_ROWS",
           "load_bank", "get_bank", "table_format", "coerce_table", "validate_table", "validate_references"]


#: Per table: required columns, date columns, id columns, numeric columns.
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
        "dates": ["launch_date"], "ids": ["product_id"],
        "numeric": ["annual_yield", "min_amount", "term_days"]},
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
        "dates": ["survey_date"], "ids": ["customer_id"],
        "numeric": ["overall", "score_service", "score_waiting", "score_returns", "score_fees",
                    "score_app"]},
    "retention_campaign": {
        "columns": ["customer_id", "risk_reason", "consent", "do_not_call", "contacts_90d", "group", "offer",
                    "contact_date", "contact_cost", "offer_cost", "churned_6m"],
        "dates": ["contact_date"], "ids": ["customer_id"],
        "numeric": ["consent", "do_not_call", "contacts_90d", "contact_cost", "offer_cost", "churned_6m"]},
    "journey_experiment": {
        "columns": ["customer_id", "trigger_date", "dwell_seconds", "consent", "group", "push_date", "converted",
                    "convert_date", "product", "satisfaction"],
        "dates": ["trigger_date", "push_date", "convert_date"], "ids": ["customer_id"],
        "numeric": ["dwell_seconds", "consent", "converted", "satisfaction"]},
}
#: Ordered categorical columns (everything else textual stays ``str``).
ORDERED = {"risk_appetite": ["R1", "R2", "R3", "R4", "R5"],
           "risk_level": ["R1", "R2", "R3", "R4", "R5"],
           "intent_grade": ["A", "B", "C"]}
TABLES = tuple(SCHEMA)

#: Known dirt may reach this share of a table's rows before the file is refused
#: (the documented rates are 0.1-0.3 %; more means a wrong column or file).
DIRT_TOLERANCE = 0.01
#: ... or this many rows, whichever is larger (small files).
DIRT_MIN_ROWS = 5
#: Plausible values; outside them a value is known dirt (same ranges as
#: ``cleaning.VALID_RANGES``, which Lecture 2's cleaning uses).
PLAUSIBLE = {"age": (18, 100), "monthly_income": (0, 1_000_000), "amount": (0, 9_999_999)}
#: Tables that may be header-only when their manifest vouches for them (tiny banks).
_MAY_BE_EMPTY = frozenset(TABLES) - {"customers", "products"}


@functools.lru_cache(maxsize=1)
def _codes() -> dict[str, tuple[str, ...]]:
    """Valid codes per column, taken from the generator (one source of truth)."""
    from .datagen import activity, customers, products, retention, texts
    from .datagen import journey_experiment as journey
    risk = tuple(ORDERED["risk_appetite"])
    return {"gender": ("男", "女"), "city": tuple(customers.CITIES), "occupation": tuple(customers.OCCUPATIONS),
            "risk_appetite": risk, "churn_reason": tuple(customers.CHURN_REASONS),
            "account_type": tuple(activity.ACCOUNT_TYPES), "txn_type": tuple(activity.TXN_TYPES),
            "txn_channel": tuple(activity.CHANNELS), "category": tuple(products.CATEGORIES),
            "risk_level": risk, "msg_channel": tuple(texts.CHANNELS), "sentiment": tuple(texts.SENTIMENTS),
            "intent": tuple(texts.INTENTS), "emotion": tuple(texts.EMOTIONS),
            "intent_grade": tuple(ORDERED["intent_grade"]), "page": tuple(activity.WEB_PAGES),
            "risk_reason": tuple(retention.REASONS), "group": tuple(retention.GROUPS),
            "offer": tuple(retention.OFFERS), "journey_group": tuple(journey.GROUPS),
            "journey_product": tuple(journey.PRODUCTS)}


_SCORES = ("overall", "score_service", "score_waiting", "score_returns", "score_fees", "score_app")

#: Validation rules per table (checked only for columns present):
#: ``keys`` (tuples of columns: non-empty, unique together), ``notnull``,
#: ``codes`` (column -> key of :func:`_codes`), ``ranges`` (column -> (lo, hi, whole)),
#: ``dirt`` (column with tolerated implausible values), ``order`` ((earlier, later) date pairs),
#: ``refs`` (column -> the table whose id it must be; customers or products).
RULES: dict[str, dict] = {
    "customers": {
        "keys": [("customer_id",)],
        "notnull": ["gender", "age", "city", "occupation", "risk_appetite", "open_date",
                    "satisfaction", "loyal", "clv"],
        "codes": {"gender": "gender", "city": "city", "occupation": "occupation",
                  "risk_appetite": "risk_appetite", "churn_reason": "churn_reason"},
        "ranges": {"satisfaction": (0, 100, True), "loyal": (0, 1, True), "clv": (-math.inf, math.inf, False),
                   "age": (-math.inf, math.inf, True), "monthly_income": (-math.inf, math.inf, False)},
        "dirt": ["age", "monthly_income"],
        "order": [("open_date", "churn_date")]},
    "accounts": {
        "keys": [("account_id",)], "notnull": ["customer_id", "account_type", "open_date"],
        "codes": {"account_type": "account_type"}, "order": [("open_date", "close_date")],
        "refs": {"customer_id": "customers"}},
    "balances": {
        "keys": [("customer_id", "month")], "notnull": ["balance"],
        "ranges": {"balance": (0, math.inf, False)},
        "refs": {"customer_id": "customers"}},
    "transactions": {
        "notnull": ["customer_id", "txn_date", "amount", "txn_type", "channel"],
        "codes": {"txn_type": "txn_type", "channel": "txn_channel"},
        "ranges": {"amount": (-math.inf, math.inf, False)}, "dirt": ["amount"],
        "refs": {"customer_id": "customers"}},
    "products": {
        "keys": [("product_id",)], "notnull": ["name", "category", "risk_level"],
        "codes": {"category": "category", "risk_level": "risk_level"},
        "ranges": {"annual_yield": (0, math.inf, False), "min_amount": (0, math.inf, False),
                   "term_days": (0, math.inf, True)}},
    "holdings": {
        "notnull": ["customer_id", "product_id", "start_date", "amount"],
        "ranges": {"amount": (0.01, math.inf, False)},
        "refs": {"customer_id": "customers", "product_id": "products"}},
    "messages": {
        "keys": [("message_id",)], "notnull": ["customer_id", "msg_date", "channel", "text", "sentiment",
                                               "intent", "emotion"],
        "codes": {"channel": "msg_channel", "sentiment": "sentiment", "intent": "intent", "emotion": "emotion"},
        "refs": {"customer_id": "customers"}},
    "outbound_calls": {
        "keys": [("call_id",)], "notnull": ["customer_id", "call_date", "intent_grade"],
        "codes": {"intent_grade": "intent_grade"},
        "refs": {"customer_id": "customers"}},
    "app_usage": {
        "keys": [("customer_id", "week_start")], "notnull": ["minutes", "sessions"],
        "ranges": {"minutes": (0, math.inf, True), "sessions": (0, math.inf, True)},
        "refs": {"customer_id": "customers"}},
    "web_visits": {
        "notnull": ["customer_id", "visit_date", "page", "dwell_seconds"],
        "codes": {"page": "page"}, "ranges": {"dwell_seconds": (0, math.inf, False)},
        "refs": {"customer_id": "customers"}},
    "survey": {
        "notnull": ["customer_id", "survey_date"],
        "ranges": {c: (0, 100, True) for c in _SCORES},
        "refs": {"customer_id": "customers"}},
    "retention_campaign": {
        "keys": [("customer_id",)],
        "notnull": ["risk_reason", "consent", "do_not_call", "contacts_90d", "group", "contact_cost",
                    "offer_cost", "churned_6m"],
        "codes": {"risk_reason": "risk_reason", "group": "group", "offer": "offer"},
        "ranges": {"consent": (0, 1, True), "do_not_call": (0, 1, True), "contacts_90d": (0, math.inf, True),
                   "contact_cost": (0, math.inf, False), "offer_cost": (0, math.inf, False),
                   "churned_6m": (0, 1, True)},
        "refs": {"customer_id": "customers"}},
    "journey_experiment": {
        "keys": [("customer_id",)],
        "notnull": ["trigger_date", "dwell_seconds", "consent", "group", "converted"],
        "codes": {"group": "journey_group", "product": "journey_product"},
        "ranges": {"dwell_seconds": (0, math.inf, True), "consent": (0, 1, True), "converted": (0, 1, True),
                   "satisfaction": (1, 5, True)},
        "order": [("trigger_date", "push_date"), ("trigger_date", "convert_date")],
        "refs": {"customer_id": "customers"}},
}


class LazyTables(Mapping):
    """Table name -> DataFrame, each made by ``load(name)`` on first access, then kept.

    The committed bank has 13 tables (16 MB of CSV) and most notebooks read four or five
    of them: reading only those saves up to 0.35 s of a notebook's start.
    A broken file still raises :class:`DataFileError` naming the file, when the
    table is first used.

    >>> calls = []
    >>> t = LazyTables(["a", "b"], lambda name: calls.append(name) or name.upper())
    >>> list(t), t["b"], t["b"], calls, t.loaded()
    (['a', 'b'], 'B', 'B', ['b'], ['b'])
    """

    def __init__(self, names, load):
        self._names = list(dict.fromkeys(names))
        self._load = load
        self._got: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._got:
            if name not in self._names:
                raise KeyError(name)
            self._got[name] = self._load(name)
        return self._got[name]

    def __contains__(self, name) -> bool:
        return name in self._names

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def loaded(self) -> list[str]:
        """Names of the tables read so far."""
        return [n for n in self._names if n in self._got]


class Bank:
    """The bank's tables: one attribute per table, plus ``tables`` (a mapping).

    ``tables`` is a dict, or a :class:`LazyTables` (what :func:`get_bank` returns for the
    committed data): then a table is read when it is first used.

    >>> b = Bank({"customers": pd.DataFrame({"customer_id": ["C1"]})})
    >>> b.customers.shape, list(b.tables)
    ((1, 1), ['customers'])
    """

    def __init__(self, tables):
        if isinstance(tables, LazyTables):
            self.tables = tables                  # attributes come from __getattr__
        else:
            self.tables = dict(tables)
            for k, v in self.tables.items():
                setattr(self, k, v)

    def __getattr__(self, name: str):
        # only called when ordinary lookup fails: a lazy table not read yet
        tables = self.__dict__.get("tables")
        if tables is not None and not name.startswith("__") and name in tables:
            return tables[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __iter__(self):
        return iter(self.tables)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v.shape[0]}×{v.shape[1]}" for k, v in self.tables.items())
        return f"Bank({inner})"


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------
_FIX_RESTORE_ZH = "用课程仓库中的原始文件替换，或" + FIX_REGEN_ZH
_FIX_RESTORE_EN = "restore the original file from the course repository, or " + FIX_REGEN_EN


def _is_file(path) -> bool:
    return isinstance(path, os.PathLike)


def _is_parquet(path) -> bool:
    return _is_file(path) and str(path).endswith(".parquet")


def _where(path, i: int) -> tuple[str, str]:
    """Row ``i`` (0-based data row) as the CSV file's line number, the Parquet file's
    row number (1 = first row), or the frame's index."""
    if _is_parquet(path):
        return f"第 {i + 1} 行（数据行）", f"row {i + 1}"
    if _is_file(path):
        return f"第 {i + 2} 行", f"line {i + 2}"
    return f"第 {i} 行（索引）", f"row index {i}"


def _show(v, empty: str = "（空）") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
        return empty
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def _first(mask) -> int:
    return int(np.argmax(np.asarray(mask, dtype=bool)))


def _fail(path, col: str, mask, values, zh: str, en: str, fix_zh: str, fix_en: str,
          n_extra_zh: str = "", n_extra_en: str = "") -> DataFileError:
    """Error for the rows flagged by ``mask`` in ``col``: count, first example, fix."""
    mask = np.asarray(mask, dtype=bool)
    i, n = _first(mask), int(mask.sum())
    wz, we = _where(path, i)
    v = values.iloc[i] if hasattr(values, "iloc") else values[i]
    return file_error(path, f"列 “{col}” 有 {n} 行{zh}{n_extra_zh}，例如{wz}：“{_show(v)}”",
                      f"column '{col}': {n} row(s) {en}{n_extra_en}, e.g. {we}: '{_show(v, '(empty)')}'",
                      fix_zh, fix_en)


# ---------------------------------------------------------------------------
# Reading a file
# ---------------------------------------------------------------------------
def _scan_bytes(path: Path) -> None:
    """Refuse an unreadable file or NUL bytes (streamed, 8 MiB blocks; memchr speed).

    The encoding is checked by ``read_csv`` itself (strict UTF-8 decoding), see :func:`_read_csv`.
    """
    try:
        with open(path, "rb") as fh:
            offset = 0
            while block := fh.read(8 << 20):
                nul = block.find(b"\x00")
                if nul >= 0:
                    _refuse_nul(path, offset + nul)
                offset += len(block)
    except OSError as e:
        raise file_error(path, f"无法读取（{type(e).__name__}：没有读取权限，或文件正被其他程序如 Excel 占用）",
                         f"cannot be read ({type(e).__name__}: {e.strerror or e}; no permission, or the file "
                         "is locked by another program such as Excel)",
                         "关闭打开该文件的程序（如 Excel），检查文件权限（需要可读），或" + _FIX_RESTORE_ZH,
                         "close the program that has the file open (e.g. Excel), make the file readable, "
                         "or " + _FIX_RESTORE_EN) from None


def _refuse_nul(path: Path, pos: int):
    raw = path.read_bytes()
    if raw[:4] == b"PK\x03\x04":
        raise file_error(path, "是 Excel 工作簿（.xlsx），不是 CSV 文本文件（可能只是改了扩展名）",
                         "is an Excel workbook (.xlsx), not a CSV text file (perhaps only renamed)",
                         "在 Excel 中用“另存为 → CSV UTF-8（逗号分隔）”保存，或" + _FIX_RESTORE_ZH,
                         "in Excel use 'Save As > CSV UTF-8 (Comma delimited)', or " + _FIX_RESTORE_EN)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise file_error(path, "是 UTF-16 编码（Excel 的“Unicode 文本”），不是 UTF-8 CSV",
                         "is UTF-16 encoded (Excel's 'Unicode text'), not a UTF-8 CSV",
                         "在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或" + _FIX_RESTORE_ZH,
                         "save it in Excel as 'CSV UTF-8 (Comma delimited)', or " + _FIX_RESTORE_EN)
    line = raw.count(b"\n", 0, pos) + 1
    n = raw.count(b"\x00")
    raise file_error(path, f"含有 {n} 个 NUL 字节（\\x00），第一个在第 {line} 行"
                     f"（第 {pos} 字节）——文件已损坏（常见于复制、下载或写入中断）",
                     f"contains {n} NUL byte(s) (\\x00), the first on line {line} "
                     f"(byte {pos}): the file is damaged (an interrupted copy, download or write)",
                     _FIX_RESTORE_ZH, _FIX_RESTORE_EN)


def _refuse_encoding(path: Path):
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        start = len(raw)
    except UnicodeDecodeError as e:
        start = e.start
    guess_zh, guess_en = "GBK/ANSI（常见于用 Excel 另存为“CSV（逗号分隔）”）", "GBK/ANSI, e.g. saved by Excel as plain CSV"
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        guess_zh, guess_en = "未知编码 (unknown encoding)", "unknown encoding"
    line = raw.count(b"\n", 0, start) + 1
    raise file_error(path, f"不是 UTF-8 编码，看起来是 {guess_zh}（第 {line} 行，第 {start} 字节）",
                     f"not UTF-8 encoded (looks like {guess_en}; line {line}, byte {start})",
                     "在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或" + _FIX_RESTORE_ZH,
                     "save it in Excel as 'CSV UTF-8 (Comma delimited)', or " + _FIX_RESTORE_EN)


def _not_found(path: Path) -> DataFileError:
    return file_error(path, "文件不存在", "file not found",
                      "确认数据文件夹完整（可从课程仓库恢复），或运行 "
                      "python -m course_utils generate --out <文件夹> 重新生成",
                      "restore the data folder from the course repository, or run "
                      "python -m course_utils generate --out <folder>")


def _read_csv(path: Path, table: str, usecols=None) -> pd.DataFrame:
    if not path.is_file():
        raise _not_found(path)
    _scan_bytes(path)
    spec = SCHEMA.get(table, {})
    dtype = {c: str for c in spec.get("ids", [])}
    # code columns as categories: the parser hashes raw bytes, validation then looks at a
    # handful of categories instead of every row; coerce_table turns them back into str
    dtype.update({c: "category" for c in RULES.get(table, {}).get("codes", {})})
    try:
        df = pd.read_csv(path, encoding="utf-8-sig", dtype=dtype, keep_default_na=False,
                         na_values=[""], low_memory=False, usecols=usecols)
    except UnicodeDecodeError:
        _refuse_encoding(path)
    except pd.errors.EmptyDataError:
        raise file_error(path, "是空文件（连表头都没有）", "is empty (not even a header)",
                         _FIX_RESTORE_ZH, _FIX_RESTORE_EN) from None
    except ValueError as e:                      # ParserError, or usecols not in the header
        if usecols and not isinstance(e, pd.errors.ParserError):
            header = pd.read_csv(path, encoding="utf-8-sig", nrows=0).columns
            if usecols[0] not in header:
                raise _missing_column(path, usecols[0], header) from None
        detail = " ".join(str(e).split())
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail)
        if m:
            n, line, saw = m.groups()
            raise file_error(path, f"第 {line} 行有 {saw} 个字段，而表头只有 {n} 列",
                             f"line {line} has {saw} fields but the header has {n} columns",
                             "含逗号的单元格要用英文双引号括起来（用 Excel 另存为“CSV UTF-8”会自动处理），"
                             "或删除多余的逗号，或" + _FIX_RESTORE_ZH,
                             "a cell containing a comma must be in double quotes (Excel's 'CSV UTF-8' does "
                             "this), or remove the extra commas, or " + _FIX_RESTORE_EN) from None
        raise file_error(path, f"无法解析为 CSV（{detail}）", f"cannot be parsed as CSV ({detail})",
                         _FIX_RESTORE_ZH, _FIX_RESTORE_EN) from None
    except OSError as e:
        raise file_error(path, f"无法读取（{type(e).__name__}）", f"cannot be read ({type(e).__name__}: {e})",
                         "关闭打开该文件的程序（如 Excel），检查文件权限，或" + _FIX_RESTORE_ZH,
                         "close the program that has the file open (e.g. Excel), check its permissions, "
                         "or " + _FIX_RESTORE_EN) from None
    return df


def _missing_column(path, col: str, present) -> DataFileError:
    cols = ", ".join(map(str, present))
    return file_error(path, f"缺少必需的列 “{col}”（现有列：{cols}）",
                      f"required column '{col}' is missing (columns present: {cols})",
                      f"恢复列名 “{col}”（不要在 Excel 里改表头），或" + _FIX_RESTORE_ZH,
                      f"restore the header '{col}' (do not rename headers in Excel), or " + _FIX_RESTORE_EN)


_FIX_PARQUET_ZH = "用课程的生成器重新写出（python -m course_utils generate --format parquet --out <文件夹>），或"
_FIX_PARQUET_EN = "write it again with the course's generator (python -m course_utils generate --format parquet " \
                  "--out <folder>), or "


def _column_kind(table: str, col: str) -> str | None:
    """What a column must hold: date, month, number, id, text (None: a column the course does not know)."""
    from .datagen.output import PARQUET_COLUMNS
    spec = SCHEMA.get(table, {})
    if col in spec.get("dates", []):
        return "date"
    if col in spec.get("months", []):
        return "month"
    if col in spec.get("numeric", []):
        return "number"
    if col in spec.get("ids", []):
        return "id"
    return "text" if PARQUET_COLUMNS.get(table, {}).get(col) == "string" else None


_KIND_TEXT = {"date": ("日期（date32 或 timestamp）", "a date (date32 or timestamp)"),
              "month": ("月份（date32，每月 1 日）", "a month (date32, first day of the month)"),
              "number": ("数字（int64 或 float64）", "a number (int64 or float64)"),
              "id": ("文本编号（string）", "a text id (string)"),
              "text": ("文本（string）", "text (string)")}


def _arrow_ok(kind: str, typ) -> bool:
    import pyarrow as pa
    t = pa.types
    if t.is_null(typ) or t.is_string(typ) or t.is_large_string(typ):
        return True                                  # text is parsed (and checked) as in a CSV file
    if t.is_dictionary(typ):
        return kind in ("id", "text") and (t.is_string(typ.value_type) or t.is_large_string(typ.value_type))
    if kind in ("date", "month"):
        return t.is_date(typ) or (t.is_timestamp(typ) and typ.tz is None)
    if kind == "number":
        return t.is_integer(typ) or t.is_floating(typ) or t.is_decimal(typ)
    if kind == "id":
        return t.is_integer(typ)                     # read as text, like a CSV id column
    return False


def _arrow_column(path: Path, tbl, col: str, kind: str | None):
    """One column of a Parquet table as the types the CSV reader gives (see :func:`_read_parquet`)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    arr = tbl.column(col)
    typ = arr.type
    if kind is not None and not _arrow_ok(kind, typ):
        valid = arr.drop_null()
        shown = _show(valid[0].as_py()) if len(valid) else "（空）"
        want_zh, want_en = _KIND_TEXT[kind]
        raise file_error(path, f"列 “{col}” 的类型是 {typ}，应为{want_zh}，例如第 1 行：“{shown}”",
                         f"column '{col}' has type {typ}, expected {want_en}, e.g. row 1: '{shown}'",
                         f"把该列转换为正确的类型后再写 Parquet，或{_FIX_PARQUET_ZH}" + _FIX_RESTORE_ZH,
                         f"convert the column to the right type before writing the Parquet file, or "
                         f"{_FIX_PARQUET_EN}" + _FIX_RESTORE_EN)
    if pa.types.is_null(typ):
        typ = {"date": pa.timestamp("us"), "month": pa.timestamp("us"), "number": pa.float64()}.get(kind, pa.string())
        return pa.nulls(len(arr), typ)
    if pa.types.is_dictionary(typ):                  # code columns: categories, as the CSV reader makes them
        if pc.any(pc.equal(arr.combine_chunks().dictionary, "")).as_py():
            arr = arr.cast(pa.string())
        else:
            return arr
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_dictionary(typ):
        if pc.any(pc.equal(arr, "")).as_py():        # an empty cell means "none", as in a CSV file
            arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
        return arr.cast(pa.string()) if pa.types.is_large_string(arr.type) else arr
    if kind == "id" and pa.types.is_integer(typ):
        return arr.cast(pa.string())
    if pa.types.is_date(typ) or pa.types.is_timestamp(typ):
        return arr.cast(pa.timestamp("us"))
    if pa.types.is_integer(typ):
        return arr.cast(pa.int64())
    if pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        return arr.cast(pa.float64())
    return arr


def _read_parquet(path: Path, table: str, usecols=None) -> pd.DataFrame:
    """Read one ``<table>.parquet`` file into the dtypes :func:`_read_csv` gives for its CSV twin.

    Dates (``date32`` or naive ``timestamp``) become ``datetime64[us]``, integers ``int64``,
    floats ``float64``, text ``str`` (``''`` = missing, as in CSV), code columns categories
    (from the file's dictionary pages: nothing is hashed). A missing column, a column of the
    wrong type, or a damaged file raise :class:`DataFileError` naming the file, the column and the fix.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    if not path.is_file():
        raise _not_found(path)
    codes = list(RULES.get(table, {}).get("codes", {}))
    try:
        schema = pq.read_schema(path)
        want = list(usecols) if usecols else schema.names
        for col in want:
            if col not in schema.names:
                raise _missing_column(path, col, schema.names)
        dict_cols = [c for c in codes if c in want and (pa.types.is_string(schema.field(c).type)
                                                      or pa.types.is_large_string(schema.field(c).type))]
        tbl = pq.read_table(path, columns=want, read_dictionary=dict_cols or None, use_threads=True)
    except DataFileError:
        raise
    except PermissionError as e:
        raise file_error(path, f"无法读取（{type(e).__name__}：没有读取权限）",
                         f"cannot be read ({type(e).__name__}: no permission)",
                         "检查文件权限（需要可读），或" + _FIX_RESTORE_ZH,
                         "make the file readable, or " + _FIX_RESTORE_EN) from None
    except (pa.ArrowException, OSError, ValueError) as e:
        detail = " ".join(str(e).split())[:200]
        raise file_error(path, f"不是有效的 Parquet 文件，或已损坏/被截断（{detail}）",
                         f"is not a valid Parquet file, or is damaged or truncated ({detail})",
                         _FIX_PARQUET_ZH + _FIX_RESTORE_ZH, _FIX_PARQUET_EN + _FIX_RESTORE_EN) from None
    cols = [_arrow_column(path, tbl, c, _column_kind(table, c)) for c in tbl.column_names]
    tbl = pa.Table.from_arrays(cols, names=tbl.column_names)
    df = tbl.to_pandas()
    for col in SCHEMA.get(table, {}).get("months", []):
        if col in df.columns and pd.api.types.is_datetime64_any_dtype(df[col]):
            v = df[col]
            bad = (v.dt.day != 1).to_numpy(dtype=bool, na_value=False)
            if bad.any():
                raise _fail(path, col, bad, v, "不是月份（应为某月 1 日，即 CSV 中的 YYYY-MM）",
                            "not a month (must be the first day of a month, YYYY-MM in CSV)",
                            "把该列的日期改为每月 1 日，或" + _FIX_RESTORE_ZH,
                            "make every date in the column the first day of its month, or " + _FIX_RESTORE_EN)
    return df


def table_format(folder: str | os.PathLike | None = None) -> str:
    """Which files :func:`load_bank` reads in ``folder``: ``"parquet"`` or ``"csv"``.

    One file per table, ``<folder>/<table>.<format>``. With a ``MANIFEST.json``: Parquet
    when it lists Parquet files (``data_format`` ``parquet`` or ``both``; with both,
    Parquet is preferred because it loads faster), else CSV. Without a manifest (a
    trainee's own folder): Parquet when any ``<table>.parquet`` of the bank exists, else CSV.
    Default folder: :func:`course_utils.config.datasets_dir` (the committed CSV bank).

    Parquet files follow :data:`course_utils.datagen.output.PARQUET_COLUMNS`: ``string``,
    ``date32`` (dates; ``balances.month`` = first day of the month), ``int64`` and
    ``double`` (CNY, 2 decimals) columns, nulls where the CSV cell is empty.

    >>> table_format()
    'csv'
    """
    folder = Path(folder) if folder is not None else config.datasets_dir()
    fmt = manifest.data_format(manifest.read_manifest(folder))
    if fmt is None:
        fmt = "parquet" if any((folder / f"{t}.parquet").is_file() for t in TABLES) else "csv"
    return "csv" if fmt == "csv" else "parquet"


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------
def coerce_table(df: pd.DataFrame, table: str, path="(内存 in memory)", *,
                 validate: bool = True, allow_empty: bool = True, known: dict | None = None,
                 known_names: dict | None = None) -> pd.DataFrame:
    """Check one table and set its dtypes (dates -> datetime64, ids -> str, codes -> categories).

    ``path`` names the source in messages (a ``Path``: rows are reported as file
    lines; a string: as frame index). With ``validate`` the table's own rules
    are checked (:func:`validate_table`), and its references when ``known`` gives
    the ids of customers / products. ``allow_empty=False`` refuses a header-only table.
    Raises :class:`DataFileError` naming ``path``, the column, a row and the fix.

    >>> t = coerce_table(pd.DataFrame({"customer_id": [1], "month": ["2024-01"],
    ...                                "balance": ["5.5"]}), "balances")
    >>> str(t["month"].dtype).startswith("datetime64"), t["customer_id"].iloc[0]
    (True, '1')
    """
    spec = SCHEMA[table]
    df = df.copy()
    for col in spec["columns"]:
        if col not in df.columns:
            raise _missing_column(path, col, df.columns)
    if len(df) == 0 and not allow_empty:
        raise file_error(path, "只有表头，没有数据行（文件被截断或导出为空）",
                         "has only a header and no data rows (truncated, or exported empty)",
                         _FIX_RESTORE_ZH, _FIX_RESTORE_EN)
    for col in spec.get("ids", []):
        if col in df.columns and not pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].astype("str")
    if not _is_file(path):                       # '' means "none" (read_csv already made it NaN)
        for col in df.columns:
            if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
                empty = df[col].to_numpy(dtype=object) == ""
                if empty.any():
                    df[col] = df[col].mask(empty)
    date_cols = [(c, "%Y-%m-%d", "YYYY-MM-DD") for c in spec.get("dates", [])]
    date_cols += [(c, "%Y-%m", "YYYY-MM") for c in spec.get("months", [])]
    for col, fmt, shown in date_cols:
        if col not in df.columns or pd.api.types.is_datetime64_any_dtype(df[col]):
            continue
        s = df[col]
        try:                                     # fast path: every value parses (NaN -> NaT)
            parsed, bad = pd.to_datetime(s, format=fmt), None
        except (ValueError, TypeError):          # slow path: tolerate spaces, then locate the bad ones
            s = s.astype("string").str.strip()
            s = s.mask(s == "")
            parsed = pd.to_datetime(s, format=fmt, errors="coerce")
            bad = (parsed.isna() & s.notna()).to_numpy()
        if bad is not None and bad.any():
            raise _fail(path, col, bad, s, f"的日期无法解析（应为 {shown} 格式）",
                        f"with an unparsable date (expected {shown})",
                        f"把该列改回 {shown} 格式（Excel 可能自动改了日期格式），或" + _FIX_RESTORE_ZH,
                        f"write the column as {shown} again (Excel may have reformatted dates), or "
                        + _FIX_RESTORE_EN)
        if parsed.dtype != "datetime64[us]":      # an all-empty CSV column parses as datetime64[s]
            parsed = parsed.astype("datetime64[us]")
        df[col] = parsed
    for col in spec.get("numeric", []):
        if col in df.columns and not pd.api.types.is_numeric_dtype(df[col]):
            num = pd.to_numeric(df[col], errors="coerce")
            bad = (num.isna() & df[col].notna()).to_numpy()
            if bad.any():
                raise _fail(path, col, bad, df[col], "不是数字", "not a number",
                            "改回数字（不要带单位、逗号或文字），或" + _FIX_RESTORE_ZH,
                            "write a plain number there (no units, thousands separators or text), or "
                            + _FIX_RESTORE_EN)
            df[col] = num
    _same_dtypes_as_parquet(df, table)
    if validate:
        validate_table(df, table, path, known=known, known_names=known_names)
    for col in df.columns:
        if isinstance(df[col].dtype, pd.CategoricalDtype) and col not in ORDERED:
            df[col] = _decode_categories(df[col])
    for col, cats in ORDERED.items():
        if col in df.columns:
            df[col] = pd.Categorical(df[col], categories=cats, ordered=True)
    return df


def _decode_categories(s: pd.Series) -> pd.Series:
    """A categorical code column back to ``str`` (as ``astype("str")``); pyarrow-backed categories are
    taken by code in Arrow instead of building one Python string per row."""
    cats = s.cat.categories
    if isinstance(cats.array, pd.arrays.ArrowStringArray) and cats.dtype == pd.Series(["x"]).dtype:
        return pd.Series(cats.array.take(s.cat.codes.to_numpy(), allow_fill=True), index=s.index, name=s.name)
    return s.astype("str")


def _same_dtypes_as_parquet(df: pd.DataFrame, table: str) -> None:
    """Give columns a CSV file cannot type the dtypes of the Parquet schema (in place): an all-empty
    text column (read_csv: float NaN) becomes ``str``, a header-only table gets int64 / float64 / str."""
    from .datagen.output import PARQUET_COLUMNS
    for col, kind in PARQUET_COLUMNS.get(table, {}).items():
        if col not in df.columns or kind in ("date", "month"):
            continue
        s = df[col]
        if kind == "string" and (s.dtype == object or s.dtype.kind == "f") \
                and (len(s) == 0 or (pd.isna(s.iloc[0]) and s.isna().all())):
            text = pd.Series(["x"]).dtype        # str (pyarrow strings), or object when pandas infers none
            if isinstance(text, pd.StringDtype):
                df[col] = s.astype(text)
        elif len(s) == 0 and kind in ("int64", "float64") and s.dtype != kind:
            df[col] = s.astype(kind)


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------
def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def _arrow_text(s: pd.Series) -> bool:
    """True for a pyarrow-backed text column (pandas 3 ``str`` when pyarrow is installed)."""
    return pd.api.types.is_string_dtype(s.dtype) and getattr(s.dtype, "storage", None) == "pyarrow"


def _arrow_of(s: pd.Series):
    """The column's Arrow array, one chunk (no copy of the strings when it already is one chunk)."""
    import pyarrow as pa
    a = pa.array(s.array)
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


class _Columns:
    """Per-column work shared by every check of one table, computed once and only when needed.

    On a 40-million-row table every pass that touches Python string objects costs
    seconds. The happy path therefore compares neighbours (``runs``) and hashes only
    the values that start a run (one per customer in a table sorted by customer); the
    full ``pd.factorize`` (codes, -1 = missing) is the fallback and locates bad rows.
    pyarrow-backed ``str`` columns (pandas 3 with pyarrow) are compared and hashed in
    Arrow, never turned into Python strings (that conversion alone would cost more
    than the whole check); object columns (pandas without pyarrow) use numpy.
    """

    def __init__(self, df: pd.DataFrame):
        self.df = df
        self._f: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._r: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def factorized(self, c: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, unique values); code -1 = missing."""
        if c not in self._f:
            s = self.df[c]
            if isinstance(s.dtype, pd.CategoricalDtype):       # code columns read as categories
                self._f[c] = (s.cat.codes.to_numpy().astype(np.intp),
                              np.asarray(s.cat.categories, dtype=object))
                return self._f[c]
            if _arrow_text(s):                                 # hashed by Arrow
                arr = s.array
            else:
                arr = s.to_numpy(dtype=object) if _is_text(s) else s.to_numpy()
            codes, uniq = pd.factorize(arr, use_na_sentinel=True)
            self._f[c] = (np.asarray(codes), np.asarray(uniq, dtype=object) if _is_text(s) else np.asarray(uniq))
        return self._f[c]

    def runs(self, c: str) -> tuple[np.ndarray, np.ndarray]:
        """(run-start mask, values at run starts) of a text column; NaN always starts a run."""
        if c not in self._r and _arrow_text(self.df[c]):
            import pyarrow as pa
            import pyarrow.compute as pc
            a = _arrow_of(self.df[c])
            start = np.ones(len(a), dtype=bool)
            if len(a) > 1:                               # null compares to null: a run start, as NaN
                start[1:] = pc.not_equal(a[1:], a[:-1]).fill_null(True).to_numpy(zero_copy_only=False)
            self._r[c] = (start, np.asarray(a.filter(pa.array(start)).to_pandas(), dtype=object))
        if c not in self._r:
            arr = self.df[c].to_numpy(dtype=object)
            start = np.ones(len(arr), dtype=bool)
            if len(arr) > 1:
                np.not_equal(arr[1:], arr[:-1], out=start[1:])
            self._r[c] = (start, arr[start])
        return self._r[c]

    def distinct(self, c: str) -> np.ndarray:
        """The column's distinct values (object array; NaN included if any value is missing)."""
        s = self.df[c]
        if isinstance(s.dtype, pd.CategoricalDtype) or c in self._f or not _is_text(s):
            codes, uniq = self.factorized(c)
            return np.append(uniq, np.nan) if (codes < 0).any() else uniq
        return pd.unique(self.runs(c)[1])

    def has_null(self, c: str) -> bool:
        s = self.df[c]
        if _is_text(s) or isinstance(s.dtype, pd.CategoricalDtype):
            return bool(pd.isna(self.distinct(c)).any())
        return bool(self.null(c).any())

    def null(self, c: str) -> np.ndarray:
        s = self.df[c]
        if _is_text(s) or isinstance(s.dtype, pd.CategoricalDtype):
            return self.factorized(c)[0] < 0
        v = s.to_numpy()
        if v.dtype.kind == "M":
            return np.isnat(v)
        if v.dtype.kind == "f":
            return np.isnan(v)
        return s.isna().to_numpy()

    def not_in(self, c: str, ok_values: np.ndarray, distinct: np.ndarray) -> np.ndarray:
        """Row mask: present values whose distinct value is not flagged ok (slow path, on failure)."""
        bad_values = distinct[~ok_values & ~pd.isna(distinct)]
        codes, uniq = self.factorized(c)
        bad_code = pd.Index(uniq).get_indexer(bad_values)
        mask = np.zeros(len(uniq) + 1, dtype=bool)
        mask[bad_code[bad_code >= 0]] = True
        return mask[codes]                       # code -1 (missing) maps to the last, False


def _null_error(path, c, miss, values) -> DataFileError:
    return _fail(path, c, miss, values, "为空（此列每行都必须有值）", "empty (every row needs a value in this column)",
                 "补上缺失的值，或" + _FIX_RESTORE_ZH, "fill in the missing values, or " + _FIX_RESTORE_EN)


def _sorted_unique(cols: _Columns, first: str, second: str) -> bool:
    """True when rows are grouped by ``first`` (each value in one run) and strictly increasing in
    ``second`` within each group -- how the generator writes balances and app usage: then the
    pair is unique, found with neighbour comparisons and one hash pass over the groups only."""
    if not _is_text(cols.df[first]):
        return False
    start, values = cols.runs(first)
    if len(pd.unique(values)) != len(values):   # a value in two separate runs: not grouped
        return False
    v = cols.df[second].to_numpy()
    if v.dtype.kind == "M":
        v = v.view(np.int64)
    elif v.dtype.kind not in "iuf":
        v = cols.factorized(second)[0]
    return bool((start[1:] | (np.diff(v) > 0)).all())


def _check_keys(cols: _Columns, path, keys):
    df = cols.df
    for key in keys:
        if not all(c in df.columns for c in key):
            continue
        if len(key) == 1:                        # a unique column: every row starts a run, so
            cols.factorized(key[0])              # hash once (factorize) and reuse it for the rest
        for c in key:
            if cols.has_null(c):
                raise _fail(path, c, cols.null(c), df[c], "编号为空", "with an empty id",
                            "补上编号或删除这些行，或" + _FIX_RESTORE_ZH,
                            "fill in the id or delete those rows, or " + _FIX_RESTORE_EN)
        if len(key) == 1:
            codes, uniq = cols.factorized(key[0])
            counts = np.bincount(codes, minlength=len(uniq))
            if counts.max(initial=0) <= 1:
                continue
            dup = counts[codes] > 1
        else:
            if len(key) == 2 and _sorted_unique(cols, key[0], key[1]):
                continue                         # rows sorted by the key: unique without hashing every row
            codes = cols.factorized(key[0])[0]
            combined = codes.astype(np.int64)
            for c in key[1:]:
                c2, u2 = cols.factorized(c)
                combined = combined * max(len(u2), 1) + c2
            dup = pd.Series(combined).duplicated(keep=False).to_numpy()
            if not dup.any():
                continue
        i = _first(dup)                          # first duplicated row and the next row with its key
        same = np.ones(len(df), dtype=bool)
        for c in key:
            same &= cols.factorized(c)[0] == cols.factorized(c)[0][i]
        first = [i, int(np.flatnonzero(same)[1])]
        (z0, e0), (z1, e1) = _where(path, first[0]), _where(path, first[1])
        name = " + ".join(key)
        what_zh = "编号" if len(key) == 1 else f"组合（{name}）"
        shown = " / ".join(_show(df[c].iloc[i]) for c in key)
        raise file_error(
            path, f"列 “{name}” 有 {int(dup.sum())} 行的{what_zh}重复，例如{z0}与{z1}：“{shown}”",
            f"column '{name}': {int(dup.sum())} row(s) share a key that must be unique, e.g. {e0} and {e1}: "
            f"'{shown}'",
            "删除重复的行（例如同一批数据被粘贴了两次），或" + _FIX_RESTORE_ZH,
            "delete the duplicated rows (e.g. the same rows pasted twice), or " + _FIX_RESTORE_EN)


def _check_notnull(cols: _Columns, path, names):
    for c in names:
        if c in cols.df.columns and cols.has_null(c):
            raise _null_error(path, c, cols.null(c), cols.df[c])


def _check_codes(cols: _Columns, path, codes):
    """Codes from the generator's sets: checked on the unique values, rows located only on failure."""
    valid = _codes()
    for c, key in codes.items():
        if c not in cols.df.columns:
            continue
        allowed = valid[key]
        uniq = cols.distinct(c)
        ok = np.fromiter((pd.isna(u) or u in allowed for u in uniq), dtype=bool, count=len(uniq))
        if ok.all():
            continue
        bad = cols.not_in(c, ok, uniq)
        raise _fail(path, c, bad, cols.df[c], "的取值不在允许的代码中", "with a value that is not an allowed code",
                    f"只能使用这些取值：{'、'.join(allowed)}（注意空格和全角/半角），或" + _FIX_RESTORE_ZH,
                    f"use only these values: {', '.join(allowed)} (watch for spaces and full-width "
                    "characters), or " + _FIX_RESTORE_EN)


def _fmt(x: float) -> str:
    return "∞" if x == math.inf else "-∞" if x == -math.inf else f"{x:g}"


def _check_ranges(df, path, ranges, dirt):
    for c, (lo, hi, whole) in ranges.items():
        if c not in df.columns:
            continue
        v = df[c].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(v)
            if c not in dirt:
                bad |= (v < lo) | (v > hi)
            if whole:
                bad |= np.isfinite(v) & (np.floor(v) != v)
        if bad.any():
            parts_zh, parts_en = [], []
            if c not in dirt and (lo > -math.inf or hi < math.inf):
                parts_zh.append(f"在 {_fmt(lo)} 到 {_fmt(hi)} 之间")
                parts_en.append(f"between {_fmt(lo)} and {_fmt(hi)}")
            if whole:
                parts_zh.append("为整数")
                parts_en.append("a whole number")
            parts_zh.append("有限")
            parts_en.append("finite")
            raise _fail(path, c, bad, df[c], f"超出允许范围（应{'、'.join(parts_zh)}）",
                        f"out of range (must be {', '.join(parts_en)})",
                        "改正这些值（例如满意度 999 应为 0–100 的分数），或" + _FIX_RESTORE_ZH,
                        "correct these values (e.g. a satisfaction of 999 must be a 0-100 score), or "
                        + _FIX_RESTORE_EN)


def _check_dirt(df, path, names):
    limit = max(DIRT_MIN_ROWS, int(math.floor(DIRT_TOLERANCE * len(df))))
    for c in names:
        if c not in df.columns:
            continue
        lo, hi = PLAUSIBLE[c]
        v = df[c].to_numpy(dtype=float, na_value=np.nan)
        bad = (v < lo) | (v > hi)                # NaN compares False: missing is not "implausible"
        if int(bad.sum()) > limit:
            raise _fail(path, c, bad, df[c], f"不合理（合理范围 {lo:g}–{hi:g}），超过可容忍的已知脏数据上限 {limit} 行"
                        f"（{DIRT_TOLERANCE:.0%}；课程数据中约 0.1–0.3 %）",
                        f"implausible (plausible range {lo:g}-{hi:g}), more than the tolerated known dirt of "
                        f"{limit} rows ({DIRT_TOLERANCE:.0%}; the course data has about 0.1-0.3 %)",
                        "很可能是列错位或用错了文件：检查这一列，或" + _FIX_RESTORE_ZH,
                        "probably a shifted column or a wrong file: check the column, or " + _FIX_RESTORE_EN)


def _check_order(df, path, pairs):
    for early, late in pairs:
        if early not in df.columns or late not in df.columns:
            continue
        a, b = df[early].to_numpy(), df[late].to_numpy()
        bad = b < a                              # NaT compares False
        if bad.any():
            i = _first(bad)
            wz, we = _where(path, i)
            ve, vl = _show(df[early].iloc[i]), _show(df[late].iloc[i])
            raise file_error(
                path, f"列 “{late}” 有 {int(bad.sum())} 行早于 “{early}”，例如{wz}：{vl} 早于 {ve}",
                f"column '{late}': {int(bad.sum())} row(s) before '{early}', e.g. {we}: {vl} is before {ve}",
                f"检查这两列是否被对调或被 Excel 改了日期格式（{late} 不能早于 {early}），或" + _FIX_RESTORE_ZH,
                f"check whether the two columns were swapped or reformatted by Excel ({late} cannot be "
                f"before {early}), or " + _FIX_RESTORE_EN)


def _known_index(ids) -> pd.Index:
    """Ids of a referenced table as an Index (its hash table is built once and reused)."""
    return ids if isinstance(ids, pd.Index) else pd.Index(np.asarray(ids, dtype=object))


def _check_refs(cols: _Columns, table: str, path, known: dict, known_names: dict):
    for c, ref in RULES[table].get("refs", {}).items():
        if ref not in known or c not in cols.df.columns:
            continue
        uniq = cols.distinct(c)
        ok = (known[ref].get_indexer(uniq) >= 0) | pd.isna(uniq)
        if ok.all():
            continue
        bad = cols.not_in(c, ok, uniq)
        where = known_names.get(ref, ref)
        n_ids = int((~ok).sum())
        raise _fail(path, c, bad, cols.df[c], f"在 {where} 中不存在", f"not found in {where}",
                    f"{where} 可能不完整（被截断）或与本文件不是同一次生成的数据：把整套文件换成同一次生成的，或"
                    + _FIX_RESTORE_ZH,
                    f"{where} may be incomplete (truncated) or from another generation run than this "
                    "file: use one complete set of files, or " + _FIX_RESTORE_EN,
                    f"（涉及 {n_ids} 个不同的编号）", f" ({n_ids} distinct id(s))")


def validate_table(df: pd.DataFrame, table: str, path="(内存 in memory)", known: dict | None = None,
                   known_names: dict | None = None) -> None:
    """Check one typed table against :data:`RULES` (keys, empty cells, codes, ranges, dirt, dates).

    ``df`` has its dtypes set (dates ``datetime64``, numbers numeric), codes still text.
    ``known`` (optional): table name -> ids of customers / products, to check this
    table's references too (``known_names`` names those tables in messages).
    Raises :class:`DataFileError` with the column, count, an example row and the fix.

    >>> validate_table(pd.DataFrame({"customer_id": ["C1", "C2"], "month": pd.to_datetime(["2024-01-01"] * 2),
    ...                              "balance": [5.0, -1.0]}), "balances")
    Traceback (most recent call last):
    ...
    course_utils.errors.DataFileError: 数据文件 (内存 in memory)：列 “balance” 有 1 行超出允许范围（应在 0 到 ∞ 之间、有限），例如第 1 行（索引）：“-1”。修复方法：...
    ...
    """
    rules = RULES[table]
    cols = _Columns(df)
    _check_keys(cols, path, rules.get("keys", []))
    _check_notnull(cols, path, list(dict.fromkeys(list(rules.get("notnull", [])) + SCHEMA[table]["ids"])))
    _check_codes(cols, path, rules.get("codes", {}))
    _check_ranges(df, path, rules.get("ranges", {}), rules.get("dirt", []))
    _check_dirt(df, path, rules.get("dirt", []))
    _check_order(df, path, rules.get("order", []))
    if known:
        _check_refs(cols, table, path, {k: _known_index(v) for k, v in known.items()}, known_names or {})


def validate_references(tables: dict[str, pd.DataFrame], paths: dict, keys: dict | None = None) -> None:
    """Every ``customer_id`` / ``product_id`` in a table exists in customers / products.

    ``tables``: loaded tables; ``paths``: table -> name used in messages;
    ``keys``: optional table -> ids for referenced tables that were not loaded in full.

    >>> c = pd.DataFrame({"customer_id": ["C1"]})
    >>> t = pd.DataFrame({"customer_id": ["C1", "C9"]})
    >>> validate_references({"customers": c, "transactions": t}, {"transactions": "t.csv", "customers": "c.csv"})
    Traceback (most recent call last):
    ...
    course_utils.errors.DataFileError: 数据文件 t.csv：列 “customer_id” 有 1 行在 c.csv 中不存在（涉及 1 个不同的编号），例如第 1 行（索引）：“C9”。...
    ...
    """
    known = {t: _known_index(df[SCHEMA[t]["ids"][0]]) for t, df in tables.items() if t in ("customers", "products")}
    known.update({t: _known_index(v) for t, v in (keys or {}).items()})
    for t, df in tables.items():
        _check_refs(_Columns(df), t, paths.get(t, t), known, paths)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def load_bank(data_dir: str | os.PathLike | None = None, tables=None) -> Bank:
    """Load the bank's CSV or Parquet files from ``data_dir`` (default: the committed ``datasets/``).

    Parameters
    ----------
    data_dir : folder with ``customers.csv`` etc. or ``customers.parquet`` etc. (both: Parquet is
        read, see :func:`table_format`); default :func:`course_utils.config.datasets_dir`.
    tables : iterable of table names to load (default: every table of ``TABLES``).

    Returns a :class:`Bank` with one attribute per table: dates are ``datetime64``
    (``NaT`` = none, e.g. ``churn_date`` of active customers), ids are ``str``,
    money in CNY (float), ``risk_appetite`` / ``risk_level`` / ``intent_grade``
    ordered categories.

    If the folder has a ``MANIFEST.json`` (every generated folder does), the
    requested files must match it (size and SHA-256), else "mixed or
    half-written dataset"; the default folder must have one. A folder without
    a manifest (a trainee's own export) loads with the same validation.
    Every table is validated (see the module docstring for what is refused and
    which documented dirt loads); references to customers / products are
    checked against customers.csv / products.csv (or .parquet), whose id column
    is read even when those tables were not asked for. The frames are the same
    for CSV and Parquet files of the same bank.

    Raises :class:`DataFileError` naming the file, the column, an example row
    (line number and value), the count and the fix, in Chinese and English.

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
    names = list(dict.fromkeys(names))
    refs = set(v for t in names for v in RULES[t].get("refs", {}).values()) - set(names)
    default = data_dir is None or _same_folder(folder, config.datasets_dir())
    ext = "." + table_format(folder)
    read = _read_parquet if ext == ".parquet" else _read_csv
    man = manifest.verify_folder(folder, tables=names + sorted(refs), require=default, suffix=ext)
    vouched = {n.rsplit(".", 1)[0] for n in (man or {}).get("files", {})}
    paths = {t: folder / f"{t}{ext}" for t in names + sorted(refs)}
    known: dict[str, pd.Index] = {}
    for ref in sorted(refs):                     # referenced but not requested: read the id column only
        col = SCHEMA[ref]["ids"][0]
        known[ref] = pd.Index(read(paths[ref], ref, usecols=[col])[col].astype("str").dropna())
    out = {}
    for t in sorted(names, key=lambda t: t not in ("customers", "products")):   # referenced tables first
        out[t] = coerce_table(read(paths[t], t), t, paths[t], allow_empty=t in _MAY_BE_EMPTY and t in vouched,
                              known=known, known_names=paths)
        if t in ("customers", "products"):
            known[t] = pd.Index(out[t][SCHEMA[t]["ids"][0]])
    return Bank({t: out[t] for t in names})


@functools.lru_cache(maxsize=4)
def _generated(seed: int, n_customers: int) -> Bank:
    from .datagen import generate_bank
    raw = generate_bank(n_customers, seed)
    label = f"(generated seed={seed}, n={n_customers})"
    names = {t: f"{label} {t}" for t in raw}
    known: dict[str, pd.Index] = {}
    out = {}
    for t in sorted(raw, key=lambda t: t not in ("customers", "products")):
        out[t] = coerce_table(raw[t], t, names[t], allow_empty=t in _MAY_BE_EMPTY, known=known, known_names=names)
        if t in ("customers", "products"):
            known[t] = pd.Index(out[t][SCHEMA[t]["ids"][0]])
    return Bank({t: out[t] for t in raw})


def get_bank(seed: int = config.DEFAULT_SEED, n_customers: int = config.DEFAULT_CUSTOMERS) -> Bank:
    """The bank for ``(seed, n_customers)``: the committed files for the defaults,
    otherwise generated in memory (cached per process) and validated like a
    loaded folder. Every call returns fresh copies of the tables, so changing
    them in one cell never changes what the next ``get_bank()`` returns.

    The committed files are read table by table when first used (``bank.tables`` is a
    :class:`LazyTables`), each with the checks of :func:`load_bank` and cached per process.

    >>> small = get_bank(seed=7, n_customers=300)               # doctest: +SKIP
    >>> len(small.customers)                                     # doctest: +SKIP
    300
    """
    seed, n_customers = int(seed), int(n_customers)
    if (seed, n_customers) == (config.DEFAULT_SEED, config.DEFAULT_CUSTOMERS):
        folder = str(config.datasets_dir())
        # fresh (copy-on-write, so cheap) copies: changing a table never alters the cache
        return Bank(LazyTables(TABLES, lambda t: _load_default(folder, t).copy()))
    cached = _generated(seed, n_customers)
    return Bank({k: v.copy() for k, v in cached.tables.items()})


@functools.lru_cache(maxsize=64)
def _load_default(folder: str, table: str) -> pd.DataFrame:
    return load_bank(folder, tables=[table])[table]
