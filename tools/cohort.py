"""Prepare a cohort in one command: data, executed notebooks, trainee and instructor packs.

    python3 course.py cohort --name spring                      # seed 2024, 5,000 customers
    python3 course.py cohort --name spring --seed 7 --customers 20000 --trainees 30
    python -m tools.cohort --name NAME [--seed S --customers N] [--trainees K] [--out DIR]
                           [--jobs J] [--force] [--no-progress]

builds one folder, ``cohorts/NAME/`` (gitignored) unless ``--out DIR`` names it::

    cohort.json                  what was built and from what (fingerprints; see "Idempotent")
    datasets/                    the cohort's dataset + MANIFEST.json + README.md (data dictionary)
    notebooks/*.ipynb            lecture notebooks (start page included) executed on that dataset
    exercises/*.ipynb            exercise notebooks, clean
    solutions/*.ipynb            solutions executed on that dataset         (instructor only)
    instructor/                  INSTRUCTOR.md, INSTRUCTOR_NOTES_L*.md, APP_MODE.md (instructor only)
    agenda.html                  the one-page printable agenda (tools/agenda.py)
    handouts/                    self-contained HTML handouts of the lecture notebooks  } tools/present.py
    slides/                      offline slide decks (reveal.js, local assets)           } (instructor only)
    packs/NAME-trainee.zip       a complete course folder ``NAME/`` for trainees: course.py,
                                 course_utils, requirements, environment.yml, README, pyproject,
                                 dags, tools, notebooks, exercises, datasets, agenda, handouts --
                                 no solutions, no instructor notes, no exercise sources
    packs/NAME-instructor.zip    the same folder plus solutions/, instructor/ and the slide decks
    packs/trainees/NAME-01.zip   (``--trainees K``) the trainee pack plus COURSE_USER.txt holding
    ...                          the label ``NAME-01``: the progress log records it as ``learner``
                                 (course_utils/exercises/progress.py), so the instructor's
                                 dashboard shows who is who without asking trainees to set anything

How trainees get their cohort's data without editing a path: the pack's ``datasets/`` is the
cohort's dataset, and ``course_utils.config.DEFAULT_SEED`` / ``DEFAULT_CUSTOMERS`` follow
``datasets/MANIFEST.json`` -- every notebook's ``get_bank(SEED, N_CUSTOMERS)`` (SEED =
DEFAULT_SEED ...) therefore loads those files, and the exercise checks, which judge against
the bank passed to ``setup(bank)``, judge against the same data. Here the notebooks are
executed with ``COURSE_DATA_DIR`` pointing at the cohort's ``datasets/``, which has the same
effect in the kernel.

Idempotent: ``cohort.json`` records, per output, a key (sha256 of what it is made from: the
notebook source as built, the course code, the dataset manifest, the seed/size) and the sha256
of the file written. A re-run with the same arguments rebuilds only outputs whose key changed
or whose file is missing or was modified, so a second run does nothing and changes no byte.
Zip packs and the dataset are written to a temporary name and renamed into place: there is
never a half-written pack. A different seed or size in an existing cohort folder is refused
unless ``--force`` (which then regenerates the data and everything made from it).

Bad arguments: one bilingual line on stderr, exit code 2. A notebook that fails to execute
is named with the end of its log; no pack is written then (exit code 1).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.manifest import file_digest

ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = "cohort.json"
STATE_VERSION = 1
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_TRAINEES = 200
#: File in a per-trainee pack whose first line is the learner label (progress.LEARNER_FILE).
LEARNER_FILE = "COURSE_USER.txt"
#: Fixed time stamp of every zip member: the same content gives the same zip bytes.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

#: Course files copied into every pack (relative to the repository), besides the cohort's outputs.
PACK_CODE_FILES = ("course.py", "pyproject.toml", "README.md", "environment.yml", "LICENSE")
PACK_CODE_DIRS = ("course_utils", "requirements", "dags", "tools")
#: Cohort outputs in the trainee pack / only in the instructor pack (relative to the cohort folder).
TRAINEE_OUTPUTS = ("datasets", "notebooks", "exercises", "agenda.html", "handouts")
INSTRUCTOR_OUTPUTS = ("solutions", "instructor", "slides")
#: Instructor documents copied to ``instructor/`` (globs in docs/).
INSTRUCTOR_DOCS = ("INSTRUCTOR.md", "INSTRUCTOR_NOTES_*.md", "APP_MODE.md")
#: Never packed (anywhere in a path).
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", "backups", ".pytest_cache"}

#: Typical wall seconds per notebook at 5,000 customers on this kind of machine
#: (benchmarks/results/notebooks.md), used for the time estimate until a run measured them.
TYPICAL_SECONDS = {"00_start": 4, "L1_overview": 8, "L2_profiling": 11, "L3_churn": 16,
                   "L4_recommendation": 15, "L5_outlook": 15, "L1_solutions": 6,
                   "L2_solutions": 7, "L3_solutions": 12, "L4_solutions": 8, "L5_solutions": 7}
KERNEL_START_SECONDS = 3.0


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------
class UsageError(Exception):
    """A bad argument: ``str(self)`` is one bilingual line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        if " / " in message and message.startswith("argument "):
            message = message.split(": ", 1)[1]
        if " / " in message:
            zh, en = message.split(" / ", 1)
            self.exit(2, f"错误：{zh} / Error: {en}\n")
        self.exit(2, f"错误：参数有误（{message}）；用法见 python3 course.py cohort --help"
                     f" / Error: bad arguments ({message}); see python3 course.py cohort --help\n")


