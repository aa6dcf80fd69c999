"""Safe output for the generator: argument checks, resource estimates, atomic folder swap.

A dataset folder is written into a hidden temporary sibling (``.<name>.tmp-<pid>-<hex>``),
``MANIFEST.json`` last, and only then renamed into place, so a killed run never leaves
a folder that loads (the loader refuses a folder without a matching manifest). An
existing non-empty folder is replaced only with ``force=True``: it is moved aside,
the new folder renamed in, and the old one deleted after that rename; files in it that
the generator does not write (such as ``README.md``) are carried over.

Every refusal raises :class:`~course_utils.errors.CourseArgumentError` whose message
is one line, Chinese first, then English.

>>> check_seed(-1)
Traceback (most recent call last):
...
course_utils.errors.CourseArgumentError: 随机种子 --seed（seed）必须是 ≥ 0 的整数（收到 -1） / --seed (seed) must be a whole number >= 0 (got -1)
"""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from ..errors import CourseArgumentError

__all__ = ["MIN_CUSTOMERS", "check_seed", "check_customers", "estimate_peak_bytes", "estimate_disk_bytes",
           "available_memory", "check_resources", "check_target", "new_temp_dir", "swap_into_place",
           "remove_stale_temps"]

#: Fewest customers that still give every table and KPI of the course.
MIN_CUSTOMERS = 50
#: Measured peak memory of ``write_bank`` (all processes, 2 workers): fixed part + per customer
#: (benchmarks/bench_generate.py, 2026-11-30: 100,000 customers 1.43 GB, 1,000,000 6.04 GB).
WRITE_BASE_BYTES = 0.9e9
WRITE_BYTES_PER_CUSTOMER = 5_200
#: Measured peak memory of ``generate_bank`` (every table in memory): 100,000 customers 0.97 GB.
MEMORY_BASE_BYTES = 0.2e9
MEMORY_BYTES_PER_CUSTOMER = 9_000
#: Measured CSV bytes per customer (5,000 customers: 15.9 MB; 1,000,000: 3.26 GB).
DISK_BYTES_PER_CUSTOMER = 3_300
#: Safety margin on the estimates (they are averages over seeds).
MARGIN = 1.25


def _bad(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh} / {en}")


def check_seed(seed) -> int:
    """``seed`` as an int >= 0, or a bilingual :class:`CourseArgumentError`.

    >>> check_seed(2024)
    2024
    """
    if isinstance(seed, bool) or not hasattr(seed, "__index__"):
        raise _bad(f"随机种子 --seed（seed）必须是 ≥ 0 的整数（收到 {seed!r}）",
                   f"--seed (seed) must be a whole number >= 0 (got {seed!r})")
    seed = int(seed)
    if seed < 0:
        raise _bad(f"随机种子 --seed（seed）必须是 ≥ 0 的整数（收到 {seed}）",
                   f"--seed (seed) must be a whole number >= 0 (got {seed})")
    return seed


def check_customers(n) -> int:
    """``n`` as an int >= :data:`MIN_CUSTOMERS`, or a bilingual :class:`CourseArgumentError`.

    >>> check_customers(5000)
    5000
    >>> check_customers(10)
    Traceback (most recent call last):
    ...
    course_utils.errors.CourseArgumentError: 客户数 --customers（n_customers）至少为 50（收到 10） / --customers (n_customers) must be at least 50 (got 10)
    """
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise _bad(f"客户数 --customers（n_customers）必须是整数（收到 {n!r}）",
                   f"--customers (n_customers) must be a whole number (got {n!r})")
    n = int(n)
    if n < MIN_CUSTOMERS:
        raise _bad(f"客户数 --customers（n_customers）至少为 {MIN_CUSTOMERS}（收到 {n}）",
                   f"--customers (n_customers) must be at least {MIN_CUSTOMERS} (got {n})")
    return n


def estimate_peak_bytes(n_customers: int, in_memory: bool = False) -> float:
    """Estimated peak memory (bytes, all processes) to generate ``n_customers``.

    ``in_memory``: every table held at once (:func:`generate_bank`) instead of
    chunked writing (:func:`write_bank`).

    >>> round(estimate_peak_bytes(1_000_000) / 1e9, 1)
    6.1
    """
    if in_memory:
        return MEMORY_BASE_BYTES + MEMORY_BYTES_PER_CUSTOMER * n_customers
    return WRITE_BASE_BYTES + WRITE_BYTES_PER_CUSTOMER * n_customers


def estimate_disk_bytes(n_customers: int) -> float:
    """Estimated size (bytes) of the CSV files for ``n_customers``.

    >>> round(estimate_disk_bytes(5000) / 1e6, 1)
    16.5
    """
    return float(DISK_BYTES_PER_CUSTOMER * n_customers)


