"""Errors a trainee or instructor may see, with bilingual messages.

Every problem with a data file raises :class:`DataFileError` (a ``ValueError``)
whose message names the file, the column, an example row where there is one,
and the fix, in Chinese and English.

>>> e = file_error("datasets/customers.csv", "缺少列 “age”", "column 'age' is missing",
...                "恢复表头", "restore the header")
>>> str(e).splitlines()[1]
"Data file datasets/customers.csv: column 'age' is missing. Fix: restore the header"
"""
from __future__ import annotations

__all__ = ["DataFileError", "CourseArgumentError", "file_error", "FIX_REGEN_ZH", "FIX_REGEN_EN"]


class DataFileError(ValueError):
    """A data file is missing, incomplete, wrongly encoded or has bad values."""


class CourseArgumentError(ValueError):
    """A command-line or function argument cannot be used (bilingual one-line message)."""


FIX_REGEN_ZH = "重新生成数据：python -m course_utils generate --out <新文件夹>"
FIX_REGEN_EN = "regenerate: python -m course_utils generate --out <new folder>"


def file_error(path, zh: str, en: str, fix_zh: str, fix_en: str) -> DataFileError:
    """A :class:`DataFileError` for ``path``: Chinese line first, English second."""
    return DataFileError(f"数据文件 {path}：{zh}。修复方法：{fix_zh}\n"
                         f"Data file {path}: {en}. Fix: {fix_en}")
