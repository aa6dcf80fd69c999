"""Suite-wide settings.

Exercise checks append to a progress log (``~/.course_progress.jsonl`` by
default, for instructors). Tests must not write into the tester's home: the
log is off unless a test points it somewhere itself.
"""
import os

import pytest

os.environ.setdefault("COURSE_PROGRESS_FILE", "off")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def bank():
    """The committed default bank (``get_bank()``), for tests that only read it. A test folder or
    module that needs another bank (or a private copy to change) defines its own ``bank``."""
    from course_utils.data import get_bank
    return get_bank()
