"""A rebuild never destroys a person's edits (tools/nbbuild.py, issue 8 section 4).

Every test works on a throwaway tree holding the fixture sources
(tests/fixtures/nbsrc) and covers all three output folders: notebooks/ (lecture),
exercises/ (clean exercise) and solutions/ (solution). Edits are made the way
Jupyter saves a notebook (nbformat.read -> change -> nbformat.write). Kernels
start only in the test marked ``notebooks``.
"""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from tools import nbbuild
from tools.nbbuild import BuildError

FIXTURES = Path(__file__).parent / "fixtures" / "nbsrc"
KINDS = ("lecture", "exercise", "solution")
WHEN = datetime(2026, 11, 30, 10, 15, 0)
STAMP = "20261130-101500"
NOTE = "我的笔记：流失率逐年上升 (my note)"


@pytest.fixture
def root(tmp_path):
    """A throwaway repo layout with the fixture sources under src/."""
    shutil.copytree(FIXTURES, tmp_path / "src")
    return tmp_path


def target(root, kind):
    return {t.kind: t for t in nbbuild.targets(root=root)}[kind]


def built(root, kind):
    """The target of ``kind``, built once without a kernel (as a trainee receives it)."""
    t = target(root, kind)
    w = nbbuild.build(t, run=False)
    assert w.changed and w.backup is None
    return t


def edit(path: Path, change) -> None:
    """Open, change and save a notebook the way Jupyter does."""
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def add_note(nb):
    nb.cells.append(nbformat.v4.new_markdown_cell(NOTE))


