"""Fast checks of the browser suite's plumbing (no browser, no server needed).

* No browser -> a failure (never a skip), locally and in CI, with the message
  that says how to get one.
* Widget notebooks are discovered by their cell tag, so a later lecture is
  picked up without editing the suite.
* The deliberately broken copies leave the original notebook untouched.
"""
from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import browserkit as bk
import fixture_notebooks as fx


def _nowhere(name):
    return None


@pytest.mark.parametrize("ci", ["true", ""])
def test_missing_browser_fails_with_instructions(ci):
    env = {"CI": ci, "COURSE_CHROMIUM": "/nonexistent/chrome"}
    with pytest.raises(pytest.fail.Exception) as info:  # a failure, not pytest.skip
        bk.require_chromium(env, which=_nowhere)
    msg = str(info.value)
    assert "sudo apt-get install -y chromium chromium-driver" in msg
    assert "Google Chrome" in msg and "COURSE_CHROMIUM" in msg
    assert "/nonexistent/chrome" in msg  # says why the explicit path was not used
    assert msg.startswith("[CI]") == bool(ci)


def test_explicit_browser_path_wins(tmp_path):
    fake = tmp_path / "my-chrome"
    fake.write_text("")
    assert bk.find_chromium({"COURSE_CHROMIUM": str(fake)}, which=_nowhere) == str(fake)
    found = bk.find_chromium({}, which=lambda n: f"/opt/{n}" if n == "google-chrome" else None)
    assert found == "/opt/google-chrome"


def _nb(tags_per_cell):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [new_code_cell("x = 1", metadata={"tags": tags}) for tags in tags_per_cell]
    return nb


def test_discovery_by_tag_picks_up_new_lectures(tmp_path):
    fx.write(_nb([["parameters"], []]), tmp_path / "L1_exercises.ipynb")
    fx.write(_nb([[], [bk.WIDGET_TAG, "nbval-ignore-output"], [bk.WIDGET_TAG]]),
             tmp_path / "L9_exercises.ipynb")
    found = bk.discover_widget_notebooks(tmp_path)
    assert [p.name for p in found] == ["L9_exercises.ipynb"]
    assert bk.widget_cells(found[0]) == [1, 2]
    assert bk.discover_widget_notebooks(tmp_path / "missing") == []


@pytest.mark.parametrize("breakage", sorted(fx.BREAKAGES))
def test_broken_copy_injects_one_cell_and_keeps_original(breakage):
    original = fx.demo_notebook()
    before = nbformat.writes(original)
    broken = fx.broken_copy(original, breakage)
    assert nbformat.writes(original) == before
    assert len(broken.cells) == len(original.cells) + 1
    tagged = [i for i, c in enumerate(broken.cells) if bk.WIDGET_TAG in c.metadata.get("tags", [])]
    selftest = [i for i, c in enumerate(broken.cells)
                if "browser-selftest" in c.metadata.get("tags", [])]
    where = fx.BREAKAGES[breakage][0]
    assert selftest == [tagged[0] + 1] if where == "after" else [tagged[0] - 1]
    nbformat.validate(broken)


def test_voila_command_is_loopback_and_codeless(tmp_path):
    cmd = bk.voila_command(tmp_path / "x.ipynb", 8899, "tok")
    assert "--Voila.ip=127.0.0.1" in cmd and "--strip_sources=True" in cmd
    assert "--no-browser" in cmd and "--Voila.token=tok" in cmd
