"""What the benchmark scripts share: peak memory of a process tree, wall time, the header lines.

:func:`measure` runs a command in a child process and samples, every ``every`` seconds
(0.2 by default), the summed resident memory (RSS) of the child and all its descendants
(psutil): a JVM, worker pools and subprocesses count too. It returns the wall time from
start to exit, that peak, the exit code and the output. :func:`tree_peak` is the sampler
alone, for a process already started. A peak is a sample: memory held for less than
``every`` seconds may be missed.

:func:`header` gives the first lines of a results file (title, command, machine line).

>>> header("# t", "python x.py", "pandas 3")[:3]
['# t', '', 'Command: `python x.py`']
>>> header("# t", "python x.py", "pandas 3")[4].endswith(" cores (shared), Python %s, pandas 3" % platform.python_version())
True
"""
from __future__ import annotations

import math
import os
import platform
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    """One measured run: ``wall_s`` seconds, ``peak_bytes`` (summed RSS of the tree), exit code, output."""

    wall_s: float
    peak_bytes: int
    returncode: int
    output: str

    @property
    def peak_gib(self) -> float:
        """``peak_bytes`` in GiB (1024 ** 3 bytes)."""
        return self.peak_bytes / 1024 ** 3


def tree_peak(proc: subprocess.Popen, every: float = 0.2) -> int:
    """Peak of the summed RSS (bytes) of ``proc`` and all its descendants, sampled until it exits."""
    import psutil  # in requirements/lock.txt; imported here so that importing this module stays cheap

    peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(every)
    return peak


def measure(cmd: list[str], *, cwd=None, env: dict | None = None, preexec=None,
            stderr: int | None = subprocess.STDOUT, every: float = 0.2) -> Measured:
    """Run ``cmd``; its wall seconds, the peak summed RSS of its process tree, exit code and stdout.

    ``stderr``: ``subprocess.STDOUT`` (default) merges it into the output, ``None`` leaves it on
    this process's stderr. ``preexec`` runs in the child before ``cmd`` (e.g. ``setrlimit``).
    The output is read by a thread while sampling, so a chatty child never blocks on a full pipe.

    >>> import sys
    >>> m = measure([sys.executable, "-c", "print(6 * 7)"])
    >>> (m.returncode, m.output.strip(), m.wall_s > 0, m.peak_bytes >= 0)
    (0, '42', True, True)
    """
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, cwd=cwd,
                            preexec_fn=preexec)
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True)
    reader.start()
    peak = tree_peak(proc, every)
    wall = time.monotonic() - t0
    reader.join(timeout=30)
    return Measured(wall, peak, proc.returncode, "".join(chunks))


def load1() -> float:
    """The 1-minute load average (NaN where the OS has none, e.g. Windows)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan


def header(title: str, command: str, details: str) -> list[str]:
    """Title, the command in backticks and ``Machine: <arch>, <n> cores (shared), Python <v>, <details>``."""
    return [title, "", f"Command: `{command}`", "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
            f"{platform.python_version()}, {details}"]
