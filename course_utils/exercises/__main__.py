"""Instructor tool: who finished what.

    python -m course_utils.exercises progress [LOG ...]

Reads one or more progress logs (default: ``COURSE_PROGRESS_FILE`` or
``~/.course_progress.jsonl``). Collect the trainees' files into one folder,
named after the trainee or seat (``seat01.jsonl`` ...), and pass them all;
each file's name is its learner unless the trainee's ``COURSE_USER`` was set.
Prints one row per (learner, exercise): attempts, solved, hints shown,
solution viewed, then the solved share per exercise.
"""
from __future__ import annotations

import sys

from .progress import progress_summary


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 = usage shown)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "progress":
        print(__doc__)
        return 2
    df = progress_summary(argv[1:] or None)
    if df.empty:
        print("no progress recorded yet")
        return 0
    print(df.to_string(index=False))
    solved = df.groupby("exercise")["solved"].mean().map("{:.0%}".format)
    print("\nsolved share per exercise:")
    print(solved.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