def answer(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[-1].source += "\n# 学员的答案 (trainee's answer)\nanswer = 42"


def change_source(root):
    """The author changes a prompt: every T1/T0 notebook's new build differs."""
    for src in (root / "src").rglob("*.py"):
        text = src.read_text(encoding="utf-8")
        src.write_text(text.replace("# %% [markdown]\n", "# %% [markdown]\n# 新版本。\n#\n", 1),
                       encoding="utf-8")


def backups(path: Path) -> list[Path]:
    return sorted((path.parent / nbbuild.BACKUP_DIR).glob("*.ipynb"))


# --- an edited notebook survives a rebuild -----------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", [add_note, answer])
def test_edited_notebook_is_backed_up_then_rebuilt(root, kind, how):
    t = built(root, kind)
    edit(t.path, how)
    edited = t.path.read_bytes()
    w = nbbuild.build(t, run=False, now=WHEN)
    assert w.changed and w.reason == "edited"
    assert w.backup == t.path.parent / "backups" / f"{t.path.stem}-{STAMP}.ipynb"
    assert backups(t.path) == [w.backup]
    assert w.backup.read_bytes() == edited  # the trainee's version, byte for byte
    assert ("我的笔记" if how is add_note else "学员的答案") in w.backup.read_text("utf-8")
    # The original place holds a fresh build again: a second rebuild is silent.
    assert "学员的答案" not in t.path.read_text("utf-8") and NOTE not in t.path.read_text("utf-8")
    again = nbbuild.build(t, run=False, now=WHEN)
    assert not again.changed and again.backup is None
    assert backups(t.path) == [w.backup]


@pytest.mark.parametrize("kind", KINDS)
def test_edit_kept_when_the_source_changed_too(root, kind):
    t = built(root, kind)
    edit(t.path, add_note)
    change_source(root)
    w = nbbuild.build(t, run=False, now=WHEN)
    assert w.reason == "edited" and NOTE in w.backup.read_text("utf-8")
    assert "新版本" in t.path.read_text("utf-8")


def test_build_command_says_where_in_chinese_and_english(root, capsys):
    for kind in KINDS:
        edit(built(root, kind).path, answer)
    assert nbbuild.main(["--root", str(root), "--no-execute"]) == 0
    out = capsys.readouterr().out
    for rel in ("notebooks/T0_demo", "exercises/T1_exercises", "solutions/T1_solutions"):
        [copy] = backups(root / f"{rel}.ipynb")
        shown = copy.relative_to(root).as_posix()
        assert f"{rel}.ipynb 自上次构建以来被修改过：你的版本已备份 (backup) 到 {shown}" in out
        assert f"{rel}.ipynb was edited since the last build: your version was kept in {shown}" \
            in out
        assert f"{rel}.ipynb -> {shown}" in out  # the summary at the end
    assert "3 个修改过的笔记本已备份 / 3 edited notebook(s) kept" in out


# --- an unedited notebook is rebuilt silently ---------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_unedited_notebook_is_rebuilt_silently(root, kind, capsys):
    t = built(root, kind)
    change_source(root)
    assert nbbuild.main(["--root", str(root), "--no-execute"]) == 0
    out = capsys.readouterr().out
    assert "新版本" in t.path.read_text("utf-8")
    assert not (t.path.parent / "backups").exists()
    assert "backup" not in out and "备份" not in out


@pytest.mark.parametrize("kind", KINDS)
def test_running_a_notebook_is_not_an_edit(root, kind):
    """Outputs, execution counts and metadata a kernel or Jupyter adds do not count."""
    t = built(root, kind)

    def run(nb):
        nb.metadata["widgets"] = {"state": {}}
        nb.metadata["language_info"]["version"] = "3.11.9"
        for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            cell.execution_count = i + 1
            cell.outputs = [nbformat.v4.new_output("stream", text="ran\n")]
            cell.metadata["execution"] = {"iopub.status.busy": "2026-11-30T10:00:00Z"}
            cell.metadata["scrolled"] = True

    edit(t.path, run)
    change_source(root)
    w = nbbuild.build(t, run=False, now=WHEN)
    assert w.changed and w.backup is None
    assert "ran\n" not in t.path.read_text("utf-8")


# --- notebooks without a (valid) record -------------------------------------------------
def strip_record(nb):
    nb.metadata.pop(nbbuild.RECORD_KEY)


@pytest.mark.parametrize("kind", KINDS)
def test_no_record_and_same_cells_is_not_an_edit(root, kind):
    """An older checkout: committed notebooks without a record that match the build."""
    t = built(root, kind)
    edit(t.path, strip_record)
    w = nbbuild.build(t, run=False, now=WHEN)
    assert w.changed and w.backup is None
    assert nbbuild.recorded_fingerprint(json.loads(t.path.read_text("utf-8")))


@pytest.mark.parametrize("kind", KINDS)
def test_no_record_and_different_cells_is_kept(root, kind):
    t = built(root, kind)
    edit(t.path, lambda nb: (strip_record(nb), add_note(nb)))
    w = nbbuild.build(t, run=False, now=WHEN)
    assert w.reason == "unrecorded" and NOTE in w.backup.read_text("utf-8")
    assert "没有构建记录" in w.message() and "no build record" in w.message()


@pytest.mark.parametrize("junk", [b"{not json", b"[]", b'{"cells": [1, 2]}',
                                  "中文\n".encode("gbk"), b""])
def test_unreadable_notebook_is_kept(root, junk):
    t = built(root, "exercise")
    t.path.write_bytes(junk)
    w = nbbuild.build(t, run=False, now=WHEN)
    assert w.reason == "unreadable" and w.backup.read_bytes() == junk
    assert "无法作为笔记本读取" in w.message() and "cannot be read as a notebook" in w.message()


def test_tampered_record_counts_as_edited(root):
    t = built(root, "exercise")
    edit(t.path, lambda nb: nb.metadata.__setitem__(nbbuild.RECORD_KEY, {"cells_sha256": "0"}))
    change_source(root)
    assert nbbuild.build(t, run=False, now=WHEN).reason == "edited"


# --- backups: never overwritten, never taken for course notebooks --------------------------
def test_backups_never_overwrite_each_other(root):
    t = built(root, "exercise")
    texts = []
    for i in range(3):
        edit(t.path, lambda nb, i=i: nb.cells.append(nbformat.v4.new_markdown_cell(f"笔记 {i}")))
        texts.append(t.path.read_bytes())
        nbbuild.build(t, run=False, now=WHEN)  # the same second each time
    names = [f"T1_exercises-{STAMP}{s}.ipynb" for s in ("", "-2", "-3")]
    assert sorted(p.name for p in backups(t.path)) == sorted(names)
    assert [(t.path.parent / "backups" / n).read_bytes() for n in names] == texts


def test_backups_are_not_course_notebooks(root):
    for kind in KINDS:
        edit(built(root, kind).path, add_note)
        nbbuild.build(target(root, kind), run=False, now=WHEN)
        assert len(backups(target(root, kind).path)) == 1
    # --check and the orphan scan look at folder/*.ipynb only (as the tests do).
    assert nbbuild.check_all(root=root) == []
    for folder in ("notebooks", "exercises", "solutions"):
        assert [p.parent.name for p in (root / folder).glob("*.ipynb")] == [folder]
    assert not list(root.rglob("*.tmp"))  # no temporary file left behind


# --- --check ---------------------------------------------------------------------------
def test_check_ignores_the_record_and_still_detects_staleness(root):
    for kind in KINDS:
        built(root, kind)
    assert nbbuild.check_all(root=root) == []  # the record itself is never a problem
    change_source(root)
    problems = nbbuild.check_all(root=root)
    assert len(problems) == 3 and all("cell 0 differs" in p for p in problems)
    assert not any("edited by hand" in p for p in problems)


def test_check_says_when_a_notebook_was_edited_by_hand(root):
    t = built(root, "exercise")
    edit(t.path, answer)
    problems = nbbuild.check_target(t)
    assert any("differs from" in p for p in problems)
    assert any("edited by hand since it was built" in p and "exercises/backups" in p
               for p in problems)
    assert not t.path.with_name("backups").exists()  # --check never writes


# --- nothing is touched when the build cannot finish --------------------------------------
def test_failed_source_leaves_the_edited_notebook_alone(root):
    t = built(root, "exercise")
    edit(t.path, answer)
    before = t.path.read_bytes()
    t.source.write_text(t.source.read_text("utf-8") + "\n# BEGIN SOLUTION\n", encoding="utf-8")
    assert nbbuild.main(["--root", str(root), "--only", "T1", "--no-execute"]) == 2
    assert t.path.read_bytes() == before and not backups(t.path)


def test_failed_execution_leaves_the_edited_notebook_alone(root, monkeypatch):
    t = built(root, "lecture")
    edit(t.path, answer)
    before = t.path.read_bytes()

    def fail(*a, **k):
        raise BuildError("T0_demo.ipynb: execution failed: ZeroDivisionError")
    monkeypatch.setattr(nbbuild, "execute", fail)
    with pytest.raises(BuildError):
        nbbuild.build(t, run=True, now=WHEN)
    assert t.path.read_bytes() == before and not backups(t.path)


def test_failed_backup_leaves_the_notebook_alone(root, monkeypatch):
    t = built(root, "exercise")
    edit(t.path, answer)
    before = t.path.read_bytes()

    def full_disk(path, now=None):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(nbbuild, "back_up", full_disk)
    with pytest.raises(BuildError, match="could not back up .*No space left.*left unchanged"):
        nbbuild.build(t, run=False, now=WHEN)
    assert t.path.read_bytes() == before


def test_failed_write_leaves_the_notebook_alone(root, monkeypatch):
    t = built(root, "exercise")
    edit(t.path, answer)
    before = t.path.read_bytes()

    def locked(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))
    monkeypatch.setattr(nbbuild.os, "replace", locked)
    with pytest.raises(BuildError, match="could not write .*left unchanged; your version is "
                                         "also in .*backups"):
        nbbuild.build(t, run=False, now=WHEN)
    assert t.path.read_bytes() == before and len(backups(t.path)) == 1
    assert not list(root.rglob("*.tmp"))


