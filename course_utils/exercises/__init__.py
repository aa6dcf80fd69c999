"""Exercises: the check / hint / solution engine and per-lecture exercise objects.

Trainees write::

    from course_utils.exercises import ____
    from course_utils.exercises.lecture1 import q1, q2   # per-lecture objects

Authors build exercises from :mod:`course_utils.exercises.core` (engine and
reusable checks) and :mod:`course_utils.exercises.widgets` (widget exercises).
See docs/AUTHORING.md.
"""
from .core import (  # noqa: F401
    CORRECT,
    EXPECTED,
    INCORRECT,
    NOT_ATTEMPTED,
    PLACEHOLDER,
    CheckResult,
    Exercise,
    Feedback,
    ____,
    assert_check_cases,
    check_all,
    close_to,
    contains_placeholder,
    has_columns,
    is_number,
    is_type,
    length,
    monotonic,
    no_missing,
    not_empty,
    progress_summary,
    record_progress,
    registry,
    same_index,
    values_close,
)

__all__ = [
    "____", "PLACEHOLDER", "Exercise", "CheckResult", "Feedback", "CORRECT", "INCORRECT",
    "NOT_ATTEMPTED", "EXPECTED", "assert_check_cases", "contains_placeholder",
    "progress_summary", "record_progress", "registry",
    "is_type", "is_number", "close_to", "not_empty", "has_columns", "same_index",
    "values_close", "no_missing", "monotonic", "length", "check_all",
]
