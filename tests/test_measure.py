"""benchmarks/_measure.py: the peak-RSS-of-a-process-tree sampler the benchmark scripts share.

The children here allocate and *touch* known amounts of memory (``b"\\1" * n``: no lazy
zero pages) and hold them for a second, longer than the 0.2 s sampling period.
"""
import doctest
import resource
import sys

from benchmarks import _measure
from benchmarks._measure import measure

MIB = 1024 ** 2

#: The child holds 100 MiB and starts a grandchild that holds 200 MiB, both for a second.
_TREE = r"""
import subprocess, sys
mine = b"\1" * (100 << 20)
code = "import time; x = b'\\1' * (200 << 20); print('grandchild ready', flush=True); time.sleep(1.0)"
r = subprocess.run([sys.executable, "-c", code])
print("child done", len(mine) >> 20, flush=True)
sys.exit(r.returncode)
"""


def test_peak_counts_the_whole_process_tree():
    m = measure([sys.executable, "-c", _TREE])
    assert m.returncode == 0
    assert "grandchild ready" in m.output and "child done 100" in m.output
    # 300 MiB held by two processes at once, plus two interpreters (~10 MiB each); a sampler
    # that saw only the child would report ~110 MiB, one that saw only the grandchild ~210 MiB
    assert 300 * MIB <= m.peak_bytes <= 300 * MIB + 120 * MIB, m.peak_bytes / MIB
    assert m.peak_gib == m.peak_bytes / 1024 ** 3
    assert m.wall_s >= 1.0


def test_a_single_200_mb_child():
    m = measure([sys.executable, "-c", "import time; x = b'\\1' * (200 << 20); time.sleep(1.0)"])
    assert m.returncode == 0 and m.output == ""
    assert 200 * MIB <= m.peak_bytes <= 260 * MIB, m.peak_bytes / MIB


def test_exit_code_and_stderr(capfd):
    code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"
    merged = measure([sys.executable, "-c", code])
    assert merged.returncode == 3 and set(merged.output.split()) == {"out", "err"}
    apart = measure([sys.executable, "-c", code], stderr=None)
    assert apart.returncode == 3 and apart.output == "out\n"
    assert "err" in capfd.readouterr().err


def test_preexec_limits_the_child():
    """bench_spark caps the pandas child with RLIMIT_AS: it then fails with MemoryError, not the machine."""
    cap = 1024 * MIB

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    m = measure([sys.executable, "-c", "x = b'\\1' * (2048 << 20)"], preexec=limit)
    assert m.returncode != 0 and "MemoryError" in m.output
    assert m.peak_bytes < cap


def test_header_and_doctests():
    assert doctest.testmod(_measure).failed == 0
    lines = _measure.header("# rfm() benchmark", "python b.py --rows 5", "pandas 3; load 1.0.")
    assert lines[:4] == ["# rfm() benchmark", "", "Command: `python b.py --rows 5`", ""]
    assert lines[4].startswith("Machine: ") and lines[4].endswith(", pandas 3; load 1.0.")
    assert _measure.load1() >= 0