def available_memory() -> float | None:
    """Memory (bytes) the system can give a new process now, or None if unknown."""
    try:
        import psutil
        return float(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - psutil missing or unsupported platform
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def check_resources(n_customers: int, folder: Path | None = None, in_memory: bool = False) -> None:
    """Refuse a size whose estimated memory or disk need exceeds what is available.

    ``folder``: where the files will go (disk check skipped when None).
    """
    need = estimate_peak_bytes(n_customers, in_memory) * MARGIN
    avail = available_memory()
    if avail is not None and need > avail:
        fit = max(0, int((avail / MARGIN - (MEMORY_BASE_BYTES if in_memory else WRITE_BASE_BYTES))
                         / (MEMORY_BYTES_PER_CUSTOMER if in_memory else WRITE_BYTES_PER_CUSTOMER)))
        raise _bad(f"{n_customers:,} 位客户约需 {need / 1e9:.1f} GB 内存，本机可用约 {avail / 1e9:.1f} GB；"
                   f"请把 --customers 减到约 {fit:,} 以下，或换一台内存更大的电脑",
                   f"{n_customers:,} customers need about {need / 1e9:.1f} GB of memory, about "
                   f"{avail / 1e9:.1f} GB is available; use --customers below about {fit:,} or a larger machine")
    if folder is not None:
        probe = _nearest_existing(folder)
        try:
            free = shutil.disk_usage(probe).free
        except OSError:
            return
        disk = estimate_disk_bytes(n_customers) * MARGIN
        if disk > free:
            raise _bad(f"{n_customers:,} 位客户的数据约需 {disk / 1e9:.1f} GB 磁盘空间，{probe} 只剩 "
                       f"{free / 1e9:.1f} GB；请换个位置（--out）或减少 --customers",
                       f"{n_customers:,} customers need about {disk / 1e9:.1f} GB of disk, {probe} has "
                       f"{free / 1e9:.1f} GB free; choose another --out or fewer --customers")


def _is_empty_dir(p: Path) -> bool:
    return p.is_dir() and not any(p.iterdir())


def _nearest_existing(p: Path) -> Path:
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_target(out_dir, force: bool = False) -> Path:
    """Check, without writing anything, that ``out_dir`` can receive a dataset.

    Refused: no folder given, a path that is a file or lies under a file, a folder that
    cannot be written, a non-empty folder without ``force``. Missing parent folders are
    fine (created when writing starts). Returns the absolute path of the target folder.
    """
    if out_dir is None or str(out_dir).strip() == "":
        raise _bad("请用 --out 指定一个新的输出文件夹，例如 --out my_data",
                   "choose a new output folder with --out, e.g. --out my_data")
    target = Path(out_dir).expanduser().absolute()
    if target.exists() and not target.is_dir():
        raise _bad(f"--out {out_dir} 是一个文件，不是文件夹；请换一个文件夹名",
                   f"--out {out_dir} is a file, not a folder; choose a folder name")
    if target.is_dir() and not _is_empty_dir(target) and not force:
        raise _bad(f"文件夹 {out_dir} 已存在且不是空的，为保护其中的数据不会覆盖；请换一个新文件夹，"
                   f"或确认要替换时加上 --force",
                   f"folder {out_dir} exists and is not empty; it is not overwritten. Choose a new folder, "
                   f"or add --force to replace it")
    base = _nearest_existing(target.parent)
    if not base.is_dir():
        raise _bad(f"--out {out_dir} 位于文件 {base} 之下，无法创建文件夹；请换一个位置",
                   f"--out {out_dir} lies under the file {base}; choose another place")
    if not os.access(base, os.W_OK | os.X_OK) or (target.is_dir() and not os.access(target, os.W_OK | os.X_OK)):
        raise _bad(f"没有写入 {base} 的权限；请换一个可写的文件夹",
                   f"no permission to write in {base}; choose a writable folder")
    return target


def new_temp_dir(target: Path) -> Path:
    """Create the hidden temporary sibling folder of ``target`` (same file system -> atomic rename).

    Missing parent folders of ``target`` are created first.
    """
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
    except OSError as e:
        raise _bad(f"无法在 {target.parent} 中写入（{e.strerror or e}）；请换一个可写的文件夹",
                   f"cannot write in {target.parent} ({e.strerror or e}); choose a writable folder") from None
    return tmp


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete temporary siblings of ``target`` left by killed runs (POSIX only). Returns them."""
    if os.name != "posix" or not target.parent.is_dir():
        return []
    gone = []
    for p in target.parent.glob(f".{target.name}.tmp-*"):
        try:
            pid = int(p.name.rsplit(".tmp-", 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if p.is_dir() and not _pid_alive(pid):
            shutil.rmtree(p, ignore_errors=True)
            gone.append(p)
    return gone


def swap_into_place(tmp: Path, target: Path, force: bool, generated: set[str]) -> None:
    """Rename the finished ``tmp`` folder to ``target``.

    An existing empty ``target`` is replaced; a non-empty one only with ``force``:
    files in it that are not in ``generated`` (e.g. ``README.md``) are copied into
    ``tmp`` first, then ``target`` is moved aside, ``tmp`` renamed in, and the old
    folder removed. If the second rename fails the old folder is put back.
    """
    try:
        if not target.exists():
            os.rename(tmp, target)
            return
        if _is_empty_dir(target):
            target.rmdir()
            os.rename(tmp, target)
            return
        if not force:
            raise _bad(f"文件夹 {target} 在生成期间出现了内容，未覆盖；新数据留在 {tmp}",
                       f"folder {target} got files while generating; not overwritten, new data left in {tmp}")
        for p in target.iterdir():
            if p.name in generated or (tmp / p.name).exists():
                continue
            if p.is_dir():
                shutil.copytree(p, tmp / p.name, symlinks=True)
            else:
                shutil.copy2(p, tmp / p.name, follow_symlinks=False)
        aside = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.rename(target, aside)
        try:
            os.rename(tmp, target)
        except OSError:
            os.rename(aside, target)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    except CourseArgumentError:
        raise
    except OSError as e:
        raise _bad(f"无法把新数据放到 {target}（{e.strerror or e}）；请关闭正在使用其中文件的程序（如 Excel）后重试",
                   f"cannot move the new data into {target} ({e.strerror or e}); close programs using its "
                   f"files (e.g. Excel) and retry") from None
