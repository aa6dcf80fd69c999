"""Fixtures of the Lecture 3 exercise tests: the committed default bank and its exercises."""
from __future__ import annotations

import pytest

from course_utils.exercises import lecture3 as L3


@pytest.fixture(scope="session", autouse=True)
def _chinese_font():
    from course_utils.plotting import setup
    setup()


@pytest.fixture(scope="session")
def bank():
    from course_utils.data import get_bank
    return get_bank()


@pytest.fixture(scope="session")
def qs(bank):
    return L3.setup(bank, seed=2024)
