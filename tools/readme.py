"""Copy the latest benchmark figures into README.md.

The README's "Benchmarks" section is the concatenation of
``benchmarks/results/*.md`` (each written by its benchmark script) between the
``<!-- benchmarks -->`` and ``<!-- /benchmarks -->`` markers, so every figure
in the README comes from a script someone can rerun. ``--check`` exits 1 when
the README is stale (tests/test_setup.py runs the same comparison).

    .venv/bin/python -m tools.readme [--check]
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "results"
BEGIN, END = "<!-- benchmarks -->", "<!-- /benchmarks -->"


def section() -> str:
    """The benchmark section as it should read, from the results files."""
    parts = []
    for p in sorted(RESULTS.glob("*.md")):
        parts.append(p.read_text(encoding="utf-8").strip())
    body = "\n\n".join(parts) if parts else "(no benchmark has been run yet)"
    return f"{BEGIN}\n{body}\n{END}"


def render(readme_text: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), flags=re.S)
    if not pattern.search(readme_text):
        raise SystemExit("README.md has no <!-- benchmarks --> ... <!-- /benchmarks --> section")
    return pattern.sub(lambda _: section(), readme_text)


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in argv:
        if new != text:
            print("README.md benchmark figures are stale: run python -m tools.readme")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print("README.md benchmark section updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