def _whole(name: str, lo: int, hi: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(str(text).strip().replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} 必须是整数，收到 {text!r} / {name} must be a whole number, got {text!r}") from None
        if value < lo or (hi is not None and value > hi):
            rng = f"{lo}–{hi}" if hi is not None else f">= {lo}"
            raise argparse.ArgumentTypeError(
                f"{name} 必须在 {rng} 之间，收到 {value} / {name} must be {rng}, got {value}")
        return value
    return parse


def _name(text: str) -> str:
    if not NAME_RE.match(text or ""):
        raise argparse.ArgumentTypeError(
            f"--name 只能用英文字母、数字、- 和 _（最多 40 个字符，字母或数字开头），收到 {text!r}"
            f" / --name may only use letters, digits, - and _ (at most 40, starting with a letter or "
            f"digit), got {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    from course_utils.datagen.output import MIN_CUSTOMERS

    ap = _Parser(prog="python3 course.py cohort",
                 description="为新一期学员准备数据、笔记本和学员/讲师资料包 / prepare a cohort: data, "
                             "executed notebooks, trainee and instructor packs")
    ap.add_argument("--name", required=True, type=_name, help="本期名称 cohort name (letters, digits, -, _)")
    ap.add_argument("--seed", type=_whole("--seed", 0), default=None,
                    help="随机种子 seed (default: the existing cohort's, else 2024)")
    ap.add_argument("--customers", type=_whole("--customers", MIN_CUSTOMERS, 10_000_000), default=None,
                    help="客户数 number of customers (default: the existing cohort's, else 5000)")
    ap.add_argument("--trainees", type=_whole("--trainees", 1, MAX_TRAINEES), default=None,
                    help=f"学员人数 K: per-trainee packs NAME-01..NAME-K (1–{MAX_TRAINEES})")
    ap.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="本期文件夹 cohort folder (default cohorts/NAME)")
    ap.add_argument("--jobs", type=_whole("--jobs", 1, 8), default=2,
                    help="同时执行的笔记本数 notebooks executed at the same time (default 2)")
    ap.add_argument("--force", action="store_true",
                    help="允许在已有本期文件夹里换随机种子/客户数 allow another seed/size in an existing folder")
    ap.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")
    return ap


# --------------------------------------------------------------------------
# Fingerprints and state
# --------------------------------------------------------------------------
def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: SHA-256 of a file: the dataset manifest's own digest (one definition).
sha256_file = file_digest


def _skip(rel_parts: tuple[str, ...]) -> bool:
    return any(p in SKIP_PARTS or p.endswith((".pyc", ".tmp")) for p in rel_parts)


def tree_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (sorted, caches/backups/temporary files left out).

    >>> "lock.txt" in [p.name for p in tree_files(ROOT / "requirements")]
    True
    """
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not _skip(p.relative_to(folder).parts)
                  and not p.name.startswith("."))


def code_fingerprint(root: Path = ROOT) -> str:
    """sha256 over the course code a notebook's output depends on (package, DAG, lock, build)."""
    h = hashlib.sha256()
    paths = tree_files(root / "course_utils") + tree_files(root / "dags") + \
        [root / "requirements" / "lock.txt", root / "tools" / "nbbuild.py"]
    for p in paths:
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            h.update(sha256_file(p).encode())
    return h.hexdigest()


def key_of(*parts: str | bytes) -> str:
    """sha256 of the parts, separated (what an output is made from).

    >>> key_of("a", "b") == key_of("a", "b") != key_of("ab")
    True
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        h.update(b"\0\1")
    return h.hexdigest()


def read_state(folder: Path) -> dict:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def write_json_atomic(path: Path, data: dict) -> bool:
    """Write ``data`` (sorted keys, UTF-8) unless the same bytes are there; True if written."""
    text = (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    if path.is_file() and path.read_bytes() == text:
        return False
    write_atomic(path, text)
    return True


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def up_to_date(state: dict, folder: Path, rel: str, key: str) -> bool:
    """Whether ``rel`` was built from ``key`` and is still exactly what was written."""
    rec = state.get("outputs", {}).get(rel)
    path = folder / rel
    return (isinstance(rec, dict) and rec.get("key") == key and path.is_file()
            and rec.get("sha256") == sha256_file(path))


# --------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------
@dataclass
class Step:
    """One output to make: its path (relative to the cohort folder) and its estimate."""

    rel: str
    kind: str                   # dataset | lecture | solution | exercise | doc | agenda | pack
    key: str = ""
    estimate: float = 0.5       # wall seconds of work
    target: object = None       # nbbuild.Target for notebooks
    status: str = "todo"        # todo | built | unchanged | failed
    seconds: float = 0.0
    note: str = ""


@dataclass
class Cohort:
    name: str
    seed: int
    customers: int
    folder: Path
    trainees: int | None = None
    jobs: int = 2
    force: bool = False
    progress: bool = True
    state: dict = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        """Per-trainee labels ``NAME-01`` ... (two digits at least).

        >>> Cohort("spring", 7, 600, Path("x"), trainees=3).labels
        ['spring-01', 'spring-02', 'spring-03']
        """
        k = self.trainees or 0
        width = max(2, len(str(k)))
        return [f"{self.name}-{i:0{width}d}" for i in range(1, k + 1)]


def _estimate(stem: str, customers: int, measured: dict) -> float:
    if stem in measured:
        return float(measured[stem])
    base = TYPICAL_SECONDS.get(stem, 10.0)
    return KERNEL_START_SECONDS + (base - KERNEL_START_SECONDS) * max(customers, 500) / 5000


def _notebook_targets():
    """Lecture (start page included) and solution targets of the build; appendices left out."""
    from tools import nbbuild

    out = []
    for t in nbbuild.targets():
        stem = t.source.stem
        if t.kind == "exercise":
            continue
        if t.kind == "lecture" and not (stem.startswith("00") or stem.startswith("L")):
            continue  # optional appendices (A1_ Spark ...) need their own environment
        out.append(t)
    return out


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------
def _fail(zh: str, en: str, code: int = 2) -> int:
    print(f"错误：{zh} / Error: {en}", file=sys.stderr)
    return code


@contextmanager
def _env(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def _lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / ".cohort.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
                os.kill(pid, 0)
            except (ValueError, OSError):
                lock.unlink(missing_ok=True)   # a stale lock of a run that died
                continue
            raise UsageError(f"另一个 cohort 命令正在构建 {folder}（进程 {pid}）；请等它结束 / another cohort "
                             f"command is building {folder} (process {pid}); wait for it to finish") from None
    else:  # pragma: no cover
        raise UsageError(f"无法锁定 {folder} / cannot lock {folder}")
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def dataset_ok(folder: Path, seed: int, customers: int) -> dict | None:
    """The manifest of ``folder`` if it verifies and holds ``seed`` / ``customers`` of the
    current generator version, else None."""
    from course_utils import manifest
    from course_utils.datagen import GENERATOR_VERSION

    try:
        man = manifest.verify_folder(folder)
    except Exception:  # noqa: BLE001 - any problem means: make it again
        return None
    if not man or (man.get("seed"), man.get("n_customers")) != (seed, customers):
        return None
    if str(man.get("generator_version")) != str(GENERATOR_VERSION):
        return None
    return man


def make_dataset(c: Cohort) -> str:
    """Make ``datasets/`` (temporary folder, then rename); 'built' or 'unchanged'."""
    target = c.folder / "datasets"
    readme = ROOT / "datasets" / "README.md"
    if dataset_ok(target, c.seed, c.customers):
        if readme.is_file() and not (target / "README.md").is_file():
            shutil.copy2(readme, target / "README.md")
        return "unchanged"
    tmp = c.folder / f".datasets.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    if dataset_ok(ROOT / "datasets", c.seed, c.customers):
        shutil.copytree(ROOT / "datasets", tmp)     # the committed data: same bytes as generating
    else:
        cmd = [sys.executable, "-m", "course_utils", "generate", "--customers", str(c.customers),
               "--seed", str(c.seed), "--out", str(tmp), "--no-progress"]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise RuntimeError(f"generating the dataset failed:\n{(r.stderr or r.stdout)[-2000:]}")
        if readme.is_file():
            shutil.copy2(readme, tmp / "README.md")
    if not dataset_ok(tmp, c.seed, c.customers):  # pragma: no cover - generator contract broken
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError("the new dataset does not match its manifest")
    old = c.folder / f".datasets.{os.getpid()}.old"
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
    return "built"


def notebook_key(c: Cohort, target, code_fp: str, data_fp: str) -> str:
    """What a notebook is made from: its source file, the build (tools/nbbuild.py and the
    locked packages, e.g. jupytext), and for executed ones the course code and the data.

    Read from the files, not from the generated notebook, so a re-run imports no notebook
    machinery (nbformat's validator alone takes seconds to import)."""
    text = target.source.read_bytes()
    build = key_of(sha256_file(ROOT / "tools" / "nbbuild.py"), sha256_file(ROOT / "requirements" / "lock.txt"))
    if target.kind == "exercise":
        return key_of("exercise", text, build)
    return key_of(target.kind, text, build, code_fp, data_fp, str(c.seed), str(c.customers))


def run_notebook(c: Cohort, step: Step) -> None:
    """Execute (or, for exercises, only write) one notebook into the cohort folder."""
    from tools import nbbuild

    target = step.target
    nb = nbbuild.generate(target)
    path = c.folder / step.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if target.kind != "exercise":
        scale = max(1.0, c.customers / 5000)
        nb = nbbuild.execute(nb, cwd=path.parent, label=step.rel,
                             cell_timeout=int(nbbuild.CELL_TIMEOUT * scale),
                             total_timeout=int(nbbuild.NOTEBOOK_TIMEOUT * scale))
    nbbuild.write_notebook(nbbuild.normalise(nb, executed=target.kind != "exercise"), path)


def export_handouts(c: Cohort, old_state: dict, state: dict) -> tuple[str, int]:
    """Slide decks (``slides/``) and HTML handouts (``handouts/``) of the cohort's executed
    lecture notebooks with ``tools.present.export_all``; ``(status, number of files)``.

    Up to date (status "unchanged") when the notebooks, tools/present.py and its vendored
    assets are those of the last export and its files are untouched. Exported into a
    temporary folder first, then renamed into place. Decks go to the instructor pack only,
    handouts to both. Status "missing" when tools/present.py is not available (an older
    checkout): the packs then hold no decks or handouts.
    """
    try:
        from tools import present
        export_all = present.export_all
    except (ImportError, AttributeError):
        return "missing", 0
    nbs = sorted((c.folder / "notebooks").glob("*.ipynb"))
    src = Path(present.__file__).resolve()
    key = key_of("present", sha256_file(src),
                 *(f"{p.relative_to(src.parent).as_posix()}:{sha256_file(p)}"
                   for p in tree_files(src.parent / "vendor")),
                 *(f"{p.name}:{sha256_file(p)}" for p in nbs))
    subs = ("slides", "handouts")

    def current() -> dict[str, str]:
        return {p.relative_to(c.folder).as_posix(): sha256_file(p)
                for sub in subs for p in tree_files(c.folder / sub)}

    rec = old_state.get("exports")
    if isinstance(rec, dict) and rec.get("key") == key and rec.get("files") and rec["files"] == current():
        state["exports"] = rec
        return "unchanged", len(rec["files"])
    tmp = c.folder / f".export.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        export_all(tmp, nbs)
        for sub in subs:
            old = c.folder / f".{sub}.{os.getpid()}.old"
            if (c.folder / sub).exists():
                os.replace(c.folder / sub, old)
            if (tmp / sub).exists():
                os.replace(tmp / sub, c.folder / sub)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    files = current()
    state["exports"] = {"key": key, "files": files}
    return "built", len(files)


def _pack_members(c: Cohort, instructor: bool) -> list[tuple[str, Path]]:
    """(name in the zip, file) of a pack, sorted; the zip's top folder is the cohort name."""
    members: dict[str, Path] = {}
    for rel in PACK_CODE_FILES:
        if (ROOT / rel).is_file():
            members[rel] = ROOT / rel
    for d in PACK_CODE_DIRS:
        for p in tree_files(ROOT / d):
            members[p.relative_to(ROOT).as_posix()] = p
    outputs = TRAINEE_OUTPUTS + (INSTRUCTOR_OUTPUTS if instructor else ())
    for rel in outputs:
        base = c.folder / rel
        for p in tree_files(base):
            members[p.relative_to(c.folder).as_posix()] = p
    return sorted((f"{c.name}/{k}", v) for k, v in members.items())


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = ((0o755 if name.endswith("/course.py") else 0o644) << 16)
    return info


def members_key(members: list[tuple[str, Path]], extra: str = "") -> str:
    return key_of(extra, *(f"{n}:{sha256_file(p)}" for n, p in members))


def write_zip(path: Path, members: list[tuple[str, Path]], extra: dict[str, bytes] | None = None,
              base: Path | None = None) -> None:
    """Write a deterministic zip (fixed times, sorted names) via a temporary file + rename.

    ``base``: an existing zip copied first (its members kept) and ``members`` appended.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if base is not None:
            shutil.copyfile(base, tmp)
        with zipfile.ZipFile(tmp, "a" if base is not None else "w", compresslevel=6) as zf:
            for name, p in members:
                with open(p, "rb") as fh:
                    zf.writestr(_zipinfo(name), fh.read())
            for name, data in sorted((extra or {}).items()):
                zf.writestr(_zipinfo(name), data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def copy_docs(c: Cohort) -> list[Path]:
    from tools import agenda

    written = []
    for pattern in INSTRUCTOR_DOCS:
        for src in sorted((ROOT / "docs").glob(pattern)):
            dst = c.folder / "instructor" / src.name
            data = src.read_bytes()
            if not dst.is_file() or dst.read_bytes() != data:
                write_atomic(dst, data)
                written.append(dst)
    labels = c.labels
    roster = c.folder / "instructor" / "trainees.csv"
    if labels:
        text = "learner,pack\n" + "".join(f"{lb},packs/trainees/{lb}.zip\n" for lb in labels)
        if not roster.is_file() or roster.read_text(encoding="utf-8") != text:
            write_atomic(roster, text.encode("utf-8"))
            written.append(roster)
    elif roster.exists():
        roster.unlink()
    page = agenda.agenda_html(cohort=c.name, seed=c.seed, customers=c.customers).encode("utf-8")
    dst = c.folder / "agenda.html"
    if not dst.is_file() or dst.read_bytes() != page:
        write_atomic(dst, page)
        written.append(dst)
    return written


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------
def resolve(args) -> Cohort:
    """The cohort to build from the arguments and the folder's state (refusals raise UsageError)."""
    from course_utils import config

    folder = (args.out if args.out is not None else ROOT / "cohorts" / args.name).resolve()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out 指向一个文件而不是文件夹：{folder} / --out is a file, not a folder: {folder}")
    state = read_state(folder) if folder.is_dir() else {}
    had = (state.get("seed"), state.get("customers")) if state else (None, None)
    if had == (None, None) and (folder / "datasets" / "MANIFEST.json").is_file():
        man = config._manifest_defaults(folder / "datasets")
        had = man if man else (None, None)
    seed = args.seed if args.seed is not None else (had[0] if had[0] is not None else config.BUILTIN_SEED)
    customers = args.customers if args.customers is not None else \
        (had[1] if had[1] is not None else config.BUILTIN_CUSTOMERS)
    if had != (None, None) and (seed, customers) != tuple(had) and not args.force:
        raise UsageError(
            f"{folder} 已经用随机种子 {had[0]}、{had[1]:,} 位客户准备过；换数据请加 --force（会重建数据和所有笔记本）"
            f"，或用另一个 --name / {folder} was prepared with seed {had[0]} and {had[1]:,} customers; "
            "add --force to rebuild it with other data (data and every notebook), or use another --name")
    if folder.is_dir() and not state and any(folder.iterdir()) and not args.force:
        if not (folder / "datasets" / "MANIFEST.json").is_file():
            raise UsageError(f"{folder} 已存在且不是本期文件夹（没有 {STATE_FILE}）；请换一个 --out，或加 --force"
                             f" / {folder} exists and is not a cohort folder (no {STATE_FILE}); choose "
                             "another --out or add --force")
    trainees = args.trainees if args.trainees is not None else None
    return Cohort(args.name, int(seed), int(customers), folder, trainees=trainees, jobs=args.jobs,
                  force=args.force, progress=not args.no_progress, state=state)


def _bar(c: Cohort, total: float):
    from tqdm import tqdm

    return tqdm(total=max(total, 1e-6), disable=not c.progress, file=sys.stderr, leave=True,
                bar_format="{desc:<34.34}{percentage:3.0f}%|{bar:24}| 已用 elapsed {elapsed}，"
                           "还需约 remaining {remaining}")


def build(c: Cohort) -> int:
    """Make everything that is not up to date; print what was made. Exit code."""
    from tools import nbbuild

    t_start = time.perf_counter()
    measured = c.state.get("seconds", {}) if c.state.get("customers") == c.customers else {}
    print(f"[cohort] {c.name}: 随机种子 seed {c.seed}，{c.customers:,} 位客户 customers"
          f"{f'，{c.trainees} 位学员 trainees' if c.trainees else ''} → {c.folder}", flush=True)

    # 1. the dataset -------------------------------------------------------------------
    data_step = Step("datasets/MANIFEST.json", "dataset",
                     estimate=1.0 + 3.0 * c.customers / 5000)
    if dataset_ok(c.folder / "datasets", c.seed, c.customers):
        data_step.estimate = 0.0
    targets = _notebook_targets()
    exercises = [t for t in nbbuild.targets() if t.kind == "exercise"]
    n_exec = len(targets)
    est_nb = sum(_estimate(t.path.stem, c.customers, measured) for t in targets)
    minutes = (data_step.estimate + est_nb / c.jobs + 3.0 * 6 + 10) / 60
    print(f"[cohort] 预计约 {minutes:.1f} 分钟（机器空闲时；{n_exec} 个笔记本，{c.jobs} 个同时执行，已是最新的跳过）"
          f" / estimate about {minutes:.1f} min on an idle machine ({n_exec} notebooks, {c.jobs} at a "
          "time; up-to-date ones are skipped)", flush=True)

    bar = _bar(c, data_step.estimate + 1.0)
    bar.set_description_str("数据 dataset")
    t0 = time.perf_counter()
    try:
        data_step.status = make_dataset(c)
    except RuntimeError as exc:
        bar.close()
        return _fail(f"生成数据失败（{exc}）", f"generating the data failed ({exc})", 1)
    data_step.seconds = time.perf_counter() - t0
    bar.update(data_step.estimate)
    data_fp = sha256_file(c.folder / "datasets" / "MANIFEST.json")
    code_fp = code_fingerprint()

    # 2. notebooks ---------------------------------------------------------------------
    steps: list[Step] = [data_step]
    todo: list[Step] = []
    for t in targets + exercises:
        rel = t.path.relative_to(ROOT).as_posix()
        s = Step(rel, t.kind, key=notebook_key(c, t, code_fp, data_fp), target=t,
                 estimate=0.1 if t.kind == "exercise" else _estimate(t.path.stem, c.customers, measured))
        steps.append(s)
        if up_to_date(c.state, c.folder, rel, s.key):
            s.status = "unchanged"
        else:
            todo.append(s)
    pack_estimate = 4.0 + 4.0 * c.customers / 5000 + 0.3 * (c.trainees or 0)
    lectures = [s for s in steps if s.kind == "lecture"]
    if any(s in todo for s in lectures) or not c.state.get("exports"):
        pack_estimate += 3.0 * len(lectures)           # decks + handouts (tools/present.py)
    bar.total = bar.n + sum(s.estimate for s in todo) + pack_estimate
    bar.refresh()
    failed: list[Step] = []
    export_state: dict = {}
    export_future = None
    lecture_todo = {s.rel for s in todo if s.kind == "lecture"}
    with _env(COURSE_DATA_DIR=str(c.folder / "datasets"), COURSE_PROGRESS_FILE="off"), \
            ThreadPoolExecutor(max_workers=1) as side:
        # lectures first (the decks/handouts export needs them and then runs beside the
        # solutions), longest first within a kind: the workers finish closer together
        order = sorted(todo, key=lambda s: (s.kind != "lecture", -s.estimate))
        if not lecture_todo:
            export_future = side.submit(export_handouts, c, c.state, export_state)
        with ThreadPoolExecutor(max_workers=c.jobs) as pool:
            futures = {pool.submit(_timed, run_notebook, c, s): s for s in order}
            for fut in as_completed(futures):
                s = futures[fut]
                try:
                    s.seconds = fut.result()
                    s.status = "built"
                except Exception as exc:  # noqa: BLE001 - reported below, others go on
                    s.status, s.note = "failed", str(exc)
                    failed.append(s)
                lecture_todo.discard(s.rel)
                if not lecture_todo and export_future is None and not failed:
                    export_future = side.submit(export_handouts, c, c.state, export_state)
                bar.set_description_str(Path(s.rel).name)
                bar.update(s.estimate)
        export_error = None
        try:
            exported = export_future.result() if export_future is not None else ("missing", 0)
        except Exception as exc:  # noqa: BLE001 - named below, before any pack is written
            exported, export_error = ("missing", 0), exc
    state = {"version": STATE_VERSION, "name": c.name, "seed": c.seed, "customers": c.customers,
             "trainees": c.trainees, "dataset_manifest_sha256": data_fp,
             "outputs": {}, "seconds": dict(measured)}
    for s in steps[1:]:
        if s.status in ("built", "unchanged"):
            state["outputs"][s.rel] = {"key": s.key, "sha256": sha256_file(c.folder / s.rel)}
        if s.status == "built" and s.kind != "exercise":
            state["seconds"][Path(s.rel).stem] = round(s.seconds, 1)
    # keep the records of packs built before (checked below)
    for rel, rec in c.state.get("outputs", {}).items():
        if rel.startswith("packs/"):
            state["outputs"][rel] = rec
    if failed:
        bar.close()
        write_json_atomic(c.folder / STATE_FILE, state)
        for s in failed:
            print(f"错误：{s.rel} 执行失败 / Error: {s.rel} failed to execute:\n{s.note[-3000:]}",
                  file=sys.stderr)
        return _fail(f"{len(failed)} 个笔记本执行失败，未生成资料包", f"{len(failed)} notebook(s) failed; "
                     "no pack was written", 1)

    # 3. documents, agenda, handouts ---------------------------------------------------------
    bar.set_description_str("讲师文档 documents")
    docs = copy_docs(c)
    state.update(export_state)
    if export_error is not None:
        bar.close()
        write_json_atomic(c.folder / STATE_FILE, state)
        return _fail(f"导出幻灯片和讲义失败（{export_error}），未生成资料包",
                     f"exporting slides and handouts failed ({export_error}); no pack was written", 1)

    # 4. packs ---------------------------------------------------------------------------------
    bar.set_description_str("资料包 packs")
    trainee_members = _pack_members(c, instructor=False)
    instructor_members = _pack_members(c, instructor=True)
    in_trainee = set(trainee_members)
    only_instructor = [m for m in instructor_members if m not in in_trainee]
    packs: list[Step] = []
    trainee_zip = f"packs/{c.name}-trainee.zip"
    tkey = members_key(trainee_members, "trainee")
    packs.append(_pack(c, state, trainee_zip, tkey, lambda p: write_zip(p, trainee_members)))
    ikey = members_key(instructor_members, "instructor")
    packs.append(_pack(c, state, f"packs/{c.name}-instructor.zip", ikey,
                       lambda p: write_zip(p, only_instructor, base=c.folder / trainee_zip)))
    wanted = set()
    for label in c.labels:
        rel = f"packs/trainees/{label}.zip"
        wanted.add(rel)
        extra = {f"{c.name}/{LEARNER_FILE}": f"{label}\n".encode("utf-8")}
        packs.append(_pack(c, state, rel, key_of(tkey, label),
                           lambda p, extra=extra: write_zip(p, [], extra=extra,
                                                            base=c.folder / trainee_zip)))
    for old in sorted((c.folder / "packs" / "trainees").glob("*.zip")):
        rel = old.relative_to(c.folder).as_posix()
        if rel not in wanted:
            old.unlink()
            state["outputs"].pop(rel, None)
    for rel in list(state["outputs"]):
        if rel.startswith("packs/trainees/") and rel not in wanted:
            state["outputs"].pop(rel)
    bar.update(pack_estimate)
    bar.close()
    state_written = write_json_atomic(c.folder / STATE_FILE, state)

    # 5. report -------------------------------------------------------------------------------
    report(c, steps, docs, exported, packs, time.perf_counter() - t_start, state_written)
    return 0


def _timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def _pack(c: Cohort, state: dict, rel: str, key: str, make) -> Step:
    s = Step(rel, "pack", key=key)
    if up_to_date(state, c.folder, rel, key):
        s.status = "unchanged"
    else:
        t0 = time.perf_counter()
        make(c.folder / rel)
        s.seconds, s.status = time.perf_counter() - t0, "built"
    state["outputs"][rel] = {"key": key, "sha256": sha256_file(c.folder / rel)}
    return s


def _size(path: Path) -> str:
    n = path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in tree_files(path))
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def report(c: Cohort, steps: list[Step], docs: list[Path], exported: tuple[str, int], packs: list[Step],
           seconds: float, state_written: bool) -> None:
    word = {"built": "新建 built    ", "unchanged": "未变 unchanged"}
    print(f"[cohort] {c.folder}:")
    ds = steps[0]
    print(f"  {word[ds.status]}  datasets/  ({_size(c.folder / 'datasets')}, seed {c.seed}, "
          f"{c.customers:,} customers)")
    groups = {"lecture": "notebooks/", "solution": "solutions/", "exercise": "exercises/"}
    for kind, label in groups.items():
        group = [s for s in steps if s.kind == kind]
        built = [Path(s.rel).name for s in group if s.status == "built"]
        what = "executed" if kind != "exercise" else "clean"
        status = word["built"] if built else word["unchanged"]
        extra = f"; rebuilt: {', '.join(built)}" if built and len(built) < len(group) else ""
        print(f"  {status}  {label:<11} {len(group)} notebooks, {what}{extra}")
    print(f"  {word['built'] if docs else word['unchanged']}  instructor/ + agenda.html")
    status, n_files = exported
    if status == "missing":
        print("  -- (missing)    slides/ handouts/  tools/present.py not available: no decks or handouts")
    else:
        print(f"  {word[status]}  slides/ + handouts/  {n_files} files (decks: instructor pack only)")
    for s in packs[:2]:
        print(f"  {word[s.status]}  {s.rel}  ({_size(c.folder / s.rel)})")
    per = packs[2:]
    if per:
        built = sum(s.status == "built" for s in per)
        print(f"  {word['built'] if built else word['unchanged']}  packs/trainees/  {len(per)} per-trainee packs "
              f"({per[0].rel.rsplit('/', 1)[1]} … {per[-1].rel.rsplit('/', 1)[1]}; {built} written)")
    nothing = (all(s.status == "unchanged" for s in steps + packs) and not docs and not state_written
               and exported[0] != "built")
    print(f"[cohort] {'全部已是最新，未改动任何文件 / everything was up to date, nothing changed' if nothing else '完成 / done'}"
          f"（{seconds:.1f} 秒 / s）。学员资料包 trainee pack: {c.folder / packs[0].rel}", flush=True)


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        c = resolve(args)
        with _lock(c.folder):
            return build(c)
    except UsageError as exc:
        zh, en = str(exc).split(" / ", 1)
        return _fail(zh, en)
    except KeyboardInterrupt:
        return _fail("已取消（已完成的部分保留，重新运行会接着做）", "cancelled (finished parts are kept; "
                     "run again to continue)", 130)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
