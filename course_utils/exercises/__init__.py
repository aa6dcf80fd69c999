"""Exercises: the engine (check / hint / solution) and each lecture's exercises.

Trainees write ``q1.check(answer1)``, ``q1.hint()``, ``q1.solution()``; a
lecture's exercises are bound to the bank's data by ``lectureN.setup(bank)``.

Authors import everything from here (docs/AUTHORING.md)::

    from course_utils.exercises import Exercise, WidgetExercise, ____, answers
    from course_utils.exercises import assert_check_cases      # in tests

The engine, one job per module:

===============  ==================================================
placeholder      ``____`` and ``contains_placeholder``
answers          safe looks at an answer: to_number, to_series, ...
feedback         CheckResult, Feedback, the HTML boxes and icons
progress         the private progress log and the instructor summary
exercise         the Exercise class and its guard
widgets          WidgetExercise: controls + redraw + check button
testing          assert_check_cases, junk_answers (for tests)
===============  ==================================================
"""
from . import answers  # noqa: F401
from .exercise import Exercise, registry
from .feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, CheckResult, Feedback
from .placeholder import PLACEHOLDER, ____, contains_placeholder
from .progress import progress_summary, turn_off, turn_on
from .testing import assert_check_cases, junk_answers
from .widgets import WidgetExercise

__all__ = [
    "____", "PLACEHOLDER", "Exercise", "CheckResult", "Feedback", "CORRECT", "INCORRECT",
    "NOT_ATTEMPTED", "answers", "contains_placeholder", "progress_summary", "registry",
    "turn_off", "turn_on", "assert_check_cases", "junk_answers", "WidgetExercise",
]
