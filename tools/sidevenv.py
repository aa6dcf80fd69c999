"""What the optional side environments (``.venv-airflow``, ``.venv-spark``) share.

Each heavy engine lives in its own virtual environment, never in the trainees'
``.venv`` (tools/airflow_env.py, tools/spark_env.py). Standard library only.

>>> venv_python(Path("/x/.venv-spark")).as_posix() in ("/x/.venv-spark/bin/python", "/x/.venv-spark/Scripts/python.exe")
True
>>> failure_message("装不上。", "Could not install.")
'装不上。\\nCould not install.'
"""
from __future__ import annotations

import os
from pathlib import Path


def venv_python(venv: Path) -> Path:
    """The Python interpreter of ``venv`` (it may not exist yet)."""
    return Path(venv) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_bin(name: str, venv: Path) -> Path:
    """A console script of ``venv``, e.g. ``venv_bin("airflow", VENV)``."""
    return Path(venv) / ("Scripts" if os.name == "nt" else "bin") / (f"{name}.exe" if os.name == "nt" else name)


def failure_message(zh: str, en: str, log: Path | None = None, lines: int = 15) -> str:
    """A bilingual failure message, with the last ``lines`` lines of ``log`` (a pip log) if it exists."""
    tail = ""
    if log is not None and Path(log).exists():
        last = Path(log).read_text(errors="replace").splitlines()[-lines:]
        tail = f"\n--- {log} (last lines) ---\n" + "\n".join(last)
    return f"{zh}\n{en}{tail}"
