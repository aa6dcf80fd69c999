"""Fixtures of the Lecture 5 exercise tests: the committed default bank and its exercises."""
from __future__ import annotations

import pytest

from course_utils.exercises import lecture5 as L5


@pytest.fixture(scope="session")
def bank():
    from course_utils.data import get_bank
    return get_bank()


@pytest.fixture(scope="session")
def qs(bank):
    return L5.setup(bank)
