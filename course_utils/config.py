"""Course-wide constants: default seed and size, the data window, paths.

Everything that must agree between the generator, the loader, the notebooks
and the tests lives here, so it is written once.
"""
from __future__ import annotations

import os
from pathlib import Path

#: Seed of the committed dataset in ``datasets/``.
DEFAULT_SEED: int = 2024
#: Number of customers in the committed dataset.
DEFAULT_CUSTOMERS: int = 5000

#: First and last day of the synthetic bank's history (inclusive).
WINDOW_START: str = "2021-01-01"
WINDOW_END: str = "2024-06-30"

#: Root of the repository (``course_utils`` is installed editable from it).
REPO_ROOT: Path = Path(__file__).resolve().parent.parent


def datasets_dir() -> Path:
    """Folder holding the committed default dataset.

    ``COURSE_DATA_DIR`` overrides it (an instructor's own copy, a test).

    >>> datasets_dir().name
    'datasets'
    """
    env = os.environ.get("COURSE_DATA_DIR")
    return Path(env) if env else REPO_ROOT / "datasets"
