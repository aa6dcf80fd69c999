"""Fixtures of the Lecture 1 exercise tests: a small hand-made customers table.

Seeded numpy, independent of the data generator, with churners (so "customers on
the books" differs from "all customers") and satisfaction scores on the band edges.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils import domain
from course_utils.exercises import lecture1 as L1


def toy_customers(n: int = 1500, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    clv = np.round(rng.lognormal(11, 1.1, n), 2)
    value_rank = clv.argsort().argsort() / (n - 1)            # 0 = lowest CLV, 1 = highest
    open_year = rng.integers(2016, 2024, n)
    open_date = pd.to_datetime({"year": open_year, "month": rng.integers(1, 13, n), "day": 1})
    p_churn = 0.65 - 0.45 * value_rank                         # low value leaves more often
    year = rng.choice([2021, 2022, 2023, 2024], n, p=[0.2, 0.27, 0.33, 0.2])   # churn rises
    churn_year = np.where(rng.random(n) < p_churn, year, 0)
    churn_year = np.where(churn_year < open_year + 1, 0, churn_year)
    churn_date = pd.to_datetime(
        {"year": np.where(churn_year > 0, churn_year, 2000), "month": rng.integers(1, 13, n),
         "day": 15}).where(churn_year > 0)
    satisfaction = np.clip(np.round(77 + 12.5 * rng.standard_normal(n)), 15, 100).astype(int)
    p = np.where(satisfaction >= 90, 0.85, np.where(satisfaction >= 70, 0.6, 0.3))
    p = np.clip(p + (satisfaction - 80) * 0.004 + 0.2 * (value_rank - 0.5), 0, 1)
    loyal = (rng.random(n) < p).astype(int)                    # edge scores and value matter
    return pd.DataFrame({"customer_id": [f"C{i:06d}" for i in range(n)],
                         "open_date": open_date, "churn_date": churn_date,
                         "satisfaction": satisfaction, "loyal": loyal, "clv": clv})


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return toy_customers()


@pytest.fixture(scope="module")
def current(customers) -> pd.DataFrame:
    """The population of question 3: on the books on Lecture 1's date."""
    return customers.loc[domain.on_books(customers, domain.CURRENT_CUSTOMERS_AS_OF)]


@pytest.fixture(scope="module")
def qs(customers):
    return L1.setup(customers)
