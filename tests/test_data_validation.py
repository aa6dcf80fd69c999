"""Loader validation: every kind of broken file is refused with a clear bilingual message
(file, column, example row, count, fix), the documented teaching dirt still loads, and
manifests guard against mixed or half-written folders.

Each test breaks one thing in a copy of a small, consistent bank cut from the committed
CSVs (the first 300 customers and everything that belongs to them).
"""
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from course_utils import config, data, manifest
from course_utils.data import DataFileError, load_bank

N_SMALL = 300


def _read(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _write(df, path):
    df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


@pytest.fixture(scope="module")
def small_bank(tmp_path_factory):
    """The first 300 customers of the committed bank, with all their rows (no manifest)."""
    out = tmp_path_factory.mktemp("small_bank")
    src = config.datasets_dir()
    cust = _read(src / "customers.csv").iloc[:N_SMALL]
    keep = set(cust["customer_id"])
    for t in data.TABLES:
        df = cust if t == "customers" else _read(src / f"{t}.csv")
        if "customer_id" in df.columns and t != "customers":
            df = df[df["customer_id"].isin(keep)]
        _write(df.reset_index(drop=True), out / f"{t}.csv")
    return out


@pytest.fixture()
def bank_dir(small_bank, tmp_path):
    d = tmp_path / "bank"
    shutil.copytree(small_bank, d)
    return d


def _edit(folder, table, row, col, value):
    p = folder / f"{table}.csv"
    df = _read(p)
    df.loc[row, col] = value
    _write(df, p)
    return p


def _backdate(folder, table, col, nth, value) -> int:
    """Set the ``nth`` filled (non-empty) ``col`` of ``table`` to ``value``; returns its row index."""
    i = int(np.flatnonzero(_read(folder / f"{table}.csv")[col] != "")[nth])
    _edit(folder, table, i, col, value)
    return i


def _refused(folder, tables=None, **kw) -> str:
    with pytest.raises(DataFileError) as e:
        load_bank(folder, tables=tables, **kw)
    return str(e.value)


def _says(msg: str, *needles):
    """Bilingual (Chinese line first, then English), with a fix in both, and every needle."""
    zh, en = msg.split("\n", 1)
    assert "修复方法" in zh and "Fix:" in en, msg
    assert re.search(r"[\u4e00-\u9fff]", zh), msg
    for n in needles:
        assert n in msg, (n, msg)


# ---------------------------------------------------------------------------
# A good folder loads, with its documented dirt
# ---------------------------------------------------------------------------
def test_good_small_folder_loads_with_types(bank_dir):
    bank = load_bank(bank_dir)
    assert len(bank.customers) == N_SMALL
    assert set(bank.transactions["customer_id"]) <= set(bank.customers["customer_id"])
    assert bank.customers["risk_appetite"].notna().all()
    assert pd.api.types.is_datetime64_any_dtype(bank.accounts["close_date"])


def test_documented_dirt_still_loads(bank_dir):
    """Impossible ages, missing incomes, impossible amounts and duplicate rows are teaching dirt."""
    p = bank_dir / "customers.csv"
    c = _read(p)
    age = pd.to_numeric(c["age"])
    c.loc[(age < 18) | (age > 100), "age"] = "40"
    c.loc[[3, 4, 5, 6, 7], "age"] = ["999", "-1", "0", "150", "200"]   # 5 rows: the small-file allowance
    c.loc[[8, 9], "monthly_income"] = ""
    _write(c, p)
    p = bank_dir / "transactions.csv"
    t = _read(p)
    t.loc[0, "amount"] = "-415.43"
    t.loc[1, "amount"] = "9999999.99"
    t = pd.concat([t.iloc[:3], t.iloc[[2]], t.iloc[3:]], ignore_index=True)   # exact duplicate row
    _write(t, p)
    bank = load_bank(bank_dir, tables=["customers", "transactions"])
    assert (bank.customers["age"] == 999).sum() >= 1
    assert bank.customers["monthly_income"].isna().sum() >= 2
    assert (bank.transactions["amount"] < 0).any() and (bank.transactions["amount"] > 9e6).any()
    assert bank.transactions.duplicated().any()


def test_committed_dataset_dirt_is_within_tolerance():
    """The committed bank's real dirt rates stay below the tolerance (and are not zero)."""
    c = _read(config.datasets_dir() / "customers.csv")
    age = pd.to_numeric(c["age"])
    lo, hi = data.PLAUSIBLE["age"]
    bad = ((age < lo) | (age > hi)).mean()
    assert 0 < bad <= data.DIRT_TOLERANCE


def test_plausible_age_range_is_the_cleaning_lessons():
    from course_utils.cleaning import VALID_RANGES
    assert data.PLAUSIBLE["age"] == VALID_RANGES["age"]
    assert data.PLAUSIBLE["monthly_income"] == VALID_RANGES["monthly_income"]


# ---------------------------------------------------------------------------
# Bad cells: one case per kind of failure
# ---------------------------------------------------------------------------
CELL_CASES = {
    # id: (table, row, column, value, words the message must contain besides file/column/line/value)
    "satisfaction_999": ("customers", 4, "satisfaction", "999", ["0 到 100", "between 0 and 100"]),
    "satisfaction_fraction": ("customers", 4, "satisfaction", "77.5", ["整数", "whole number"]),
    "loyal_7": ("customers", 6, "loyal", "7", ["0 到 1", "between 0 and 1"]),
    "age_fraction": ("customers", 2, "age", "35.5", ["整数", "whole number"]),
    "clv_infinite": ("customers", 2, "clv", "inf", ["有限", "finite"]),
    "satisfaction_empty": ("customers", 9, "satisfaction", "", ["为空", "empty"]),
    "gender_unknown": ("customers", 3, "gender", "M", ["男、女", "男, 女"]),
    "risk_unknown": ("customers", 5, "risk_appetite", "R6", ["R1、R2、R3、R4、R5", "R1, R2"]),
    "risk_lowercase": ("customers", 5, "risk_appetite", "r3", ["允许的代码", "allowed code"]),
    "city_unknown": ("customers", 5, "city", "上海 ", ["允许的代码", "allowed code"]),
    "churn_reason_unknown": ("customers", 0, "churn_reason", "不知道", ["允许的代码", "allowed code"]),
    "customer_id_empty": ("customers", 7, "customer_id", "", ["编号为空", "empty id"]),
    "account_type_unknown": ("accounts", 3, "account_type", "股票账户", ["借记卡", "allowed code"]),
    "balance_negative": ("balances", 10, "balance", "-20", ["超出允许范围", "out of range"]),
    "txn_customer_empty": ("transactions", 11, "customer_id", "", ["为空", "empty"]),
    "txn_type_unknown": ("transactions", 12, "txn_type", "贷款", ["消费", "allowed code"]),
    "txn_channel_unknown": ("transactions", 12, "channel", "微信", ["APP", "allowed code"]),
    "txn_amount_text": ("transactions", 13, "amount", "12元", ["不是数字", "not a number"]),
    "product_category_unknown": ("products", 2, "category", "股票", ["理财", "allowed code"]),
    "product_risk_unknown": ("products", 2, "risk_level", "R0", ["R1", "allowed code"]),
    "product_id_empty": ("products", 2, "product_id", "", ["编号为空", "empty id"]),
    "holding_amount_zero": ("holdings", 4, "amount", "0", ["超出允许范围", "out of range"]),
    "sentiment_unknown": ("messages", 1, "sentiment", "positive", ["正面", "allowed code"]),
    "intent_unknown": ("messages", 1, "intent", "闲聊", ["账单查询", "allowed code"]),
    "emotion_unknown": ("messages", 1, "emotion", "开心", ["焦虑", "allowed code"]),
    "intent_grade_unknown": ("outbound_calls", 0, "intent_grade", "D", ["A、B、C", "A, B, C"]),
    "minutes_negative": ("app_usage", 5, "minutes", "-3", ["超出允许范围", "out of range"]),
    "sessions_fraction": ("app_usage", 5, "sessions", "2.5", ["整数", "whole number"]),
    "page_unknown": ("web_visits", 3, "page", "留学", ["留学金融", "allowed code"]),
    "dwell_negative": ("web_visits", 3, "dwell_seconds", "-1", ["超出允许范围", "out of range"]),
    "survey_score_101": ("survey", 2, "score_fees", "101", ["0 到 100", "between 0 and 100"]),
}


@pytest.mark.parametrize("case", list(CELL_CASES), ids=list(CELL_CASES))
def test_bad_cell_is_refused_with_file_column_row_and_fix(bank_dir, case):
    table, row, col, value, words = CELL_CASES[case]
    _edit(bank_dir, table, row, col, value)
    msg = _refused(bank_dir, tables=[table])
    zh_value, en_value = (f"“{value}”", f"'{value}'") if value else ("“（空）”", "'(empty)'")
    _says(msg, f"{table}.csv", f"“{col}”", f"'{col}'", f"第 {row + 2} 行", f"line {row + 2}",
          zh_value, en_value, "有 1 行", "1 row(s)", *words)


def test_unknown_code_is_refused_not_turned_into_nan(bank_dir):
    """Before: an unknown risk code silently became NaN in the ordered categorical."""
    _edit(bank_dir, "customers", 10, "risk_appetite", "R9")
    _says(_refused(bank_dir, tables=["customers"]), "risk_appetite", "R9")


def test_count_of_bad_rows_is_reported(bank_dir):
    p = bank_dir / "customers.csv"
    c = _read(p)
    c.loc[[3, 10, 20], "loyal"] = "7"
    _write(c, p)
    _says(_refused(bank_dir, tables=["customers"]), "有 3 行", "3 row(s)", "第 5 行", "line 5")


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------
def test_duplicated_customer_id(bank_dir):
    p = bank_dir / "customers.csv"
    c = _read(p)
    c.loc[9, "customer_id"] = c.loc[2, "customer_id"]
    _write(c, p)
    msg = _refused(bank_dir, tables=["customers"])
    _says(msg, "customers.csv", "customer_id", "第 4 行", "第 11 行", "line 4", "line 11",
          c.loc[2, "customer_id"], "重复", "unique", "有 2 行", "2 row(s)")


def test_customers_file_pasted_twice(bank_dir):
    p = bank_dir / "customers.csv"
    c = _read(p)
    _write(pd.concat([c, c], ignore_index=True), p)
    _says(_refused(bank_dir, tables=["customers"]), "customer_id", f"有 {2 * N_SMALL} 行", "line 2",
          f"line {N_SMALL + 2}")


def test_duplicated_balance_month(bank_dir):
    p = bank_dir / "balances.csv"
    b = _read(p)
    _write(pd.concat([b.iloc[:6], b.iloc[[5]], b.iloc[6:]], ignore_index=True), p)
    _says(_refused(bank_dir, tables=["balances"]), "balances.csv", "customer_id + month", "line 7", "line 8",
          b.loc[5, "customer_id"])


def test_unsorted_balances_load_and_a_distant_duplicate_is_found(bank_dir):
    """The fast path (rows sorted by customer and month) must not be the only one."""
    p = bank_dir / "balances.csv"
    b = _read(p).sample(frac=1.0, random_state=3).reset_index(drop=True)
    _write(b, p)
    assert len(load_bank(bank_dir, tables=["balances"]).balances) == len(b)
    _write(pd.concat([b, b.iloc[[7]]], ignore_index=True), p)
    _says(_refused(bank_dir, tables=["balances"]), "customer_id + month", "line 9", f"line {len(b) + 2}")


def test_duplicated_message_id(bank_dir):
    p = bank_dir / "messages.csv"
    m = _read(p)
    m.loc[4, "message_id"] = m.loc[1, "message_id"]
    _write(m, p)
    _says(_refused(bank_dir, tables=["messages"]), "messages.csv", "message_id", "line 3", "line 6")


# ---------------------------------------------------------------------------
# Dates and references
# ---------------------------------------------------------------------------
def test_churn_date_before_open_date(bank_dir):
    i = _backdate(bank_dir, "customers", "churn_date", 1, "2001-01-01")
    _says(_refused(bank_dir, tables=["customers"]), "customers.csv", "churn_date", "open_date",
          f"第 {i + 2} 行", f"line {i + 2}", "2001-01-01", "早于", "before")


def test_account_closed_before_opened(bank_dir):
    i = _backdate(bank_dir, "accounts", "close_date", 0, "2000-02-03")
    _says(_refused(bank_dir, tables=["accounts"]), "accounts.csv", "close_date", f"line {i + 2}", "2000-02-03")


def test_transactions_for_unknown_customer(bank_dir):
    _edit(bank_dir, "transactions", 20, "customer_id", "C999999")
    msg = _refused(bank_dir, tables=["customers", "transactions"])
    _says(msg, "transactions.csv", "customer_id", "line 22", "C999999", "customers.csv", "不存在", "not found")


def test_reference_checked_even_when_customers_not_requested(bank_dir):
    _edit(bank_dir, "web_visits", 2, "customer_id", "C777777")
    _says(_refused(bank_dir, tables=["web_visits"]), "web_visits.csv", "C777777", "customers.csv")


def test_holding_of_unknown_product(bank_dir):
    _edit(bank_dir, "holdings", 8, "product_id", "P999")
    _says(_refused(bank_dir, tables=["holdings"]), "holdings.csv", "product_id", "line 10", "P999",
          "products.csv")


def test_truncated_customers_file_is_refused(bank_dir):
    """Before: a customers file cut at a line boundary loaded and gave wrong churn rates."""
    p = bank_dir / "customers.csv"
    lines = p.read_bytes().split(b"\n")
    p.write_bytes(b"\n".join(lines[: int(len(lines) * 0.7)]) + b"\n")
    msg = _refused(bank_dir)
    _says(msg, "customer_id", "customers.csv", "截断", "truncated")
    assert "个不同的编号" in msg and "distinct id(s)" in msg


def test_customers_file_cut_mid_line_is_refused(bank_dir):
    p = bank_dir / "customers.csv"
    raw = p.read_bytes()
    cut = raw[: raw.index(b"\n", len(raw) // 2) + 12]               # cut a few bytes into a row
    p.write_bytes(cut)
    msg = _refused(bank_dir, tables=["customers"])
    last_line = cut.count(b"\n") + 1
    _says(msg, "customers.csv", f"line {last_line}")


# ---------------------------------------------------------------------------
# Whole files
# ---------------------------------------------------------------------------
def test_header_only_table(bank_dir):
    p = bank_dir / "customers.csv"
    p.write_bytes(p.read_bytes().split(b"\n")[0] + b"\n")
    _says(_refused(bank_dir, tables=["customers"]), "customers.csv", "只有表头", "only a header")


def test_header_only_outbound_calls_needs_a_manifest(bank_dir):
    p = bank_dir / "outbound_calls.csv"
    p.write_bytes(p.read_bytes().split(b"\n")[0] + b"\n")
    _says(_refused(bank_dir, tables=["outbound_calls"]), "outbound_calls.csv", "only a header")
    # a generated tiny bank may really have no outbound calls: its manifest vouches for the file
    manifest.write_manifest(bank_dir, seed=1, n_customers=N_SMALL, generator_version="test")
    assert len(load_bank(bank_dir, tables=["outbound_calls"]).outbound_calls) == 0


def test_nul_bytes(bank_dir):
    p = bank_dir / "transactions.csv"
    lines = p.read_bytes().split(b"\n")
    lines[5] = lines[5][:4] + b"\x00\x00\x00" + lines[5][4:]
    p.write_bytes(b"\n".join(lines))
    _says(_refused(bank_dir, tables=["transactions"]), "transactions.csv", "NUL", "3 NUL byte(s)",
          "第 6 行", "line 6")


def test_utf16_file(bank_dir):
    p = bank_dir / "products.csv"
    p.write_bytes(p.read_text(encoding="utf-8-sig").encode("utf-16"))
    _says(_refused(bank_dir, tables=["products"]), "products.csv", "UTF-16", "CSV UTF-8")


def test_excel_workbook_renamed_to_csv(bank_dir):
    import zipfile
    p = bank_dir / "products.csv"
    p.unlink()
    with zipfile.ZipFile(p, "w") as z:                 # what an .xlsx is on disk
        z.writestr("[Content_Types].xml", "<Types/>")
    _says(_refused(bank_dir, tables=["products"]), "products.csv", "xlsx", "CSV UTF-8")


def test_empty_file(bank_dir):
    (bank_dir / "survey.csv").write_bytes(b"")
    _says(_refused(bank_dir, tables=["survey"]), "survey.csv", "空文件", "is empty")


def test_ragged_csv(bank_dir):
    p = bank_dir / "products.csv"
    lines = p.read_text(encoding="utf-8-sig").split("\n")
    lines[3] += ",extra,cells"
    p.write_text("\n".join(lines), encoding="utf-8-sig")
    _says(_refused(bank_dir, tables=["products"]), "products.csv", "CSV", "line 4")


def test_missing_id_column_of_a_referenced_table(bank_dir):
    p = bank_dir / "customers.csv"
    _write(_read(p).rename(columns={"customer_id": "客户编号"}), p)
    _says(_refused(bank_dir, tables=["survey"]), "customers.csv", "customer_id", "客户编号", "missing")


def test_unreadable_file_gives_data_file_error(bank_dir, monkeypatch):
    """A locked (Excel on Windows) or unreadable file: no raw PermissionError."""
    target = bank_dir / "customers.csv"
    real_open = open

    def fake_open(path, *a, **k):
        if str(path) == str(target):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(data, "open", fake_open, raising=False)
    msg = _refused(bank_dir, tables=["customers"])
    _says(msg, "customers.csv", "PermissionError", "Excel", "无法读取", "cannot be read")


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root can read a file without read permission")
def test_file_without_read_permission(bank_dir):
    p = bank_dir / "products.csv"
    p.chmod(0)
    try:
        _says(_refused(bank_dir, tables=["products"]), "products.csv", "cannot be read")
    finally:
        p.chmod(0o644)


def test_too_much_age_dirt_means_a_wrong_column(bank_dir):
    p = bank_dir / "customers.csv"
    c = _read(p)
    c["age"] = c["monthly_income"].replace("", "5000").str.replace(".00", "", regex=False)  # shifted column
    _write(c, p)
    _says(_refused(bank_dir, tables=["customers"]), "customers.csv", "age", "18–100", "line 2",
          "脏数据", "known dirt", "列错位", "shifted column")


def test_a_few_impossible_ages_above_the_allowance_are_refused(bank_dir):
    p = bank_dir / "customers.csv"
    c = _read(p)
    age = pd.to_numeric(c["age"])
    c.loc[(age < 18) | (age > 100), "age"] = "40"
    limit = max(data.DIRT_MIN_ROWS, int(data.DIRT_TOLERANCE * len(c)))
    c.loc[: limit, "age"] = "999"                   # limit + 1 rows
    _write(c, p)
    _says(_refused(bank_dir, tables=["customers"]), "age", f"有 {limit + 1} 行", f"{limit + 1} row(s)")


def test_signed_amounts_are_not_the_documented_dirt(bank_dir):
    p = bank_dir / "transactions.csv"
    t = _read(p)
    out = t["txn_type"].isin(["消费", "取现", "转账"])
    t.loc[out, "amount"] = "-" + t.loc[out, "amount"].str.lstrip("-")
    _write(t, p)
    _says(_refused(bank_dir, tables=["transactions"]), "transactions.csv", "amount", "known dirt")


# ---------------------------------------------------------------------------
# Manifests
# ---------------------------------------------------------------------------
def test_manifest_mismatch_is_a_mixed_or_half_written_dataset(bank_dir):
    manifest.write_manifest(bank_dir, seed=1, n_customers=N_SMALL, generator_version="test")
    assert len(load_bank(bank_dir, tables=["customers"]).customers) == N_SMALL
    p = bank_dir / "transactions.csv"
    p.write_bytes(p.read_bytes()[:-200])             # a half-written file
    msg = _refused(bank_dir, tables=["transactions"])
    assert "transactions.csv" in msg and "mixed or half-written dataset" in msg, msg
    # the referenced customers file is checked against the manifest too
    p = bank_dir / "customers.csv"
    p.write_bytes(p.read_bytes() + b"\n")
    assert "customers.csv" in _refused(bank_dir, tables=["accounts"])


def test_default_folder_must_have_a_manifest(bank_dir, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(bank_dir))
    msg = _refused(None, tables=["products"])
    assert "MANIFEST.json" in msg and "mixed or half-written dataset" in msg
    # the same folder passed explicitly is the default folder too
    assert "MANIFEST.json" in _refused(bank_dir, tables=["products"])
    manifest.write_manifest(bank_dir, seed=1, n_customers=N_SMALL, generator_version="test")
    assert len(load_bank(tables=["products"]).products) > 0


def test_folder_without_manifest_loads_with_full_validation(bank_dir):
    assert not (bank_dir / manifest.MANIFEST_NAME).exists()
    assert len(load_bank(bank_dir, tables=["products"]).products) > 0
    _edit(bank_dir, "products", 0, "risk_level", "高")
    _says(_refused(bank_dir, tables=["products"]), "risk_level", "高")


def test_committed_datasets_have_a_matching_manifest():
    assert manifest.verify_folder(config.datasets_dir(), require=True) is not None


# ---------------------------------------------------------------------------
# The in-memory generated path validates too
# ---------------------------------------------------------------------------
def test_generated_bank_passes_validation():
    data._generated.cache_clear()
    try:
        bank = data._generated(11, 120)
        assert len(bank.customers) == 120
    finally:
        data._generated.cache_clear()


def test_generated_bank_with_bad_values_is_refused(monkeypatch):
    import course_utils.datagen as datagen
    real = datagen.generate_bank

    def broken(n, seed):
        raw = real(n, seed)
        raw["customers"].loc[3, "satisfaction"] = 999
        return raw

    monkeypatch.setattr(datagen, "generate_bank", broken)
    data._generated.cache_clear()
    try:
        with pytest.raises(DataFileError) as e:
            data.get_bank(seed=12, n_customers=80)
    finally:
        data._generated.cache_clear()
    _says(str(e.value), "generated seed=12", "satisfaction", "999", "row index 3")


def test_validate_references_in_memory():
    c = pd.DataFrame({"customer_id": ["C1", "C2"]})
    t = pd.DataFrame({"customer_id": ["C1", "C3", "C3"]})
    with pytest.raises(DataFileError) as e:
        data.validate_references({"customers": c, "transactions": t}, {})
    _says(str(e.value), "transactions", "C3", "有 2 行", "1 distinct id(s)", "row index 1")


def test_in_memory_text_columns_take_the_same_checks():
    """Frames built in memory keep codes as text (not categories): same rules, same messages."""
    def frame(**change):
        df = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "txn_date": ["2021-01-05"] * 3,
                           "amount": [5.0, 6.0, 7.0], "txn_type": ["消费", "转账", "存入"],
                           "channel": ["APP", "POS", "ATM"]})
        for k, v in change.items():
            df.loc[2, k] = v
        return df

    assert len(data.coerce_table(frame(), "transactions")) == 3
    for col, value, words in [("txn_type", "股票", ["allowed code"]), ("channel", "", ["为空", "empty"]),
                              ("customer_id", "", ["为空", "empty"])]:
        with pytest.raises(DataFileError) as e:
            data.coerce_table(frame(**{col: value}), "transactions", "memo")
        _says(str(e.value), "memo", col, "row index 2", *words)
    c = pd.DataFrame({"customer_id": ["C2", "C1", "C2"], "month": ["2024-01", "2024-01", "2024-01"],
                      "balance": [1.0, 2.0, 3.0]})
    with pytest.raises(DataFileError) as e:
        data.coerce_table(c, "balances", "memo")
    _says(str(e.value), "customer_id + month", "row index 0", "row index 2")
