"""Product catalogue and holdings (course_utils.datagen.products).

Uses the stand-in customers of tests/_standin_customers.py so these checks do
not depend on the customer generator.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _standin_customers import standin_customers
from course_utils.config import WINDOW_END, WINDOW_START
from course_utils.datagen.products import CATEGORIES, TASTES, make_holdings, make_products


@pytest.fixture(scope="module")
def products():
    return make_products(np.random.default_rng(11))


@pytest.fixture(scope="module")
def population():
    return standin_customers(4000, 5)


@pytest.fixture(scope="module")
def holdings(population, products):
    return make_holdings(population, products, np.random.default_rng(12))


# --- catalogue -------------------------------------------------------------

def test_catalogue_shape_and_ids(products):
    assert list(products.columns) == [
        "product_id", "name", "category", "risk_level", "annual_yield", "min_amount", "term_days", "launch_date"
    ]
    assert 40 <= len(products) <= 60
    assert products["product_id"].tolist() == [f"P{i:03d}" for i in range(1, len(products) + 1)]
    assert products["name"].is_unique
    assert set(products["category"]) == set(CATEGORIES)
    assert set(products["risk_level"]) <= {"R1", "R2", "R3", "R4", "R5"}
    assert set(products["risk_level"]) == {"R1", "R2", "R3", "R4", "R5"}


def test_catalogue_risk_grading(products):
    by_cat = products.groupby("category")["risk_level"].agg(set)
    assert by_cat["存款"] == {"R1"}
    assert by_cat["贷款"] <= {"R2", "R3"} and by_cat["信用卡"] <= {"R2", "R3"}
    funds = products[products.category == "基金"]
    equity = funds[funds.name.str.contains("股票|指数|QDII")]
    assert len(equity) >= 4 and equity.risk_level.isin(["R4", "R5"]).all()


def test_catalogue_has_the_scripted_yield(products):
    # the course's chatbot script quotes "当前XX产品年化收益3.8%"
    hit = products[np.isclose(products.annual_yield, 3.8)]
    assert len(hit) >= 1 and (hit.category == "理财").any()


def test_launch_dates_in_range_and_some_new(products):
    d = pd.to_datetime(products.launch_date, format="%Y-%m-%d")
    assert d.min() >= pd.Timestamp("2021-01-01") and d.max() <= pd.Timestamp("2024-06-30")
    new = (d >= pd.Timestamp("2023-07-01")).sum()
    assert 3 <= new <= 15  # a time split at 2023-07-01 sees new items


def test_catalogue_deterministic(products):
    pd.testing.assert_frame_equal(products, make_products(np.random.default_rng(11)))
    other = make_products(np.random.default_rng(99))
    assert not other.launch_date.equals(products.launch_date)


# --- holdings --------------------------------------------------------------

def test_holdings_columns_and_basic_validity(holdings, population, products):
    assert list(holdings.columns) == ["customer_id", "product_id", "start_date", "amount"]
    assert holdings.customer_id.isin(population.customer_id).all()
    assert holdings.product_id.isin(products.product_id).all()
    assert not holdings.duplicated(["customer_id", "product_id"]).any()
    assert (holdings.amount > 0).all() and np.isfinite(holdings.amount).all()
    per_cust = holdings.groupby("customer_id").size().reindex(population.customer_id, fill_value=0)
    assert 2 <= per_cust.mean() <= 8
    assert per_cust.max() <= 12


def test_start_dates_within_customer_life_and_after_launch(holdings, population, products):
    h = holdings.merge(population, on="customer_id").merge(products[["product_id", "launch_date"]], on="product_id")
    start = pd.to_datetime(h.start_date, format="%Y-%m-%d")
    lo = np.maximum(pd.to_datetime(h.open_date), pd.Timestamp(WINDOW_START))
    end = pd.to_datetime(h.churn_date.replace("", np.nan)).fillna(pd.Timestamp(WINDOW_END))
    assert (start >= lo).all()
    assert (start <= end).all()
    assert (start >= pd.to_datetime(h.launch_date)).all()


def test_risk_never_far_above_appetite(holdings, population, products):
    h = holdings.merge(population[["customer_id", "risk_appetite"]], on="customer_id").merge(
        products[["product_id", "risk_level"]], on="product_id"
    )
    gap = h.risk_level.str[1].astype(int) - h.risk_appetite.str[1].astype(int)
    assert gap.max() <= 1
    # one level above is possible but rare
    assert (gap == 1).mean() < 0.15


def _category_share(holdings, population, products):
    h = holdings.merge(population[["customer_id", "_taste"]], on="customer_id").merge(
        products[["product_id", "category"]], on="product_id"
    )
    return pd.crosstab(h._taste, h.category, normalize="index")


def test_holdings_follow_tastes(holdings, population, products):
    share = _category_share(holdings, population, products)
    overall = holdings.merge(products, on="product_id").category.value_counts(normalize=True)
    # each taste's favourite categories are clearly over-represented
    assert share.loc[TASTES.index("稳健储蓄型"), ["存款", "理财"]].sum() > 1.5 * overall[["存款", "理财"]].sum()
    assert share.loc[TASTES.index("进取投资型"), "基金"] > 2 * overall["基金"]
    assert share.loc[TASTES.index("家庭保障型"), "保险"] > 2 * overall["保险"]
    assert share.loc[TASTES.index("信贷消费型"), ["贷款", "信用卡"]].sum() > 1.8 * overall[["贷款", "信用卡"]].sum()


def test_age_and_income_shift_preferences(holdings, population, products):
    h = holdings.merge(population, on="customer_id").merge(products, on="product_id")
    old = h[h.age >= 60]
    young = h[h.age < 30]
    dep_ins = ["存款", "保险"]
    assert old.category.isin(dep_ins).mean() > young.category.isin(dep_ins).mean() + 0.05
    wealth = h[h.category.isin(["理财", "基金", "存款"])]
    q = wealth.monthly_income.quantile([0.25, 0.75])
    rich = wealth[wealth.monthly_income >= q[0.75]].amount.median()
    poor = wealth[wealth.monthly_income <= q[0.25]].amount.median()
    assert rich > 1.5 * poor


def test_missing_income_and_active_customers_handled(products):
    cust = standin_customers(300, 3)
    cust.loc[:, "monthly_income"] = np.nan
    cust.loc[:, "churn_date"] = ""
    h = make_holdings(cust, products, np.random.default_rng(1))
    assert len(h) > 300 and h.amount.notna().all()


def test_customer_who_left_before_any_launch_gets_nothing(products):
    cust = standin_customers(5, 1)
    cust.loc[:, "open_date"] = "2018-01-01"
    cust.loc[:, "churn_date"] = "2020-12-31"  # before every launch date
    h = make_holdings(cust, products, np.random.default_rng(1))
    assert h.empty


def test_holdings_deterministic_and_seed_sensitive(population, products, holdings):
    again = make_holdings(population, products, np.random.default_rng(12))
    pd.testing.assert_frame_equal(holdings, again)
    other = make_holdings(population, products, np.random.default_rng(13))
    assert not other.equals(holdings)


def test_chunking_does_not_change_the_distribution(population, products):
    a = make_holdings(population, products, np.random.default_rng(3), chunk_size=500)
    b = make_holdings(population, products, np.random.default_rng(3))
    assert abs(len(a) - len(b)) / len(b) < 0.05
    assert set(a.columns) == set(b.columns)
