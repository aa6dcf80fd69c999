"""The manifest of a dataset folder: what was generated, and a hash per file.

``write_bank`` writes ``MANIFEST.json`` last, inside a temporary folder that is
renamed into place only when complete; :func:`verify_folder` (called by
``load_bank``) refuses a folder whose files do not match their manifest, so a
killed or mixed run never loads.

Format (keys sorted, no timestamps, so the same seed gives the same bytes)::

    {"format": 1, "generator_version": "...", "seed": 2024, "n_customers": 5000,
     "files": {"customers.csv": {"bytes": 123, "sha256": "..."}, ...}}

``format`` is the version of this manifest layout. The data files' format is
``data_format``: ``"parquet"`` or ``"both"`` (CSV and Parquet files, all listed
under ``files``); it is absent for CSV-only folders, so the manifests of CSV
folders (the committed ``datasets/``) stay byte-identical to those written before
Parquet existed. :func:`data_format` reads it.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "customers.csv").write_bytes(b"customer_id\\nC1\\n")
>>> m = write_manifest(d, seed=1, n_customers=1, generator_version="test")
>>> verify_folder(d)["seed"]
1
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .errors import DataFileError

MANIFEST_NAME = "MANIFEST.json"
FORMAT = 1

__all__ = ["MANIFEST_NAME", "file_digest", "write_manifest", "read_manifest", "verify_folder", "data_format"]


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(folder: str | os.PathLike, *, seed: int, n_customers: int,
                   generator_version: str, files: list[str] | None = None, data_format: str = "csv") -> dict:
    """Hash the data files in ``folder`` and write ``MANIFEST.json`` (atomically).

    ``files`` defaults to every ``*.csv`` / ``*.parquet`` file in the folder.
    ``data_format`` (csv, parquet, both) is recorded unless it is ``csv``.
    Returns the manifest as a dict.
    """
    folder = Path(folder)
    if files is None:
        files = sorted(p.name for p in folder.iterdir()
                       if p.is_file() and p.suffix in (".csv", ".parquet"))
    man = {"format": FORMAT, "generator_version": generator_version, "seed": int(seed),
           "n_customers": int(n_customers),
           "files": {name: {"bytes": (folder / name).stat().st_size,
                            "sha256": file_digest(folder / name)} for name in sorted(files)}}
    if data_format != "csv":
        man["data_format"] = data_format
    tmp = folder / (MANIFEST_NAME + ".tmp")
    # bytes, not text: a text write would give "\r\n" line ends on Windows (different bytes)
    tmp.write_bytes((json.dumps(man, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    os.replace(tmp, folder / MANIFEST_NAME)
    return man


def _refuse(folder: Path, zh: str, en: str) -> DataFileError:
    return DataFileError(
        f"数据文件夹 {folder}：{zh}（数据集不完整或被混合/中途写入）。修复方法：从课程仓库恢复该文件夹，"
        f"或重新生成：python -m course_utils generate --out <新文件夹>\n"
        f"Data folder {folder}: {en} (mixed or half-written dataset). Fix: restore the folder from "
        f"the course repository, or regenerate: python -m course_utils generate --out <new folder>")


def read_manifest(folder: str | os.PathLike) -> dict | None:
    """The folder's manifest as a dict, or None when the folder has none."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(man, dict) or not isinstance(man.get("files"), dict):
            raise ValueError("no 'files' entry")
    except (ValueError, UnicodeDecodeError) as e:
        raise _refuse(Path(folder), f"{MANIFEST_NAME} 无法读取（{e}）",
                      f"{MANIFEST_NAME} cannot be read ({e})") from None
    return man


def data_format(man: dict | None) -> str | None:
    """Format of the data files a manifest lists: ``csv``, ``parquet`` or ``both``; None without one.

    >>> data_format({"files": {"a.csv": {}}}), data_format({"files": {"a.parquet": {}}, "data_format": "parquet"})
    ('csv', 'parquet')
    """
    if man is None:
        return None
    if man.get("data_format") in ("csv", "parquet", "both"):
        return man["data_format"]
    exts = {n.rsplit(".", 1)[-1] for n in man.get("files", {})}
    return "both" if {"csv", "parquet"} <= exts else "parquet" if "parquet" in exts else "csv"


def verify_folder(folder: str | os.PathLike, tables: list[str] | None = None,
                  require: bool = True, suffix: str | None = None) -> dict | None:
    """Check the folder's files against ``MANIFEST.json``; return the manifest.

    ``tables``: only these tables' files are checked (default: every file listed).
    ``suffix``: only files ending so (``".parquet"``: the files that will be read).
    ``require``: a folder without a manifest is refused (True) or accepted
    with ``None`` returned (False, for a trainee's hand-made folder).
    Raises :class:`~course_utils.errors.DataFileError` on a missing manifest
    (when required), a missing file, or a size or hash that does not match.
    """
    folder = Path(folder)
    man = read_manifest(folder)
    if man is None:
        if require:
            raise _refuse(folder, f"缺少 {MANIFEST_NAME}", f"{MANIFEST_NAME} is missing")
        return None
    names = sorted(man["files"])
    if tables is not None:
        wanted = set(tables)
        names = [n for n in names if n.rsplit(".", 1)[0] in wanted]
    if suffix is not None:
        names = [n for n in names if n.endswith(suffix)]
    for name in names:
        info = man["files"][name]
        path = folder / name
        if not path.is_file():
            raise _refuse(folder, f"清单中的文件 {name} 不存在", f"file {name} listed in the manifest is missing")
        if path.stat().st_size != info.get("bytes") or file_digest(path) != info.get("sha256"):
            raise _refuse(folder, f"文件 {name} 与清单不符（大小或校验和不同）",
                          f"file {name} does not match the manifest (size or checksum differs)")
    return man
