"""`python -m course_utils generate`: never overwrites, atomic with a manifest, clear errors.

Every bad argument gives ONE line on stderr, Chinese first then English, exit code 2,
no traceback, and leaves nothing behind. A run that is killed or fails midway leaves no
folder with a valid manifest (the loader refuses such a folder).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course_utils import config, manifest
from course_utils.datagen import GENERATOR_VERSION, TABLES, write_bank
from course_utils.datagen import bank as bankmod
from course_utils.errors import CourseArgumentError, DataFileError

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(args, cwd=None, env_extra=None, timeout=180):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "course_utils", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=timeout)


def _snapshot(folder: Path) -> dict:
    """Name -> sha256 of every file below ``folder`` (also hidden ones)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_one_bilingual_line(r):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    zh, _, en = lines[0].partition(" / ")
    assert zh.startswith("错误") and CJK.search(zh), lines[0]
    assert en.startswith("Error:") and not CJK.search(en.split("(")[0]), lines[0]
    return lines[0]


# ---------------------------------------------------------------- the normal path
def test_generate_writes_a_new_folder_with_manifest(tmp_path):
    out = tmp_path / "nested" / "bank"
    r = _run(["generate", "--customers", "200", "--seed", "5", "--out", str(out), "--no-progress"])
    assert r.returncode == 0, r.stderr
    assert f"wrote {len(TABLES)} CSV files and MANIFEST.json" in r.stdout and "已写入" in r.stdout
    man = manifest.verify_folder(out)
    assert (man["seed"], man["n_customers"], man["generator_version"]) == (5, 200, GENERATOR_VERSION)
    assert sorted(man["files"]) == sorted(f"{t}.csv" for t in TABLES)
    assert sorted(p.name for p in out.iterdir()) == sorted([*man["files"], manifest.MANIFEST_NAME])
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"
    from course_utils.data import load_bank
    assert len(load_bank(out, tables=["customers"]).customers) == 200


