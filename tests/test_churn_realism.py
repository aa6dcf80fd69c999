"""Churn is predictable from pre-cut-off behaviour, but not trivially (honest time split)."""
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from course_utils.churn import FEATURES, build_churn_table
from course_utils.data import get_bank, load_bank

TRAIN_CUT, TEST_CUT = "2022-07-01", "2023-07-01"


@pytest.fixture(scope="module", params=["committed", 3, 4, 5])
def bank(request):
    if request.param == "committed":
        return load_bank()
    return get_bank(seed=request.param, n_customers=4000)


def _aucs(bank):
    tr = build_churn_table(bank, TRAIN_CUT)
    te = build_churn_table(bank, TEST_CUT)
    feats = [f for f in FEATURES if tr[f].notna().any() and te[f].notna().any()]
    rf = make_pipeline(SimpleImputer(strategy="median"),
                       RandomForestClassifier(n_estimators=300, min_samples_leaf=20, random_state=0,
                                              n_jobs=1))
    lr = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                       LogisticRegression(max_iter=5000))
    rf.fit(tr[feats], tr["churned"])
    lr.fit(tr[feats], tr["churned"])
    return (roc_auc_score(te["churned"], rf.predict_proba(te[feats])[:, 1]),
            roc_auc_score(te["churned"], lr.predict_proba(te[feats])[:, 1]))


@pytest.mark.slow
def test_random_forest_beats_logistic_regression_in_plausible_band(bank):
    auc_rf, auc_lr = _aucs(bank)
    assert 0.75 <= auc_rf <= 0.92, auc_rf
    assert auc_lr < auc_rf, (auc_lr, auc_rf)


def test_churn_table_shape_and_label(bank):
    t = build_churn_table(bank, TRAIN_CUT)
    c = bank.customers
    cut = pd.Timestamp(TRAIN_CUT)
    active = (c["open_date"] < cut) & (c["churn_date"].isna() | (c["churn_date"] >= cut))
    assert len(t) == active.sum() and t["customer_id"].is_unique
    assert list(t.columns) == ["customer_id"] + FEATURES + ["churned"]
    assert 0.05 < t["churned"].mean() < 0.2
    # label = churn in [cut-off, cut-off + 6 months)
    ch = c.set_index("customer_id").loc[t["customer_id"], "churn_date"].to_numpy()
    expect = (ch >= np.datetime64("2022-07-01")) & (ch < np.datetime64("2023-01-01"))
    assert (t["churned"].to_numpy() == expect).all()


def test_features_use_only_data_before_the_cutoff(bank):
    """Deleting everything dated on/after the cut-off must not change any feature."""
    cut = pd.Timestamp(TRAIN_CUT)
    full = build_churn_table(bank, cut)
    cut_tables = {}
    date_col = {"transactions": "txn_date", "balances": "month", "holdings": "start_date",
                "messages": "msg_date", "app_usage": "week_start", "web_visits": "visit_date",
                "accounts": "open_date", "survey": "survey_date", "outbound_calls": "call_date"}
    for name, df in bank.tables.items():
        if name in date_col:
            df = df[df[date_col[name]] < cut]
        if name == "accounts":
            df = df.assign(close_date=df["close_date"].where(df["close_date"] < cut))
        cut_tables[name] = df
    c = bank.customers.copy()
    future = c["churn_date"] >= cut
    c.loc[future, "churn_date"] = cut + pd.Timedelta(days=1)   # outcome still knowable, date hidden
    cut_tables["customers"] = c
    past = build_churn_table(cut_tables, cut)
    pd.testing.assert_frame_equal(full[FEATURES], past[FEATURES])


def test_churners_fade_before_they_leave(bank):
    """Transactions per month in the 3 months before churn fall versus 7-12 months before."""
    c, t = bank.customers, bank.transactions
    ch = c.loc[c["churn_date"].between("2022-06-01", "2024-06-30"), ["customer_id", "churn_date"]]
    m = t.merge(ch, on="customer_id")
    days = (m["churn_date"] - m["txn_date"]).dt.days
    late = (days.between(0, 90)).groupby(m["customer_id"]).sum() / 3
    early = (days.between(181, 365)).groupby(m["customer_id"]).sum() / 6
    assert late.mean() < 0.75 * early.mean(), (late.mean(), early.mean())
    # ... but not every churner fades (no perfect leak)
    assert (late >= early).mean() > 0.1
