"""The synthetic bank tells the seed's story: on the committed data and on other seeds.

Populations (course_utils.domain.on_books): yearly churn counts the customers on the books
on 1 January of the year; CLV tiers and loyalty bands count the customers on the books on
config.WINDOW_END (the bank's current customers). Byte-for-byte regeneration of the
committed files on every CPU: tests/test_determinism.py; the command line:
tests/test_generate_cli.py.
"""
import pandas as pd
import pytest

from course_utils import config, domain, kpis, manifest
from course_utils.data import load_bank
from course_utils.datagen import GENERATOR_VERSION, generate_bank, write_bank
from course_utils.datagen import bank as bankmod

OTHER_SEEDS = (11, 22, 33)
SMALL_N = 1500
CHURN_TARGETS = {2021: 0.15, 2022: 0.18, 2023: 0.20}
CLV_TARGETS = {"Top 10%": 500_000, "Middle 60%": 100_000, "Bottom 30%": 20_000}
LOYAL_TARGETS = {"≥90": 0.85, "70–89": 0.60, "<70": 0.30}
SILENT_FROM = pd.Timestamp("2024-01-01")


@pytest.fixture(scope="module")
def committed():
    return load_bank()


@pytest.fixture(scope="module", params=("committed",) + OTHER_SEEDS)
def any_bank(request, committed):
    if request.param == "committed":
        return committed
    from course_utils.data import get_bank
    return get_bank(seed=request.param, n_customers=SMALL_N)


def _current(bank) -> pd.DataFrame:
    """The lecture's population: customers on the books on WINDOW_END."""
    c = bank.customers
    return c[domain.on_books(c, config.WINDOW_END)]


# ---------------------------------------------------------------- headline KPIs
def test_yearly_churn_targets(any_bank):
    c = any_bank.customers
    rates = kpis.yearly_churn_rates(c)
    for year, target in CHURN_TARGETS.items():
        assert abs(rates[year] - target) <= 0.005, (year, rates[year])
        # the same with the one definition of the base: on the books on 1 January
        base = domain.on_books(c, f"{year}-01-01")
        left = base & (c["churn_date"].dt.year == year)
        assert abs(left.sum() / base.sum() - target) <= 0.005, (year, left.sum(), base.sum())
        assert not ((c["churn_date"].dt.month == 1) & (c["churn_date"].dt.day == 1)).any()


def test_some_churn_in_2024_h1_and_new_customers_keep_joining(any_bank):
    c = any_bank.customers
    assert (c["churn_date"] >= "2024-01-01").sum() > 0.02 * len(c)
    for y in (2021, 2022, 2023, 2024):
        assert (c["open_date"].dt.year == y).sum() > 0.04 * len(c)


def test_clv_tiers_targets_on_current_customers(any_bank):
    cur = _current(any_bank)
    assert 0.5 * len(any_bank.customers) < len(cur) < 0.8 * len(any_bank.customers)
    t = kpis.clv_tiers(cur).set_index("label")
    for tier, target in CLV_TARGETS.items():
        assert abs(t.loc[tier, "mean_clv"] / target - 1) <= 0.05, (tier, t.loc[tier, "mean_clv"])
    assert t["n"].tolist() == list(domain.tier_sizes(len(cur)))


def test_departed_customers_keep_a_historical_clv_outside_the_tiers(any_bank):
    c = any_bank.customers
    now = domain.on_books(c, config.WINDOW_END)
    gone = c.loc[~now, "clv"]
    assert gone.notna().all() and (gone > 0).all()
    assert gone.between(c.loc[now, "clv"].min(), c.loc[now, "clv"].max()).all()
    # over all customers the tiers would NOT be the lecture's figures (the population matters)
    everyone = kpis.clv_tiers(c).set_index("label")["mean_clv"]
    current = kpis.clv_tiers(c[now]).set_index("label")["mean_clv"]
    assert (everyone != current).any()


def test_clv_follows_income_balances_and_volume(any_bank):
    c = any_bank.customers.set_index("customer_id")
    bal = any_bank.balances.groupby("customer_id")["balance"].mean()
    vol = any_bank.transactions.loc[any_bank.transactions["amount"].between(0, 1e6)] \
        .groupby("customer_id")["amount"].sum()
    df = pd.DataFrame({"clv": c["clv"], "income": c["monthly_income"], "bal": bal, "vol": vol})
    rho = df.corr(method="spearman")["clv"]
    assert rho["income"] > 0.3 and rho["bal"] > 0.3 and rho["vol"] > 0.3, rho