def test_course_py_data_generate_still_works(tmp_path):
    # course.py runs the command in the repository root: an absolute --out keeps the test out of it
    r = subprocess.run([sys.executable, str(ROOT / "course.py"), "data", "generate", "--customers", "2000",
                        "--seed", "7", "--out", str(tmp_path / "my_data"), "--no-progress"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    man = manifest.verify_folder(tmp_path / "my_data")
    assert (man["seed"], man["n_customers"]) == (7, 2000)


# ---------------------------------------------------------------- never overwrite
def test_without_out_nothing_is_written_and_the_course_data_is_untouched(tmp_path):
    fake = tmp_path / "datasets"
    shutil.copytree(config.datasets_dir(), fake)
    before = _snapshot(fake)
    r = _run(["generate", "--customers", "300"], cwd=tmp_path, env_extra={"COURSE_DATA_DIR": str(fake)})
    line = _assert_one_bilingual_line(r)
    assert "--out" in line
    assert _snapshot(fake) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datasets"]


def test_existing_folder_is_refused_then_replaced_only_with_force(tmp_path):
    out = tmp_path / "datasets"
    assert _run(["generate", "--customers", "200", "--seed", "5", "--out", str(out), "--no-progress"]).returncode == 0
    (out / "README.md").write_text("数据字典 dictionary\n", encoding="utf-8")
    before = _snapshot(out)
    line = _assert_one_bilingual_line(_run(["generate", "--customers", "200", "--seed", "6", "--out", str(out)]))
    assert "--force" in line
    assert _snapshot(out) == before                          # untouched
    r = _run(["generate", "--customers", "200", "--seed", "6", "--out", str(out), "--force", "--no-progress"])
    assert r.returncode == 0, r.stderr
    assert manifest.verify_folder(out)["seed"] == 6
    assert (out / "README.md").read_text(encoding="utf-8") == "数据字典 dictionary\n"   # other files kept
    assert _snapshot(out)["customers.csv"] != before["customers.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datasets"]                # nothing aside left


def test_an_existing_empty_folder_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    write_bank(tmp_path / "empty", 120, seed=1, progress=False)
    assert manifest.verify_folder(tmp_path / "empty")["n_customers"] == 120


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("args, word", [
    (["--seed", "-1"], "--seed"),
    (["--seed", "1.5"], "--seed"),
    (["--customers", "abc"], "--customers"),
    (["--customers", "10"], "50"),
    (["--customers", "-5"], "50"),
    (["--customers", "10000000000"], "GB"),            # cannot fit in memory on any machine today
    (["--bogus"], "--bogus"),
])
def test_bad_arguments_one_bilingual_line(tmp_path, args, word):
    r = _run(["generate", *args, "--out", str(tmp_path / "bank")])
    assert word in _assert_one_bilingual_line(r)
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_or_under_a_file(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("x", encoding="utf-8")
    for out in (f, f / "bank"):
        line = _assert_one_bilingual_line(_run(["generate", "--customers", "100", "--out", str(out)]))
        assert str(f) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_out_in_a_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        _assert_one_bilingual_line(_run(["generate", "--customers", "100", "--out", str(ro / "bank")]))
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_write_bank_raises_bilingual_argument_errors(tmp_path):
    for kwargs in ({"seed": -3}, {"n_customers": 7}, {"n_customers": 10**10}):
        with pytest.raises(CourseArgumentError) as e:
            write_bank(tmp_path / "b", **{"n_customers": 100, "seed": 1, "progress": False, **kwargs})
        assert " / " in str(e.value) and "\n" not in str(e.value) and CJK.search(str(e.value).split(" / ")[0])
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- interrupted runs
def _folders_with_valid_manifest(parent: Path) -> list[Path]:
    good = []
    for p in parent.iterdir():
        if p.is_dir():
            try:
                if manifest.verify_folder(p) is not None:
                    good.append(p)
            except DataFileError:
                pass
    return good


@pytest.mark.parametrize("fail_at", ["write_table", "write_manifest"])
def test_failure_midway_leaves_nothing_that_loads(tmp_path, monkeypatch, fail_at):
    calls = {"n": 0}
    real = getattr(bankmod, fail_at)

    def broken(*a, **k):
        calls["n"] += 1
        if fail_at == "write_manifest" or calls["n"] == 4:
            raise OSError(28, "No space left on device (injected)")
        return real(*a, **k)

    monkeypatch.setattr(bankmod, fail_at, broken)
    with pytest.raises(OSError):
        write_bank(tmp_path / "bank", 150, seed=2, progress=False)
    assert list(tmp_path.iterdir()) == []                # temporary folder removed, no target


def test_failure_with_force_keeps_the_old_dataset(tmp_path, monkeypatch):
    out = tmp_path / "bank"
    write_bank(out, 150, seed=2, progress=False)
    before = _snapshot(out)

    def broken(*a, **k):
        raise OSError(28, "No space left on device (injected)")

    monkeypatch.setattr(bankmod, "write_manifest", broken)
    with pytest.raises(OSError):
        write_bank(out, 150, seed=3, progress=False, force=True)
    assert _snapshot(out) == before and manifest.verify_folder(out)["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank"]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL of a process group")
def test_killed_run_leaves_no_folder_with_a_valid_manifest(tmp_path):
    out = tmp_path / "bank"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "course_utils", "generate", "--customers", "40000", "--seed", "1",
                          "--out", str(out), "--no-progress"], cwd=ROOT, env=env, start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:            # wait until it is writing its temporary folder
            tmps = [d for d in tmp_path.glob(".bank.tmp-*") if (d / "customers.csv").is_file()]
            if tmps or p.poll() is not None:
                break
            time.sleep(0.05)
        assert p.poll() is None, "the run finished before it could be killed; use more customers"
        assert tmps, "no temporary folder appeared"
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    assert not out.exists()
    assert _folders_with_valid_manifest(tmp_path) == []
    for d in tmp_path.iterdir():                      # what is left is refused by the loader's check
        with pytest.raises(DataFileError):
            manifest.verify_folder(d)
    # the next run cleans the dead run's temporary folder up and succeeds
    write_bank(out, 100, seed=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank"]
    assert json.loads((out / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))["n_customers"] == 100
