"""Course-wide constants: default seed and size, the data window, paths.

Everything that must agree between the generator, the loader, the notebooks
and the tests lives here, so it is written once.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

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


#: Seed and size of the repository's committed ``datasets/`` (used when the folder has no
#: readable MANIFEST.json).
BUILTIN_SEED: int = 2024
BUILTIN_CUSTOMERS: int = 5000


def _manifest_defaults(folder: Path) -> tuple[int, int] | None:
    """``(seed, n_customers)`` from ``folder/MANIFEST.json``, or None if absent/unreadable.

    A cohort's course folder (``python3 course.py cohort``) ships its own dataset in
    ``datasets/``; its manifest makes that seed and size the defaults, so every notebook's
    ``get_bank(SEED, N_CUSTOMERS)`` loads the cohort's files without editing a path.

    >>> _manifest_defaults(Path("/nonexistent")) is None
    True
    """
    try:
        data = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
        seed, n = data["seed"], data["n_customers"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (seed, n)) \
            or seed < 0 or n <= 0:
        return None
    return seed, n


#: Seed and number of customers of the dataset in :func:`datasets_dir` (its MANIFEST.json;
#: 2024 / 5,000 in the repository), read once when the package is imported.
DEFAULT_SEED: int
DEFAULT_CUSTOMERS: int
DEFAULT_SEED, DEFAULT_CUSTOMERS = _manifest_defaults(datasets_dir()) or (BUILTIN_SEED,
                                                                         BUILTIN_CUSTOMERS)

#: File formats the generator can write (``both`` = one CSV and one Parquet file per table).
DATA_FORMATS: tuple[str, ...] = ("csv", "parquet", "both")
#: From this many customers the generator writes Parquet by default, below it CSV
#: (CSV opens in Excel; Parquet is several times smaller and faster to load).
PARQUET_MIN_CUSTOMERS: int = 100_000


# ---------------------------------------------------------------------------
# Lecture settings: one place for the dates and figures the lectures and their
# exercises share (the notebooks import them from here, not from exercise code).
# ---------------------------------------------------------------------------
#: Lecture 1: years of the churn-trend chart and of exercise 1.
L1_CHURN_YEARS: tuple[int, ...] = (2021, 2022, 2023)
#: Lecture 1, exercise 4: the year whose churn is cut, and the relative cut
#: (0.20 = the churn rate becomes 80 % of what it was). The lecture's worked case
#: uses 2023 (rate 20 %, where "20 % of the base" and "all churners" coincide);
#: the exercise uses another year so that the two mistakes give different numbers.
L1_CHURN_CUT_YEAR: int = 2022
L1_CHURN_CUT: float = 0.20
#: Lecture 2: cut-off date (观察截止日); features use data strictly before it.
L2_CUTOFF: str = "2024-04-01"
#: Lecture 2: an earlier cut-off (one quarter before), to show how segments move.
L2_PREVIOUS_CUTOFF: str = "2024-01-01"
#: Lecture 2, exercise 2: dedicated relationship managers can serve at most this share of
#: the customers (so 重要价值客户 may be at most this share) ...
L2_MANAGER_CAPACITY: float = 0.20
#: ... and every segment needs at least this share of the customers to be worth its own
#: campaign (and to measure its response).
L2_MIN_SEGMENT_SHARE: float = 0.03
#: Lecture 2, section 六: the two plans are compared at this spend per customer (CNY);
#: exercise 3's cap is campaign.campaign_targets' 20 CNY per customer.
L2_COMPARE_BUDGET_PER_CUSTOMER: float = 10.0
#: Lecture 3: out-of-time split of the churn model (观察截止日): train on the customers of
#: L3_TRAIN_CUTOFF, test on those of L3_TEST_CUTOFF one year later (6-month outcome windows).
L3_TRAIN_CUTOFF: str = "2022-07-01"
L3_TEST_CUTOFF: str = "2023-07-01"
