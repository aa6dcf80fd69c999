"""Fixtures of the Lecture 2 exercise tests: the exercises on the committed default bank (tests/conftest.py)."""
from __future__ import annotations

import pytest

from course_utils.exercises import lecture2 as L2


@pytest.fixture(scope="module")
def qs(bank):
    return L2.setup(bank, seed=2024)
