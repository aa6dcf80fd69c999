"""Instructor dashboard from the command line: who is stuck.

    python3 course.py dashboard progress/                 # print the report
    python3 course.py dashboard progress/ --out report.html   # ... and write it as one HTML page
    python3 course.py dashboard --demo demo-progress/     # write example files of 30 trainees first

Collect the trainees' progress files (``~/.course_progress.jsonl`` on each
laptop, or the file ``COURSE_PROGRESS_FILE`` names) by copying them into one
folder, each renamed after its trainee (``seat07.jsonl``) or inside a folder
named after its trainee. See :mod:`course_utils.dashboard`. Unreadable files
and lines are listed and skipped; the command never stops on them.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

USAGE = ("用法 / usage: python3 course.py dashboard FOLDER_OR_FILE... [--out report.html]\n"
         "             python3 course.py dashboard --demo FOLDER [--trainees 30]")
#: First line of every report this command writes: only such a file is ever replaced.
REPORT_MARK = "<!-- course dashboard report -->"


def _fail(msg: str) -> int:
    print(msg, file=sys.stderr)
    print(USAGE, file=sys.stderr)
    return 2


def write_report(path: Path, page: str) -> None:
    """Write ``page`` to ``path`` atomically; never replace a file this command did not write."""
    if path.exists():
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:200]
        except OSError:
            head = ""
        if not head.startswith(REPORT_MARK):
            raise FileExistsError(
                f"{path} 已存在且不是看板报告，不覆盖；换一个 --out 文件名 / "
                f"exists and is not a dashboard report: not replaced; choose another --out")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    from course_utils import dashboard

    args, out, demo, trainees = [], None, None, 30
    it = iter(argv)
    for a in it:
        if a in ("-h", "--help"):
            print(__doc__)
            return 0
        if a in ("--out", "--demo", "--trainees") or a.startswith(("--out=", "--demo=", "--trainees=")):
            name, _, value = a.partition("=")
            if not value:
                value = next(it, None)
                if value is None:
                    return _fail(f"{name} 后面缺少值 / {name} needs a value")
            if name == "--out":
                out = Path(value)
            elif name == "--demo":
                demo = Path(value)
            else:
                try:
                    trainees = int(value)
                    assert 1 <= trainees <= 500
                except (ValueError, AssertionError):
                    return _fail(f"--trainees 要 1 到 500 之间的整数 / needs a whole number 1-500: {value!r}")
        elif a.startswith("-"):
            return _fail(f"未知选项 / unknown option: {a}")
        else:
            args.append(a)
    if demo is not None:
        if demo.exists() and any(demo.iterdir()):
            return _fail(f"{demo} 不是空文件夹，示例文件不写进去 / not empty: demo files not written")
        files = dashboard.simulate_progress(demo, n_trainees=trainees)
        print(f"示例进度文件已写入 / example progress files written: {demo} ({len(files)} files)")
        args = [str(demo), *args]
    if not args:
        return _fail("请给出进度文件或文件夹 / give progress files or a folder")
    data = dashboard.collect(args)
    print(dashboard.summary_text(data))
    if out is not None:
        try:
            write_report(out, REPORT_MARK + "\n<meta charset='utf-8'>\n" + dashboard.render_html(data))
        except (FileExistsError, OSError) as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(f"\n报告 / report: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