def test_loyalty_by_satisfaction_targets_on_current_customers(any_bank):
    cur = _current(any_bank)
    t = kpis.loyalty_by_satisfaction(cur).set_index("label")
    for band, target in LOYAL_TARGETS.items():
        assert t.loc[band, "n"] > 0.1 * len(cur)
        assert abs(t.loc[band, "loyal_rate"] - target) <= 0.02, (band, t.loc[band, "loyal_rate"])


def test_departed_customers_are_not_loyal(any_bank):
    c = any_bank.customers
    gone = ~domain.on_books(c, config.WINDOW_END)
    assert gone.sum() > 0.2 * len(c)
    assert (c.loc[gone, "loyal"] == 0).all()


def test_unhappy_customers_churn_more(any_bank):
    c = any_bank.customers
    ever = c["churn_date"].notna()
    low, high = ever[c["satisfaction"] < 70].mean(), ever[c["satisfaction"] >= 90].mean()
    assert low > high + 0.1, (low, high)


# ---------------------------------------------------------------- lesson material
def test_silent_customers_and_outbound_calls(any_bank):
    c, t = any_bank.customers, any_bank.transactions
    active = c.loc[c["churn_date"].isna() & (c["open_date"] < SILENT_FROM), "customer_id"]
    recent = set(t.loc[t["txn_date"] >= SILENT_FROM, "customer_id"])
    silent = set(active) - recent
    share = len(silent) / c["churn_date"].isna().sum()
    assert 0.05 <= share <= 0.11, share
    assert set(any_bank.outbound_calls["customer_id"]) == silent


def test_app_usage_has_week_over_week_drops(any_bank):
    u = any_bank.app_usage.sort_values(["customer_id", "week_start"])
    assert u["week_start"].nunique() >= 20
    assert (u["week_start"].dt.day_of_week == 0).all()
    prev = u.groupby("customer_id")["minutes"].shift()
    drop = (prev >= 10) & (u["minutes"] <= 0.5 * prev)
    users = u["customer_id"].nunique()
    n_drop = u.loc[drop, "customer_id"].nunique()
    assert 0.05 * users <= n_drop <= 0.9 * users, (n_drop, users)


def test_long_study_abroad_page_visits(any_bank):
    w = any_bank.web_visits
    study = w[w["page"] == "留学金融"]
    assert len(study) > 0.01 * len(w)
    assert (study["dwell_seconds"] > 180).sum() >= 10
    assert (study["dwell_seconds"] <= 180).sum() >= 10


# ---------------------------------------------------------------- consistency
def test_dates_are_consistent(any_bank):
    c = any_bank.customers.set_index("customer_id")
    assert (c["churn_date"].isna() | (c["churn_date"] > c["open_date"])).all()
    assert c.loc[c["churn_date"].isna(), "churn_reason"].isna().all()
    assert c.loc[c["churn_date"].notna(), "churn_reason"].notna().all()
    t = any_bank.transactions
    assert t["txn_date"].between(config.WINDOW_START, config.WINDOW_END).all()
    life = c.loc[t["customer_id"], ["open_date", "churn_date"]].reset_index(drop=True)
    assert (t["txn_date"].reset_index(drop=True) >= life["open_date"]).all()
    assert (life["churn_date"].isna() | (t["txn_date"].reset_index(drop=True) <= life["churn_date"])).all()
    assert set(any_bank.holdings["customer_id"]) <= set(c.index)
    assert set(any_bank.holdings["product_id"]) <= set(any_bank.products["product_id"])


def test_masked_personal_data(any_bank):
    c = any_bank.customers
    assert c["name"].str.fullmatch(r"[\u4e00-\u9fff]\*{1,2}").all()
    assert c["phone"].str.fullmatch(r"1\d{2}\*{4}\d{4}").all()
    assert set(c["gender"]) == {"男", "女"}
    assert set(c["risk_appetite"].astype(str)) <= {"R1", "R2", "R3", "R4", "R5"}
    assert c["satisfaction"].between(0, 100).all() and set(c["loyal"]) == {0, 1}


