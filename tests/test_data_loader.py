"""Loader: dtypes, caching, and clear bilingual errors on broken files."""
import shutil

import pandas as pd
import pytest

from course_utils import config
from course_utils.data import Bank, DataFileError, get_bank, load_bank

SMALL = ["customers", "products"]


@pytest.fixture()
def copy_dir(tmp_path):
    for t in SMALL:
        shutil.copy(config.datasets_dir() / f"{t}.csv", tmp_path / f"{t}.csv")
    return tmp_path


def test_default_tables_have_dtypes_set():
    bank = load_bank(tables=["customers", "transactions", "balances", "outbound_calls"])
    assert isinstance(bank, Bank) and set(bank.tables) == {"customers", "transactions", "balances",
                                                           "outbound_calls"}
    c = bank.customers
    for col in ("open_date", "churn_date"):
        assert pd.api.types.is_datetime64_any_dtype(c[col])
    assert c["churn_date"].isna().any() and c["churn_date"].notna().any()
    assert pd.api.types.is_string_dtype(c["customer_id"])
    assert c["customer_id"].str.match(r"^C\d{6}$").all()
    assert pd.api.types.is_float_dtype(c["clv"]) and pd.api.types.is_float_dtype(c["monthly_income"])
    assert list(c["risk_appetite"].cat.categories) == ["R1", "R2", "R3", "R4", "R5"]
    assert pd.api.types.is_datetime64_any_dtype(bank.transactions["txn_date"])
    assert pd.api.types.is_datetime64_any_dtype(bank.balances["month"])
    assert bank.outbound_calls["intent_grade"].cat.ordered
    assert bank["customers"] is bank.customers


def test_get_bank_defaults_are_the_committed_files_and_cached():
    b1 = get_bank()
    b2 = get_bank(config.DEFAULT_SEED, config.DEFAULT_CUSTOMERS)
    pd.testing.assert_frame_equal(b1.customers, b2.customers)
    assert len(b1.customers) == config.DEFAULT_CUSTOMERS
    # a trainee changing a table does not change the next get_bank()
    b1.customers.loc[0, "age"] = -5
    b1.transactions["amount"] = 0.0
    b3 = get_bank()
    assert b3.customers.loc[0, "age"] != -5 and (b3.transactions["amount"] != 0).any()
    assert set(b1.tables) == set(load_bank(tables=None).tables)


def test_get_bank_reads_each_committed_table_when_first_used(tmp_path, monkeypatch):
    from course_utils import data
    shutil.copytree(config.datasets_dir(), tmp_path / "datasets")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "datasets"))
    data._load_default.cache_clear()
    try:
        bank = get_bank()
        assert bank.tables.loaded() == [] and list(bank) == list(data.TABLES)
        holdings = bank.holdings
        assert bank.tables.loaded() == ["holdings"] and bank["holdings"] is holdings
        pd.testing.assert_frame_equal(holdings, load_bank(tmp_path / "datasets", tables=["holdings"]).holdings)
        # a file damaged after get_bank() is named when its table is first used
        path = tmp_path / "datasets" / "transactions.csv"
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        with pytest.raises(DataFileError) as e:
            bank.transactions
        assert "transactions.csv" in str(e.value)
        assert "transactions" not in bank.tables.loaded()
        with pytest.raises(AttributeError):
            bank.no_such_table
    finally:
        data._load_default.cache_clear()


def test_get_bank_other_seed_generated_in_memory_with_same_dtypes():
    small = get_bank(seed=5, n_customers=300)
    pd.testing.assert_frame_equal(small.transactions, get_bank(seed=5, n_customers=300).transactions)
    assert len(small.customers) == 300
    ref = load_bank(tables=["customers"]).customers
    assert dict(small.customers.dtypes.astype(str)) == dict(ref.dtypes.astype(str))


def _both_languages(msg: str, *needles):
    assert "修复方法" in msg and "Fix:" in msg, msg
    for n in needles:
        assert n in msg, (n, msg)


def test_missing_file(copy_dir):
    (copy_dir / "products.csv").unlink()
    with pytest.raises(DataFileError) as e:
        load_bank(copy_dir, tables=SMALL)
    _both_languages(str(e.value), "products.csv", "文件不存在", "file not found")
    assert isinstance(e.value, ValueError)


def test_missing_column(copy_dir):
    p = copy_dir / "customers.csv"
    df = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    df.drop(columns=["churn_date"]).to_csv(p, index=False, encoding="utf-8-sig")
    with pytest.raises(DataFileError) as e:
        load_bank(copy_dir, tables=["customers"])
    _both_languages(str(e.value), "customers.csv", "churn_date", "缺少", "missing")


def test_gbk_encoded_file(copy_dir):
    p = copy_dir / "customers.csv"
    text = p.read_text(encoding="utf-8-sig")
    p.write_bytes(text.encode("gbk"))              # what Excel's plain "CSV" does on Chinese Windows
    with pytest.raises(DataFileError) as e:
        load_bank(copy_dir, tables=["customers"])
    _both_languages(str(e.value), "customers.csv", "UTF-8", "GBK")


def test_unparsable_date(copy_dir):
    p = copy_dir / "customers.csv"
    df = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    df.loc[3, "open_date"] = "2021/13/45"
    df.to_csv(p, index=False, encoding="utf-8-sig")
    with pytest.raises(DataFileError) as e:
        load_bank(copy_dir, tables=["customers"])
    _both_languages(str(e.value), "customers.csv", "open_date", "2021/13/45", "第 5 行", "line 5")


def test_plain_utf8_without_bom_still_loads(copy_dir):
    p = copy_dir / "customers.csv"
    p.write_text(p.read_text(encoding="utf-8-sig"), encoding="utf-8")
    c = load_bank(copy_dir, tables=["customers"]).customers
    assert c.columns[0] == "customer_id"


def test_unknown_table_name():
    with pytest.raises(DataFileError) as e:
        load_bank(tables=["customer"])
    assert "customer" in str(e.value) and "Unknown" in str(e.value)
