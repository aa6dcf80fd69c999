"""Instructor tool: who finished what.

    python -m course_utils.exercises progress [PATH ...]

Reads one or more progress logs (JSON lines written by every ``check``,
``hint`` and ``solution``; default ``COURSE_PROGRESS_FILE`` or
``~/.course_progress.jsonl``; collect the trainees' files into one folder and
pass them all) and prints one row per (user, exercise): attempts, solved,
hints shown, solution viewed.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .core import progress_summary


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "progress":
        print(__doc__)
        return 2
    paths = [Path(p) for p in argv[1:]]
    if len(paths) > 1:
        with tempfile.TemporaryDirectory() as tmp:
            merged = Path(tmp) / "all.jsonl"
            merged.write_text("".join(p.read_text(encoding="utf-8", errors="replace")
                                      for p in paths if p.exists()), encoding="utf-8")
            df = progress_summary(merged)
    else:
        df = progress_summary(paths[0] if paths else None)
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