def test_documented_dirt_rates(any_bank):
    c, t = any_bank.customers, any_bank.transactions
    assert abs(c["monthly_income"].isna().mean() - 0.05) <= 0.002
    bad_age = ~c["age"].between(18, 100)
    assert 0.001 <= bad_age.mean() <= 0.005
    bad_amt = (t["amount"] <= 0) | (t["amount"] >= 9_999_999)
    assert 0.0005 <= bad_amt.mean() <= 0.002
    dup = t.duplicated().mean()
    assert 0.001 <= dup <= 0.004


# ---------------------------------------------------------------- determinism and files
def test_same_seed_same_tables_other_seed_other_rows():
    a, b = generate_bank(400, seed=7), generate_bank(400, seed=7)
    assert a.keys() == b.keys()
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k])
    c = generate_bank(400, seed=8)
    assert not a["customers"]["clv"].equals(c["customers"]["clv"])
    assert not a["transactions"].shape == c["transactions"].shape or \
        not a["transactions"]["amount"].equals(c["transactions"]["amount"])


def test_committed_folder_matches_its_manifest():
    man = manifest.verify_folder(config.datasets_dir())
    assert (man["seed"], man["n_customers"]) == (config.DEFAULT_SEED, config.DEFAULT_CUSTOMERS)
    assert man["generator_version"] == GENERATOR_VERSION
    assert sorted(man["files"]) == sorted(f"{t}.csv" for t in bankmod.TABLES)


def test_committed_files_are_utf8_bom_and_small_enough():
    files = list(config.datasets_dir().glob("*.csv"))
    assert len(files) == len(bankmod.TABLES)
    assert sum(f.stat().st_size for f in files) <= 25 * 1024 * 1024
    for f in files:
        raw = f.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f.name
        raw.decode("utf-8")
        assert b"\r\n" not in raw[:10000]


@pytest.mark.parametrize("workers", [1, 2])
def test_chunked_writing_equals_in_memory(tmp_path, monkeypatch, workers):
    monkeypatch.setattr(bankmod, "CHUNK", 150)            # several chunks for 400 customers
    written = write_bank(tmp_path / "w", 400, seed=3, progress=False, workers=workers)
    mem = generate_bank(400, seed=3)
    (tmp_path / "m").mkdir()
    for name, df in mem.items():
        bankmod.write_table(df, tmp_path / "m" / f"{name}.csv")
        assert written[name].read_bytes() == (tmp_path / "m" / f"{name}.csv").read_bytes(), name
    assert mem["customers"]["customer_id"].is_unique


def test_fast_csv_writer_matches_pandas():
    """The vectorised writer gives the same bytes as DataFrame.to_csv for every table."""
    mem = generate_bank(300, seed=4)
    for name, df in mem.items():
        ref = df.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode("utf-8")
        assert bankmod.csv_bytes(df) == ref, name
    tricky = pd.DataFrame({"s": ["a,b", 'say "hi"', None], "f": [-0.5, 1e7 + 0.25, float("nan")],
                           "i": [-3, 0, 120]})
    ref = tricky.to_csv(index=False, float_format="%.2f", lineterminator="\n").encode("utf-8")
    assert bankmod.csv_bytes(tricky) == ref
    plain = tricky.assign(s=["x", "y", None])
    assert bankmod.csv_bytes(plain) == plain.to_csv(index=False, float_format="%.2f",
                                                    lineterminator="\n").encode("utf-8")


def test_data_dictionary_documents_every_column():
    text = (config.datasets_dir() / "README.md").read_text(encoding="utf-8")
    sections = {}
    for block in text.split("\n### ")[1:]:
        title, _, body = block.partition("\n")
        name = title.split(".csv")[0].strip()
        rows = [ln.split("|")[1].strip() for ln in body.splitlines() if ln.startswith("| ")]
        sections[name] = set(rows)
    assert "合成" in text or "模拟" in text                    # says the data is synthetic
    for f in config.datasets_dir().glob("*.csv"):
        header = f.read_text(encoding="utf-8-sig").split("\n", 1)[0].split(",")
        assert f.stem in sections, f"{f.name} has no section in datasets/README.md"
        missing = [c for c in header if c not in sections[f.stem]]
        assert not missing, f"{f.name}: undocumented columns {missing}"
