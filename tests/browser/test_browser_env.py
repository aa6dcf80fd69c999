"""Fast checks of the browser suite's plumbing (no browser, no server needed).

* No browser -> a failure (never a skip), locally and in CI, with the message
  that says how to get one.
* Widget notebooks are discovered by their cell tag, so a later lecture is
  picked up without editing the suite.
* The deliberately broken copies leave the original notebook untouched.
* The suite's servers use the README commands' own command lines (course.py).
* Link resolution: relative links in notebooks, as the server root sees them.
"""
from __future__ import annotations

import nbformat
import nbformat.v4
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


def test_voila_command_is_the_app_command_loopback_token_codeless(tmp_path):
    """The suite's Voila runs course.app_argv + course.app_env (the real `app` path)."""
    import course

    cmd = course.app_argv(tmp_path / "x.ipynb", 8899, bk.VOILA_EXTRA)
    assert "--Voila.ip=127.0.0.1" in cmd and "--strip_sources=True" in cmd
    assert "--no-browser" in cmd and "--port=8899" in cmd and "--Voila.port_retries=0" in cmd
    assert "--Voila.auto_token=True" in cmd
    assert not any("tok" in a and "auto_token" not in a for a in cmd), cmd  # token not in argv
    assert course.app_env("tok", {})["JUPYTER_TOKEN"] == "tok"
    with pytest.raises(ValueError):
        course.app_env("", {})


@pytest.mark.parametrize("nb, link, expected", [
    ("notebooks/00_start.ipynb", "../exercises/L1_exercises.ipynb", "exercises/L1_exercises.ipynb"),
    ("notebooks/00_start.ipynb", "L1_overview.ipynb#三", "notebooks/L1_overview.ipynb"),
    ("notebooks/00_start.ipynb", "../datasets/README.md", "datasets/README.md"),
    ("notebooks/a.ipynb", "%E7%BB%83%E4%B9%A0.ipynb", "notebooks/练习.ipynb"),
    ("notebooks/a.ipynb", "/files/x.ipynb", "files/x.ipynb"),
    # served from notebooks/ (the old `lab` command): the exercises are above the root
    ("00_start.ipynb", "../exercises/L1_exercises.ipynb", bk.OUTSIDE_ROOT),
    ("notebooks/a.ipynb", "#section", None),
    ("notebooks/a.ipynb", "https://example.org/x.ipynb", None),
    ("notebooks/a.ipynb", "mailto:x@y.cn", None),
])
def test_resolve_link(nb, link, expected):
    assert bk.resolve_link(nb, link) == expected


def test_markdown_links_reads_cells_and_outputs(tmp_path):
    nb = _nb([[]])
    nb.cells.insert(0, nbformat.v4.new_markdown_cell('[讲义](L1.ipynb "title") <a href="x/y.md">y</a>'))
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/markdown": "| [练习](../exercises/L1.ipynb) |"},
        execution_count=1)]
    nb.cells[1].execution_count = 1
    fx.write(nb, tmp_path / "n.ipynb")
    assert bk.markdown_links(tmp_path / "n.ipynb") == ["L1.ipynb", "x/y.md", "../exercises/L1.ipynb"]


def test_copy_repo_leaves_out_git_venv_and_artifacts(tmp_path):
    src = tmp_path / "src"
    for rel in ("notebooks/a.ipynb", ".git/HEAD", ".venv/bin/python", "test-artifacts/x.png",
                "course_utils/__pycache__/m.pyc", "datasets/customers.csv"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("x")
    dst = bk.copy_repo(tmp_path / "dst", src)
    got = sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file())
    assert got == ["datasets/customers.csv", "notebooks/a.ipynb"]
