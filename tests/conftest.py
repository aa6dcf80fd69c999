"""Suite-wide settings.

Exercise checks append to a progress log (``~/.course_progress.jsonl`` by
default, for instructors). Tests must not write into the tester's home: the
log is off unless a test points it somewhere itself.
"""
import os

os.environ.setdefault("COURSE_PROGRESS_FILE", "off")
os.environ.setdefault("MPLBACKEND", "Agg")
