"""Command line of the course helper package.

    python -m course_utils generate --customers 5000 --seed 2024 --out datasets

writes every table of the synthetic bank as UTF-8-with-BOM CSV (progress bar on stderr).
"""
from __future__ import annotations

import argparse
import sys
import time

from . import config


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m course_utils",
                                description="AI+银行客户忠诚度管理 course helper")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="生成模拟银行数据 / write the synthetic bank as CSV files")
    g.add_argument("--customers", type=int, default=config.DEFAULT_CUSTOMERS,
                   help=f"number of customers (default {config.DEFAULT_CUSTOMERS})")
    g.add_argument("--seed", type=int, default=config.DEFAULT_SEED,
                   help=f"random seed (default {config.DEFAULT_SEED})")
    g.add_argument("--out", default=None, help="output folder (default: the datasets folder)")
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    a = p.parse_args(argv)
    if a.cmd == "generate":
        if a.customers < 50:
            p.error("--customers 至少为 50 / must be at least 50")
        from .datagen import write_bank
        out = a.out if a.out is not None else str(config.datasets_dir())
        t0 = time.perf_counter()
        paths = write_bank(out, a.customers, a.seed, progress=not a.no_progress)
        size = sum(pth.stat().st_size for pth in paths.values())
        print(f"已写入 {len(paths)} 个文件到 {out}（{size / 1e6:.1f} MB，{time.perf_counter() - t0:.1f} 秒）"
              f" / wrote {len(paths)} files to {out} ({size / 1e6:.1f} MB, "
              f"{time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
