"""Parquet output of the generator and Parquet input of the loader.

- ``write_bank(format=...)`` / ``generate --format``: csv, parquet or both; the default
  depends on the size; the manifest lists every file written and the format.
- Same seed -> same Parquet bytes: two runs, 1 vs 2 worker processes, and numpy's and
  Arrow's SIMD kernels switched off in a subprocess.
- ``load_bank`` gives the same frames (values and dtypes) from CSV and from Parquet.
- A damaged Parquet file, a missing column or a column of the wrong type gets the same
  kind of message as a bad CSV file: file, column, example row, fix, Chinese and English.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from course_utils import config, manifest
from course_utils.data import load_bank, table_format
from course_utils.datagen import TABLES, write_bank
from course_utils.datagen import bank as bankmod
from course_utils.datagen import output
from course_utils.errors import CourseArgumentError, DataFileError

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
SMALL = dict(n_customers=300, seed=11)


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _assert_equal_banks(a, b):
    assert list(a.tables) == list(b.tables)
    for t in a.tables:
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=True, obj=t)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small bank written as CSV, as Parquet and as both (same seed)."""
    base = tmp_path_factory.mktemp("parquet")
    out = {}
    for fmt in ("csv", "parquet", "both"):
        out[fmt] = base / fmt
        write_bank(out[fmt], progress=False, format=fmt, **SMALL)
    return out


def _bilingual(err: Exception) -> tuple[str, str]:
    zh, en = str(err).split("\n", 1)
    assert CJK.search(zh) and "修复方法" in zh, zh
    assert "Fix:" in en and not CJK.search(en.split("Fix:")[0].replace("（", "(")), en
    return zh, en


# ---------------------------------------------------------------- writer and manifest
def test_each_format_writes_one_file_per_table_and_the_manifest_lists_them(small):
    for fmt, exts in (("csv", ["csv"]), ("parquet", ["parquet"]), ("both", ["csv", "parquet"])):
        names = sorted(f"{t}.{e}" for t in TABLES for e in exts)
        folder = small[fmt]
        assert sorted(p.name for p in folder.iterdir()) == sorted(names + [manifest.MANIFEST_NAME])
        man = manifest.verify_folder(folder)
        assert sorted(man["files"]) == names
        assert man.get("data_format", "csv") == fmt and manifest.data_format(man) == fmt
        assert table_format(folder) == ("csv" if fmt == "csv" else "parquet")
    # the CSV files do not depend on whether Parquet was written too
    for t in TABLES:
        assert (small["csv"] / f"{t}.csv").read_bytes() == (small["both"] / f"{t}.csv").read_bytes()
        assert (small["parquet"] / f"{t}.parquet").read_bytes() == (small["both"] / f"{t}.parquet").read_bytes()


def test_parquet_schema_is_plain_and_documented(small):
    for t in TABLES:
        pf = pq.ParquetFile(small["parquet"] / f"{t}.parquet")
        schema = pf.schema_arrow
        assert schema.remove_metadata().equals(output.arrow_schema(t)), t
        assert not (schema.metadata or {}).keys() - {b"ARROW:schema"}, t     # no pandas / host metadata
        assert pf.metadata.created_by == f"parquet-cpp-arrow version {pa.__version__}"
        kinds = set(str(f.type) for f in schema)
        assert kinds <= {"string", "date32[day]", "int64", "double"}, (t, kinds)
    month = pq.read_table(small["parquet"] / "balances.parquet", columns=["month"]).column(0)
    assert {d.day for d in month.to_pylist()} == {1}


def test_default_format_follows_the_size(tmp_path, monkeypatch):
    assert output.default_format(config.PARQUET_MIN_CUSTOMERS - 1) == "csv"
    assert output.default_format(config.PARQUET_MIN_CUSTOMERS) == "parquet"
    assert output.default_format(config.DEFAULT_CUSTOMERS) == "csv"      # the committed datasets/ stay CSV
    monkeypatch.setattr(config, "PARQUET_MIN_CUSTOMERS", 120)            # same rule, a size a test can afford
    below = write_bank(tmp_path / "below", 119, seed=1, progress=False)
    at = write_bank(tmp_path / "at", 120, seed=1, progress=False)
    assert below["customers"].name == "customers.csv" and "data_format" not in manifest.read_manifest(tmp_path / "below")
    assert at["customers"].name == "customers.parquet" and manifest.read_manifest(tmp_path / "at")["data_format"] == "parquet"
    assert not list((tmp_path / "at").glob("*.csv"))