# --- byte-identical rebuilds ------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_record_keeps_rebuilds_byte_identical(root, kind):
    t = built(root, kind)
    first = t.path.read_bytes()
    assert not nbbuild.build(t, run=False).changed and t.path.read_bytes() == first
    nb = json.loads(first)
    assert nb["metadata"][nbbuild.RECORD_KEY] == {"cells_sha256": nbbuild.cells_fingerprint(nb)}


def test_crlf_checkout_is_left_alone(root):
    t = built(root, "exercise")
    crlf = t.path.read_bytes().replace(b"\n", b"\r\n")
    t.path.write_bytes(crlf)
    w = nbbuild.build(t, run=False)
    assert not w.changed and w.backup is None and t.path.read_bytes() == crlf


def test_help_documents_the_backups(capsys):
    with pytest.raises(SystemExit):
        nbbuild.main(["--help"])
    out = capsys.readouterr().out
    assert "exercises/backups/L1_exercises-20261130-101500.ipynb" in out and "备份" in out


# --- with a kernel: an executed lecture notebook --------------------------------------------
@pytest.mark.notebooks
def test_executed_rebuild_keeps_the_trainees_notes(root):
    t = target(root, "lecture")
    assert nbbuild.build(t).changed
    edit(t.path, add_note)
    w = nbbuild.build(t, now=WHEN)
    assert w.reason == "edited" and NOTE in w.backup.read_text("utf-8")
    nb = nbformat.read(t.path, as_version=4)
    assert NOTE not in "".join(c.source for c in nb.cells)
    assert any(o.get("output_type") == "display_data" for c in nb.cells
               for o in c.get("outputs", []))  # executed again
    assert not nbbuild.build(t).changed  # and byte-identical afterwards
