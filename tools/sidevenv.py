"""What the optional side environments (``.venv-airflow``, ``.venv-spark``) share.

Each heavy engine lives in its own virtual environment, never in the trainees'
``.venv`` (tools/airflow_env.py, tools/spark_env.py). Both follow one recipe,
held here: refuse an old Python or a missing lock file (:func:`preflight`);
a stamp file (:func:`stamp_value` of the lock file and more) marks a finished
install (:func:`is_ready`); :func:`install` creates the venv, runs pip with a
log, writes the install time and, last, the stamp, so a failed install leaves
no stamp and the next call retries. What differs (the pip command line, ``.pth``
contents, Spark's import check and kernel) comes in as arguments and hooks.
Standard library only.

>>> venv_python(Path("/x/.venv-spark")).as_posix() in ("/x/.venv-spark/bin/python", "/x/.venv-spark/Scripts/python.exe")
True
>>> failure_message("装不上。", "Could not install.")
'装不上。\\nCould not install.'
>>> stamp_value(b"apache-airflow==3.3.2\\n", "3.11.7")[:12]
'f505699da302'
"""
from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

LOG_NAME = "install.log"
TIMING_NAME = "install-seconds.txt"


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


def install_seconds(venv: Path) -> float | None:
    """Seconds the last full :func:`install` into ``venv`` took (``install-seconds.txt``), or None.

    >>> install_seconds(Path("/no/such/venv")) is None
    True
    """
    try:
        return float((Path(venv) / TIMING_NAME).read_text().strip())
    except (OSError, ValueError):
        return None


def stamp_value(lock_bytes: bytes, *parts: str) -> str:
    """SHA-256 (hex) of the lock file's bytes followed by ``parts`` (Python version, ...), in order."""
    h = hashlib.sha256()
    h.update(lock_bytes)
    for part in parts:
        h.update(part.encode())
    return h.hexdigest()


def is_ready(venv: Path, lock: Path, stamp_name: str, stamp_of: Callable[[bytes], str]) -> bool:
    """True when ``venv/stamp_name`` holds ``stamp_of(lock bytes)`` and the venv's python exists.

    >>> is_ready(Path("/no/such/venv"), Path("/no/lock.txt"), ".stamp", stamp_value)
    False
    """
    try:
        ok = (Path(venv) / stamp_name).read_text().strip() == stamp_of(Path(lock).read_bytes())
    except OSError:
        return False
    return ok and venv_python(venv).exists()


def preflight(engine: str, lock: Path, error: type[Exception]) -> None:
    """Raise ``error`` (bilingual) when this Python is older than 3.11 or ``lock`` is missing.

    ``engine`` names the environment in the message ("Airflow", "Spark").

    >>> preflight("Spark", Path("/no/lock.txt"), RuntimeError)
    Traceback (most recent call last):
    RuntimeError: 找不到锁定文件 /no/lock.txt：请从课程仓库恢复它。
    Lock file /no/lock.txt is missing: restore it from the course repository.
    """
    if sys.version_info < (3, 11):
        raise error(failure_message(
            f"{engine} 环境需要 Python 3.11 或更新版本，当前是 {platform.python_version()}。",
            f"The {engine} environment needs Python 3.11+, this is {platform.python_version()}."))
    if not Path(lock).is_file():
        raise error(failure_message(f"找不到锁定文件 {lock}：请从课程仓库恢复它。",
                                    f"Lock file {lock} is missing: restore it from the course repository."))


def site_packages(python: Path) -> Path:
    """The ``purelib`` folder (site-packages) of the interpreter ``python``."""
    return Path(subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())


def write_pth(python: Path, name: str, text: str) -> Path:
    """Write the ``.pth`` file ``name`` holding ``text`` into ``python``'s site-packages (if it differs)."""
    pth = site_packages(python) / name
    if not pth.exists() or pth.read_text() != text:
        pth.write_text(text)
    return pth


def install(venv: Path, lock: Path, *, engine: str, package: str, pip: Sequence[str], installing: str,
            stamp_of: Callable[[bytes], str], stamp_name: str, error: type[Exception],
            say: Callable[[str], None], quiet: bool = False, venv_options: Sequence[str] = (),
            before_pip: Callable[[Path], None] | None = None,
            after_pip: Callable[[Path], str | None] | None = None) -> Path:
    """Create ``venv`` if needed, run ``pip`` (logged to ``venv/install.log``), stamp it; its python.

    ``engine`` / ``package`` name the environment and what pip installs in the messages;
    ``installing`` is said before pip runs; ``venv_options`` go to ``python -m venv``.
    Hooks: ``before_pip(python)`` runs after the venv exists; ``after_pip(python)`` after
    pip succeeded, may raise, and may return text appended to the "ready" line. Then the install
    seconds (``install-seconds.txt``) and, last, the stamp ``stamp_of(lock bytes)`` are written.
    Every failure raises ``error`` with a bilingual message (and the pip log's tail).
    """
    venv, lock = Path(venv), Path(lock)
    start = time.monotonic()
    py = venv_python(venv)
    if not py.exists():
        if not quiet:
            say(f"creating {venv} ({package}'s own environment, not the course .venv) ...")
        r = subprocess.run([sys.executable, "-m", "venv", *venv_options, str(venv)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise error(failure_message(
                f"无法创建虚拟环境 {venv}（python -m venv 退出码 {r.returncode}）。"
                "在 Debian/Ubuntu 上请安装 python3-venv，然后重试。",
                f"Could not create the virtual environment {venv} (python -m venv exit code "
                f"{r.returncode}): {r.stderr.strip()[-300:]}. On Debian/Ubuntu install "
                "python3-venv, then retry."))
    if before_pip is not None:
        before_pip(py)
    log = venv / LOG_NAME
    if not quiet:
        say(installing)
    with open(log, "w", encoding="utf-8") as fh:
        r = subprocess.run(list(pip), stdout=fh, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise error(failure_message(
            f"{package} 安装失败（pip 退出码 {r.returncode}），日志：{log}。请检查网络或 PyPI 镜像，"
            f"删除 {venv} 文件夹后重试。",
            f"Installing {package} failed (pip exit code {r.returncode}); log: {log}. Check the network "
            f"or your PyPI mirror, delete the folder {venv} and retry.", log))
    extra = (after_pip(py) if after_pip is not None else None) or ""
    seconds = time.monotonic() - start
    (venv / TIMING_NAME).write_text(f"{seconds:.1f}\n")
    (venv / stamp_name).write_text(stamp_of(lock.read_bytes()))
    if not quiet:
        say(f"{engine} environment ready in {seconds:.0f} s: {venv}{extra}")
    return py
