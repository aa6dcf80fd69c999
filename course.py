#!/usr/bin/env python3
"""One entry point for the course workbook: set-up, lab, tests, builds.

    python3 course.py lab      # prepare everything on first use, open JupyterLab
    python3 course.py test     # prepare everything, run the whole test suite
    python3 course.py build    # rebuild every generated notebook from src/
    python3 course.py app NB   # show an exercise notebook full-screen (Voila)
    python3 course.py data ... # write a dataset (python -m course_utils generate ...)
    python3 course.py lock     # re-pin requirements/lock.txt and environment.yml

Set-up is idempotent: a virtual environment ``.venv`` is created next to this
file and filled from ``requirements/lock.txt`` (exact versions, so every
machine computes the same numbers). A stamp file records the hash of the lock
and of pyproject.toml; a second run with nothing changed installs nothing.

Only the standard library is used here: this file runs before anything else
is installed, with any Python >= 3.11.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "lock.txt"
REQ_IN = ROOT / "requirements" / "requirements.in"
STAMP = VENV / ".course-stamp"
START_PAGE = "notebooks/00_start.ipynb"


def say(msg: str) -> None:
    print(f"[course] {msg}", flush=True)


CONDA_ENV_NAME = "ai-bank-loyalty"


def in_course_conda_env() -> bool:
    """True inside the conda environment made from environment.yml: use it as is."""
    return os.environ.get("CONDA_DEFAULT_ENV") == CONDA_ENV_NAME


def venv_python() -> Path:
    if in_course_conda_env():
        return Path(sys.executable)
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def venv_bin(name: str) -> Path:
    if in_course_conda_env():
        return Path(sys.executable).parent / (f"{name}.exe" if os.name == "nt" else name)
    if os.name == "nt":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def run(cmd: list[str | Path], **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=kw.pop("cwd", ROOT), **kw)


def check(cmd: list[str | Path], **kw) -> None:
    rc = run(cmd, **kw)
    if rc != 0:
        raise SystemExit(f"[course] command failed ({rc}): {' '.join(map(str, cmd))}")


def stamp_value() -> str:
    h = hashlib.sha256()
    for p in (LOCK, ROOT / "pyproject.toml"):
        h.update(p.read_bytes())
    h.update(platform.python_version().encode())
    return h.hexdigest()


def ensure_env() -> None:
    """Create .venv and install the pinned packages, unless already done."""
    if sys.version_info < (3, 11):
        raise SystemExit(
            "[course] Python 3.11 or newer is needed (pandas 3). "
            f"This is {platform.python_version()}: install python3.11+ and run again."
        )
    if in_course_conda_env():
        add_repo_to_path()
        return
    if STAMP.exists() and STAMP.read_text().strip() == stamp_value() and venv_python().exists():
        return
    if not venv_python().exists():
        say(f"creating virtual environment in {VENV} ...")
        check([sys.executable, "-m", "venv", VENV])
    say("installing pinned packages (first run only, ~2 minutes, ~800 MB) ...")
    check([venv_python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "-r", LOCK])
    add_repo_to_path()
    STAMP.write_text(stamp_value())
    say("environment ready.")


def add_repo_to_path() -> None:
    """Put the repository on the environment's import path with a .pth file.

    No build backend is needed (and nothing is fetched) to import
    ``course_utils`` and ``tools``; edits in the repo take effect at once.
    """
    site = subprocess.check_output(
        [str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True).strip()
    pth = Path(site) / "course_workbook.pth"
    if not pth.exists() or pth.read_text().strip() != str(ROOT):
        pth.write_text(str(ROOT) + "\n")


def find_chromium() -> str | None:
    """Path of an installed Chrome/Chromium, or None (see tests/browser)."""
    env = os.environ.get("COURSE_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    mac = Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    return str(mac) if mac.exists() else None


def ensure_browser() -> None:
    """On Debian/Ubuntu as root, install the system Chromium if missing.

    Elsewhere nothing is installed: the browser tests then fail with a message
    that says how to get a browser (they never skip silently in CI).
    """
    if find_chromium():
        return
    if Path("/etc/debian_version").exists() and shutil.which("apt-get"):
        prefix = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
        if prefix is None:
            say("Chromium is missing and apt-get needs root; install it: "
                "sudo apt-get install -y chromium chromium-driver")
            return
        say("installing Debian's chromium for the browser tests (first run only) ...")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        check(prefix + ["apt-get", "update", "-q"], env=env)
        check(prefix + ["apt-get", "install", "-y", "-q", "chromium", "chromium-driver"], env=env)


def lab_argv(extra: list[str] | None = None) -> list[str]:
    """The JupyterLab command line: loopback only, token authentication left on
    (Jupyter's default; no token or password option is ever passed here)."""
    argv = [str(venv_bin("jupyter")), "lab", "--ip=127.0.0.1", START_PAGE]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and CI run as root; Jupyter refuses otherwise
    return argv + list(extra or [])


def cmd_lab(args: list[str]) -> int:
    ensure_env()
    return run(lab_argv(args))


def cmd_test(args: list[str]) -> int:
    ensure_env()
    ensure_browser()
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    return run([venv_python(), "-m", "pytest", *args], env=env)


def cmd_build(args: list[str]) -> int:
    ensure_env()
    return run([venv_python(), "-m", "tools.nbbuild", *args])


def cmd_app(args: list[str]) -> int:
    ensure_env()
    if not args:
        raise SystemExit("usage: python3 course.py app exercises/L1_exercises.ipynb")
    return run([venv_bin("voila"), args[0], "--Voila.ip=127.0.0.1", *args[1:]])


def cmd_data(args: list[str]) -> int:
    ensure_env()
    return run([venv_python(), "-m", "course_utils", *args])


def cmd_lock(args: list[str]) -> int:
    """Re-resolve requirements.in into lock.txt and environment.yml."""
    ensure_env()
    check([venv_python(), "-m", "pip", "install", "--quiet", "-r", REQ_IN])
    out = subprocess.check_output(
        [str(venv_python()), "-m", "pip", "freeze", "--exclude-editable", "--all"], text=True)
    skip = ("pip==", "setuptools==", "wheel==")
    lines = sorted((l for l in out.splitlines() if l and not l.startswith(skip)), key=str.lower)
    LOCK.write_text("# Generated by `python3 course.py lock` from requirements.in. Do not edit.\n"
                    + "\n".join(lines) + "\n")
    check([venv_python(), "-m", "tools.envfile"])
    STAMP.write_text(stamp_value())
    say(f"pinned {len(lines)} packages")
    return 0


COMMANDS = {"lab": cmd_lab, "test": cmd_test, "build": cmd_build, "app": cmd_app,
            "data": cmd_data, "lock": cmd_lock}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
