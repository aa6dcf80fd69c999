"""Fixtures of the Lecture 2 exercise tests: the committed default bank and its exercises."""
from __future__ import annotations

import pytest

from course_utils.exercises import lecture2 as L2


@pytest.fixture(scope="session", autouse=True)
def _chinese_font():
    from course_utils.plotting import setup
    setup()


@pytest.fixture(scope="module")
def bank():
    from course_utils.data import get_bank
    return get_bank()


@pytest.fixture(scope="module")
def qs(bank):
    return L2.setup(bank, seed=2024)
