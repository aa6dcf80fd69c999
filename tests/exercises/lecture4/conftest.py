"""Fixtures of the Lecture 4 exercise tests: a small bank (seed 7, 800 customers) and its exercises."""
from __future__ import annotations

import pytest

from course_utils.exercises import lecture4 as L4


@pytest.fixture(scope="session")
def bank():
    from course_utils.data import get_bank
    return get_bank(seed=7, n_customers=800)


@pytest.fixture(scope="session")
def qs(bank):
    return L4.setup(bank, seed=7)
