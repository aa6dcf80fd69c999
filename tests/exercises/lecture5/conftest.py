"""Fixtures of the Lecture 5 exercise tests: the exercises on the committed default bank (tests/conftest.py)."""
from __future__ import annotations

import pytest

from course_utils.exercises import lecture5 as L5


@pytest.fixture(scope="session")
def qs(bank):
    return L5.setup(bank)
