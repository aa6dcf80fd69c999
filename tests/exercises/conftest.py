"""Fixtures of every exercise test (tests/exercises/**); each lectureN/conftest.py adds its ``qs``."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _chinese_font():
    """The course theme and Chinese font, as a notebook's setup cell applies them. (A full run has them
    anyway: tests/test_viz*.py call ``setup()`` when collected.)"""
    from course_utils.plotting import setup
    setup()
