"""Fixtures of the Lecture 3 exercise tests: the exercises on the committed default bank (tests/conftest.py)."""
from __future__ import annotations

import pytest

from course_utils.exercises import lecture3 as L3


@pytest.fixture(scope="session")
def qs(bank):
    return L3.setup(bank, seed=2024)
