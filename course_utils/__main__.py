"""Command line of the course helper package.

    python -m course_utils generate --customers 20000 --seed 7 --out my_data
    python -m course_utils generate --customers 1000000 --format parquet --out big_data

writes every table of the synthetic bank plus ``MANIFEST.json`` into a NEW folder
(progress bar on stderr): as UTF-8-with-BOM CSV (opens in Excel), as Parquet (one
``<table>.parquet`` per table, for pandas / Spark; several times smaller and faster to
load) or both (``--format csv|parquet|both``; default: CSV below 100,000 customers,
Parquet from there on). It never writes into an existing non-empty
folder unless ``--force`` is given; the committed ``datasets/`` is regenerated only by
the maintainer with ``--out datasets --force``. Bad arguments give one bilingual line
(Chinese first) on stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
import time

from . import config

#: Exit code for bad arguments (as argparse uses).
EXIT_USAGE = 2
#: Exit code when generating or writing failed (disk full, interrupted ...).
EXIT_FAILED = 1


def _fail(zh: str, en: str, code: int = EXIT_USAGE) -> int:
    print(f"错误：{zh} / Error: {en}", file=sys.stderr)
    return code


class _Parser(argparse.ArgumentParser):
    """argparse with one bilingual error line instead of usage + English message."""

    def error(self, message: str):
        if message.startswith("argument ") and ": " in message:
            message = message.split(": ", 1)[1]           # "argument --seed: <our message>"
        if " / " in message:                              # already bilingual (our type checks)
            zh, en = message.split(" / ", 1)
            self.exit(EXIT_USAGE, f"错误：{zh} / Error: {en}\n")
        self.exit(EXIT_USAGE, f"错误：参数有误（{message}）；用法见 {self.prog} --help"
                              f" / Error: bad arguments ({message}); see {self.prog} --help\n")


def _whole(name: str):
    def parse(text: str) -> int:
        try:
            return int(text.strip().replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} 必须是整数，收到 {text!r} / {name} must be a whole number, got {text!r}") from None
    return parse


def _choice(name: str, allowed):
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in allowed:
            raise argparse.ArgumentTypeError(
                f"{name} 只能是 {'、'.join(allowed)}，收到 {text!r} / {name} must be one of "
                f"{', '.join(allowed)}, got {text!r}")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m course_utils", description="AI+银行客户忠诚度管理 course helper")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    g = sub.add_parser("generate", help="生成模拟银行数据 / write the synthetic bank as CSV or Parquet files",
                       description="生成模拟银行数据到一个新文件夹 / write the synthetic bank into a new folder")
    g.add_argument("--customers", type=_whole("--customers"), default=config.DEFAULT_CUSTOMERS,
                   help=f"客户数 number of customers (default {config.DEFAULT_CUSTOMERS}, at least 50)")
    g.add_argument("--seed", type=_whole("--seed"), default=config.DEFAULT_SEED,
                   help=f"随机种子 random seed >= 0 (default {config.DEFAULT_SEED})")
    g.add_argument("--out", default=None,
                   help="输出文件夹（必填，须是新的或空的）/ output folder (required; new or empty)")
    g.add_argument("--format", type=_choice("--format", config.DATA_FORMATS), default=None,
                   help=f"文件格式 file format: csv（Excel 可打开 opens in Excel）、parquet（大数据 big data）或 both；"
                        f"默认 default: {config.PARQUET_MIN_CUSTOMERS:,} 位客户以下 csv，以上 parquet "
                        f"(csv below {config.PARQUET_MIN_CUSTOMERS:,} customers, parquet from there on)")
    g.add_argument("--force", action="store_true",
                   help="替换已有文件夹中的数据文件 / replace the data files of an existing folder")
    g.add_argument("--no-progress", action="store_true", help="不显示进度条 / hide the progress bar")
    return p


def _generate(a) -> int:
    from .datagen import output, write_bank
    from .errors import CourseArgumentError

    try:
        output.check_seed(a.seed)
        output.check_customers(a.customers)
        if a.out is None:
            return _fail(f"请用 --out 指定一个新的输出文件夹，例如 --out my_data（课程自带的数据在 "
                         f"{config.datasets_dir()}，不会被覆盖）",
                         "choose a new output folder with --out, e.g. --out my_data (the course's own data "
                         "is never overwritten)")
        t0 = time.perf_counter()
        paths = write_bank(a.out, a.customers, a.seed, progress=not a.no_progress, force=a.force,
                           format=a.format)
    except CourseArgumentError as e:
        return _fail(*str(e).split(" / ", 1)) if " / " in str(e) else _fail(str(e), str(e))
    except KeyboardInterrupt:
        return _fail("已取消，未写入任何数据", "cancelled, nothing was written", 130)
    except MemoryError:
        return _fail("内存不足，未写入任何数据；请减少 --customers", "out of memory, nothing was written; "
                     "use fewer --customers", EXIT_FAILED)
    except OSError as e:
        return _fail(f"写入失败，未写入任何数据（{e}）", f"writing failed, nothing was written ({e})", EXIT_FAILED)
    from .manifest import data_format, read_manifest
    out = paths["customers"].parent
    man = read_manifest(out) or {"files": {}}
    size = sum(f["bytes"] for f in man["files"].values())
    fmt = {"csv": "CSV", "parquet": "Parquet", "both": "CSV + Parquet"}[data_format(man) or "csv"]
    secs = time.perf_counter() - t0
    print(f"已写入 {len(man['files'])} 个 {fmt} 文件和 MANIFEST.json 到 {out}（{size / 1e6:.1f} MB，{secs:.1f} 秒）"
          f" / wrote {len(man['files'])} {fmt} files and MANIFEST.json to {out} ({size / 1e6:.1f} MB, {secs:.1f} s)")
    return 0


def main(argv=None) -> int:
    a = build_parser().parse_args(argv)
    if a.cmd == "generate":
        return _generate(a)
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


if __name__ == "__main__":
    sys.exit(main())
