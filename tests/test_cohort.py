"""``python3 course.py cohort`` (tools/cohort.py): one folder per cohort, packs, idempotent.

The slow tests build one small cohort (seed 7, 800 customers, 2 trainees) once for the module
and check: folder content and manifests, lecture notebooks executed on that data (a number in
an output equals the same number computed from the cohort's files), clean exercises, packs
without solutions or instructor notes, a per-trainee pack that loads its data without a path
and labels its progress log, an idempotent re-run that changes no byte, a refused seed.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools import cohort, nbbuild

ROOT = Path(__file__).resolve().parent.parent
SEED, N = 7, 800          # (at 600 customers the L5 solution's power search finds no design)
NAME = "t7"


def _run(args: list[str], timeout: int = 1500, **env) -> subprocess.CompletedProcess:
    e = dict(os.environ, PYTHONHASHSEED="0", **env)
    return subprocess.run([sys.executable, "-m", "tools.cohort", *args], cwd=ROOT, env=e,
                          capture_output=True, text=True, timeout=timeout)


def _one_bilingual_line(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("错误：") and " / Error: " in lines[0]
    return lines[0]


# ------------------------------------------------------------------ fast: arguments, helpers
@pytest.mark.parametrize("args, says", [
    ([], "--name"),
    (["--name", "a b"], "--name"),
    (["--name", "../x"], "--name"),
    (["--name", "ok", "--seed", "-3"], "--seed"),
    (["--name", "ok", "--seed", "abc"], "--seed"),
    (["--name", "ok", "--customers", "10"], "--customers"),
    (["--name", "ok", "--trainees", "0"], "--trainees"),
    (["--name", "ok", "--jobs", "99"], "--jobs"),
    (["--name", "ok", "--bogus"], "bogus"),
])
def test_bad_arguments_give_one_bilingual_line_and_exit_2(args, says, tmp_path):
    line = _one_bilingual_line(_run(args + ["--out", str(tmp_path / "c")] if args else args, timeout=120))
    assert says in line
    assert not (tmp_path / "c").exists()


def test_out_that_is_a_file_or_a_foreign_folder_is_refused(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    assert "--out" in _one_bilingual_line(_run(["--name", "ok", "--out", str(f)], timeout=120))
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    line = _one_bilingual_line(_run(["--name", "ok", "--out", str(foreign)], timeout=120))
    assert "--force" in line and sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_labels_and_zip_writing_are_deterministic_and_atomic(tmp_path):
    assert cohort.Cohort("c", 1, 100, tmp_path, trainees=12).labels[-1] == "c-12"
    assert cohort.Cohort("c", 1, 100, tmp_path, trainees=None).labels == []
    src = tmp_path / "a.txt"
    src.write_text("数据 data\n", encoding="utf-8")
    z1, z2 = tmp_path / "one.zip", tmp_path / "two.zip"
    cohort.write_zip(z1, [("c/a.txt", src)])
    os.utime(src, (1, 1))                                   # file times do not matter
    cohort.write_zip(z2, [("c/a.txt", src)])
    assert z1.read_bytes() == z2.read_bytes()
    cohort.write_zip(z2, [], extra={"c/COURSE_USER.txt": b"c-01\n"}, base=z1)
    with zipfile.ZipFile(z2) as zf:
        assert zf.namelist() == ["c/a.txt", "c/COURSE_USER.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "one.zip", "two.zip"]  # no temp left


def test_config_defaults_follow_the_manifest_of_the_data_folder(tmp_path):
    from course_utils import config

    assert (config.DEFAULT_SEED, config.DEFAULT_CUSTOMERS) == (2024, 5000)   # this repository
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"seed": 7, "n_customers": 800, "files": {}}))
    code = "from course_utils import config; print(config.DEFAULT_SEED, config.DEFAULT_CUSTOMERS)"
    env = dict(os.environ, COURSE_DATA_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["7", "800"], out.stderr
    (tmp_path / "MANIFEST.json").write_text("{broken")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["2024", "5000"], out.stderr


def test_progress_log_takes_the_learner_label_from_the_course_folder(tmp_path, monkeypatch):
    from course_utils import config
    from course_utils.exercises import progress

    log = tmp_path / "p.jsonl"
    monkeypatch.setattr(config, "REPO_ROOT", tmp_path)
    monkeypatch.delenv("COURSE_USER", raising=False)
    progress.turn_on(log)
    try:
        progress.record_progress("hint", "L1.demo", level=1)
        (tmp_path / "COURSE_USER.txt").write_text("\ufeffspring-07\n", encoding="utf-8")
        progress.record_progress("hint", "L1.demo", level=2)
        monkeypatch.setenv("COURSE_USER", "seat-3")                      # the variable wins
        progress.record_progress("hint", "L1.demo", level=3)
    finally:
        progress.turn_on()
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r.get("learner") for r in rows] == [None, "spring-07", "seat-3"]


# ------------------------------------------------------------------ slow: one real cohort
def _snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, cohort.sha256_file(p))
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cohort") / NAME
    r = _run(["--name", NAME, "--seed", str(SEED), "--customers", str(N), "--trainees", "2",
              "--out", str(folder)])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-5000:]
    return folder, r


def _texts(nb_path: Path) -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out = []
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            t = o.get("text") or o.get("data", {}).get("text/plain") or ""
            out.append("".join(t) if isinstance(t, list) else t)
    return "\n".join(out)


@pytest.mark.slow
def test_folder_holds_data_notebooks_documents_and_packs(built):
    folder, r = built
    from course_utils import manifest

    man = manifest.verify_folder(folder / "datasets")
    assert (man["seed"], man["n_customers"]) == (SEED, N)
    state = json.loads((folder / "cohort.json").read_text(encoding="utf-8"))
    assert (state["seed"], state["customers"], state["trainees"]) == (SEED, N, 2)
    for t in cohort._notebook_targets() + [t for t in nbbuild.targets() if t.kind == "exercise"]:
        rel = t.path.relative_to(ROOT).as_posix()
        assert (folder / rel).is_file(), rel
        assert state["outputs"][rel]["sha256"] == cohort.sha256_file(folder / rel)
    notes = sorted(p.name for p in (folder / "instructor").glob("INSTRUCTOR_NOTES_L*.md"))
    assert notes == sorted(p.name for p in (ROOT / "docs").glob("INSTRUCTOR_NOTES_L*.md")) and notes
    assert "t7" in (folder / "agenda.html").read_text(encoding="utf-8")
    assert (folder / "instructor" / "trainees.csv").read_text(encoding="utf-8").splitlines()[1:] == \
        ["t7-01,packs/trainees/t7-01.zip", "t7-02,packs/trainees/t7-02.zip"]
    for z in ("packs/t7-trainee.zip", "packs/t7-instructor.zip", "packs/trainees/t7-01.zip",
              "packs/trainees/t7-02.zip"):
        assert zipfile.ZipFile(folder / z).testzip() is None
    assert "预计" in r.stdout and "estimate" in r.stdout                    # the time estimate
    assert "t7-trainee.zip" in r.stdout and "solutions/" in r.stdout      # what it made


@pytest.mark.slow
def test_lecture_notebooks_show_the_cohorts_numbers(built):
    from course_utils import domain
    from course_utils.data import load_bank

    folder, _ = built
    customers = load_bank(folder / "datasets", tables=["customers"]).customers
    text = _texts(folder / "notebooks" / "L1_overview.ipynb")
    assert f"客户数：{N:,}" in text
    m = re.search(r"2023 年初在网 ([\d,]+) 人，当年流失 ([\d,]+) 人", text)
    assert m, text[:2000]
    base = customers[domain.year_start_base(customers, 2023)]
    churned = int((base["churn_date"].dt.year == 2023).sum())
    assert (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))) == (len(base), churned)
    repo = _texts(ROOT / "notebooks" / "L1_overview.ipynb")
    assert m.group(0) not in repo                          # not the committed 5,000-customer figure
    assert f"随机种子 SEED = {SEED}，客户数 N_CUSTOMERS = {N:,}" in _texts(folder / "notebooks" / "00_start.ipynb")
    for sub in ("notebooks", "solutions"):
        for p in (folder / sub).glob("*.ipynb"):
            nb = json.loads(p.read_text(encoding="utf-8"))
            code = [c for c in nb["cells"] if c["cell_type"] == "code"]
            assert code and all(c["execution_count"] for c in code), p.name      # really executed
            assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"], p.name


@pytest.mark.slow
def test_exercises_are_clean(built):
    folder, _ = built
    for p in sorted((folder / "exercises").glob("*.ipynb")):
        nb = json.loads(p.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), p.name
        src = "".join("".join(c["source"]) for c in code)
        assert "____" in src and "BEGIN SOLUTION" not in src


@pytest.mark.slow
def test_trainee_pack_is_a_course_folder_without_solutions_or_notes(built):
    folder, _ = built
    with zipfile.ZipFile(folder / "packs" / "t7-trainee.zip") as zf:
        names = zf.namelist()
        texts = [zf.read(n).decode("utf-8", "replace") for n in names
                 if n.endswith((".py", ".ipynb", ".md")) and not n.startswith("t7/tools/")]  # nbbuild docs
    assert all(n.startswith("t7/") for n in names)
    have = {n[len("t7/"):] for n in names}
    for must in ("course.py", "pyproject.toml", "README.md", "environment.yml", "requirements/lock.txt",
                 "course_utils/__init__.py", "course_utils/config.py", "datasets/MANIFEST.json",
                 "notebooks/00_start.ipynb", "notebooks/L1_overview.ipynb", "exercises/L1_exercises.ipynb",
                 "agenda.html", "dags/long_tail_activation.py"):
        assert must in have, must
    assert not [n for n in have if n.startswith(("solutions/", "instructor/", "src/", "tests/"))]
    assert not [n for n in have if "INSTRUCTOR" in n.upper() or "COURSE_USER" in n or "__pycache__" in n]
    assert not [t for t in texts if "# BEGIN SOLUTION" in t]
    with zipfile.ZipFile(folder / "packs" / "t7-instructor.zip") as zf:
        inames = set(zf.namelist())
    assert set(names) < inames
    assert "t7/solutions/L1_solutions.ipynb" in inames and "t7/instructor/INSTRUCTOR_NOTES_L2.md" in inames


@pytest.mark.slow
def test_per_trainee_pack_loads_its_data_without_a_path_and_labels_progress(built, tmp_path):
    folder, _ = built
    with zipfile.ZipFile(folder / "packs" / "trainees" / "t7-02.zip") as zf:
        zf.extractall(tmp_path)
        assert zf.read("t7/COURSE_USER.txt") == b"t7-02\n"
    course = tmp_path / "t7"
    code = ("import course_utils, json, os; from course_utils import config\n"
            "from course_utils.data import get_bank\n"
            "from course_utils.exercises import progress\n"
            "b = get_bank(config.DEFAULT_SEED, config.DEFAULT_CUSTOMERS)\n"
            "progress.record_progress('hint', 'L1.demo', level=1)\n"
            "print(json.dumps([course_utils.__file__, config.DEFAULT_SEED, len(b.customers)]))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_DATA_DIR", "COURSE_USER")}
    env.update(PYTHONPATH=str(course), COURSE_PROGRESS_FILE=str(tmp_path / "log.jsonl"))
    r = subprocess.run([sys.executable, "-c", code], cwd=course / "notebooks", env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    where, seed, n = json.loads(r.stdout.strip().splitlines()[-1])
    assert Path(where).resolve().is_relative_to(course.resolve())
    assert (seed, n) == (SEED, N)
    assert json.loads((tmp_path / "log.jsonl").read_text(encoding="utf-8"))["learner"] == "t7-02"


@pytest.mark.slow
def test_rerun_changes_nothing_and_only_a_missing_pack_is_made_again(built):
    folder, _ = built
    before = _snapshot(folder)
    r = _run(["--name", NAME, "--out", str(folder), "--trainees", "2", "--no-progress"], timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "nothing changed" in r.stdout, r.stdout
    assert _snapshot(folder) == before
    gone = folder / "packs" / "trainees" / "t7-01.zip"
    data = gone.read_bytes()
    gone.unlink()
    r = _run(["--name", NAME, "--out", str(folder), "--seed", str(SEED), "--trainees", "2", "--no-progress"],
             timeout=600)
    assert r.returncode == 0 and "1 written" in r.stdout, r.stdout + r.stderr[-2000:]
    assert gone.read_bytes() == data                                    # same bytes again
    after = _snapshot(folder)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"packs/trainees/t7-01.zip"}, changed


@pytest.mark.slow
def test_another_seed_in_the_same_folder_is_refused_without_force(built):
    folder, _ = built
    before = _snapshot(folder)
    line = _one_bilingual_line(_run(["--name", NAME, "--out", str(folder), "--seed", "8"], timeout=300))
    assert "--force" in line and "7" in line
    line = _one_bilingual_line(_run(["--name", NAME, "--out", str(folder), "--customers", "900"], timeout=300))
    assert "--force" in line
    assert _snapshot(folder) == before


def test_doctests_of_the_instructor_kit():
    import doctest

    from tools import agenda

    assert doctest.testmod(cohort).failed == 0
    assert doctest.testmod(agenda).failed == 0