def test_force_with_another_format_leaves_no_stale_files(tmp_path):
    out = tmp_path / "bank"
    write_bank(out, 100, seed=1, progress=False, format="csv")
    (out / "README.md").write_text("notes", encoding="utf-8")
    write_bank(out, 100, seed=2, progress=False, format="parquet", force=True)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{t}.parquet" for t in TABLES] + ["MANIFEST.json", "README.md"])
    assert load_bank(out, tables=["customers"]).customers.shape[0] == 100


def test_failure_while_writing_parquet_leaves_nothing(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = output.ParquetTables.write

    def broken(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device (injected)")
        return real(self, *a, **k)

    monkeypatch.setattr(output.ParquetTables, "write", broken)
    with pytest.raises(OSError):
        write_bank(tmp_path / "bank", 150, seed=2, progress=False, format="both")
    assert list(tmp_path.iterdir()) == []                # temporary folder removed, no target


# ---------------------------------------------------------------- determinism
def test_same_seed_same_parquet_bytes_twice(small, tmp_path):
    again = tmp_path / "again"
    write_bank(again, progress=False, format="parquet", **SMALL)
    assert _bytes(again) == _bytes(small["parquet"])


def test_parquet_bytes_do_not_depend_on_worker_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(bankmod, "CHUNK", 100)          # 3 chunks of behaviour tables
    one, two = tmp_path / "one", tmp_path / "two"
    write_bank(one, 300, seed=4, progress=False, workers=1, format="both")
    write_bank(two, 300, seed=4, progress=False, workers=2, format="both")
    assert _bytes(one) == _bytes(two)
    rg = pq.ParquetFile(one / "transactions.parquet").metadata.num_row_groups
    assert rg == 3                                       # one row group per chunk of customers


_CHILD = r"""
import sys
from course_utils.datagen import write_bank
write_bank(sys.argv[1], 300, 11, progress=False, format="parquet")
"""


def test_parquet_bytes_do_not_depend_on_the_cpu_kernels(small, tmp_path):
    """numpy's AVX-512/AVX2 and Arrow's SIMD kernels off: same bytes (an older CPU)."""
    from test_determinism import NO_AVX2, _setting_env
    env, _ = _setting_env(NO_AVX2)
    env["ARROW_USER_SIMD_LEVEL"] = "NONE"
    out = tmp_path / "old_cpu"
    r = subprocess.run([sys.executable, "-c", _CHILD, str(out)], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert _bytes(out) == _bytes(small["parquet"])


# ---------------------------------------------------------------- loader
def test_load_bank_parquet_equals_csv_second_seed(small):
    _assert_equal_banks(load_bank(small["csv"]), load_bank(small["parquet"]))


def test_load_bank_parquet_equals_csv_default_bank(tmp_path):
    """The committed default bank (CSV) and the same seed written as Parquet load identically."""
    out = tmp_path / "default"
    write_bank(out, config.DEFAULT_CUSTOMERS, config.DEFAULT_SEED, progress=False, format="parquet")
    _assert_equal_banks(load_bank(), load_bank(out))


def test_both_formats_prefer_parquet(small, tmp_path):
    both = tmp_path / "both"
    shutil.copytree(small["both"], both)
    for t in TABLES:                                     # CSVs gone: still loads, so they were not read
        (both / f"{t}.csv").unlink()
    _assert_equal_banks(load_bank(small["csv"], tables=["transactions"]), load_bank(both, tables=["transactions"]))


def test_folder_without_manifest_detected_by_its_files(small, tmp_path):
    own = tmp_path / "own"
    shutil.copytree(small["parquet"], own)
    (own / manifest.MANIFEST_NAME).unlink()
    assert table_format(own) == "parquet"
    assert len(load_bank(own, tables=["customers"]).customers) == SMALL["n_customers"]
    assert table_format(small["csv"]) == "csv" and table_format() == "csv"


# ---------------------------------------------------------------- bad Parquet files
@pytest.fixture
def own_parquet(small, tmp_path):
    """A copy without manifest (a trainee's or engineer's own folder): only the loader's checks apply."""
    d = tmp_path / "own"
    shutil.copytree(small["parquet"], d)
    (d / manifest.MANIFEST_NAME).unlink()
    return d


def _rewrite(path: Path, fn) -> None:
    tbl = pq.read_table(path)
    pq.write_table(fn(tbl), path)


def test_truncated_parquet_file(own_parquet):
    p = own_parquet / "transactions.parquet"
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    with pytest.raises(DataFileError) as e:
        load_bank(own_parquet, tables=["transactions"])
    zh, en = _bilingual(e.value)
    assert "transactions.parquet" in zh and "Parquet" in zh and "damaged or truncated" in en


def test_csv_renamed_to_parquet(own_parquet, small):
    shutil.copy(small["csv"] / "survey.csv", own_parquet / "survey.parquet")
    with pytest.raises(DataFileError, match="survey.parquet"):
        load_bank(own_parquet, tables=["survey"])


def test_damaged_parquet_with_manifest_is_refused_by_the_manifest(small, tmp_path):
    d = tmp_path / "bank"
    shutil.copytree(small["parquet"], d)
    raw = bytearray((d / "holdings.parquet").read_bytes())
    raw[100] ^= 0xFF
    (d / "holdings.parquet").write_bytes(bytes(raw))
    with pytest.raises(DataFileError, match=r"holdings\.parquet.*(manifest|清单)"):
        load_bank(d, tables=["holdings"])


def test_missing_column_in_parquet(own_parquet):
    _rewrite(own_parquet / "transactions.parquet", lambda t: t.drop_columns(["amount"]))
    with pytest.raises(DataFileError) as e:
        load_bank(own_parquet, tables=["transactions"])
    zh, en = _bilingual(e.value)
    assert "“amount”" in zh and "'amount'" in en and "transactions.parquet" in en


def test_missing_id_column_of_a_referenced_parquet(own_parquet):
    _rewrite(own_parquet / "customers.parquet", lambda t: t.drop_columns(["customer_id"]))
    with pytest.raises(DataFileError, match=r"customers\.parquet(.|\n)*customer_id"):
        load_bank(own_parquet, tables=["accounts"])


@pytest.mark.parametrize("col, typ, word", [
    ("txn_date", pa.int64(), "date"),
    ("amount", pa.timestamp("us"), "number"),
    ("txn_type", pa.int64(), "text"),
])
def test_parquet_column_of_the_wrong_type(own_parquet, col, typ, word):
    def change(t):
        i = t.schema.get_field_index(col)
        if pa.types.is_timestamp(typ):
            arr = pa.array([pd.Timestamp("2024-01-01")] * t.num_rows, typ)
        else:
            arr = pa.array(range(t.num_rows), typ)
        return t.set_column(i, col, arr)
    _rewrite(own_parquet / "transactions.parquet", change)
    with pytest.raises(DataFileError) as e:
        load_bank(own_parquet, tables=["transactions"])
    zh, en = _bilingual(e.value)
    assert f"“{col}”" in zh and f"'{col}'" in en and word in en and "row 1" in en, en


def test_text_in_a_number_column_names_the_row(own_parquet):
    def change(t):
        amounts = [f"{v:.2f}" for v in t.column("amount").to_pylist()]
        amounts[4] = "10 yuan"
        return t.set_column(t.schema.get_field_index("amount"), "amount", pa.array(amounts))
    _rewrite(own_parquet / "transactions.parquet", change)
    with pytest.raises(DataFileError) as e:
        load_bank(own_parquet, tables=["transactions"])
    zh, en = _bilingual(e.value)
    assert "不是数字" in zh and "row 5: '10 yuan'" in en and "第 5 行" in zh


def test_text_dates_and_int32_numbers_load_like_csv(own_parquet, small):
    """A hand-made Parquet file with ISO text dates and narrower ints loads to the same frame."""
    def change(t):
        t = t.set_column(t.schema.get_field_index("visit_date"), "visit_date",
                         pc_strftime(t.column("visit_date")))
        return t.set_column(t.schema.get_field_index("dwell_seconds"), "dwell_seconds",
                            t.column("dwell_seconds").cast(pa.int32()))
    _rewrite(own_parquet / "web_visits.parquet", change)
    _assert_equal_banks(load_bank(small["csv"], tables=["web_visits"]), load_bank(own_parquet, tables=["web_visits"]))


def pc_strftime(col):
    import pyarrow.compute as pc
    return pc.strftime(col.cast(pa.timestamp("s")), format="%Y-%m-%d")


def test_month_that_is_not_a_first_day(own_parquet):
    def change(t):
        days = t.column("month").cast(pa.int32()).to_pylist()
        days[2] += 14
        return t.set_column(t.schema.get_field_index("month"), "month", pa.array(days, pa.int32()).cast(pa.date32()))
    _rewrite(own_parquet / "balances.parquet", change)
    with pytest.raises(DataFileError) as e:
        load_bank(own_parquet, tables=["balances"])
    zh, en = _bilingual(e.value)
    assert "“month”" in zh and "row 3" in en


def test_empty_strings_are_missing_as_in_csv(own_parquet, small):
    def change(t):
        return t.set_column(t.schema.get_field_index("churn_reason"), "churn_reason",
                            t.column("churn_reason").fill_null(""))
    _rewrite(own_parquet / "customers.parquet", change)
    _assert_equal_banks(load_bank(small["csv"], tables=["customers"]), load_bank(own_parquet, tables=["customers"]))


# ---------------------------------------------------------------- arguments
def _run(args, timeout=180):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "course_utils", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=timeout)


@pytest.mark.parametrize("value", ["xlsx", "", "parquet,csv"])
def test_cli_bad_format_is_one_bilingual_line(tmp_path, value):
    r = _run(["generate", "--customers", "100", "--format", value, "--out", str(tmp_path / "bank")])
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误") and "Error: --format must be one of csv, parquet, both" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_cli_format_flag_writes_that_format(tmp_path):
    out = tmp_path / "bank"
    r = _run(["generate", "--customers", "100", "--seed", "3", "--format", "Parquet", "--out", str(out), "--no-progress"])
    assert r.returncode == 0, r.stderr
    assert "13 Parquet files" in r.stdout and sorted(p.suffix for p in out.iterdir()) == [".json"] + [".parquet"] * 13
    assert manifest.verify_folder(out)["data_format"] == "parquet"


def test_write_bank_bad_format(tmp_path):
    with pytest.raises(CourseArgumentError) as e:
        write_bank(tmp_path / "b", 100, seed=1, progress=False, format="feather")
    assert " / " in str(e.value) and "\n" not in str(e.value) and "--format" in str(e.value)
    assert list(tmp_path.iterdir()) == []


def test_manifest_of_a_csv_folder_has_no_format_key(small):
    """CSV manifests keep their old bytes (the committed datasets/ are unchanged)."""
    man = json.loads((small["csv"] / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))
    assert "data_format" not in man and manifest.data_format(man) == "csv"
    assert "data_format" not in json.loads((config.datasets_dir() / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- pyarrow-backed strings
def test_rfm_on_pyarrow_strings_equals_rfm_on_python_strings(small):
    """rfm() hashes pyarrow ids in Arrow; the sums still add up in the same order (bit-identical)."""
    from course_utils.features import rfm
    tx = load_bank(small["parquet"], tables=["transactions"]).transactions
    assert getattr(tx["customer_id"].dtype, "storage", None) == "pyarrow"
    objects = tx.assign(customer_id=pd.Series(tx["customer_id"].to_numpy(dtype=object), dtype=object))
    for window in (None, 90):
        a, b = rfm(tx, "2024-01-01", window_days=window), rfm(objects, "2024-01-01", window_days=window)
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    bad = tx.copy()
    bad.loc[3, "customer_id"] = None
    with pytest.raises(ValueError, match="customer_id"):
        rfm(bad, "2024-06-30")


def test_validation_on_pyarrow_strings_finds_duplicates_and_gaps(small):
    """The Arrow paths of the checks (neighbour runs, hashing) still locate bad rows."""
    from course_utils.data import validate_table
    bal = load_bank(small["parquet"], tables=["balances"]).balances
    dup = pd.concat([bal.iloc[:5], bal.iloc[4:5], bal.iloc[5:]], ignore_index=True)
    with pytest.raises(DataFileError, match=r"customer_id \+ month.*row index 4"):
        validate_table(dup, "balances")
    gap = bal.copy()
    gap.loc[7, "customer_id"] = None
    with pytest.raises(DataFileError, match=r"'customer_id'.*row index 7"):
        validate_table(gap, "balances")
