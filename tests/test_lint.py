"""The code passes the project's linter (ruff, configured in pyproject.toml)."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is not installed: run `python3 course.py test` (it installs requirements/lock.txt)"
    out = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", "."],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, "ruff found problems (fix them, or `ruff check --fix`):\n" + out.stdout + out.stderr
